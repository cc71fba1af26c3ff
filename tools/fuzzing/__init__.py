"""`make fuzz`: thousands of hostile messages against the running servers, and what they did.

Run as `.venv/rasa/bin/python -m fuzzing`; settings come from FUZZ_* variables
(fuzzing/config.py, README "Fuzzing"); output goes to reports/fuzz/. The servers are started
by the end-to-end tests' own harness (tests/e2e/servers.py), as for `make bench`.
"""
