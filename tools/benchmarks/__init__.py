"""`make bench`: how fast the assistant answers and how far it scales, against the speed targets
and beside two peers (Rasa's default config on our data, and the `rasa init` assistant).

Run as `.venv/rasa/bin/python -m tools.benchmarks`; settings come from BENCH_* variables
(tools/benchmarks/config.py, docs/benchmarks.md); output goes to reports/bench/.
"""
