# `make bench` (latency, throughput, memory, training time against issue 6's targets, into
# reports/bench/) and the scaled-out set-up on loopback (`make cluster` / `make cluster-down`).
# Included from the Makefile, which defines setup, MODEL, RASA_VENV and RASA_PY.
# A full `make bench` takes about 30 minutes on 2 cores; BENCH_* variables (README
# "Benchmark") make it shorter, e.g. BENCH_SKIP_TRAINING=1 BENCH_TURNS=100 BENCH_SOAK_MESSAGES=500.

.PHONY: bench cluster cluster-down cluster-status nginx

# py-spy profiles the servers during `make bench`; a benchmark tool, so it is installed into
# the Rasa environment here rather than locked with the project's requirements.
PY_SPY_VERSION := 0.4.3
PY_SPY := $(RASA_VENV)/bin/py-spy

$(PY_SPY): $(RASA_VENV)/.installed
	$(RASA_PY) -m pip install --quiet --disable-pip-version-check py-spy==$(PY_SPY_VERSION)
	touch $@

# Debian's nginx for the scaled-out set-up (needs root or sudo the first time).
nginx:
	scripts/install-nginx

# Everything runs under nice: the machine is shared. Without nginx, PostgreSQL or Redis the
# scaled-out part is skipped with the reason in the report.
bench: setup $(MODEL) $(PY_SPY)
	-scripts/install-nginx
	nice -n 5 $(RASA_PY) -m benchmarks

cluster: setup $(MODEL) nginx
	$(RASA_PY) -m deploy.cluster up

cluster-down:
	$(RASA_PY) -m deploy.cluster down

cluster-status:
	$(RASA_PY) -m deploy.cluster status
