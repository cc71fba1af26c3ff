"""`make fuzz`: thousands of hostile messages against the running servers, and what they did.

Run as `.venv/rasa/bin/python -m tools.fuzzing`; settings come from FUZZ_* variables
(tools/fuzzing/config.py, docs/fuzzing.md); output goes to reports/fuzz/. The servers are started
by the end-to-end tests' own harness (tools/servers.py), as for `make bench`.
"""
