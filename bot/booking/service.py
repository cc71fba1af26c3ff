"""Booking, rescheduling, cancelling and erasing, each in one transaction with its outbox row.

The caller passes a session factory, not a session: every operation owns its transaction, so
"booked" can be said only after the commit succeeded, and the CRM message is committed together
with the change it reports (or not at all). A slot taken by someone else surfaces as `SlotTaken`,
detected by the database's UNIQUE constraint, so two students picking the same slot at the same
moment cannot both win. (A clash of two random reference codes would also surface as SlotTaken;
at 31^8 codes that is not worth a second code path, and the student just picks again.)

An e-mail address holds at most one upcoming booking (`AlreadyBooked` names the one it has), so
one script cannot fill the calendar with a single address. The check and the insert run under a
lock on the address (bot.booking.locks), so two requests for one address cannot both pass it."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.booking.appointment_times import utc_now
from bot.booking.crm.outbox import outbox_event
from bot.booking.locks import lock_keys
from bot.booking.validation import email_identity
from bot.database.models import Appointment, AppointmentSlot, Lead

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L: a reference code is read over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8
# "K7QM-4XTR", "k7qm 4xtr", "K7QM4XTR": the code's own alphabet, in two halves of four.
_REFERENCE_IN_TEXT = re.compile(
    rf"\b([{REFERENCE_ALPHABET}]{{4}})[\s-]?([{REFERENCE_ALPHABET}]{{4}})\b", re.IGNORECASE
)


class BookingError(Exception):
    """A booking operation could not be done; the message says why in plain words."""


class SlotTaken(BookingError):
    """Someone else booked the slot first (or it was never free): offer other slots."""


class BookingUnavailable(BookingError):
    """The database could not be reached: nothing was saved; keep the answers and offer a retry."""


class SlotNotFound(BookingError):
    """The slot id does not exist or the slot is in the past."""


class AppointmentNotFound(BookingError):
    """No booked appointment has this reference code."""


class AlreadyBooked(BookingError):
    """The e-mail address already has an upcoming booking: nothing was saved.

    `existing` is that booking and `conversation_id` the conversation it was made in, so the
    caller can decide whether the person asking may be shown its time and reference (the
    reference is what authorises changing it)."""

    def __init__(self, existing: BookingConfirmation, conversation_id: str | None) -> None:
        super().__init__("That e-mail address already has an upcoming booking.")
        self.existing = existing
        self.conversation_id = conversation_id


@dataclass(frozen=True)
class LeadDetails:
    """The validated form answers (see bot.booking.validation) for one lead."""

    full_name: str
    email: str
    preferred_contact: str
    consent: bool
    phone: str | None = None
    program_code: str | None = None  # None: "not sure yet"
    conversation_id: str | None = None
    source_page: str | None = None
    language: str = "en"  # the conversation's, so the counselor calls in it


@dataclass(frozen=True)
class BookingConfirmation:
    """What the student is told after the commit: the reference and the time (UTC)."""

    reference: str
    starts_at: datetime
    ends_at: datetime
    counselor_name: str
    full_name: str
    email: str


def new_reference() -> str:
    """A random code like "K7QM-4XTR": 31^8 (about 10^12) values, so guessing one is hopeless."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalise_reference(text: str) -> str:
    """A reference as typed ("k7qm4xtr", "K7QM 4XTR") in its stored form."""
    code = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{code[:4]}-{code[4:]}" if len(code) == REFERENCE_LENGTH else text.strip().upper()


def reference_in(text: str) -> str | None:
    """The reference code in a message ("it's k7qm 4xtr"), in its stored form; None if none."""
    match = _REFERENCE_IN_TEXT.search(text.upper())
    return f"{match.group(1)}-{match.group(2)}" if match else None


def book(
    factory: sessionmaker[Session],
    details: LeadDetails,
    slot_id: int,
    now: datetime | None = None,
) -> BookingConfirmation:
    """Store the lead and its appointment for `slot_id`, with an outbox row, in one transaction.

    AlreadyBooked when the e-mail address has an upcoming booking already."""
    if not details.consent:
        raise BookingError("A booking needs the student's consent to be contacted.")
    now = now or utc_now()
    try:
        with factory() as session, session.begin():
            lock_keys(session, f"booking-email:{email_identity(details.email)}")
            slot = _future_slot(session, slot_id, now)
            lead = Lead(
                full_name=details.full_name,
                email=details.email,
                phone=details.phone,
                program_code=details.program_code,
                preferred_contact=details.preferred_contact,
                consent=True,
                consent_at=now,
                conversation_id=details.conversation_id,
                source_page=details.source_page,
                created_at=now,
                language=details.language,
            )
            session.add(lead)
            # Written before the check: on SQLite this takes the write lock, which serialises
            # two bookings for one address as the advisory lock does on PostgreSQL.
            session.flush()
            existing = _upcoming_booking(session, details.email, now)
            if existing is not None:
                assert existing.slot is not None  # booked => holds a slot (CHECK constraint)
                raise AlreadyBooked(
                    _confirmation(existing, existing.slot), existing.lead.conversation_id
                )
            appointment = Appointment(
                lead=lead, status="booked", reference=new_reference(), created_at=now
            )
            session.add(appointment)
            confirmation = _hold(session, appointment, slot, "appointment.booked", now)
    except IntegrityError:
        raise SlotTaken("That time was just taken; please pick another.") from None
    except OperationalError as error:
        raise _unavailable("Booking not saved", error) from None
    logger.info("Booked appointment %s (slot %s)", confirmation.reference, slot_id)
    return confirmation


