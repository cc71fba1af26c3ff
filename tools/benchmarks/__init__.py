"""`make bench`: how fast the assistant answers and how far it scales, against the speed targets.

Run as `.venv/rasa/bin/python -m tools.benchmarks`; settings come from BENCH_* variables
(tools/benchmarks/config.py, docs/benchmarks.md); output goes to reports/bench/.
"""
