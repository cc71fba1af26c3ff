"""The console's live inbox (/console/inbox): the waiting list and transcripts (with what the
student said after the handoff, from the tracker store), claims, replies and hand-backs through
the Rasa HTTP API (faked), the Server-Sent Events stream and its change detection, and the
CLI still answering through the same functions; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from html import escape, unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from bot import cli
from bot.console import ConsoleConfig, console_app
from bot.console import inbox as inbox_page
from bot.console.app import STYLESHEET
from bot.console.inbox import event_stream
from bot.database.db import engine_for
from bot.database.models import Handoff
from bot.handoff import service as handoff
from bot.rasa_server import client as rasa_api
from bot.staff import accounts, inbox
from tests.unit.conftest import BOOKING_NOW
from tests.unit.test_console import PASSWORD, SCHOOL, SECRET, csrf_of, sign_in
from tests.unit.tracker_store_double import create_tracker_store

REQUESTED = BOOKING_NOW
FIRST = "web-first"
SECOND = "web-second"
ALEX = "counselor-a@example.org"
BLAKE = "counselor-b@example.org"
OFFICE = "office@example.org"


class Inbox:
    """Two students waiting (FIRST asked earlier); accounts Alex and Blake (counselors) and Pat
    (office); a tracker store in the same database; Rasa's HTTP API replaced by `sent`."""

    def __init__(
        self, factory: sessionmaker[Session], database_url: str, tracker: sa.Table
    ) -> None:
        self.factory = factory
        self.database_url = database_url
        self.tracker = tracker
        self.sent: list[tuple[str, list[dict[str, Any]]]] = []
        self.rasa_down = False
        self.ids = {
            email: accounts.add_account(factory, email, name, role, PASSWORD).id
            for email, name, role in (
                (ALEX, "Alex", "counselor"),
                (BLAKE, "Blake", "counselor"),
                (OFFICE, "Pat", "office"),
            )
        }
        self.request(SECOND, "What does it cost?", REQUESTED + timedelta(minutes=2))
        self.request(FIRST, "Can I transfer credits?", REQUESTED)

    def request(self, conversation: str, asked: str, at: datetime) -> None:
        transcript = [
            {"from": "student", "text": asked},
            {"from": "bot", "text": "I can bring in a counselor."},
            {"from": "student", "text": "talk to a person"},
        ]
        handoff.request_handoff(self.factory, conversation, transcript, now=at)

    def said(self, conversation: str, kind: str, text: str, at: datetime, **extra: Any) -> None:
        data = {"event": kind, "text": text, "timestamp": at.timestamp(), **extra}
        with engine_for(self.database_url).begin() as connection:
            connection.execute(
                self.tracker.insert().values(
                    sender_id=conversation,
                    type_name=kind,
                    timestamp=at.timestamp(),
                    data=json.dumps(data),
                )
            )

    def append_events(
        self, api: rasa_api.RasaApi, conversation: str, events: list[dict[str, Any]]
    ) -> None:
        if self.rasa_down:
            raise rasa_api.RasaApiError("The Rasa server at http://rasa did not accept the events")
        self.sent.append((conversation, list(events)))

    def client(self, email: str | None = None) -> TestClient:
        config = ConsoleConfig(
            database_url=self.database_url,
            session_secret=SECRET,
            school_timezone=SCHOOL,
            clock=lambda: REQUESTED + timedelta(minutes=7),
        )
        app = Starlette(routes=[Mount("/console", app=console_app(config))])
        client = TestClient(app, follow_redirects=False)
        return sign_in(client, email) if email else client

    def handoff(self, conversation: str) -> Handoff:
        with self.factory() as session:
            return session.scalars(
                select(Handoff)
                .where(Handoff.conversation_id == conversation)
                .order_by(Handoff.id.desc())
            ).first() or pytest.fail(f"no handoff for {conversation}")


@pytest.fixture
def box(
    booking_factory: sessionmaker[Session], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Inbox]:
    tracker = create_tracker_store(database_url)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TRACKER_STORE_URL", database_url)
    monkeypatch.setenv("RASA_JWT_SECRET", "j" * 40)
    state = Inbox(booking_factory, database_url, tracker)
    monkeypatch.setattr(rasa_api, "append_events", state.append_events)
    yield state
    inbox.dispose_tracker_engines()


def post(client: TestClient, conversation: str, action: str, **data: str) -> Any:
    page = client.get(inbox_pages_url(conversation))
    return client.post(
        f"/console/inbox/{quote(conversation)}/{action}",
        data={"csrf_token": csrf_of(page.text), **data},
    )