def reschedule(
    factory: sessionmaker[Session],
    reference: str,
    new_slot_id: int,
    now: datetime | None = None,
) -> BookingConfirmation:
    """Move a booked appointment to another free slot; the old slot becomes free."""
    now = now or utc_now()
    try:
        with factory() as session, session.begin():
            appointment = _booked(session, reference)
            slot = _future_slot(session, new_slot_id, now)
            confirmation = _hold(session, appointment, slot, "appointment.rescheduled", now)
    except IntegrityError:
        raise SlotTaken("That time was just taken; please pick another.") from None
    except OperationalError as error:
        raise _unavailable("Appointment not moved", error) from None
    logger.info("Rescheduled appointment %s to slot %s", confirmation.reference, new_slot_id)
    return confirmation


def find_booking(factory: sessionmaker[Session], reference: str) -> BookingConfirmation:
    """The booked appointment with this reference (AppointmentNotFound if none is booked)."""
    with factory() as session:
        appointment = _booked(session, reference)
        assert appointment.slot is not None  # booked => holds a slot (CHECK constraint)
        return _confirmation(appointment, appointment.slot)


def cancel(
    factory: sessionmaker[Session], reference: str, now: datetime | None = None
) -> BookingConfirmation:
    """Cancel a booked appointment and free its slot."""
    now = now or utc_now()
    try:
        with factory() as session, session.begin():
            appointment = _booked(session, reference)
            slot = appointment.slot
            assert slot is not None  # a booked appointment always holds a slot (CHECK constraint)
            confirmation = _confirmation(appointment, slot)
            appointment.status = "cancelled"
            appointment.slot_id = None
            appointment.updated_at = now
            session.flush()
            _add_event(session, "appointment.cancelled", appointment, now)
    except OperationalError as error:
        raise _unavailable("Appointment not cancelled", error) from None
    logger.info("Cancelled appointment %s", confirmation.reference)
    return confirmation


def appointment_payload(appointment: Appointment) -> dict[str, Any]:
    """What the CRM receives about an appointment and its lead (contact details included)."""
    lead = appointment.lead
    return {
        "reference": appointment.reference,
        "status": appointment.status,
        "starts_at": appointment.starts_at.isoformat(),
        "ends_at": appointment.ends_at.isoformat(),
        "counselor": appointment.counselor.name,
        "counselor_email": appointment.counselor.email,
        "lead": {
            "full_name": lead.full_name,
            "email": lead.email,
            "phone": lead.phone,
            "program_code": lead.program_code,
            "preferred_contact": lead.preferred_contact,
            "consent_at": lead.consent_at.isoformat(),
            "conversation_id": lead.conversation_id,
            "source_page": lead.source_page,
            "language": lead.language,
        },
    }


def upcoming_booking(
    factory: sessionmaker[Session], email: str, now: datetime | None = None
) -> BookingConfirmation | None:
    """The booked appointment of `email` that has not started yet, if there is one."""
    now = now or utc_now()
    with factory() as session:
        appointment = _upcoming_booking(session, email, now)
        if appointment is None:
            return None
        assert appointment.slot is not None  # booked => holds a slot (CHECK constraint)
        return _confirmation(appointment, appointment.slot)


def _upcoming_booking(session: Session, email: str, now: datetime) -> Appointment | None:
    """Addresses are compared as `email_identity` gives them (case does not make a new one)."""
    identity = email_identity(email)
    return session.scalars(
        select(Appointment)
        .join(Lead, Lead.id == Appointment.lead_id)
        .where(
            or_(Lead.email == email, func.lower(Lead.email) == identity),
            Appointment.status == "booked",
            Appointment.starts_at > now,
        )
        .order_by(Appointment.starts_at)
    ).first()


def _unavailable(what: str, error: OperationalError) -> BookingUnavailable:
    """Log that the database could not be reached, naming only the driver's error type (the
    message carries the SQL parameters: a student's contact details)."""
    logger.warning("%s, database unavailable: %s", what, type(error.orig).__name__)
    return BookingUnavailable("I could not reach the appointment book just now.")


def _future_slot(session: Session, slot_id: int, now: datetime) -> AppointmentSlot:
    slot = session.get(AppointmentSlot, slot_id)
    if slot is None or slot.starts_at <= now:
        raise SlotNotFound("That time is no longer available; please pick another.")
    return slot


def _booked(session: Session, reference: str) -> Appointment:
    appointment = session.scalars(
        select(Appointment).where(
            Appointment.reference == normalise_reference(reference),
            Appointment.status == "booked",
        )
    ).first()
    if appointment is None:
        raise AppointmentNotFound("I could not find a booked appointment with that reference.")
    return appointment


def _hold(
    session: Session,
    appointment: Appointment,
    slot: AppointmentSlot,
    event_type: str,
    now: datetime,
) -> BookingConfirmation:
    """Point the appointment at `slot` and queue the CRM message; the flush is where a slot
    someone else holds raises IntegrityError."""
    appointment.slot_id = slot.id
    appointment.counselor_id = slot.counselor_id
    appointment.starts_at = slot.starts_at
    appointment.ends_at = slot.ends_at
    appointment.updated_at = now
    session.flush()
    _add_event(session, event_type, appointment, now)
    return _confirmation(appointment, slot)


def _add_event(session: Session, event_type: str, appointment: Appointment, now: datetime) -> None:
    session.add(
        outbox_event(
            event_type, appointment_payload(appointment), lead_id=appointment.lead_id, now=now
        )
    )


def _confirmation(appointment: Appointment, slot: AppointmentSlot) -> BookingConfirmation:
    return BookingConfirmation(
        reference=appointment.reference,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        counselor_name=slot.counselor.name,
        full_name=appointment.lead.full_name,
        email=appointment.lead.email,
    )
