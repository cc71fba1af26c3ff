"""Exceptions in the servers' logs, from where the run started."""

from __future__ import annotations

from pathlib import Path

from tools.fuzzing.server_logs import exceptions_since, size, summary

STARTUP = "2026-12-01 10:00:00 INFO rasa.core  - Rasa server is up and running.\n"
TRACEBACK = """2026-12-01 10:00:05 ERROR rasa.core.channels.rest  - rest.message.received.failure
Traceback (most recent call last):
  File "/srv/rasa/core/channels/rest.py", line 73, in receive
    sender_id = await self._extract_sender(request)
AttributeError: 'list' object has no attribute 'get'
"""
CHAINED = """Traceback (most recent call last):
  File "a.py", line 1, in f
KeyError: 'x'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "b.py", line 2, in g
ValueError: bad
"""


def test_exceptions_after_the_offset_only(tmp_path: Path) -> None:
    log = tmp_path / "rasa.log"
    log.write_text(TRACEBACK)  # a start-up failure that is not the fuzz's
    offset = size(log)
    with log.open("a") as out:
        out.write(STARTUP + TRACEBACK + TRACEBACK + CHAINED)
    found = exceptions_since(log, offset)
    assert found == ["AttributeError: 'list' object has no attribute 'get'"] * 2 + [
        "KeyError: 'x'",
        "ValueError: bad",
    ]
    assert summary(found)[0] == ("AttributeError: 'list' object has no attribute 'get'", 2)


def test_a_missing_log_has_nothing(tmp_path: Path) -> None:
    assert exceptions_since(tmp_path / "none.log") == [] and size(tmp_path / "none.log") == 0