def inbox_pages_url(conversation: str | None = None) -> str:
    return f"/console/inbox?c={quote(conversation)}" if conversation else "/console/inbox"


def quote(value: str) -> str:
    return url_quote(value, safe="")


def flash_after(client: TestClient, answer: Any) -> str:
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"]).text
    found = re.search(r'<p class="(?:notice|alert)" role="(?:status|alert)">([^<]*)</p>', page)
    return unescape(found.group(1)) if found else ""


# ---- the page ----------------------------------------------------------------------------------


def test_the_inbox_needs_a_staff_session(box: Inbox) -> None:
    client = box.client()
    for path in ("/console/inbox", "/console/inbox/events"):
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["location"] == "/console/login"


def test_waiting_conversations_oldest_first_with_who_claimed_them(box: Inbox) -> None:
    client = box.client(ALEX)
    assert post(client, SECOND, "claim").status_code == 303
    page = box.client(BLAKE).get("/console/inbox")
    assert page.status_code == 200
    html = page.text
    assert '<a href="/console/inbox">Live inbox</a>' in html
    assert html.index(FIRST) < html.index(SECOND)
    assert "Waiting (2)" in html
    assert "<dd>Nobody yet</dd>" in html and "<dd>Alex</dd>" in html
    # The school's time (08:00 MST) and how long the student has waited.
    assert "since 8:00 AM (7 min)" in html
    assert "Can I transfer credits?" not in html  # the last thing asked is the preview
    assert html.count("talk to a person") == 2
    # Works without the script: a Refresh link; the script is same-origin, never inline.
    assert 'id="inbox-refresh"' in html
    assert '<script src="/console/console-inbox.js" defer></script>' in html
    assert "<script>" not in html
    assert client.get("/console/inbox").text.count("<dd>You</dd>") == 1
    script = client.get("/console/console-inbox.js")
    assert script.status_code == 200 and "EventSource" in script.text
    assert script.headers["content-type"].startswith("text/javascript")


def test_the_counselor_sees_the_language_to_answer_in(box: Inbox) -> None:
    transcript = [{"from": "student", "text": "quiero hablar con una persona"}]
    handoff.request_handoff(box.factory, "en-espanol", transcript, REQUESTED, language="es")
    client = box.client(ALEX)
    listed = client.get("/console/inbox").text
    assert listed.count("<dt>Language</dt><dd>English</dd>") == 2
    assert listed.count("<dt>Language</dt><dd>Spanish</dd>") == 1
    opened = client.get("/console/inbox?c=en-espanol").text
    assert "<p>In Spanish: answer in it.</p>" in opened
    assert '<ol class="transcript" lang="es">' in opened


def test_transcript_adds_what_was_said_after_the_handoff(box: Inbox) -> None:
    box.said(FIRST, "user", "before the handoff", REQUESTED - timedelta(seconds=5))
    box.said(FIRST, "bot", "A counselor will join you here.", REQUESTED + timedelta(seconds=1))
    box.said(FIRST, "user", "are you there? <b>hello</b>", REQUESTED + timedelta(minutes=1))
    box.said(
        FIRST,
        "bot",
        "Hi, I'm Alex",
        REQUESTED + timedelta(minutes=2),
        metadata={"sender": "counselor"},
    )
    box.said(SECOND, "user", "someone else's message", REQUESTED + timedelta(minutes=3))
    html = box.client(ALEX).get(inbox_pages_url(FIRST)).text
    conversation = html[html.index('id="inbox-conversation"') :]
    lines = re.findall(
        r'<li class="line from-(\w+)"><span class="who">\w+</span>\n<p class="said">([^<]*)</p>',
        conversation,
    )
    assert [(who, unescape(text)) for who, text in lines] == [
        ("student", "Can I transfer credits?"),
        ("bot", "I can bring in a counselor."),
        ("student", "talk to a person"),
        ("bot", "A counselor will join you here."),
        ("student", "are you there? <b>hello</b>"),
        ("counselor", "Hi, I'm Alex"),
    ]
    assert "&lt;b&gt;hello&lt;/b&gt;" in conversation
    assert "someone else" not in html and "before the handoff" not in html


