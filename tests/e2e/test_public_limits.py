"""The limits on the public channels, small, through real servers: a `make fuzz` in brief.

These servers are the module's own: the limits are set explicitly here (the channels' defaults
for length, request size and per-sender rate), except the per-address rate, which is generous
because every request of the test run comes from 127.0.0.1. The "other visitor" of the burst
test sends from 127.0.0.2, another address to the server (Linux routes all of 127/8 to lo).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.settings import REPO_ROOT
from tools.fuzzing import cases, driver, report, socketio_client
from tools.fuzzing.outcome import traceback_in
from tools.fuzzing.servers import ConfiguredServers
from tools.fuzzing.socketio_client import Listener
from tools.servers import MODEL, text_of

MAX_MESSAGE_CHARS = 1000
MAX_REQUEST_BYTES = 65536
PER_SENDER = 20
ORIGIN = "http://localhost:8000"
LIMITS = {
    "MAX_MESSAGE_CHARS": str(MAX_MESSAGE_CHARS),
    "MAX_REQUEST_BYTES": str(MAX_REQUEST_BYTES),
    "RATE_LIMIT_PER_SENDER": f"{PER_SENDER}/minute",
    "RATE_LIMIT_PER_ADDRESS": "100000/minute",
    "RASA_CORS_ORIGINS": ORIGIN,
}
SAMPLE_PER_KIND = 200
QUESTION = "how much is tuition for computer science?"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConfiguredServers]:
    model = Path(os.environ.get("E2E_MODEL") or MODEL)
    if not model.exists():
        pytest.fail(f"{model} is missing: run `make train` (make test does it) first")
    running = ConfiguredServers(
        workdir=Path(tmp_path_factory.mktemp("limited")), model=model, settings=LIMITS
    )
    running.seed_database()
    try:
        running.start_action_server()
        running.start_rasa()
        yield running
    finally:
        running.stop_all()


def new_sender(prefix: str = "limits") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def post(
    servers: ConfiguredServers,
    body: bytes,
    content_type: str | None = "application/json",
    source: str = "127.0.0.1",
) -> tuple[requests.Response, float]:
    """One raw POST to the REST webhook from ``source``; the response and its time in seconds."""
    with requests.Session() as session:
        session.mount("http://", SourceAddressAdapter(source))
        headers = {"Content-Type": content_type} if content_type else {}
        request = requests.Request(
            "POST", f"{servers.rasa_url}/webhooks/rest/webhook", data=body, headers=headers
        )
        prepared = session.prepare_request(request)
        if content_type is None:
            prepared.headers.pop("Content-Type", None)
        started = time.perf_counter()
        response = session.send(prepared, timeout=60)
        return response, time.perf_counter() - started


class SourceAddressAdapter(requests.adapters.HTTPAdapter):
    """Connections from a chosen local address (requests' own adapter, with urllib3's option)."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def say(
    servers: ConfiguredServers, sender: str, message: Any, source: str = "127.0.0.1"
) -> tuple[requests.Response, float]:
    return post(servers, json.dumps({"sender": sender, "message": message}).encode(), source=source)


def user_texts(servers: ConfiguredServers, sender: str) -> list[str]:
    return [
        event.get("text") or ""
        for event in servers.tracker(sender)["events"]
        if event["event"] == "user"
    ]


def assert_polite(response: requests.Response, sender: str) -> str:
    """A reply list in the REST channel's shape, with text and no traceback; returns the text."""
    replies = response.json()
    assert isinstance(replies, list) and replies, response.text
    assert all(reply.get("recipient_id") == sender for reply in replies)
    text = text_of(replies)
    assert text.strip() and not traceback_in(response.text), response.text
    return text


