"""The booking desk: everything a conversation asks of booking, behind one object.

The Rasa actions (actions/booking.py, booking_form.py, appointments.py) read the tracker, call
one method here and send the Reply it returns. The desk holds the settings and the database
session factory, turns every failure into the reply that explains that failure (a database that
cannot be reached is never reported as "no such booking"), and returns small results: a Reply
plus what happened, never Rasa events. So the whole booking conversation can be tested without Rasa.

Reads and writes are separate steps: showing free times first tops the slots up and records what
was shown, each as its own explicit write (see bot.booking.offers).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.booking import erasure, limits, offers, replies, service, validation
from bot.booking.appointment_times import FreeSlot, utc_now
from bot.booking.confirmation_email import EmailOutcome, confirm_by_email
from bot.booking.form_answers import UNDECIDED, catalog_code
from bot.booking.service import BookingConfirmation, LeadDetails
from bot.booking.time_preference import names_a_time
from bot.database.db import session_factory
from bot.knowledge import catalog
from bot.knowledge.replies import Reply
from bot.knowledge.replies.language import current_language
from bot.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checked:
    """A form answer after checking: the value to keep, or None and the reply that says why."""

    value: str | None
    reply: Reply | None = None


@dataclass(frozen=True)
class TimeChoice:
    """What a chosen or typed time came to."""

    # The free time taken, and how it is written in the school's zone ("Tuesday, March 5 at...").
    slot: FreeSlot | None = None
    when: str | None = None
    # Typed text naming no single free time: the times inside it are offered next.
    wish: str | None = None
    # Why the time was not taken (not offered, just taken), if it was not. None with no slot and
    # no wish: the calendar could not be read, and the question asked again says so once.
    reply: Reply | None = None


@dataclass(frozen=True)
class TimesOffered:
    reply: Reply
    # False when no time could be shown (none free, or the calendar is down): the form ends.
    any_shown: bool


class BookingResult(enum.Enum):
    BOOKED = "booked"
    # The address already has an upcoming booking; nothing was saved.
    ALREADY_BOOKED = "already booked"
    # The time was taken meanwhile, or never offered to this conversation.
    PICK_ANOTHER_TIME = "pick another time"
    # Attempt cap reached, or the database is down: the answers are kept for "try again".
    TRY_AGAIN_LATER = "try again later"


@dataclass(frozen=True)
class BookingOutcome:
    reply: Reply
    result: BookingResult
    # The reference this conversation may use from now on: the new booking's, or the existing
    # booking's when the asker made it (see `BookingDesk.book`).
    reference: str | None = None


@dataclass(frozen=True)
class AppointmentLookup:
    # What to say: a question about the booking, or why it cannot be found; None: nothing.
    reply: Reply | None
    # The booking's reference as stored, when a booked appointment has it.
    reference: str | None = None
    # The appointment book could not be read (database down), as opposed to "no such code".
    unavailable: bool = False


@dataclass(frozen=True)
class ChangeOutcome:
    reply: Reply
    # The appointment was cancelled: its reference no longer names a booking.
    cancelled: bool = False


@dataclass(frozen=True)
class Erasure:
    reply: Reply
    # Committed: the conversation's own memory may be erased too.
    erased: bool


class BookingDesk:
    """Booking, rescheduling, cancelling and erasing for one conversation at a time, configured
    from `bot.settings` (database, school time zone, phone region, SMTP, limits)."""

    def __init__(self, settings: Settings) -> None:
        self._booking = settings.booking
        self._zone = settings.school_timezone
        self._factory = session_factory(settings.database_url)
        # The form's answers that are checked, and how (each raises InvalidInput with a reason).
        self._checks: dict[str, Callable[[str], str]] = {
            "full_name": validation.normalise_full_name,
            "email": validation.normalise_email,
            "phone": lambda text: validation.normalise_phone(text, self._booking.phone_region),
            "preferred_contact": validation.normalise_contact_method,
        }

    @property
    def checked_fields(self) -> tuple[str, ...]:
        return tuple(self._checks)

    # --- the form's answers ---------------------------------------------------------------

    def check(self, field: str, text: str) -> Checked:
        """The answer for `field` normalised, or the reason it cannot be used."""
        try:
            return Checked(self._checks[field](text))
        except validation.InvalidInput as error:
            return Checked(None, replies.invalid_answer(field, error.reason))

    def choose_program(self, text: str) -> Checked:
        """A program code or UNDECIDED for the `interested_program` answer."""
        try:
            with self._factory() as session:
                aliases = catalog.read_program_aliases(session)
        except SQLAlchemyError as error:
            _log_failure("Program names unavailable; keeping the answer as undecided", error)
            return Checked(UNDECIDED)
        code = catalog_code(text, aliases)
        if code is None:
            return Checked(None, replies.program_not_recognised())
        return Checked(code)

    def program_question(self) -> Reply:
        return replies.program_question(self.program_names())

    def program_names(self) -> dict[str, str]:
        """Program code -> display name in the conversation's language; empty when the database
        cannot be read (the question then offers only "Not sure yet", and the summary shows the
        code)."""
        try:
            with self._factory() as session:
                programs = catalog.read_programs(session, current_language())
                return {p.code: p.display_name for p in programs}
        except SQLAlchemyError as error:
            _log_failure("Program names unavailable", error)
            return {}

    def names_a_time(self, text: str) -> bool:
        """True when `text` names a day or time ("tomorrow afternoon") in the school's zone."""
        return names_a_time(text, utc_now().astimezone(self._zone))

    def summary(
        self,
        *,
        full_name: str,
        email: str,
        preferred_contact: str,
        phone: str | None,
        program: str | None,
        time: str,
    ) -> Reply:
        """Everything that will be saved, to confirm before booking."""
        return replies.summary(
            full_name=full_name,
            email=email,
            preferred_contact=preferred_contact,
            phone=phone,
            program_name=self.program_names().get(program, program) if program else program,
            time=time,
            privacy_notice_url=self._booking.privacy_notice_url,
        )

    # --- times ----------------------------------------------------------------------------

    def offer_times(self, conversation_id: str, wish: str | None) -> TimesOffered:
        """Free times as buttons (inside `wish` when it names a window), remembered as offered
        to this conversation so only they can be booked from it."""
        try:
            with self._factory() as session:
                offers.top_up_slots(session)
                session.commit()
                offer = offers.offer_times(session, self._zone, wish)
                offers.remember_offered(session, conversation_id, [t.slot_id for t in offer.times])
                session.commit()
        except SQLAlchemyError as error:
            _log_failure("Free times unavailable", error)
            return TimesOffered(replies.times_unavailable(), any_shown=False)
        return TimesOffered(replies.time_question(offer, wish, self._zone), bool(offer.times))

    def choose_time(self, conversation_id: str, answer: str) -> TimeChoice:
        """A button's slot id, or typed text ("March 5 at 9am"), as the appointment time."""
        try:
            with self._factory() as session:
                if answer.isdigit():
                    return self._chosen_button(session, conversation_id, int(answer))
                offers.top_up_slots(session)
                session.commit()
                slot = offers.offer_times(session, self._zone, answer).exact
                if slot is None:
                    return TimeChoice(wish=answer)
                # The time the student typed is the one offered to them.
                offers.remember_offered(session, conversation_id, [slot.slot_id])
                session.commit()
        except SQLAlchemyError as error:
            _log_failure("Free times unavailable", error)
            # No reply here: the form asks for the time again, and that question either shows
            # the times (the database is back) or apologises and ends the form. Saying it here
            # too would send the same apology twice in a row.
            return TimeChoice()
        return TimeChoice(slot, replies.when(slot.starts_at, self._zone))

    def _chosen_button(self, session: Session, conversation_id: str, slot_id: int) -> TimeChoice:
        if not offers.was_offered(session, conversation_id, slot_id):
            # A hand-typed button payload: the real times are shown again.
            return TimeChoice(reply=replies.time_not_offered())
        slot = offers.free_slot(session, slot_id, self._zone)
        if slot is None:
            return TimeChoice(reply=replies.time_taken())
        return TimeChoice(slot, replies.when(slot.starts_at, self._zone))

    # --- booking --------------------------------------------------------------------------

    def book(
        self,
        conversation_id: str,
        details: LeadDetails,
        slot_id: int,
        *,
        client_id: str | None = None,
        known_reference: str | None = None,
    ) -> BookingOutcome:
        """Save the booking; the reply says "booked" only once the commit succeeded.

        Before saving, the abuse controls: the attempt caps per conversation and per
        client address (`client_id`: the channel's opaque id of it, when known), and the slot
        must be one this conversation was offered. The service then refuses a second upcoming
        booking for the same e-mail address; its time and reference are shown only to the
        conversation that made it or to one that knows its reference (`known_reference`).
        The confirmation e-mail keeps to its daily limit per address.
        """
        try:
            refused = limits.claim_booking_attempt(
                self._factory, self._booking.limits, conversation_id, client_id
            )
            if refused is not None:
                reply = replies.booking_attempts_limited(refused)
                return BookingOutcome(reply, BookingResult.TRY_AGAIN_LATER)
            if not self._was_offered(conversation_id, slot_id):
                return BookingOutcome(replies.time_not_offered(), BookingResult.PICK_ANOTHER_TIME)
            confirmation = service.book(self._factory, details, slot_id)
        except (service.SlotTaken, service.SlotNotFound):
            return BookingOutcome(replies.time_taken(), BookingResult.PICK_ANOTHER_TIME)
        except service.AlreadyBooked as already:
            existing = already.existing
            may_show = conversation_id == already.conversation_id or (
                known_reference == existing.reference
            )
            return BookingOutcome(
                replies.already_booked(existing, self._zone, may_show),
                BookingResult.ALREADY_BOOKED,
                existing.reference if may_show else None,
            )
        except (service.BookingUnavailable, SQLAlchemyError) as error:
            _log_failure("Booking not saved; details kept for a retry", error)
            return BookingOutcome(replies.booking_not_saved(), BookingResult.TRY_AGAIN_LATER)
        reply = self._booked(confirmation, details.preferred_contact)
        return BookingOutcome(reply, BookingResult.BOOKED, confirmation.reference)

    def _booked(self, confirmation: BookingConfirmation, preferred_contact: str) -> Reply:
        emailed = confirm_by_email(self._factory, self._booking, confirmation, self._zone)
        if emailed is EmailOutcome.LIMITED:
            return replies.booked_without_another_email(confirmation, preferred_contact, self._zone)
        return replies.booked(
            confirmation, preferred_contact, self._zone, emailed is EmailOutcome.SENT
        )

    def _was_offered(self, conversation_id: str, slot_id: int) -> bool:
        with self._factory() as session:
            return offers.was_offered(session, conversation_id, slot_id)

    # --- after booking: look up, cancel, reschedule, erase ----------------------------------

    def find_appointment(self, reference: str) -> AppointmentLookup:
        """The booked appointment a typed reference names (no reply when it is found)."""
        return self._lookup(reference, lambda booking: None)

    def cancel_question(self, reference: str) -> AppointmentLookup:
        """ "Cancel your call on <when>?" for the booked appointment with this reference."""
        return self._lookup(reference, lambda booking: replies.cancel_question(booking, self._zone))

    def _lookup(
        self, reference: str, reply: Callable[[BookingConfirmation], Reply | None]
    ) -> AppointmentLookup:
        try:
            booking = service.find_booking(self._factory, reference)
        except service.AppointmentNotFound:
            return AppointmentLookup(replies.reference_not_found())
        except SQLAlchemyError as error:
            _log_failure("Appointment lookup failed", error)
            return AppointmentLookup(replies.appointment_book_unavailable(), unavailable=True)
        return AppointmentLookup(reply(booking), booking.reference)

    def cancel(self, reference: str, confirmed: bool) -> ChangeOutcome:
        """Cancel the appointment if the student said yes; keep it otherwise."""
        if not confirmed:
            return ChangeOutcome(replies.appointment_kept())
        try:
            cancelled = service.cancel(self._factory, reference)
        except service.AppointmentNotFound:
            return ChangeOutcome(replies.reference_not_found())
        except (service.BookingUnavailable, SQLAlchemyError) as error:
            _log_failure("Appointment not cancelled", error)
            return ChangeOutcome(replies.change_not_saved())
        return ChangeOutcome(replies.cancelled(cancelled, self._zone), cancelled=True)

    def reschedule(self, conversation_id: str, reference: str, slot_id: int) -> ChangeOutcome:
        """Move the appointment to `slot_id`, which must have been offered to this conversation
        (a hand-typed slot id must not take a slot nobody offered)."""
        try:
            if not self._was_offered(conversation_id, slot_id):
                return ChangeOutcome(replies.time_not_offered())
            moved = service.reschedule(self._factory, reference, slot_id)
        except service.AppointmentNotFound:
            return ChangeOutcome(replies.reference_not_found())
        except (service.SlotTaken, service.SlotNotFound):
            return ChangeOutcome(replies.time_taken())
        except (service.BookingUnavailable, SQLAlchemyError) as error:
            _log_failure("Appointment not moved", error)
            return ChangeOutcome(replies.change_not_saved())
        return ChangeOutcome(replies.rescheduled(moved, self._zone))

    def erase(self, conversation_id: str) -> Erasure:
        """ "Delete my data": the conversation's leads, bookings and handoff transcripts."""
        try:
            erased = erasure.delete_lead_data(self._factory, conversation_id=conversation_id)
        except SQLAlchemyError as error:
            _log_failure("Data not deleted", error)
            return Erasure(replies.delete_failed(), erased=False)
        return Erasure(replies.data_deleted(erased.leads, erased.handoffs), erased=True)


def _log_failure(what: str, error: BaseException) -> None:
    """Only the error's type: database errors carry the SQL parameters in their message, and
    those are a student's contact details."""
    logger.warning("%s: %s", what, type(error).__name__)
