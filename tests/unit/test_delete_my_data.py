""" "Delete my data" on the action server's side: a handoff transcript the CRM may hold gets an
erase message (naming the handoff, never carrying the transcript), and the action resets the
conversation's slots and marks a committed erase for the tracker store."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.appointments import ActionDeleteMyData
from bot.booking import erasure
from bot.database.models import Handoff, OutboxEvent
from bot.handoff import service as handoff
from tests.unit.conftest import BOOKING_NOW

TRANSCRIPT = [{"from": "student", "text": "I'm Ada, call me on 303 555 0123"}]
DELIVERED_AT = BOOKING_NOW + timedelta(minutes=1)


def request(factory: sessionmaker[Session], conversation_id: str) -> int:
    handoff_id = handoff.request_handoff(factory, conversation_id, TRANSCRIPT, BOOKING_NOW)
    handoff.close_handoff(factory, conversation_id, BOOKING_NOW)  # so the next request is new
    return handoff_id


def crm_copy(session: Session, handoff_id: int) -> OutboxEvent:
    copies = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == "handoff.requested")
    )
    return next(c for c in copies if c.payload["handoff_id"] == handoff_id)


def outbox(factory: sessionmaker[Session]) -> list[tuple[str, dict[str, Any]]]:
    with factory() as session:
        rows = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
        return [(row.event_type, row.payload) for row in rows]


def test_a_transcript_the_crm_may_hold_gets_an_erase_message(
    booking_factory: sessionmaker[Session],
) -> None:
    delivered = request(booking_factory, "conv-9")
    tried = request(booking_factory, "conv-9")  # posted, but the CRM's answer never came
    pending = request(booking_factory, "conv-9")  # never posted
    others = request(booking_factory, "conv-10")
    with booking_factory() as session, session.begin():
        crm_copy(session, delivered).delivered_at = DELIVERED_AT
        crm_copy(session, tried).attempts = 1
        crm_copy(session, others).delivered_at = DELIVERED_AT

    erased = erasure.delete_lead_data(booking_factory, conversation_id="conv-9", now=DELIVERED_AT)

    assert erased == erasure.ErasedData(leads=0, handoffs=3)
    rows = outbox(booking_factory)
    erase_messages = [payload for kind, payload in rows if kind == "handoff.deleted"]
    assert sorted(p["handoff_id"] for p in erase_messages) == sorted([delivered, tried])
    assert all(
        p
        == {"event": "handoff.deleted", "handoff_id": p["handoff_id"], "conversation_id": "conv-9"}
        for p in erase_messages
    )
    # No copy of the erased transcript is left in the program database, to send or otherwise;
    # the other conversation's delivered copy stays.
    requested = [p for kind, p in rows if kind == "handoff.requested"]
    assert [(p["conversation_id"], p["handoff_id"]) for p in requested] == [("conv-10", others)]
    with booking_factory() as session:
        assert [h.conversation_id for h in session.scalars(select(Handoff))] == ["conv-10"]
    assert pending not in {p["handoff_id"] for p in erase_messages}


def test_a_transcript_being_posted_during_the_erase_gets_its_erase_message(
    booking_factory: sessionmaker[Session], database_url: str
) -> None:
    """A delivery worker holds the row lock while it posts; the erase waits, then sees it
    delivered."""
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks need PostgreSQL; SQLite runs a single delivery worker")
    handoff_id = request(booking_factory, "conv-9")
    results: list[erasure.ErasedData] = []
    eraser = threading.Thread(
        target=lambda: results.append(
            erasure.delete_lead_data(booking_factory, conversation_id="conv-9", now=DELIVERED_AT)
        )
    )

    with booking_factory() as worker, worker.begin():
        claimed = worker.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.event_type == "handoff.requested")
            .with_for_update()
        ).one()
        eraser.start()
        time.sleep(0.5)
        assert eraser.is_alive(), "the erase waits for the worker's row lock"
        claimed.attempts += 1
        claimed.delivered_at = DELIVERED_AT
    eraser.join(timeout=30)

    assert results == [erasure.ErasedData(leads=0, handoffs=1)]
    assert [(kind, p.get("handoff_id")) for kind, p in outbox(booking_factory)] == [
        ("handoff.deleted", handoff_id)
    ]


def tracker(slots: dict[str, Any]) -> Tracker:
    return Tracker(
        "conv-9",
        slots,
        {"intent": {"name": "affirm"}, "text": "yes"},
        [],
        False,
        None,
        {"name": "counselor_booking_form"},
        "action_listen",
    )


PERSONAL = {
    "full_name": "Ada Lovelace",
    "email": "ada@example.org",
    "phone": "+13035550123",
    "booking_reference": "K7QM-4XTR",
    "program": "computer_science",
    "program_topic": "tuition",
}


def test_the_action_resets_the_conversation_and_marks_the_erase(
    booking_factory: sessionmaker[Session], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    handoff.request_handoff(booking_factory, "conv-9", TRANSCRIPT, BOOKING_NOW)
    dispatcher = CollectingDispatcher()

    events = ActionDeleteMyData().run(dispatcher, tracker(PERSONAL), {})

    assert dispatcher.messages[0]["response"] == "utter_transcript_deleted"
    assert events == [
        {"event": "reset_slots", "timestamp": None},
        {"event": "active_loop", "name": None, "timestamp": None},
        {"event": "slot", "name": "program", "value": "computer_science", "timestamp": None},
        {"event": "slot", "name": "program_topic", "value": "tuition", "timestamp": None},
        {"event": "slot", "name": "data_erased", "value": True, "timestamp": None},
    ]
    for value in ("Ada Lovelace", "ada@example.org", "+13035550123", "K7QM-4XTR"):
        assert value not in str(events)


def test_a_failed_erase_neither_resets_nor_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    )
    dispatcher = CollectingDispatcher()

    events = ActionDeleteMyData().run(dispatcher, tracker(PERSONAL), {})

    assert dispatcher.messages[0]["response"] == "utter_delete_failed"
    assert events == []
