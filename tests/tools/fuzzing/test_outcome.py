"""What counts as a failure: 5xx, a traceback shown to the user, a reply in someone else's
session."""

from __future__ import annotations

import pytest

from tools.fuzzing.outcome import Outcome, failures, status_from_error, traceback_in

ORDINARY_REPLIES = (
    '[{"recipient_id": "a", "text": "Tuition for Computer Science is $3,920 per term."}]',
    '[{"recipient_id": "a", '
    '"text": "Sorry, that time has just been taken. Please pick another one."}]',
    '{"description": "Bad Request", "status": 400, "message": "Failed when parsing body as json"}',
    '[{"recipient_id": "a", "text": "Sorry, I can\'t help with that error in your application."}]',
    "Payload Too Large",
)


@pytest.mark.parametrize(
    "reply",
    [
        "Traceback (most recent call last):\n"
        '  File "/srv/x.py", line 3, in f\n'
        "KeyError: 'sender'",
        '500: File "/work/.venv/lib/python3.10/site-packages/rasa/core/channels/rest.py", line 73',
        "AttributeError: 'list' object has no attribute 'get'",
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked",
        "Error: something broke",
    ],
)
def test_tracebacks_and_exception_messages_are_found(reply: str) -> None:
    assert traceback_in(reply)


@pytest.mark.parametrize("reply", ORDINARY_REPLIES)
def test_ordinary_replies_and_refusals_are_not(reply: str) -> None:
    assert traceback_in(reply) == ""


def test_an_echo_of_what_the_visitor_typed_is_not_a_finding() -> None:
    sent = "my name is KeyError: boom"
    assert traceback_in("Thanks, my name is KeyError: boom!", sent) == ""
    assert traceback_in("ValueError: invalid literal", sent) == "ValueError:"


def test_status_in_a_socketio_handshake_error() -> None:
    assert status_from_error("Unexpected status code 500 in server response") == 500
    assert status_from_error("Connection error") is None


def test_failures_are_5xx_tracebacks_and_leaks_never_refusals() -> None:
    refused = [Outcome("k", "rest", 1.0, status=status) for status in (400, 413, 415, 422, 429)]
    answered = Outcome("k", "rest", 1.0, status=200, replies=[ORDINARY_REPLIES[0]])
    server_error = Outcome("k", "rest", 1.0, status=502)
    shown = Outcome("k", "rest", 1.0, status=200, replies=["Traceback (most recent call last):"])
    leaked = Outcome("k", "socketio", 1.0, leaked=True)
    silent = Outcome("k", "socketio", 1.0, error="no reply")
    assert failures([*refused, answered, server_error, shown, leaked, silent]) == [
        server_error,
        shown,
        leaked,
    ]
    assert refused[-1].limited and not refused[0].limited


def test_no_http_answer_is_reported_apart_from_5xx() -> None:
    closed = Outcome("k", "rest", 1.0, error="ServerDisconnectedError")
    assert closed.unanswered and not closed.server_error
    assert not Outcome("k", "socketio", 1.0, error="no reply").unanswered