def test_transcript_without_a_tracker_store_shows_the_copy_and_says_so(
    box: Inbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "no-tracker.db"
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{missing}")
    html = box.client(ALEX).get(inbox_pages_url(FIRST)).text
    assert "Can I transfer credits?" in html
    assert "Only the conversation up to the handoff is shown" in html
    assert not missing.exists()


def test_a_conversation_no_longer_waiting_says_so(box: Inbox) -> None:
    handoff.close_handoff(box.factory, FIRST)
    html = box.client(ALEX).get(inbox_pages_url(FIRST)).text
    assert "no longer waiting" in html and "Can I transfer credits?" not in html


# ---- claims ------------------------------------------------------------------------------------


def test_claim_conflict_and_office_override(box: Inbox) -> None:
    alex, blake, office = box.client(ALEX), box.client(BLAKE), box.client(OFFICE)
    assert "You claimed this conversation" in flash_after(alex, post(alex, FIRST, "claim"))
    claimed = box.handoff(FIRST)
    assert claimed.claimed_by == box.ids[ALEX]
    assert claimed.claimed_at == REQUESTED + timedelta(minutes=7)

    message = flash_after(blake, post(blake, FIRST, "claim"))
    assert message == "Alex is already answering this student."
    assert box.handoff(FIRST).claimed_by == box.ids[ALEX]
    assert "Alex is answering this student." in blake.get(inbox_pages_url(FIRST)).text

    assert flash_after(alex, post(alex, FIRST, "claim")) == "You already have this conversation."
    assert "Take over from Alex" in office.get(inbox_pages_url(FIRST)).text
    message = flash_after(office, post(office, FIRST, "claim"))
    assert message == "You took this conversation over from Alex."
    assert box.handoff(FIRST).claimed_by == box.ids[OFFICE]

    handoff.close_handoff(box.factory, SECOND)
    message = flash_after(blake, post(blake, SECOND, "claim"))
    assert message == "This conversation is no longer waiting for a counselor."


def test_claims_are_atomic(box: Inbox) -> None:
    alex = _user(box, ALEX)
    blake = _user(box, BLAKE)
    inbox.claim(box.factory, alex, FIRST, REQUESTED)
    with pytest.raises(inbox.InboxRefused):
        inbox.claim(box.factory, blake, FIRST, REQUESTED)
    assert box.handoff(FIRST).claimed_by == alex.id


def _user(box: Inbox, email: str) -> accounts.StaffUser:
    return next(user for user in accounts.list_accounts(box.factory) if user.email == email)


# ---- replies -----------------------------------------------------------------------------------


def test_reply_sends_a_counselor_message_to_the_student(box: Inbox) -> None:
    client = box.client(ALEX)
    post(client, FIRST, "claim")
    answer = post(client, FIRST, "reply", text="  Hi, I'm Alex from admissions.  ")
    assert flash_after(client, answer) == "Sent to the student."
    assert box.sent == [(FIRST, [rasa_api.counselor_message("Hi, I'm Alex from admissions.")])]
    assert box.handoff(FIRST).status == "waiting"


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Write a reply before sending it."), ("x" * 2001, "at most 2000 characters")],
)
def test_reply_refuses_empty_and_too_long_text(box: Inbox, text: str, message: str) -> None:
    client = box.client(ALEX)
    post(client, FIRST, "claim")
    answer = post(client, FIRST, "reply", text=text)
    assert answer.status_code == 400
    assert message in unescape(answer.text)
    assert box.sent == []
    if text.strip():
        assert f">{text}</textarea>" in answer.text  # the draft is kept


def test_reply_up_to_the_limit_is_sent(box: Inbox) -> None:
    client = box.client(ALEX)
    post(client, FIRST, "claim")
    assert post(client, FIRST, "reply", text="y" * 2000).status_code == 303
    assert box.sent == [(FIRST, [rasa_api.counselor_message("y" * 2000)])]


def test_only_the_claimer_replies(box: Inbox) -> None:
    alex, blake, office = box.client(ALEX), box.client(BLAKE), box.client(OFFICE)
    unclaimed = post(alex, FIRST, "reply", text="Hello")
    assert unclaimed.status_code == 400
    assert "Claim this conversation before you answer." in unclaimed.text
    post(alex, FIRST, "claim")
    for other in (blake, office):
        refused = post(other, FIRST, "reply", text="Hello from someone else")
        assert refused.status_code == 400
        assert "Alex is answering this student, not you." in refused.text
        assert 'id="inbox-reply"' not in refused.text
    assert box.sent == []


