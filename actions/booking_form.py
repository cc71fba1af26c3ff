"""The counselor booking form's questions and answers: a thin adapter over `BookingDesk`.

Answers are read by actions/form_reading.py and checked by the desk (bot/booking/desk.py); this
module maps tracker -> desk -> Reply and slot values. Saving the booking is actions/booking.py.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions._support import asked, booking_desk, latest_intent, latest_text, send
from actions.form_reading import (
    LEAVE_FORM,
    SlotValues,
    TimeSlotAnswers,
    checked,
    correction,
    entity,
    message_intent,
    read_answer,
)
from bot.booking import form_answers, replies
from bot.booking.form_answers import NO_PHONE


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
