"""`make eval`: how well the assistant understands, measured against issue 5's targets.

Run as ``.venv/rasa/bin/python -m evaluation`` from the repository root (the Makefile's
``eval`` target does). Everything it writes, trained models included, goes under
``reports/eval/``; ``models/enrollment.tar.gz`` is never touched.
"""
