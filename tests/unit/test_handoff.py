"""Bringing in a person: counselors' hours, the waiting queue, and the action's two answers."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import actions.handoff as handoff_action
from bot.booking import erasure
from bot.database.models import Handoff, OutboxEvent
from bot.handoff import service as handoff
from tests.unit.conftest import BOOKING_NOW

# BOOKING_NOW is Monday 08:00 in Denver: before the sample counselors start at 09:00.
MONDAY_10AM_DENVER = datetime(2030, 3, 4, 17, 0, tzinfo=timezone.utc)
SATURDAY_NOON_DENVER = datetime(2030, 3, 9, 19, 0, tzinfo=timezone.utc)


def test_open_inside_hours(booking_factory: sessionmaker[Session]) -> None:
    with booking_factory() as session:
        assert handoff.counselor_availability(session, MONDAY_10AM_DENVER).open_now


@pytest.mark.parametrize(
    ("now", "next_opening"),
    [
        (BOOKING_NOW, datetime(2030, 3, 4, 16, 0, tzinfo=timezone.utc)),  # Monday 9:00 MST
        (SATURDAY_NOON_DENVER, datetime(2030, 3, 11, 15, 0, tzinfo=timezone.utc)),  # Mon 9:00 MDT
    ],
)
def test_closed_outside_hours_with_the_next_opening(
    booking_factory: sessionmaker[Session], now: datetime, next_opening: datetime
) -> None:
    with booking_factory() as session:
        availability = handoff.counselor_availability(session, now)
    assert not availability.open_now
    assert availability.next_opening == next_opening


def test_transcript_keeps_only_messages() -> None:
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "how much is tuition?"},
        {"event": "bot", "text": "$3,920 per 6-month term"},
        {"event": "slot", "name": "program", "value": "computer_science"},
        {"event": "user", "text": "talk to a person"},
    ]
    assert handoff.transcript_from_events(events) == [
        {"from": "student", "text": "how much is tuition?"},
        {"from": "bot", "text": "$3,920 per 6-month term"},
        {"from": "student", "text": "talk to a person"},
    ]


def test_request_queues_once_and_tells_the_crm(booking_factory: sessionmaker[Session]) -> None:
    lines = [{"from": "student", "text": "hi"}]
    first = handoff.request_handoff(booking_factory, "conv-9", lines, MONDAY_10AM_DENVER)
    again = handoff.request_handoff(booking_factory, "conv-9", lines * 2, MONDAY_10AM_DENVER)
    assert first == again
    with booking_factory() as session:
        waiting = handoff.waiting_handoffs(session)
        assert [(h.conversation_id, h.transcript) for h in waiting] == [("conv-9", lines * 2)]
        events = session.scalars(select(OutboxEvent)).all()
        assert [e.event_type for e in events] == ["handoff.requested"]
    assert handoff.close_handoff(booking_factory, "conv-9")
    assert not handoff.close_handoff(booking_factory, "conv-9")
    with booking_factory() as session:
        assert handoff.waiting_handoffs(session) == []


def test_delete_my_data_removes_the_transcript_and_its_pending_crm_copy(
    booking_factory: sessionmaker[Session],
) -> None:
    handoff.request_handoff(booking_factory, "conv-9", [{"from": "student", "text": "hi"}])
    handoff.request_handoff(booking_factory, "conv-10", [{"from": "student", "text": "hello"}])
    assert erasure.delete_lead_data(
        booking_factory, conversation_id="conv-9"
    ) == erasure.ErasedData(leads=0, handoffs=1)
    with booking_factory() as session:
        assert [h.conversation_id for h in session.scalars(select(Handoff))] == ["conv-10"]
        pending = session.scalars(select(OutboxEvent)).all()
        assert [e.payload["conversation_id"] for e in pending] == ["conv-10"]


def run_hand_over(
    monkeypatch: pytest.MonkeyPatch, url: str, now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    monkeypatch.setenv("DATABASE_URL", url)
    real = handoff.counselor_availability
    monkeypatch.setattr(handoff, "counselor_availability", lambda session: real(session, now))
    tracker = Tracker(
        "student-7",
        {},
        {"intent": {"name": "request_human"}, "text": "a person please"},
        [{"event": "user", "text": "a person please"}],
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = handoff_action.ActionHandOver().run(dispatcher, tracker, {})
    return dispatcher.messages, events


def test_inside_hours_the_bot_hands_over_and_goes_quiet(
    booking_factory: sessionmaker[Session], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages, events = run_hand_over(monkeypatch, database_url, MONDAY_10AM_DENVER)
    assert messages[0]["response"] == "utter_handoff_started"
    assert {"event": "pause", "timestamp": None} in events
    with booking_factory() as session:
        assert [h.conversation_id for h in handoff.waiting_handoffs(session)] == ["student-7"]


def test_outside_hours_the_bot_says_when_and_offers_a_call(
    booking_factory: sessionmaker[Session], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHOOL_TIMEZONE", "America/Denver")
    messages, events = run_hand_over(monkeypatch, database_url, SATURDAY_NOON_DENVER)
    assert messages[0]["response"] == "utter_handoff_after_hours"
    assert messages[0]["next_opening"] == "Monday, March 11 at 9:00 AM MDT"
    assert messages[0]["buttons"][0]["payload"] == "/book_counselor"
    assert not any(event["event"] == "pause" for event in events)


def test_database_down_never_goes_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENROLLMENT_CONTACT", raising=False)
    messages, events = run_hand_over(
        monkeypatch, "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1", BOOKING_NOW
    )
    assert messages[0]["response"] == "utter_counselor_no_contact"
    assert not any(event["event"] == "pause" for event in events)
