"""Booking: form validation, slots and time preferences, book/reschedule/cancel, the slot race,
and "delete my data", on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.booking import erasure, service
from bot.booking.appointment_times import (
    FreeSlot,
    generate_slots,
    next_free_slots,
    slots_for_preference,
)
from bot.booking.time_preference import parse_time_preference
from bot.booking.validation import (
    InvalidInput,
    normalise_contact_method,
    normalise_email,
    normalise_full_name,
    normalise_phone,
)
from bot.database.models import Appointment, AppointmentSlot, Lead, OutboxEvent
from bot.settings import load_settings
from tests.unit.conftest import BOOKING_NOW

SCHOOL = ZoneInfo("America/Denver")
NOW = BOOKING_NOW


def details(**overrides: object) -> service.LeadDetails:
    values: dict[str, object] = dict(
        full_name="Ada Student",
        email="ada@example.org",
        preferred_contact="email",
        consent=True,
        phone="+13035550123",
        program_code="bs-computer-science",
        conversation_id="conv-1",
        source_page="https://school.example/programs",
    )
    values.update(overrides)
    return service.LeadDetails(**values)  # type: ignore[arg-type]


def free(factory: sessionmaker[Session], n: int = 5) -> list[FreeSlot]:
    with factory() as session:
        return next_free_slots(session, n, SCHOOL, now=NOW)


# --- validation (no database) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("(303) 555-0123", "+13035550123"),
        ("303.555.0123", "+13035550123"),
        ("+44 20 7946 0958", "+442079460958"),
        ("  +1 303 555 0123 ", "+13035550123"),
    ],
)
def test_phone_is_normalised_to_e164(typed: str, expected: str) -> None:
    assert normalise_phone(typed, "US") == expected


def test_phone_region_decides_numbers_without_country_code() -> None:
    assert normalise_phone("020 7946 0958", "GB") == "+442079460958"
    assert load_settings({"DEFAULT_PHONE_REGION": "gb"}).booking.phone_region == "GB"
    assert load_settings({}).booking.phone_region == "US"


@pytest.mark.parametrize("typed", ["12", "call me maybe", "+1 555", "555-01234567890123"])
def test_bad_phone_is_refused_with_a_reason(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        normalise_phone(typed, "US")
    assert error.value.field == "phone" and error.value.reason


@pytest.mark.parametrize(
    ("typed", "reason_part"),
    [
        ("ada.example.org", "@"),
        ("ada@", "after the @"),
        ("ada@@example.org", "after the @"),
        ("ada@example", "period"),
        ("ada @example.org", "invalid character"),
    ],
)
def test_bad_email_is_refused_with_the_reason(typed: str, reason_part: str) -> None:
    with pytest.raises(InvalidInput) as error:
        normalise_email(typed)
    assert error.value.field == "email"
    assert reason_part.lower() in error.value.reason.lower()


def test_email_domain_is_normalised_without_a_dns_lookup() -> None:
    assert normalise_email(" Ada@Example.ORG ") == "Ada@example.org"
    # A domain that surely has no mail server is still accepted: deliverability is not checked.
    assert normalise_email("ada@no-mx-here.example") == "ada@no-mx-here.example"


def test_names_keep_their_text_and_contact_methods_are_closed() -> None:
    assert normalise_full_name("  Ada   Lovelace ") == "Ada Lovelace"
    with pytest.raises(InvalidInput):
        normalise_full_name("   ")
    with pytest.raises(InvalidInput):
        normalise_full_name("x" * 201)
    assert normalise_contact_method("E-mail") == "email"
    assert normalise_contact_method("SMS") == "text"
    with pytest.raises(InvalidInput):
        normalise_contact_method("pigeon")


# --- time preferences (no database) -----------------------------------------------------------

LOCAL_NOW = datetime(2030, 3, 4, 8, 0, tzinfo=SCHOOL)  # a Monday


@pytest.mark.parametrize(
    ("typed", "inside", "outside"),
    [
        ("tomorrow afternoon", datetime(2030, 3, 5, 14, 0), datetime(2030, 3, 5, 10, 0)),
        ("tomorrow afternoon", datetime(2030, 3, 5, 14, 0), datetime(2030, 3, 6, 14, 0)),
        ("Mar 6 at 2pm", datetime(2030, 3, 6, 14, 0), datetime(2030, 3, 6, 14, 30)),
        ("weekday mornings", datetime(2030, 3, 8, 9, 30), datetime(2030, 3, 9, 9, 30)),
        ("weekday mornings", datetime(2030, 3, 8, 9, 30), datetime(2030, 3, 8, 13, 0)),
        ("thursday", datetime(2030, 3, 7, 13, 0), datetime(2030, 3, 8, 13, 0)),
        ("today at noon", datetime(2030, 3, 4, 12, 0), datetime(2030, 3, 5, 12, 0)),
    ],
)
def test_typed_times_become_windows(typed: str, inside: datetime, outside: datetime) -> None:
    preference = parse_time_preference(typed, LOCAL_NOW)
    assert preference is not None
    assert preference.matches(inside.replace(tzinfo=SCHOOL))
    assert not preference.matches(outside.replace(tzinfo=SCHOOL))


def test_a_past_month_day_means_next_year() -> None:
    preference = parse_time_preference("Jan 3 at 10am", LOCAL_NOW)
    assert preference is not None and preference.dates == frozenset({date(2031, 1, 3)})
    assert preference.at == time(10)


@pytest.mark.parametrize("typed", ["whenever works", "hello", ""])
def test_text_without_a_time_is_not_guessed(typed: str) -> None:
    assert parse_time_preference(typed, LOCAL_NOW) is None


# --- slots ----------------------------------------------------------------------------------


def test_slots_come_from_working_hours_in_the_counselors_zone(
    booking_factory: sessionmaker[Session],
) -> None:
    slots = free(booking_factory, 3)
    # Monday 08:00 in Denver plus 2 hours' notice: the first offer is 10:00.
    assert [s.local_start.strftime("%a %H:%M") for s in slots] == [
        "Mon 10:00",
        "Mon 10:30",
        "Mon 11:00",
    ]
    assert slots[0].label() == "Mon Mar 4, 10:00 AM MST"
    assert all(s.starts_at.tzinfo is not None for s in slots)
    # Counselor C works 10-14 in New York: 08:00-12:00 in Denver on Tuesdays.
    with booking_factory() as session:
        tuesday = parse_time_preference("tuesday", LOCAL_NOW)
        assert tuesday is not None
        earliest = slots_for_preference(session, tuesday, 1, SCHOOL, now=NOW)[0]
    assert earliest.local_start.strftime("%a %H:%M") == "Tue 08:00"
    assert earliest.counselor_name == "Sample Counselor C"


def test_generating_again_adds_nothing(booking_factory: sessionmaker[Session]) -> None:
    with booking_factory() as session:
        before = session.scalar(select(func.count()).select_from(AppointmentSlot))
        assert generate_slots(session, now=NOW, days=14) == 0
        assert session.scalar(select(func.count()).select_from(AppointmentSlot)) == before


def test_preference_picks_matching_free_slots(booking_factory: sessionmaker[Session]) -> None:
    with booking_factory() as session:
        preference = parse_time_preference("tomorrow afternoon", LOCAL_NOW)
        assert preference is not None
        picked = slots_for_preference(session, preference, 3, SCHOOL, now=NOW)
    assert picked and all(
        s.local_start.date() == date(2030, 3, 5) and 12 <= s.local_start.hour < 17 for s in picked
    )


def test_exact_time_without_a_slot_offers_the_nearest(
    booking_factory: sessionmaker[Session],
) -> None:
    with booking_factory() as session:
        preference = parse_time_preference("Mar 8 at 9:10am", LOCAL_NOW)  # a Friday
        assert preference is not None
        picked = slots_for_preference(session, preference, 2, SCHOOL, now=NOW)
    assert [s.local_start.strftime("%d %H:%M") for s in picked] == ["08 09:00", "08 09:30"]


# --- book, reschedule, cancel ------------------------------------------------------------------


def test_booking_stores_lead_appointment_and_outbox_row_together(
    booking_factory: sessionmaker[Session],
) -> None:
    slot = free(booking_factory, 1)[0]
    confirmation = service.book(booking_factory, details(), slot.slot_id, now=NOW)
    assert len(confirmation.reference) == 9 and confirmation.reference[4] == "-"
    assert confirmation.starts_at == slot.starts_at
    with booking_factory() as session:
        lead = session.scalars(select(Lead)).one()
        assert (lead.email, lead.phone, lead.consent, lead.consent_at) == (
            "ada@example.org",
            "+13035550123",
            True,
            NOW,
        )
        appointment = session.scalars(select(Appointment)).one()
        assert appointment.slot_id == slot.slot_id and appointment.status == "booked"
        event = session.scalars(select(OutboxEvent)).one()
        assert event.event_type == "appointment.booked"
        assert event.payload["reference"] == confirmation.reference
        assert event.payload["lead"]["email"] == "ada@example.org"
    # The slot is no longer offered.
    assert slot.slot_id not in {s.slot_id for s in free(booking_factory, 50)}


def test_a_booked_slot_cannot_be_booked_again_and_nothing_is_saved(
    booking_factory: sessionmaker[Session],
) -> None:
    slot = free(booking_factory, 1)[0]
    service.book(booking_factory, details(), slot.slot_id, now=NOW)
    with pytest.raises(service.SlotTaken):
        service.book(booking_factory, details(email="bo@example.org"), slot.slot_id, now=NOW)
    with booking_factory() as session:
        assert session.scalar(select(func.count()).select_from(Lead)) == 1
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 1


def test_unknown_or_past_slot_and_missing_consent_are_refused(
    booking_factory: sessionmaker[Session],
) -> None:
    slot = free(booking_factory, 1)[0]
    with pytest.raises(service.SlotNotFound):
        service.book(booking_factory, details(), 999_999, now=NOW)
    with pytest.raises(service.SlotNotFound):
        service.book(booking_factory, details(), slot.slot_id, now=slot.starts_at)
    with pytest.raises(service.BookingError):
        service.book(booking_factory, details(consent=False), slot.slot_id, now=NOW)


def test_an_unreachable_database_is_a_clear_error() -> None:
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(service.BookingUnavailable):
        service.book(sessionmaker(bind=engine), details(), 1, now=NOW)
    engine.dispose()


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert('x')</script>",
        "Robert'); DROP TABLE lead;--",
        'O\'Brien "Bobby" <b>Ng</b> 李',
    ],
)
def test_markup_and_sql_in_names_are_stored_verbatim(
    booking_factory: sessionmaker[Session], name: str
) -> None:
    slot = free(booking_factory, 1)[0]
    service.book(booking_factory, details(full_name=name), slot.slot_id, now=NOW)
    with booking_factory() as session:
        assert session.scalars(select(Lead.full_name)).one() == name
        assert session.scalar(select(func.count()).select_from(Lead)) == 1  # table still there


def test_reschedule_moves_the_booking_and_frees_the_old_slot(
    booking_factory: sessionmaker[Session],
) -> None:
    first, second = free(booking_factory, 2)
    booked = service.book(booking_factory, details(), first.slot_id, now=NOW)
    moved = service.reschedule(
        booking_factory, booked.reference.lower().replace("-", " "), second.slot_id, now=NOW
    )
    assert moved.reference == booked.reference and moved.starts_at == second.starts_at
    offered = {s.slot_id for s in free(booking_factory, 50)}
    assert first.slot_id in offered and second.slot_id not in offered
    with booking_factory() as session:
        types = session.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.id)).all()
    assert types == ["appointment.booked", "appointment.rescheduled"]


def test_reschedule_onto_a_taken_slot_keeps_the_old_one(
    booking_factory: sessionmaker[Session],
) -> None:
    first, second = free(booking_factory, 2)
    mine = service.book(booking_factory, details(), first.slot_id, now=NOW)
    service.book(booking_factory, details(email="bo@example.org"), second.slot_id, now=NOW)
    with pytest.raises(service.SlotTaken):
        service.reschedule(booking_factory, mine.reference, second.slot_id, now=NOW)
    with booking_factory() as session:
        appointment = session.scalars(
            select(Appointment).where(Appointment.reference == mine.reference)
        ).one()
        assert appointment.slot_id == first.slot_id


def test_cancel_frees_the_slot_and_a_second_cancel_finds_nothing(
    booking_factory: sessionmaker[Session],
) -> None:
    slot = free(booking_factory, 1)[0]
    booked = service.book(booking_factory, details(), slot.slot_id, now=NOW)
    cancelled = service.cancel(booking_factory, booked.reference, now=NOW)
    assert cancelled.starts_at == slot.starts_at
    with booking_factory() as session:
        appointment = session.scalars(select(Appointment)).one()
        assert (appointment.status, appointment.slot_id) == ("cancelled", None)
        assert appointment.starts_at == slot.starts_at  # kept for the record
    with pytest.raises(service.AppointmentNotFound):
        service.cancel(booking_factory, booked.reference, now=NOW)
    with pytest.raises(service.AppointmentNotFound):
        service.reschedule(booking_factory, "NOPE-NOPE", slot.slot_id, now=NOW)
    # The freed slot can be booked by someone else.
    service.book(booking_factory, details(email="bo@example.org"), slot.slot_id, now=NOW)


def test_two_students_racing_for_one_slot_exactly_one_wins(
    booking_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real concurrency: two threads on separate connections both see the slot free (a barrier
    holds each inside its transaction until the other has checked too), then both insert; the
    UNIQUE constraint lets exactly one commit."""
    barrier = threading.Barrier(2, timeout=20)
    check_slot = service._future_slot

    def check_then_wait(session: Session, slot_id: int, now: datetime) -> AppointmentSlot:
        slot = check_slot(session, slot_id, now)
        barrier.wait()
        return slot

    monkeypatch.setattr(service, "_future_slot", check_then_wait)

    def attempt(email: str, slot_id: int, outcomes: list[str]) -> None:
        try:
            service.book(booking_factory, details(email=email), slot_id, now=NOW)
            outcomes.append("booked")
        except service.SlotTaken:
            outcomes.append("taken")

    for slot in free(booking_factory, 3):
        outcomes: list[str] = []
        threads = [
            # A new pair of students per slot: one address may hold only one upcoming booking.
            threading.Thread(
                target=attempt,
                args=(f"student{i}.{slot.slot_id}@example.org", slot.slot_id, outcomes),
            )
            for i in (1, 2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["booked", "taken"]
        barrier.reset()
    with booking_factory() as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 3
        assert session.scalar(select(func.count()).select_from(Lead)) == 3
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 3


# --- delete my data, privacy ---------------------------------------------------------------------


def test_delete_my_data_removes_the_leads_and_their_pending_messages(
    booking_factory: sessionmaker[Session],
) -> None:
    first, second, third = free(booking_factory, 3)
    mine = service.book(booking_factory, details(), first.slot_id, now=NOW)
    # A second lead in the same conversation (one address holds only one upcoming booking).
    service.book(booking_factory, details(email="ada.second@example.org"), second.slot_id, now=NOW)
    service.book(
        booking_factory,
        details(email="other@example.org", conversation_id="conv-2"),
        third.slot_id,
        now=NOW,
    )
    assert erasure.delete_lead_data(booking_factory, conversation_id="conv-1", now=NOW).leads == 2
    with booking_factory() as session:
        assert session.scalars(select(Lead.email)).all() == ["other@example.org"]
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1
        events = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()
        erased = [e for e in events if e.event_type == "lead.deleted"]
        erased_references = {r for e in erased for r in e.payload["references"]}
        assert len(erased) == 2 and mine.reference in erased_references
        # No message still holding the erased student's address is left to send.
        assert all("ada@example.org" not in str(e.payload) for e in events)
    assert first.slot_id in {s.slot_id for s in free(booking_factory, 50)}
    assert erasure.delete_lead_data(booking_factory, email="other@example.org", now=NOW).leads == 1
    assert erasure.delete_lead_data(booking_factory, email="nobody@example.org", now=NOW).leads == 0
    with pytest.raises(ValueError):
        erasure.delete_lead_data(booking_factory)


def test_contact_details_never_reach_info_logs(
    booking_factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    first, second = free(booking_factory, 2)
    booked = service.book(booking_factory, details(), first.slot_id, now=NOW)
    service.reschedule(booking_factory, booked.reference, second.slot_id, now=NOW)
    service.cancel(booking_factory, booked.reference, now=NOW)
    erasure.delete_lead_data(booking_factory, email="ada@example.org", now=NOW)
    text = caplog.text
    assert booked.reference in text
    for secret in ("ada@example.org", "+13035550123", "Ada Student", "3035550123"):
        assert secret not in text
