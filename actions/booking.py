"""The counselor booking form: asking, reading answers, the summary, and saving the booking.

Every form slot has a `custom` mapping, so the only place an answer is read is here: an answer is
taken only when it answers the question just asked, and a question asked instead ("how much is
tuition?") is left unread, which makes Rasa reject the form for one turn so the rules in
data/rules/booking.yml answer it and resume the form. The parsing and checking itself lives in
`bot.booking`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions._support import (
    asked,
    entity_values,
    latest_intent,
    latest_text,
    log_failure,
    send,
    settings,
)
from bot import catalog
from bot.booking import form_answers, limits, offers, service, validation
from bot.booking.confirmation_email import EmailOutcome, confirm_by_email
from bot.booking.form_answers import NO_PHONE, UNDECIDED, MessageIntent
from bot.booking.settings import load_booking_settings
from bot.booking.slots import utc_now
from bot.booking.time_preference import parse_time_preference
from bot.db import session_factory
from bot.replies import booking as replies
from bot.replies import enrollment

logger = logging.getLogger(__name__)

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
        # "Change something": the summary shows what can be changed.
        return {"booking_confirmed": None}
    emptied: SlotValues = {field: None, "booking_confirmed": None}
    if field == "appointment_slot":
        emptied.update(appointment_time=None, time_wish=None)
    return emptied


def reading(
    tracker: Tracker, slot: str, answer_shaped: Callable[[str], bool] = lambda text: False
) -> str | None:
    """The text to read as the answer for `slot`, or None when this message is not its answer.

    `answer_shaped` recognises an unmistakable answer (an address with "@", a day or time), which
    is taken even when NLU read it as a question ("next monday" as ask_start_date).
    """
    if not asked(tracker, slot):
        return None
    text = latest_text(tracker)
    intent = message_intent(tracker)
    if intent.name in form_answers.CONTROL_INTENTS:
        return None
    if answer_shaped(text) and not form_answers.looks_like_question(text):
        return text
    if form_answers.is_digression(text, intent):
        return None
    return text


def read_answer(
    tracker: Tracker,
    slot: str,
    parse: Callable[[str], Any],
    answer_shaped: Callable[[str], bool] = lambda text: False,
) -> SlotValues:
    """The slot values this message gives when `slot` was asked: a correction, the parsed
    answer, or nothing (a digression, or not this slot's turn)."""
    if not asked(tracker, slot):
        return {}
    fixes = correction(tracker)
    if fixes is not None:
        return fixes
    text = reading(tracker, slot, answer_shaped)
    return {} if text is None else {slot: parse(text)}


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
        return read_answer(tracker, "appointment_slot", str.strip, names_a_time)

    def validate_appointment_slot(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if value is None:  # asked again after "change the time"
            return {"time_wish": None, "appointment_time": None}
        zone = settings().school_timezone
        try:
            with session_factory(settings().database_url)() as session:
                if str(value).isdigit():
                    if not offers.was_offered(session, tracker.sender_id, int(value)):
                        # A hand-typed button payload: show the real times again.
                        send(dispatcher, replies.time_not_offered())
                        return {"appointment_slot": None, "appointment_time": None}
                    slot = offers.free_slot(session, int(value), zone)
                    if slot is None:
                        send(dispatcher, replies.time_taken())
                        return {"appointment_slot": None, "appointment_time": None}
                else:
                    slot = offers.offer_times(session, zone, str(value)).exact
                    if slot is None:
                        return {"appointment_slot": None, "time_wish": str(value)}
                    # The time the student typed is the one offered to them.
                    offers.remember_offered(session, tracker.sender_id, [slot.slot_id])
                    session.commit()
        except SQLAlchemyError as error:
            log_failure(logger, "Free times unavailable", error)
            send(dispatcher, enrollment.catalog_unavailable())
            return {"appointment_slot": None}
        return {
            "appointment_slot": str(slot.slot_id),
            "appointment_time": replies.when(slot.starts_at, zone),
            "time_wish": None,
        }


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
        return self._checked(dispatcher, "full_name", value, validation.normalise_name)

    def extract_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        return read_answer(tracker, "email", form_answers.email_from, lambda text: "@" in text)

    def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        return self._checked(dispatcher, "email", value, validation.normalise_email)

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
        if value is None:
            return {}
        if value == NO_PHONE or form_answers.wants_to_skip(str(value)):
            if tracker.get_slot("preferred_contact") in ("phone", "text"):
                dispatcher.utter_message(response="utter_phone_needed")
                return {"phone": None, "preferred_contact": None}
            return {"phone": NO_PHONE}
        region = load_booking_settings().phone_region
        return self._checked(
            dispatcher, "phone", value, lambda text: validation.normalise_phone(text, region)
        )

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
        if value is None:
            return {}
        checked = self._checked(
            dispatcher, "preferred_contact", value, validation.normalise_contact_method
        )
        if checked.get("preferred_contact") in ("phone", "text") and tracker.get_slot("phone") in (
            None,
            NO_PHONE,
        ):
            dispatcher.utter_message(response="utter_phone_needed")
            return {"preferred_contact": None, "phone": None}
        return checked

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
        try:
            with session_factory(settings().database_url)() as session:
                aliases = catalog.read_program_aliases(session)
        except SQLAlchemyError as error:
            log_failure(logger, "Program names unavailable; keeping the answer as typed", error)
            return {"interested_program": UNDECIDED}
        code = catalog_code(str(value), aliases)
        if code is None:
            dispatcher.utter_message(response="utter_program_not_recognised")
            return {"interested_program": None}
        return {"interested_program": code}

    def extract_booking_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if not asked(tracker, "booking_confirmed"):
            return {}
        fixes = correction(tracker)
        if fixes is not None:
            return fixes
        intent = latest_intent(tracker)
        if intent == "affirm":
            return {"booking_confirmed": True}
        if intent in form_answers.CONTROL_INTENTS or form_answers.is_digression(
            latest_text(tracker), message_intent(tracker)
        ):
            return {}
        # "no" or anything else: show what can be changed (see ActionAskBookingConfirmed).
        return {"booking_confirmed": None}

    @staticmethod
    def _checked(
        dispatcher: CollectingDispatcher, slot: str, value: Any, normalise: Any
    ) -> SlotValues:
        if value is None:
            return {}
        try:
            return {slot: normalise(str(value))}
        except validation.InvalidInput as error:
            dispatcher.utter_message(response=f"utter_invalid_{slot}", reason=error.reason)
            return {slot: None}


def names_a_time(text: str) -> bool:
    """True when `text` names a day or a time the booking can use ("tomorrow afternoon")."""
    now = utc_now().astimezone(settings().school_timezone)
    return parse_time_preference(text, now) is not None


def catalog_code(value: str, aliases: dict[str, str]) -> str | None:
    """A program code, UNDECIDED, or None when the answer names no program."""
    if value == UNDECIDED:
        return UNDECIDED
    if value in aliases.values():
        return value
    return form_answers.program_choice_from(value, aliases)


def program_names() -> dict[str, str]:
    """Program code -> display name from the program database; empty when it cannot be read
    (the question then offers only "Not sure yet", and the summary shows the code)."""
    try:
        with session_factory(settings().database_url)() as session:
            return {p.code: p.display_name for p in catalog.read_programs(session)}
    except SQLAlchemyError as error:
        log_failure(logger, "Program names unavailable", error)
        return {}


class ActionStartBooking(Action):
    """Start a fresh form, with the program already named in the conversation filled in."""

    def name(self) -> str:
        return "action_start_booking"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SlotSet(slot, None) for slot in BOOKING_SLOTS]
        program = tracker.get_slot("program")
        if program:
            events.append(SlotSet("interested_program", program))
        return events


class ActionAskInterestedProgram(Action):
    def name(self) -> str:
        return "action_ask_interested_program"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        send(dispatcher, replies.program_question(program_names()))
        return []


class ActionAskAppointmentSlot(Action):
    """Offer free times as buttons, narrowed to what the student typed if they typed a wish."""

    def name(self) -> str:
        return "action_ask_appointment_slot"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        zone = settings().school_timezone
        wish = tracker.get_slot("time_wish")
        try:
            with session_factory(settings().database_url)() as session:
                offer = offers.offer_times(session, zone, wish)
                shown = [offered.slot_id for offered in offer.times]
                offers.remember_offered(session, tracker.sender_id, shown)
                session.commit()
        except SQLAlchemyError as error:
            log_failure(logger, "Free times unavailable", error)
            send(dispatcher, replies.booking_not_saved())
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        send(dispatcher, replies.time_question(offer, wish, zone))
        if not offer.times:
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        return []


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
        send(dispatcher, summary_of(tracker))
        return []


def summary_of(tracker: Tracker) -> replies.Reply:
    program = tracker.get_slot("interested_program")
    program_name = program_names().get(program, program)
    return replies.summary(
        full_name=tracker.get_slot("full_name") or "",
        email=tracker.get_slot("email") or "",
        preferred_contact=tracker.get_slot("preferred_contact") or "email",
        phone=tracker.get_slot("phone"),
        program_name=program_name,
        time=tracker.get_slot("appointment_time") or "",
        privacy_notice_url=load_booking_settings().privacy_notice_url,
    )


class ActionBookAppointment(Action):
    """Save the booking; say "booked" only once the commit succeeded.

    Before saving, the abuse controls of issue 17: the attempt caps per conversation and per
    client address, and the chosen slot must be one this conversation was offered. The service
    then refuses a second upcoming booking for the same e-mail address, and the confirmation
    e-mail keeps to its daily limit per address.
    """

    def name(self) -> str:
        return "action_book_appointment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slot_id = tracker.get_slot("appointment_slot")
        if not (tracker.get_slot("booking_confirmed") and slot_id and str(slot_id).isdigit()):
            # Reached without a complete form (e.g. "try again" after the details were
            # cleared): ask for what is missing instead of booking half a lead.
            return [FollowupAction(BOOKING_FORM)]
        details = lead_details(tracker)
        booking_settings = load_booking_settings()
        zone = settings().school_timezone
        factory = session_factory(settings().database_url)
        try:
            refused = limits.claim_booking_attempt(
                factory, booking_settings.limits, tracker.sender_id, client_id(tracker)
            )
            if refused is not None:
                # Details kept: "try again" after the wait books with them.
                send(dispatcher, replies.booking_attempts_limited(refused))
                return []
            with factory() as session:
                offered = offers.was_offered(session, tracker.sender_id, int(slot_id))
            if not offered:
                send(dispatcher, replies.time_not_offered())
                return ask_time_again()
            confirmation = service.book(factory, details, int(slot_id))
        except (service.SlotTaken, service.SlotNotFound):
            send(dispatcher, replies.time_taken())
            return ask_time_again()
        except service.AlreadyBooked as already:
            may_show = already.conversation_id == tracker.sender_id or (
                tracker.get_slot("booking_reference") == already.existing.reference
            )
            send(dispatcher, replies.already_booked(already.existing, zone, may_show))
            events: list[EventType] = [SlotSet(slot, None) for slot in BOOKING_SLOTS]
            if may_show:  # "Move it to another time" then needs no reference typed
                events.append(SlotSet("booking_reference", already.existing.reference))
            return events
        except (service.BookingUnavailable, SQLAlchemyError) as error:
            log_failure(logger, "Booking not saved; details kept for a retry", error)
            send(dispatcher, replies.booking_not_saved())
            return []
        emailed = confirm_by_email(factory, booking_settings, confirmation, zone)
        if emailed is EmailOutcome.LIMITED:
            reply = replies.booked_without_another_email(
                confirmation, details.preferred_contact, zone
            )
        else:
            reply = replies.booked(
                confirmation, details.preferred_contact, zone, emailed is EmailOutcome.SENT
            )
        send(dispatcher, reply)
        return [SlotSet(slot, None) for slot in BOOKING_SLOTS] + [
            SlotSet("booking_reference", confirmation.reference)
        ]


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


def lead_details(tracker: Tracker) -> service.LeadDetails:
    phone = tracker.get_slot("phone")
    program = tracker.get_slot("interested_program")
    metadata = tracker.latest_message.get("metadata") or {}
    return service.LeadDetails(
        full_name=tracker.get_slot("full_name"),
        email=tracker.get_slot("email"),
        preferred_contact=tracker.get_slot("preferred_contact"),
        consent=bool(tracker.get_slot("booking_confirmed")),
        phone=None if phone in (None, NO_PHONE) else phone,
        program_code=None if program in (None, UNDECIDED) else program,
        conversation_id=tracker.sender_id,
        source_page=_page(metadata),
    )


def _page(metadata: dict[str, Any]) -> str | None:
    page = metadata.get("page") if isinstance(metadata, dict) else None
    return str(page)[:2000] if page else None


class ActionStopBooking(Action):
    """ "Never mind": leave the form and forget its answers; nothing was saved."""

    def name(self) -> str:
        return "action_stop_booking"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        in_progress = tracker.active_loop.get("name") or any(
            tracker.get_slot(slot) is not None for slot in BOOKING_SLOTS
        )
        dispatcher.utter_message(
            response="utter_booking_stopped" if in_progress else "utter_anything_else"
        )
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + [
            SlotSet(slot, None) for slot in BOOKING_SLOTS
        ]