@pytest.mark.parametrize("length", [MAX_MESSAGE_CHARS + 1, 30_000])
def test_a_message_over_the_limit_gets_the_polite_reply_at_once(
    limited: ConfiguredServers, length: int
) -> None:
    sender = new_sender()
    text = ("how much is tuition? " * (length // 20 + 1))[:length]
    response, seconds = say(limited, sender, text)
    assert response.status_code == 200
    assert_polite(response, sender)
    print(f"{length}-character message answered in {seconds * 1000:.0f} ms")
    assert seconds < 1.0
    assert text not in user_texts(limited, sender)  # refused before understanding


def test_a_message_of_exactly_the_limit_is_understood_as_usual(limited: ConfiguredServers) -> None:
    sender = new_sender()
    words = "how much is tuition for computer science "
    text = (words * (MAX_MESSAGE_CHARS // len(words) + 1))[: MAX_MESSAGE_CHARS - 1] + "?"
    response, _ = say(limited, sender, text)
    assert response.status_code == 200
    assert_polite(response, sender)
    assert text in user_texts(limited, sender)


def test_a_body_over_max_request_bytes_is_refused_with_413(limited: ConfiguredServers) -> None:
    body = json.dumps({"sender": new_sender(), "message": "a" * (MAX_REQUEST_BYTES + 100)}).encode()
    response, _ = post(limited, body)
    assert response.status_code == 413
    assert not traceback_in(response.text)
    sender = new_sender()
    again, _ = say(limited, sender, QUESTION)  # and the server carries on
    assert again.status_code == 200 and "$" in assert_polite(again, sender)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b'{"sender": "a", "message": "hi"',
        b"{'sender': 'a', 'message': 'hi'}",
        b'{"sender": "a", "message": "hi",}',
        b"\xff\xfe\x00garbage",
        b"[" * 20_000 + b"]" * 20_000,
        b'{"sender": "a", "message": "\\uZZZZ"}',
        b"NaN",
    ],
    ids=[
        "empty",
        "open-brace",
        "truncated",
        "single-quotes",
        "trailing-comma",
        "not-utf8",
        "deep-nesting",
        "bad-escape",
        "nan",
    ],
)
def test_invalid_json_is_a_4xx(limited: ConfiguredServers, body: bytes) -> None:
    response, _ = post(limited, body)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert not traceback_in(response.text)


@pytest.mark.parametrize(
    "content_type,body",
    [
        ("text/plain", b"how much is tuition?"),
        ("application/x-www-form-urlencoded", b"sender=a&message=how+much+is+tuition"),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="message"\r\n\r\nhi\r\n--x--\r\n',
        ),
        ("application/xml", b"<message><sender>a</sender><text>hi</text></message>"),
        (None, b"hello"),
        ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ],
    ids=["text", "form", "multipart", "xml", "none", "png"],
)
def test_a_wrong_content_type_is_a_4xx(
    limited: ConfiguredServers, content_type: str | None, body: bytes
) -> None:
    response, _ = post(limited, body, content_type)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert not traceback_in(response.text)


@pytest.mark.parametrize(
    "payload",
    [
        [],
        None,
        "hello",
        42,
        {},
        {"message": QUESTION},
        {"sender": "a"},
        {"sender": 7, "message": QUESTION},
        {"sender": "a", "message": ["hi"]},
        {"sender": "a", "message": None},
        {"sender": "../../etc", "message": "hi"},
        {"sender": "a" * 10_000, "message": "hi"},
        {"sender": "a", "message": "hi", "metadata": "x"},
    ],
    ids=repr,
)
def test_json_of_the_wrong_shape_is_no_server_error(
    limited: ConfiguredServers, payload: Any
) -> None:
    response, _ = post(limited, json.dumps(payload).encode())
    assert response.status_code < 500, (response.status_code, response.text[:300])
    assert not traceback_in(response.text)


def test_a_burst_from_one_sender_is_limited_while_another_visitor_is_answered(
    limited: ConfiguredServers,
) -> None:
    sender = new_sender("burst")
    answers = [say(limited, sender, QUESTION)[0] for _ in range(3 * PER_SENDER)]
    statuses = [answer.status_code for answer in answers]
    assert set(statuses) <= {200, 429}, statuses
    assert statuses.count(200) <= 2 * PER_SENDER and statuses.count(429) >= PER_SENDER, statuses
    for answer in (answer for answer in answers if answer.status_code == 429):
        assert int(answer.headers["Retry-After"]) > 0
        assert_polite(answer, sender)
    other = new_sender("visitor")
    for _ in range(3):
        response, seconds = say(limited, other, QUESTION, source="127.0.0.2")
        assert response.status_code == 200 and "$" in assert_polite(response, other)
        assert seconds < 1.0, f"{seconds:.2f} s"
    assert say(limited, sender, QUESTION)[0].status_code == 429  # still limited meanwhile


async def hijack(
    base_url: str, victim_session: str, words: str
) -> tuple[list[Any], list[Any], list[Any]]:
    """A socket writes `words` for ``victim_session``; then the victim itself asks something.
    Returns what the victim heard from the hijack, what the intruder heard, and the victim's own
    answer."""
    victim, intruder, closing = Listener(), Listener(), []
    try:
        await victim.connect(base_url, ORIGIN)
        await victim.request_session({"session_id": victim_session})
        assert victim.confirmed.is_set()
        await intruder.connect(base_url, ORIGIN)
        await intruder.request_session({"session_id": uuid.uuid4().hex})
        await intruder.client.emit("user_uttered", {"message": words, "session_id": victim_session})
        await asyncio.sleep(4)
        heard_from_hijack, intruder_heard = list(victim.replies), list(intruder.replies)
        victim.replied.clear()
        await victim.client.emit(
            "user_uttered", {"message": QUESTION, "session_id": victim_session}
        )
        try:
            await asyncio.wait_for(victim.replied.wait(), 30)
        except asyncio.TimeoutError:
            pass
        return heard_from_hijack, intruder_heard, victim.replies[len(heard_from_hijack) :]
    finally:
        victim.close(closing)
        intruder.close(closing)
        await socketio_client.finish_closing(closing)


def test_a_socket_cannot_speak_for_another_session(limited: ConfiguredServers) -> None:
    victim_session = uuid.uuid4().hex
    words = f"my name is Intruder {uuid.uuid4().hex[:6]}"
    heard, intruder_heard, own_answer = asyncio.run(hijack(limited.rasa_url, victim_session, words))
    assert heard == [], heard
    assert own_answer, (
        "the victim's own question got no answer, so its silence above proves nothing"
    )
    assert words not in user_texts(limited, victim_session)
    print(f"the intruder was told: {intruder_heard}")


def booking_form_at_the_time_question(servers: ConfiguredServers, sender: str) -> None:
    """Walk the booking form, as tests/e2e/test_booking.py does, to where it offers times."""

    def buttons(reply: requests.Response) -> list[dict[str, str]]:
        return [button for message in reply.json() for button in message.get("buttons", [])]

    assert "full name" in text_of(say(servers, sender, "can an advisor call me?")[0].json())
    say(servers, sender, "Jordan Lee")
    say(servers, sender, "jordan.lee@example.org")
    contact = say(servers, sender, "303 555 0147")[0]
    program = say(
        servers, sender, next(b["payload"] for b in buttons(contact) if b["title"] == "Phone call")
    )[0]
    times = say(
        servers,
        sender,
        next(b["payload"] for b in buttons(program) if "Computer Science" in b["title"]),
    )[0]
    assert any('"slot_id"' in button["payload"] for button in buttons(times)), times.text


@pytest.mark.parametrize(
    "forged",
    [
        '{"slot_id": 99999}',
        '{"slot_id": "99999"}',
        '{"slot_id": -1}',
        '{"slot_id": "abc"}',
        '{"slot_id": [1, 2]}',
        '{"slot_id": {"id": 1}}',
    ],
)
def test_a_forged_slot_id_in_the_booking_form_gets_a_normal_reply(
    limited: ConfiguredServers, forged: str
) -> None:
    sender = new_sender("forged")
    booking_form_at_the_time_question(limited, sender)
    response, _ = say(limited, sender, f"/inform{forged}")
    assert response.status_code == 200
    text = assert_polite(response, sender)
    assert "You're booked" not in text
    assert limited.tracker(sender)["slots"]["appointment_slot"] is None  # not taken as a time


def test_a_forged_slot_id_outside_a_form_is_no_error(limited: ConfiguredServers) -> None:
    sender = new_sender("forged")
    response, _ = say(limited, sender, '/inform{"slot_id": 99999}')
    assert response.status_code == 200
    assert isinstance(response.json(), list) and not traceback_in(response.text)


def test_a_small_fuzz_sample_gives_no_server_error_and_no_traceback(
    limited: ConfiguredServers,
) -> None:
    plan = cases.per_kind(
        SAMPLE_PER_KIND, 1717, ORIGIN, *cases.domain_names(REPO_ROOT / "domain.yml")
    )
    started = time.perf_counter()
    outcomes = asyncio.run(
        driver.run_plan(limited.rasa_url, plan, rest_workers=2, socket_workers=8, reply_wait=2.0)
    )
    bulk = report.bulk_results(outcomes, time.perf_counter() - started, len(plan))
    print("\n".join(report.kind_table(bulk["by_kind"])))
    print(
        f"{bulk['messages']} messages in {bulk['seconds']:.0f} s; "
        f"no HTTP answer: {bulk['unanswered']}"
    )
    assert not bulk["stalled"], (
        f"the server stopped answering; unanswered at the end: {bulk['stall']}"
    )
    assert (bulk["server_errors"], bulk["tracebacks"], bulk["leaked"]) == (0, 0, 0), bulk[
        "failures"
    ]
    sender = new_sender()
    response, seconds = say(limited, sender, QUESTION)  # the server is still well
    assert response.status_code == 200 and "$" in assert_polite(response, sender)
