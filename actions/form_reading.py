"""How a form reads the latest message as the answer to the question it just asked.

Every form slot has a `custom` mapping, so this is the only place an answer is read: an answer is
taken only when it answers the question just asked, and a question asked instead ("how much is
tuition?") is left unread, which makes Rasa reject the form for one turn so the rules in
data/rules/booking.yml answer it and resume the form. Shared by the booking form
(actions/booking_form.py) and the appointment-change form (actions/appointments.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._support import asked, booking_desk, entity_values, latest_intent, latest_text, send
from bot.booking import form_answers
from bot.booking.form_answers import MessageIntent

LEAVE_FORM: list[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)]
SlotValues = dict[str, Any]


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