def test_reply_when_rasa_is_down_keeps_the_text_and_says_so(box: Inbox) -> None:
    client = box.client(ALEX)
    post(client, FIRST, "claim")
    box.rasa_down = True
    answer = post(client, FIRST, "reply", text="Are you still there?")
    assert answer.status_code == 503
    assert "Your reply was NOT sent" in answer.text
    assert ">Are you still there?</textarea>" in answer.text
    assert box.sent == []
    assert box.handoff(FIRST).status == "waiting"


# ---- hand-back ---------------------------------------------------------------------------------


def test_close_resumes_the_bot_tells_the_student_and_closes(box: Inbox) -> None:
    client = box.client(ALEX)
    post(client, FIRST, "claim")
    answer = post(client, FIRST, "close")
    assert answer.headers["location"] == "/console/inbox"
    assert "back with the assistant" in flash_after(client, answer)
    assert box.sent == [
        (FIRST, [*rasa_api.resume_bot(), rasa_api.counselor_message(handoff.HANDBACK_MESSAGE)])
    ]
    closed = box.handoff(FIRST)
    assert closed.status == "closed" and closed.closed_at is not None
    assert FIRST not in client.get("/console/inbox").text


def test_close_is_for_the_claimer_or_the_office(box: Inbox) -> None:
    alex, blake, office = box.client(ALEX), box.client(BLAKE), box.client(OFFICE)
    message = flash_after(blake, post(blake, FIRST, "close"))
    assert message == "Claim this conversation before you hand it back."
    post(alex, FIRST, "claim")
    message = flash_after(blake, post(blake, FIRST, "close"))
    assert message == "Alex is answering this student, not you."
    assert box.sent == [] and box.handoff(FIRST).status == "waiting"
    # The office may hand back any waiting conversation, claimed by someone else or by nobody.
    assert post(office, FIRST, "close").status_code == 303
    assert post(office, SECOND, "close").status_code == 303
    assert [conversation for conversation, _ in box.sent] == [FIRST, SECOND]
    assert box.handoff(FIRST).status == box.handoff(SECOND).status == "closed"


def test_close_when_rasa_is_down_keeps_the_conversation_waiting(box: Inbox) -> None:
    client = box.client(ALEX)
    post(client, FIRST, "claim")
    box.rasa_down = True
    answer = post(client, FIRST, "close")
    assert answer.status_code == 503 and "NOT handed back" in answer.text
    assert box.handoff(FIRST).status == "waiting"


def test_every_post_needs_the_csrf_token(box: Inbox) -> None:
    client = box.client(ALEX)
    for action, data in (("claim", {}), ("reply", {"text": "Hi"}), ("close", {})):
        answer = client.post(f"/console/inbox/{FIRST}/{action}", data=data)
        assert answer.status_code == 403 and "Form expired" in answer.text
        wrong = client.post(f"/console/inbox/{FIRST}/{action}", data={**data, "csrf_token": "x"})
        assert wrong.status_code == 403
    assert box.handoff(FIRST).claimed_by is None and box.sent == []


def test_an_open_conversations_long_id_wraps_on_a_phone() -> None:
    # The heading "Conversation <32 hex digits>" made the page 447 px wide on a 375-px phone
    # (found by tests/browser/console.test.mjs).
    css = STYLESHEET.read_text(encoding="utf-8")
    assert re.search(r"#inbox-conversation h2 \{[^}]*overflow-wrap: anywhere", css)


def test_conversation_ids_with_any_characters(box: Inbox) -> None:
    odd = "chat/7?x=1#top é <b>"
    box.request(odd, "hello", REQUESTED + timedelta(minutes=3))
    client = box.client(ALEX)
    page = client.get("/console/inbox").text
    assert escape(inbox_pages_url(odd)) in page and "&lt;b&gt;" in page
    post(client, odd, "claim")
    assert box.handoff(odd).claimed_by == box.ids[ALEX]
    assert post(client, odd, "reply", text="Hi").status_code == 303
    assert box.sent == [(odd, [rasa_api.counselor_message("Hi")])]


# ---- live updates ------------------------------------------------------------------------------


