# `make eval`: understanding quality against issue 5's targets, written to reports/eval/
# (SUMMARY.md first). Included from the Makefile, which defines setup, RASA and RASA_PY.
# Trains its own models under reports/eval/models and never touches models/. A full run takes about 50 minutes on 2 cores; for a smoke run of the pipeline
# (numbers not meaningful): EVAL_FOLDS=2 EVAL_EPOCHS_SCALE=0.1 make eval

.PHONY: eval

eval: setup
	RASA=$(RASA) $(RASA_PY) -m evaluation
