"""Booking abuse controls: one upcoming booking per e-mail address, attempt caps per
conversation and per client address, the confirmation e-mail throttle, and only offered slots
can be booked. Service-level tests run on SQLite and PostgreSQL; the action tests drive the real
actions against a seeded program database, the way rasa_sdk runs them."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from actions.appointments import ActionChangeAppointment, ActionStartAppointmentChange
from actions.booking import ActionBookAppointment, client_id
from actions.booking_form import ActionAskAppointmentSlot
from bot.booking import limits, offers, service
from bot.booking.confirmation_email import EmailOutcome, confirm_by_email
from bot.booking.locks import lock_id
from bot.database.db import session_factory
from bot.database.models import Appointment, BookingAttempt, ConfirmationEmail, Lead, SlotOffer
from bot.settings import BookingLimits, SmtpSettings, load_settings
from tests.unit.smtp_double import Inbox
from tests.unit.test_booking import NOW, SCHOOL, details, free
from tests.unit.test_booking_form import (
    DOMAIN,
    answer,
    completed_form,
    tracker,
)

CLIENT = "0123456789abcdef"


# --- settings -------------------------------------------------------------------------------


def test_limits_have_safe_defaults_and_read_the_environment() -> None:
    assert load_settings({}).booking.limits == BookingLimits(5, 20, 3)
    configured = load_settings(
        {
            "BOOKING_ATTEMPTS_PER_CONVERSATION_PER_HOUR": "2",
            "BOOKING_ATTEMPTS_PER_CLIENT_PER_HOUR": " 50 ",
            "CONFIRMATION_EMAILS_PER_ADDRESS_PER_DAY": "1",
        }
    ).booking
    assert configured.limits == BookingLimits(2, 50, 1)


@pytest.mark.parametrize("typed", ["0", "-3", "ten", "2.5"])
def test_a_limit_that_is_not_a_positive_number_keeps_the_default(typed: str) -> None:
    """A typo must neither switch the limit off nor break booking."""
    limits_read = load_settings(
        {"BOOKING_ATTEMPTS_PER_CONVERSATION_PER_HOUR": typed}
    ).booking.limits
    assert limits_read.attempts_per_conversation_per_hour == 5


def test_lock_ids_are_stable_signed_64_bit_numbers() -> None:
    assert lock_id("booking-email:ada@example.org") == lock_id("booking-email:ada@example.org")
    assert lock_id("a") != lock_id("b")
    assert all(-(2**63) <= lock_id(key) < 2**63 for key in ("a", "b", "x" * 500))


# --- one upcoming booking per e-mail address ------------------------------------------------


def test_a_second_booking_for_the_same_address_is_refused_and_names_the_first(
    booking_factory: sessionmaker[Session],
) -> None:
    first, second = free(booking_factory, 2)
    booked = service.book(booking_factory, details(), first.slot_id, now=NOW)
    for email in ("ada@example.org", "ADA@Example.org"):  # case does not make a new address
        with pytest.raises(service.AlreadyBooked) as refused:
            service.book(
                booking_factory,
                details(email=email, conversation_id="conv-9"),
                second.slot_id,
                now=NOW,
            )
        assert refused.value.existing == booked
        assert refused.value.conversation_id == "conv-1"
    with booking_factory() as session:
        assert session.scalar(select(func.count()).select_from(Lead)) == 1
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1
    assert second.slot_id in {s.slot_id for s in free(booking_factory, 50)}
    assert service.upcoming_booking(booking_factory, "Ada@example.org", now=NOW) == booked


def test_after_a_cancel_or_once_the_call_is_past_the_address_can_book_again(
    booking_factory: sessionmaker[Session],
) -> None:
    first, second, third = free(booking_factory, 3)
    booked = service.book(booking_factory, details(), first.slot_id, now=NOW)
    service.cancel(booking_factory, booked.reference, now=NOW)
    again = service.book(booking_factory, details(), second.slot_id, now=NOW)
    assert service.upcoming_booking(booking_factory, "ada@example.org", now=NOW) == again
    after_the_call = again.ends_at
    assert service.upcoming_booking(booking_factory, "ada@example.org", now=after_the_call) is None
    later_slot = [s for s in free(booking_factory, 50) if s.starts_at > after_the_call][0]
    service.book(booking_factory, details(), later_slot.slot_id, now=after_the_call)


def test_two_bookings_for_one_address_at_the_same_moment_give_one_booking(
    booking_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each request waits (up to a moment) inside its transaction after checking for an existing
    booking. Without the per-address lock both would check, meet at the barrier, and both book;
    with it the second cannot check until the first has committed."""
    barrier = threading.Barrier(2, timeout=2)
    check = service._upcoming_booking

    def check_then_wait(session: Session, email: str, now: datetime) -> Any:
        found = check(session, email, now)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass  # the other request is waiting for the lock: expected
        return found

    monkeypatch.setattr(service, "_upcoming_booking", check_then_wait)
    outcomes: list[str] = []

    def attempt(slot_id: int, conversation: str) -> None:
        try:
            service.book(booking_factory, details(conversation_id=conversation), slot_id, now=NOW)
            outcomes.append("booked")
        except service.AlreadyBooked:
            outcomes.append("already booked")

    threads = [
        threading.Thread(target=attempt, args=(slot.slot_id, f"conv-{i}"))
        for i, slot in enumerate(free(booking_factory, 2))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["already booked", "booked"]
    with booking_factory() as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1


# --- booking attempts per conversation and per client address ---------------------------------


def test_attempts_above_the_conversation_cap_are_refused_for_an_hour(
    booking_factory: sessionmaker[Session],
) -> None:
    caps = BookingLimits(attempts_per_conversation_per_hour=3, attempts_per_client_per_hour=100)
    for minute in range(3):
        assert (
            limits.claim_booking_attempt(
                booking_factory, caps, "conv-1", CLIENT, now=NOW + timedelta(minutes=minute)
            )
            is None
        )
    refused = limits.claim_booking_attempt(
        booking_factory, caps, "conv-1", CLIENT, now=NOW + timedelta(minutes=10)
    )
    assert refused is not None and refused.scope == "conversation"
    # The first attempt (at NOW) is an hour old at NOW + 60 min: 50 minutes from the refusal.
    assert refused.retry_after == timedelta(minutes=50)
    # Another chat is not affected; refused attempts are not counted, so the wait does not grow.
    assert limits.claim_booking_attempt(booking_factory, caps, "conv-2", CLIENT, now=NOW) is None
    for minute in range(11, 30):
        assert (
            limits.claim_booking_attempt(
                booking_factory, caps, "conv-1", CLIENT, now=NOW + timedelta(minutes=minute)
            )
            is not None
        )
    assert (
        limits.claim_booking_attempt(
            booking_factory, caps, "conv-1", CLIENT, now=NOW + timedelta(minutes=61)
        )
        is None
    )
    with booking_factory() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(BookingAttempt)
                .where(BookingAttempt.conversation_id == "conv-1")
            )
            == 4
        )


