"""What one fuzz case did, and whether that is a failure by the protocol's measure.

A failure is a server error (HTTP 5xx), a reply that shows a traceback or an exception
message, or (socket.io) a reply delivered into a session the sender does not hold. A refusal
(4xx, 429 included, or a socket.io connection turned away) is an answer, not a failure; 429s
are counted on their own because they show the rate limits at work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# What a Python traceback or an unhandled exception's message looks like in a reply.
TRACEBACK_PATTERNS = (
    re.compile(r"Traceback \(most recent call last\)"),
    re.compile(r'File "[^"\n]{1,300}", line \d+'),
    re.compile(r"\b[\w.]*(?:Error|Exception):"),  # "KeyError: 'x'", and a bare "Error:"
)
# A status code inside a socket.io client's connection error ("Unexpected status code 500 ...").
STATUS_IN_ERROR = re.compile(r"status code (\d{3})")


def traceback_in(reply: str, sent: str = "") -> str:
    """The part of ``reply`` that looks like a traceback, or "" (echoes of ``sent`` excluded)."""
    for pattern in TRACEBACK_PATTERNS:
        for match in pattern.finditer(reply):
            if match.group(0) not in sent:
                return match.group(0)
    return ""


def status_from_error(error: str) -> int | None:
    """The HTTP status a socket.io handshake failed with, when the client's error names one."""
    match = STATUS_IN_ERROR.search(error)
    return int(match.group(1)) if match else None


@dataclass
class Outcome:
    kind: str
    channel: str  # "rest" or "socketio"
    ms: float
    status: int | None = None  # HTTP status (REST; socket.io only when the handshake failed)
    replies: list[str] = field(default_factory=list)  # bodies (REST) or bot_uttered payloads
    sent: str = ""  # the message text, so an echo of it is not a finding
    sender: str = ""  # the conversation (REST sender, socket.io session) it was for
    error: str = ""  # what the client saw instead of an answer
    retry_after: str | None = None  # the Retry-After header of a 429
    refused: bool = False  # socket.io: the connection was turned away
    disconnected: bool = False  # socket.io: the server closed the connection
    leaked: bool = False  # socket.io: a reply reached a session the sender does not hold

    @property
    def server_error(self) -> bool:
        return self.status is not None and self.status >= 500

    @property
    def limited(self) -> bool:
        return self.status == 429

    @property
    def traceback(self) -> str:
        for reply in self.replies:
            if found := traceback_in(reply, self.sent):
                return found
        return ""

    @property
    def failed(self) -> bool:
        return self.server_error or bool(self.traceback) or self.leaked

    @property
    def unanswered(self) -> bool:
        """REST: no HTTP answer at all (connection closed or timed out); not counted as a 5xx,
        but reported, since a student's browser sees it as an error too."""
        return self.channel == "rest" and self.status is None


def failures(outcomes: Iterable[Outcome]) -> list[Outcome]:
    return [outcome for outcome in outcomes if outcome.failed]