def test_snapshot_detects_a_new_waiting_conversation_and_a_new_message(box: Inbox) -> None:
    url = box.database_url
    before = inbox.snapshot(box.factory, url, FIRST)
    assert before.waiting == ((FIRST, None), (SECOND, None))
    assert inbox.changes(None, before) == ["waiting", "messages"]
    assert inbox.changes(before, inbox.snapshot(box.factory, url, FIRST)) == []

    box.said(FIRST, "user", "hello?", REQUESTED + timedelta(minutes=1))
    after_message = inbox.snapshot(box.factory, url, FIRST)
    assert inbox.changes(before, after_message) == ["messages"]
    assert after_message.version != before.version
    # Another conversation's messages do not touch the open one.
    box.said(SECOND, "user", "anyone?", REQUESTED + timedelta(minutes=4))
    assert inbox.changes(after_message, inbox.snapshot(box.factory, url, FIRST)) == []

    box.request("web-third", "Do you have night classes?", REQUESTED + timedelta(minutes=5))
    after_request = inbox.snapshot(box.factory, url, FIRST)
    assert inbox.changes(after_message, after_request) == ["waiting"]
    assert after_request.waiting[-1] == ("web-third", None)

    inbox.claim(box.factory, _user(box, ALEX), FIRST, REQUESTED)
    claimed = inbox.snapshot(box.factory, url, FIRST)
    assert inbox.changes(after_request, claimed) == ["waiting"]


def test_event_stream_sends_the_first_version_then_changes_only() -> None:
    first = inbox.Snapshot(waiting=(("a", None),), messages=(1, 5))
    same = inbox.Snapshot(waiting=(("a", None),), messages=(1, 5))
    message = inbox.Snapshot(waiting=(("a", None),), messages=(2, 9))
    snapshots = [first, same, message]
    ticks = iter(range(100))

    async def compute() -> inbox.Snapshot:
        return snapshots.pop(0) if len(snapshots) > 1 else snapshots[0]

    async def connected() -> bool:
        return False

    async def collect() -> list[str]:
        stream = event_stream(
            compute, connected, poll_seconds=0, lifetime_seconds=10, clock=lambda: next(ticks)
        )
        return [chunk async for chunk in stream]

    chunks = asyncio.run(collect())
    assert chunks[0] == "retry: 3000\n\n"
    events = [json.loads(chunk.split("data: ", 1)[1]) for chunk in chunks[1:]]
    assert events == [
        {"version": first.version, "changed": ["waiting", "messages"]},
        {"version": message.version, "changed": ["messages"]},
    ]


def test_event_stream_stops_when_the_browser_leaves() -> None:
    snapshot = inbox.Snapshot(waiting=(), messages=None)

    async def compute() -> inbox.Snapshot:
        return snapshot

    async def gone() -> bool:
        return True

    async def collect() -> list[str]:
        stream = event_stream(compute, gone, poll_seconds=0, lifetime_seconds=60)
        return [chunk async for chunk in stream]

    assert len(asyncio.run(collect())) == 2  # retry, the first version, then nothing


def test_events_endpoint_streams_server_sent_events(
    box: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox_page, "STREAM_SECONDS", 0)
    client = box.client(ALEX)
    page = client.get(inbox_pages_url(FIRST)).text
    version = re.search(r'data-version="([0-9a-f]+)"', page)
    assert version
    assert f'data-events="/console/inbox/events?c={FIRST}"' in page
    answer = client.get(f"/console/inbox/events?c={FIRST}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/event-stream")
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-accel-buffering"] == "no"
    assert answer.text.startswith("retry: 3000\n\nevent: inbox\ndata: ")
    sent = json.loads(answer.text.split("data: ", 1)[1])
    # The stream's version is the page's, so the script reloads only after a real change.
    assert sent == {"version": version.group(1), "changed": ["waiting", "messages"]}
    assert "transfer" not in answer.text  # no students' text in the stream


# ---- the CLI: a second client of the same functions --------------------------------------------


def test_cli_reply_and_close_use_the_same_functions(
    box: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    post(box.client(ALEX), FIRST, "claim")
    cli.main(["handoffs", "list"])
    assert f"== {FIRST}  (waiting since 2030-03-04 15:00 UTC, claimed by Alex)" in (
        capsys.readouterr().out
    )
    assert cli.main(["handoffs", "reply", FIRST, "Hi from the terminal"]) in (0, None)
    assert cli.main(["handoffs", "close", FIRST]) in (0, None)
    assert box.sent == [
        (FIRST, [rasa_api.counselor_message("Hi from the terminal")]),
        (FIRST, [*rasa_api.resume_bot(), rasa_api.counselor_message(handoff.HANDBACK_MESSAGE)]),
    ]
    assert box.handoff(FIRST).status == "closed"
    box.rasa_down = True
    assert cli.main(["handoffs", "close", SECOND]) == 1
    assert box.handoff(SECOND).status == "waiting"
