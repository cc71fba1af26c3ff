# `make eval`: understanding quality and cost against issue 16's targets, for three configs
# side by side (ours = config.yml, previous = evaluation/previous_config.yml, default =
# evaluation/default_config.yml), written to reports/eval/ (SUMMARY.md first). Included from
# the Makefile, which defines setup, RASA and RASA_PY. Trains its own models under
# reports/eval/models and never touches models/. A full run took 71 minutes on 2 cores
# (2026-11-30); for a smoke run
# of the pipeline (numbers not meaningful): EVAL_FOLDS=2 EVAL_EPOCHS_SCALE=0.1 make eval

.PHONY: eval

eval: setup
	RASA=$(RASA) $(RASA_PY) -m evaluation
