"""The counselor booking form: a thin adapter over `bot.booking.desk.BookingDesk`.

Every form slot has a `custom` mapping, so the only place an answer is read is here: an answer is
taken only when it answers the question just asked, and a question asked instead ("how much is
tuition?") is left unread, which makes Rasa reject the form for one turn so the rules in
data/rules/booking.yml answer it and resume the form. Checking answers, offering times and saving
the booking is the desk's job; this module maps tracker -> desk -> Reply and slot events.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions._support import asked, booking_desk, entity_values, latest_intent, latest_text, send
from bot.booking import form_answers
from bot.booking.desk import BookingResult
from bot.booking.form_answers import NO_PHONE, UNDECIDED, MessageIntent
from bot.booking.service import LeadDetails
from bot.replies import booking as replies

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
LEAVE_FORM: list[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)]
SlotValues = dict[str, Any]
# The channel's opaque client id (a keyed hash of the address) is 16 hex digits; anything longer
# is not one of ours and is ignored rather than stored.
MAX_CLIENT_ID_LENGTH = 64


def message_intent(tracker: Tracker) -> MessageIntent:
    intent = tracker.latest_message.get("intent") or {}
    return MessageIntent(intent.get("name") or "", float(intent.get("confidence") or 0.0))


def entity(tracker: Tracker, name: str) -> str | None:
    values = entity_values(tracker, name)
    return values[0] if values else None


def correction(tracker: Tracker) -> SlotValues | None:
    """Slots to empty for "change my email", so the form asks them again; None otherwise."""
    if latest_intent(tracker) != "change_booking_detail":
        return None
    field = entity(tracker, "booking_field") or form_answers.field_named_in(latest_text(tracker))
    if field not in form_answers.FORM_FIELDS:
        return {"booking_confirmed": None}  # "change something": the summary lists the fields
    emptied: SlotValues = {field: None, "booking_confirmed": None}
    if field == "appointment_slot":
        emptied.update(appointment_time=None, time_wish=None)
    return emptied


def read_answer(
    tracker: Tracker,
    slot: str,
    parse: Callable[[str], Any],
    answer_shaped: Callable[[str], bool] = lambda text: False,
) -> SlotValues:
    """The slot values this message gives when `slot` was asked: a correction, the parsed
    answer, or nothing (a digression, or not this slot's turn).

    `answer_shaped` recognises an unmistakable answer (an address with "@", a day or time), which
    is taken even when NLU read it as a question ("next monday" as ask_start_date)."""
    if not asked(tracker, slot):
        return {}
    fixes = correction(tracker)
    if fixes is not None:
        return fixes
    text, intent = latest_text(tracker), message_intent(tracker)
    if intent.name in form_answers.CONTROL_INTENTS:
        return {}
    shaped = answer_shaped(text) and not form_answers.looks_like_question(text)
    if not shaped and form_answers.is_digression(text, intent):
        return {}
    return {slot: parse(text)}


def checked(dispatcher: CollectingDispatcher, slot: str, value: Any) -> SlotValues:
    """The answer as the desk checked it; when it cannot be used, the reason, and ask again."""
    if value is None:
        return {}
    result = booking_desk().check(slot, str(value))
    send(dispatcher, result.reply)
    return {slot: result.value}


class TimeSlotAnswers:
    """Reading a chosen or typed time; shared by booking and rescheduling."""

    def extract_appointment_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        chosen = entity(tracker, "slot_id") if asked(tracker, "appointment_slot") else None
        if chosen is not None:
            return {"appointment_slot": chosen, "time_wish": None}
        # A typed wish: `validate_appointment_slot` takes it if it names one free time,
        # otherwise the question is asked again with the times inside the wish. (Only required
        # slots survive extraction in rasa_sdk, so `time_wish` is set by the validation.)
        return read_answer(tracker, "appointment_slot", str.strip, booking_desk().names_a_time)

    def validate_appointment_slot(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if value is None:  # asked again after "change the time"
            return {"time_wish": None, "appointment_time": None}
        choice = booking_desk().choose_time(tracker.sender_id, str(value))
        send(dispatcher, choice.reply)
        if choice.slot is not None:
            slot_id = str(choice.slot.slot_id)
            return {"appointment_slot": slot_id, "appointment_time": choice.when, "time_wish": None}
        if choice.wish is not None:  # asked again, with the free times inside the wish
            return {"appointment_slot": None, "time_wish": choice.wish}
        return {"appointment_slot": None, "appointment_time": None}


class ValidateCounselorBookingForm(TimeSlotAnswers, FormValidationAction):
    def name(self) -> str:
        return "validate_counselor_booking_form"

    def extract_full_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if asked(tracker, "full_name") and form_answers.is_small_talk(message_intent(tracker)):
            return {"full_name": None}  # "thanks" or "ok" is not a name: ask again
        return read_answer(tracker, "full_name", form_answers.name_from)

    def validate_full_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        return checked(dispatcher, "full_name", value)

    def extract_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        return read_answer(tracker, "email", form_answers.email_from, lambda text: "@" in text)

    def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        return checked(dispatcher, "email", value)

    def extract_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if asked(tracker, "phone") and (
            latest_intent(tracker) == "skip_question"
            or form_answers.wants_to_skip(latest_text(tracker))
        ):
            return {"phone": NO_PHONE}
        return read_answer(tracker, "phone", str.strip, form_answers.has_phone_digits)

    def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if value is None or not (value == NO_PHONE or form_answers.wants_to_skip(str(value))):
            return checked(dispatcher, "phone", value)
        if tracker.get_slot("preferred_contact") in ("phone", "text"):
            send(dispatcher, replies.phone_needed())
            return {"phone": None, "preferred_contact": None}
        return {"phone": NO_PHONE}

    def extract_preferred_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        chosen = entity(tracker, "contact_method") if asked(tracker, "preferred_contact") else None
        if chosen is not None:
            return {"preferred_contact": chosen}
        return read_answer(
            tracker,
            "preferred_contact",
            lambda text: form_answers.contact_method_from(text) or text,
            lambda text: form_answers.contact_method_from(text) is not None,
        )

    def validate_preferred_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        answer = checked(dispatcher, "preferred_contact", value)
        if answer.get("preferred_contact") in ("phone", "text") and tracker.get_slot("phone") in (
            None,
            NO_PHONE,
        ):
            send(dispatcher, replies.phone_needed())
            return {"preferred_contact": None, "phone": None}
        return answer

    def extract_interested_program(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if asked(tracker, "interested_program"):
            chosen = entity(tracker, "program_choice") or entity(tracker, "program")
            if chosen is not None:
                return {"interested_program": chosen}
        return read_answer(tracker, "interested_program", str.strip)

    def validate_interested_program(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if value is None:
            return {}
        program = booking_desk().choose_program(str(value))
        send(dispatcher, program.reply)
        return {"interested_program": program.value}

    def extract_booking_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if not asked(tracker, "booking_confirmed"):
            return {}
        fixes = correction(tracker)
        if fixes is not None:
            return fixes
        if latest_intent(tracker) == "affirm":
            return {"booking_confirmed": True}
        if latest_intent(tracker) in form_answers.CONTROL_INTENTS or form_answers.is_digression(
            latest_text(tracker), message_intent(tracker)
        ):
            return {}
        # "no" or anything else: show what can be changed (see ActionAskBookingConfirmed).
        return {"booking_confirmed": None}


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


class ActionAskInterestedProgram(Action):
    def name(self) -> str:
        return "action_ask_interested_program"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        send(dispatcher, booking_desk().program_question())
        return []


class ActionAskAppointmentSlot(Action):
    """Offer free times as buttons, narrowed to what the student typed if they typed a wish."""

    def name(self) -> str:
        return "action_ask_appointment_slot"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        offered = booking_desk().offer_times(tracker.sender_id, tracker.get_slot("time_wish"))
        send(dispatcher, offered.reply)
        return [] if offered.any_shown else LEAVE_FORM


class ActionAskBookingConfirmed(Action):
    """The summary to check, or, after "no"/"change something", the list of what can change."""

    def name(self) -> str:
        return "action_ask_booking_confirmed"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if latest_intent(tracker) in ("deny", "change_booking_detail") and asked(
            tracker, "booking_confirmed"
        ):
            send(dispatcher, replies.what_to_change())
            return []
        send(
            dispatcher,
            booking_desk().summary(
                full_name=tracker.get_slot("full_name") or "",
                email=tracker.get_slot("email") or "",
                preferred_contact=tracker.get_slot("preferred_contact") or "email",
                phone=tracker.get_slot("phone"),
                program=tracker.get_slot("interested_program"),
                time=tracker.get_slot("appointment_time") or "",
            ),
        )
        return []


class ActionBookAppointment(Action):
    """Save the booking (the desk says "booked" only once the commit succeeded)."""

    def name(self) -> str:
        return "action_book_appointment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slot_id = str(tracker.get_slot("appointment_slot") or "")
        if not (tracker.get_slot("booking_confirmed") and slot_id.isdigit()):
            # Reached without a complete form (e.g. "try again" after the details were
            # cleared): ask for what is missing instead of booking half a lead.
            return [FollowupAction(BOOKING_FORM)]
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