def test_attempts_above_the_client_cap_are_refused_across_conversations(
    booking_factory: sessionmaker[Session],
) -> None:
    caps = BookingLimits(attempts_per_conversation_per_hour=5, attempts_per_client_per_hour=3)
    for i in range(3):
        assert (
            limits.claim_booking_attempt(booking_factory, caps, f"conv-{i}", CLIENT, now=NOW)
            is None
        )
    refused = limits.claim_booking_attempt(booking_factory, caps, "conv-new", CLIENT, now=NOW)
    assert refused is not None and refused.scope == "client"
    assert refused.retry_after == timedelta(hours=1)
    # Another address, or a message without a client id (only the conversation cap applies).
    assert (
        limits.claim_booking_attempt(booking_factory, caps, "conv-x", "fedcba9876543210", now=NOW)
        is None
    )
    for _ in range(5):
        assert (
            limits.claim_booking_attempt(booking_factory, caps, "conv-api", None, now=NOW) is None
        )
    refused = limits.claim_booking_attempt(booking_factory, caps, "conv-api", None, now=NOW)
    assert refused is not None and refused.scope == "conversation"


def test_attempts_made_at_the_same_moment_still_keep_to_the_cap(
    booking_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four requests from one chat at once (as from four action-server replicas), cap 2: each
    waits after writing its row, before counting. Without the lock each would count only itself
    (PostgreSQL) and all four would pass."""
    caps = BookingLimits(attempts_per_conversation_per_hour=2)
    barrier = threading.Barrier(4, timeout=2)
    count = limits._attempts_refusal

    def wait_then_count(*args: Any) -> Any:
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return count(*args)

    monkeypatch.setattr(limits, "_attempts_refusal", wait_then_count)
    outcomes: list[bool] = []

    def attempt() -> None:
        outcomes.append(
            limits.claim_booking_attempt(booking_factory, caps, "conv-1", None, now=NOW) is None
        )

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [False, False, True, True]


# --- confirmation e-mails per address ----------------------------------------------------------


def test_confirmation_emails_are_throttled_per_address_per_day(
    booking_factory: sessionmaker[Session],
) -> None:
    for hour, address in enumerate(["ada@example.org", "Ada@Example.org", "ADA@example.org"]):
        assert limits.claim_confirmation_email(
            booking_factory, 3, address, now=NOW + timedelta(hours=hour)
        )
    assert not limits.claim_confirmation_email(
        booking_factory, 3, "ada@example.org", now=NOW + timedelta(hours=5)
    )
    assert limits.claim_confirmation_email(
        booking_factory, 3, "bo@example.org", now=NOW + timedelta(hours=5)
    )
    # A day after the first one, one more may go.
    assert limits.claim_confirmation_email(
        booking_factory, 3, "ada@example.org", now=NOW + timedelta(hours=24, minutes=1)
    )
    with booking_factory() as session:
        stored = session.scalars(select(ConfirmationEmail.address_hash)).all()
    assert stored and all(len(h) == 64 and "@" not in h for h in stored)  # no address kept


def test_the_throttle_stops_the_mail_itself(
    booking_factory: sessionmaker[Session],
    smtp_server: tuple[Inbox, SmtpSettings],
) -> None:
    inbox, smtp = smtp_server
    settings = dataclasses.replace(
        load_settings({"CONFIRMATION_EMAILS_PER_ADDRESS_PER_DAY": "2"}).booking, smtp=smtp
    )
    first, second, third = free(booking_factory, 3)
    outcomes = []
    for slot in (first, second, third):
        booked = service.book(booking_factory, details(), slot.slot_id)
        outcomes.append(confirm_by_email(booking_factory, settings, booked, SCHOOL))
        service.cancel(booking_factory, booked.reference)
    assert outcomes == [EmailOutcome.SENT, EmailOutcome.SENT, EmailOutcome.LIMITED]
    assert len(inbox.messages) == 2


# --- offered slots -------------------------------------------------------------------------------


def test_only_slots_offered_to_the_conversation_count_as_offered(
    booking_factory: sessionmaker[Session],
) -> None:
    shown, other = free(booking_factory, 2)
    with booking_factory() as session:
        offers.remember_offered(session, "conv-1", [shown.slot_id], now=NOW)
        offers.remember_offered(session, "conv-1", [shown.slot_id], now=NOW)  # shown again
        session.commit()
        assert offers.was_offered(session, "conv-1", shown.slot_id, now=NOW)
        assert not offers.was_offered(session, "conv-1", other.slot_id, now=NOW)
        assert not offers.was_offered(session, "conv-2", shown.slot_id, now=NOW)
        stale = NOW + offers.OFFER_VALID_FOR + timedelta(minutes=1)
        assert not offers.was_offered(session, "conv-1", shown.slot_id, now=stale)
        # Shown again later: valid again, still one row, and stale offers are pruned.
        offers.remember_offered(session, "conv-1", [shown.slot_id], now=stale)
        offers.remember_offered(session, "conv-2", [other.slot_id], now=stale)
        session.commit()
        assert offers.was_offered(session, "conv-1", shown.slot_id, now=stale)
        assert session.scalar(select(func.count()).select_from(SlotOffer)) == 2


# --- the actions -------------------------------------------------------------------------------


def run_action(action: Action, state: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Messages sent and all events returned by one run of `action`."""
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, state, DOMAIN)
    events = asyncio.run(result) if asyncio.iscoroutine(result) else result
    return dispatcher.messages, events


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def offered_ids(sender: str) -> list[str]:
    messages, _ = run_action(
        ActionAskAppointmentSlot(), tracker({"requested_slot": "appointment_slot"}, sender=sender)
    )
    return [b["payload"].split('"')[-2] for b in messages[0]["buttons"]]


