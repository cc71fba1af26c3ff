# `make fuzz`: issue 17's hostile-input run (10,000 generated messages over REST and socket.io,
# a 30,000-character message, a 120-message burst from one sender) against freshly started
# servers, into reports/fuzz/. Included from the Makefile, which defines setup, MODEL and RASA_PY.
# The servers get their own throw-away program database, so `make db` is not needed.
# FUZZ_* variables (README "Fuzzing") make it smaller, e.g. FUZZ_MESSAGES=1000 FUZZ_VISITOR_SECONDS=10.

.PHONY: fuzz

# Under nice, as `make bench`: the machine is shared.
fuzz: setup $(MODEL)
	nice -n 5 $(RASA_PY) -m fuzzing
