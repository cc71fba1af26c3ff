"""Exceptions the servers logged while the fuzz ran.

Rasa's REST channel catches an exception in message handling, logs it and answers 200 with
whatever was said so far, and a socket.io handler's exception only reaches the log: neither
shows as a 5xx. The logs are where those show, so the report lists them beside the replies.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TRACEBACK_START = "Traceback (most recent call last):"


def size(path: Path) -> int:
    """Where the log ends now: the offset to read new lines from later."""
    return path.stat().st_size if path.exists() else 0


def exceptions_since(path: Path, offset: int = 0) -> list[str]:
    """The exception line ("KeyError: 'x'") ending each traceback logged after ``offset``."""
    if not path.exists():
        return []
    with path.open("rb") as log:
        log.seek(offset)
        lines = log.read().decode("utf-8", errors="replace").splitlines()
    found, inside = [], False
    for line in lines:
        if TRACEBACK_START in line:
            inside = True
            continue
        if inside and line.strip() and not line.startswith((" ", "\t")):
            if line.startswith(("During handling", "The above exception")):
                continue
            found.append(line.strip()[:200])
            inside = False
    return found


def summary(exceptions: list[str], top: int = 10) -> list[tuple[str, int]]:
    """The most frequent exception lines and their counts."""
    return Counter(exceptions).most_common(top)