def book_as(
    sender: str, form: dict[str, Any], **message: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return run_action(
        ActionBookAppointment(), tracker(form, active_loop="", sender=sender, **message)
    )


def appointments(url: str) -> int:
    with session_factory(url)() as session:
        return session.scalar(select(func.count()).select_from(Appointment)) or 0


def test_a_normal_students_single_booking_still_works(booking_env: str) -> None:
    slot_id = offered_ids("student-1")[0]
    messages, events = book_as("student-1", completed_form(slot_id), metadata={"client_id": CLIENT})
    assert messages[0]["response"] == "utter_booking_confirmed_no_email"
    assert slots_set(events)["booking_reference"] == messages[0]["reference"]
    with session_factory(booking_env)() as session:
        attempt = session.scalars(select(BookingAttempt)).one()
        assert (attempt.conversation_id, attempt.client_id) == ("student-1", CLIENT)


def test_client_id_is_read_from_the_message_metadata_when_usable() -> None:
    assert client_id(tracker({}, metadata={"client_id": CLIENT})) == CLIENT
    assert client_id(tracker({})) is None
    assert client_id(tracker({}, metadata={"client_id": 12345})) is None
    assert client_id(tracker({}, metadata={"client_id": "x" * 65})) is None


def test_a_forged_slot_button_is_refused_when_chosen(booking_env: str) -> None:
    not_mine = offered_ids("someone-else")[-1]  # a real free slot, offered to another chat
    messages, slots = answer(
        {},
        "appointment_slot",
        f'/inform{{"slot_id":"{not_mine}"}}',
        entities=[{"entity": "slot_id", "value": not_mine}],
    )
    assert messages[0]["response"] == "utter_time_not_offered"
    assert slots["appointment_slot"] is None
    # Once it is offered to this chat, the same button works.
    assert not_mine in offered_ids("student-1")
    _, slots = answer(
        {},
        "appointment_slot",
        f'/inform{{"slot_id":"{not_mine}"}}',
        entities=[{"entity": "slot_id", "value": not_mine}],
    )
    assert slots["appointment_slot"] == not_mine


def test_a_forged_slot_id_cannot_be_booked_and_real_times_are_offered_again(
    booking_env: str,
) -> None:
    not_mine = offered_ids("someone-else")[0]
    messages, events = book_as("student-1", completed_form(not_mine))
    assert messages[0]["response"] == "utter_time_not_offered"
    assert slots_set(events)["appointment_slot"] is None
    assert {"event": "followup", "name": "counselor_booking_form"}.items() <= events[-1].items()
    assert appointments(booking_env) == 0
    # An id that is no slot at all is refused the same way.
    messages, _ = book_as("student-1", completed_form("999999"))
    assert messages[0]["response"] == "utter_time_not_offered"


def test_a_second_booking_in_the_same_chat_names_the_first_and_offers_to_move_it(
    booking_env: str,
) -> None:
    first_id, second_id = offered_ids("student-1")[:2]
    booked, _ = book_as("student-1", completed_form(first_id))
    reference = booked[0]["reference"]
    again = {**completed_form(second_id), "email": "JORDAN@example.org"}
    messages, events = book_as("student-1", again)
    refusal = messages[0]
    assert refusal["response"] == "utter_already_booked"
    assert refusal["reference"] == reference and refusal["when"] == booked[0]["when"]
    assert [b["payload"] for b in refusal["buttons"]] == [
        "/reschedule_appointment",
        "/stop_booking",
    ]
    assert slots_set(events)["booking_reference"] == reference
    assert slots_set(events)["full_name"] is None
    assert appointments(booking_env) == 1

    # "Move it to another time": the existing reschedule path, with the reference already known.
    _, started = run_action(
        ActionStartAppointmentChange(),
        tracker(
            {"booking_reference": reference},
            "/reschedule_appointment",
            intent="reschedule_appointment",
            active_loop="",
        ),
    )
    assert slots_set(started)["change_kind"] == "reschedule"
    assert "booking_reference" not in slots_set(started)  # kept: no need to type it
    new_time = offered_ids("student-1")[0]
    moved, _ = run_action(
        ActionChangeAppointment(),
        tracker(
            {
                "booking_reference": reference,
                "change_kind": "reschedule",
                "appointment_slot": new_time,
            },
            active_loop="",
        ),
    )
    assert moved[0]["response"] == "utter_appointment_rescheduled"
    assert moved[0]["reference"] == reference


def test_someone_else_typing_a_booked_address_learns_no_time_or_reference(booking_env: str) -> None:
    booked, _ = book_as("student-1", completed_form(offered_ids("student-1")[0]))
    reference = booked[0]["reference"]
    messages, events = book_as("intruder", completed_form(offered_ids("intruder")[0]))
    assert messages[0]["response"] == "utter_already_booked_other_conversation"
    assert reference not in str(messages) and "when" not in messages[0]
    assert "booking_reference" not in slots_set(events)
    assert appointments(booking_env) == 1


def test_a_forged_slot_id_cannot_be_used_to_reschedule(booking_env: str) -> None:
    booked, _ = book_as("student-1", completed_form(offered_ids("student-1")[0]))
    reference = booked[0]["reference"]
    not_mine = offered_ids("someone-else")[-1]
    messages, _ = run_action(
        ActionChangeAppointment(),
        tracker(
            {
                "booking_reference": reference,
                "change_kind": "reschedule",
                "appointment_slot": not_mine,
            },
            active_loop="",
        ),
    )
    assert messages[0]["response"] == "utter_time_not_offered"
    with session_factory(booking_env)() as session:
        assert session.scalars(select(Appointment.slot_id)).one() != int(not_mine)


def test_too_many_attempts_from_one_chat_get_a_polite_specific_reply(
    booking_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOKING_ATTEMPTS_PER_CONVERSATION_PER_HOUR", "2")
    for _ in range(2):
        messages, _ = book_as("student-1", completed_form("999999"))
        assert messages[0]["response"] == "utter_time_not_offered"
    real = offered_ids("student-1")[0]
    messages, events = book_as("student-1", completed_form(real))
    assert messages[0]["response"] == "utter_booking_attempts_limited"
    assert messages[0]["wait"] in ("60 minutes", "59 minutes")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/request_human"]
    assert events == []  # details kept for a later "try again"
    assert appointments(booking_env) == 0


def test_too_many_attempts_from_one_network_are_refused_across_chats(
    booking_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOKING_ATTEMPTS_PER_CLIENT_PER_HOUR", "2")
    network = {"client_id": CLIENT}
    for sender in ("chat-1", "chat-2"):
        messages, _ = book_as(sender, completed_form("999999"), metadata=network)
        assert messages[0]["response"] == "utter_time_not_offered"
    messages, _ = book_as("chat-3", completed_form("999999"), metadata=network)
    assert messages[0]["response"] == "utter_booking_attempts_limited_network"
    # Another network, and a message without a client id, are not held back by it.
    messages, _ = book_as(
        "chat-4", completed_form("999999"), metadata={"client_id": "fedcba9876543210"}
    )
    assert messages[0]["response"] == "utter_time_not_offered"
    messages, _ = book_as("chat-5", completed_form("999999"))
    assert messages[0]["response"] == "utter_time_not_offered"


def test_a_booking_after_the_daily_mails_says_no_mail_was_sent(
    booking_env: str,
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: tuple[Inbox, SmtpSettings],
) -> None:
    inbox, smtp = smtp_server
    monkeypatch.setenv("SMTP_HOST", smtp.host)
    monkeypatch.setenv("SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("CONFIRMATION_EMAILS_PER_ADDRESS_PER_DAY", "1")
    first, _ = book_as("student-1", completed_form(offered_ids("student-1")[0]))
    assert first[0]["response"] == "utter_booking_confirmed"
    service.cancel(session_factory(booking_env), first[0]["reference"])
    second, _ = book_as("student-1", completed_form(offered_ids("student-1")[0]))
    assert second[0]["response"] == "utter_booking_confirmed_email_limited"
    assert second[0]["reference"] != first[0]["reference"]
    assert len(inbox.messages) == 1


def test_database_down_still_says_booking_unavailable(
    booking_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    )
    messages, events = book_as("student-1", completed_form("5"), metadata={"client_id": CLIENT})
    assert messages[0]["response"] == "utter_booking_not_saved"
    assert events == []
    # Free times that cannot be read are not a booking that could not be saved.
    messages, _ = run_action(
        ActionAskAppointmentSlot(), tracker({"requested_slot": "appointment_slot"})
    )
    assert messages[0]["response"] == "utter_times_unavailable"
