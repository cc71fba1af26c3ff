"""Starting, saving and abandoning a counselor booking: a thin adapter over `BookingDesk`.

The form's questions and answers are actions/booking_form.py; this module starts the form with
what the conversation already knows, books once the student confirmed, and forgets the answers
when they change their mind.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._support import booking_desk, conversation_language, latest_intent, send
from actions.form_reading import LEAVE_FORM
from bot.booking import replies
from bot.booking.desk import BookingResult
from bot.booking.form_answers import NO_PHONE, UNDECIDED
from bot.booking.service import LeadDetails

BOOKING_FORM = "counselor_booking_form"
# Everything the booking form collects; cleared when a booking is saved or abandoned.
BOOKING_SLOTS = (
    "full_name",
    "email",
    "phone",
    "preferred_contact",
    "interested_program",
    "appointment_slot",
    "appointment_time",
    "time_wish",
    "booking_confirmed",
)
# The channel's opaque client id (a keyed hash of the address) is 16 hex digits; anything longer
# is not one of ours and is ignored rather than stored.
MAX_CLIENT_ID_LENGTH = 64


class ActionStartBooking(Action):
    """Start a fresh form, with the program already named in the conversation filled in."""

    def name(self) -> str:
        return "action_start_booking"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        program = tracker.get_slot("program")
        named = [SlotSet("interested_program", program)] if program else []
        return [SlotSet(slot, None) for slot in BOOKING_SLOTS] + named


class ActionBookAppointment(Action):
    """Save the booking (the desk says "booked" only once the commit succeeded)."""

    def name(self) -> str:
        return "action_book_appointment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slot_id = str(tracker.get_slot("appointment_slot") or "")
        if not (tracker.get_slot("booking_confirmed") and slot_id.isdigit()):
            if latest_intent(tracker) == "retry_booking":
                # "Try again" after the details were cleared: ask for what is missing instead
                # of booking half a lead.
                return [FollowupAction(BOOKING_FORM)]
            # The form ended without a time (none free, or the calendar down), and its question
            # said why; going back into it would only repeat that.
            return []
        outcome = booking_desk().book(
            tracker.sender_id,
            lead_details(tracker),
            int(slot_id),
            client_id=client_id(tracker),
            known_reference=tracker.get_slot("booking_reference"),
        )
        send(dispatcher, outcome.reply)
        if outcome.result is BookingResult.TRY_AGAIN_LATER:
            return []  # details kept: "try again" books with them
        if outcome.result is BookingResult.PICK_ANOTHER_TIME:
            return ask_time_again()
        # Booked, or already booked: the form is done; a known reference lets "move it" skip
        # typing the code.
        known = [SlotSet("booking_reference", outcome.reference)] if outcome.reference else []
        return [SlotSet(slot, None) for slot in BOOKING_SLOTS] + known


def ask_time_again() -> list[EventType]:
    """Empty the chosen time and go back into the form, which offers the free times again."""
    return [
        SlotSet("appointment_slot", None),
        SlotSet("appointment_time", None),
        SlotSet("booking_confirmed", None),
        FollowupAction(BOOKING_FORM),
    ]


def client_id(tracker: Tracker) -> str | None:
    """The channel's opaque id of the client address, or None when the message carries none
    (e.g. sent through the HTTP API): then only the per-conversation cap applies."""
    metadata = tracker.latest_message.get("metadata")
    value = metadata.get("client_id") if isinstance(metadata, dict) else None
    if isinstance(value, str) and 0 < len(value) <= MAX_CLIENT_ID_LENGTH:
        return value
    return None


def lead_details(tracker: Tracker) -> LeadDetails:
    phone = tracker.get_slot("phone")
    program = tracker.get_slot("interested_program")
    metadata = tracker.latest_message.get("metadata")
    page = metadata.get("page") if isinstance(metadata, dict) else None
    return LeadDetails(
        full_name=tracker.get_slot("full_name"),
        email=tracker.get_slot("email"),
        preferred_contact=tracker.get_slot("preferred_contact"),
        consent=bool(tracker.get_slot("booking_confirmed")),
        phone=None if phone in (None, NO_PHONE) else phone,
        program_code=None if program in (None, UNDECIDED) else program,
        conversation_id=tracker.sender_id,
        source_page=str(page)[:2000] if page else None,
        language=conversation_language(tracker),
    )


class ActionStopBooking(Action):
    """ "Never mind": leave the form and forget its answers; nothing was saved."""

    def name(self) -> str:
        return "action_stop_booking"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        in_progress = bool(tracker.active_loop.get("name")) or any(
            tracker.get_slot(slot) is not None for slot in BOOKING_SLOTS
        )
        send(dispatcher, replies.booking_stopped(in_progress))
        return LEAVE_FORM + [SlotSet(slot, None) for slot in BOOKING_SLOTS]
