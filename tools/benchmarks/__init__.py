"""`make bench`: how fast the assistant answers and how far it scales, against issue 6's targets.

Run as `.venv/rasa/bin/python -m benchmarks`; settings come from BENCH_* variables
(benchmarks/config.py, README "Benchmark"); output goes to reports/bench/.
"""
