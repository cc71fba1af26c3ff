"""After booking: reschedule or cancel by reference code, and "delete my data"; a thin adapter over
`bot.booking.desk.BookingDesk`.

A reference code is enough to change an appointment, in this conversation or a later one: it is a
random 8-character code (about 10^12 values) that only the student was shown and e-mailed.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions._support import asked, booking_desk, latest_intent, latest_text, send
from actions.form_reading import LEAVE_FORM, TimeSlotAnswers
from bot.booking.service import reference_in

CHANGE_SLOTS = (
    "change_kind",
    "change_confirmed",
    "appointment_slot",
    "appointment_time",
    "time_wish",
)
# Slots "delete my data" keeps: what is being talked about, never who is talking. Every other
# slot (a new one too) is erased.
KEPT_AFTER_ERASE = ("program", "program_topic")
# Set to True only after the erase committed; rasa_plugins/tracker_store/windowed_sql.py
# (ERASED_SLOT) reads it as "erase the stored conversation up to here".
ERASED_SLOT = "data_erased"


class ActionStartAppointmentChange(Action):
    """Remember whether this is a cancel or a reschedule; a code in the message is used at once."""

    def name(self) -> str:
        return "action_start_appointment_change"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kind = "cancel" if latest_intent(tracker) == "cancel_appointment" else "reschedule"
        typed = reference_in(latest_text(tracker))
        events = [SlotSet(slot, None) for slot in CHANGE_SLOTS] + [SlotSet("change_kind", kind)]
        return events + ([SlotSet("booking_reference", typed)] if typed else [])


class ValidateAppointmentChangeForm(TimeSlotAnswers, FormValidationAction):
    def name(self) -> str:
        return "validate_appointment_change_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        cancelling = tracker.get_slot("change_kind") == "cancel"
        return ["booking_reference", "change_confirmed" if cancelling else "appointment_slot"]

    def extract_booking_reference(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not asked(tracker, "booking_reference"):
            return {}
        typed = reference_in(latest_text(tracker))
        if typed is None and latest_intent(tracker) in ("stop_booking", "goodbye"):
            return {}
        return {"booking_reference": typed or latest_text(tracker).strip()}

    def validate_booking_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {}
        lookup = booking_desk().find_appointment(str(value))
        send(dispatcher, lookup.reply)
        return {"booking_reference": lookup.reference}

    def extract_change_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answers = {"affirm": True, "deny": False}
        if not asked(tracker, "change_confirmed") or latest_intent(tracker) not in answers:
            return {}
        return {"change_confirmed": answers[latest_intent(tracker)]}


class ActionAskChangeConfirmed(Action):
    """ "Cancel your call on <when>?"; an unknown code is asked again, and with the appointment
    book unreachable the form ends rather than ask a question nobody can answer."""

    def name(self) -> str:
        return "action_ask_change_confirmed"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lookup = booking_desk().cancel_question(tracker.get_slot("booking_reference") or "")
        send(dispatcher, lookup.reply)
        if lookup.unavailable:
            return LEAVE_FORM
        return [] if lookup.reference else [SlotSet("booking_reference", None)]


class ActionChangeAppointment(Action):
    """Cancel or move the appointment the completed form points at."""

    def name(self) -> str:
        return "action_change_appointment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        desk, reference = booking_desk(), tracker.get_slot("booking_reference")
        cancelling = tracker.get_slot("change_kind") == "cancel"
        answer = tracker.get_slot("change_confirmed" if cancelling else "appointment_slot")
        if answer is None or not (cancelling or str(answer).isdigit()):
            # The form ended before its last answer (no free times, or the appointment book
            # unreachable): its question already said why, so nothing changes and nothing is said.
            return [SlotSet(slot, None) for slot in CHANGE_SLOTS]
        if cancelling:
            outcome = desk.cancel(reference, confirmed=bool(answer))
        else:
            outcome = desk.reschedule(tracker.sender_id, reference, int(answer))
        send(dispatcher, outcome.reply)
        forgotten = [SlotSet("booking_reference", None)] if outcome.cancelled else []
        return [SlotSet(slot, None) for slot in CHANGE_SLOTS] + forgotten


class ActionDeleteMyData(Action):
    """Erase the leads, bookings and handoff transcript of this conversation, and what the
    conversation itself remembers: every slot is reset (only the program being discussed, which
    names no one, is kept) and a form in progress ends. `ERASED_SLOT` set to True tells the
    tracker store to erase the stored conversation up to here; it is returned only after the
    program database's erase committed, so a failed erase leaves the conversation as it was."""

    def name(self) -> str:
        return "action_delete_my_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        erasure = booking_desk().erase(tracker.sender_id)
        send(dispatcher, erasure.reply)
        if not erasure.erased:
            return []
        kept = [
            SlotSet(slot, tracker.get_slot(slot))
            for slot in KEPT_AFTER_ERASE
            if tracker.get_slot(slot) is not None
        ]
        return [AllSlotsReset(), ActiveLoop(None), *kept, SlotSet(ERASED_SLOT, True)]
