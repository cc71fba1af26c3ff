"""`make eval`: how well the assistant understands, and at what cost, measured against the quality
targets for three configs side by side: ours (config.yml), previous
(tools/evaluation/previous_config.yml, the pipeline before the sentence encoder) and Rasa's default
(tools/evaluation/default_config.yml).

Run as ``.venv/rasa/bin/python -m tools.evaluation`` from the repository root (the Makefile's
``eval`` target does). Everything it writes, trained models included, goes under
``reports/eval/``; ``models/enrollment.tar.gz`` is never touched.
"""
