"""After booking: reschedule or cancel by reference code, and "delete my data".

A reference code is enough to change an appointment, in this conversation or a later one: it is a
random 8-character code (about 10^12 values) that only the student was shown and e-mailed.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions._support import asked, latest_intent, latest_text, log_failure, send, settings
from actions.booking import TimeSlotAnswers
from bot.booking import offers, service
from bot.booking.service import REFERENCE_ALPHABET
from bot.db import session_factory
from bot.replies import booking as replies
from bot.replies import enrollment

logger = logging.getLogger(__name__)

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
# Set to True only after the erase committed; tracker_store/windowed_sql.py (ERASED_SLOT) reads
# it as "erase the stored conversation up to here".
ERASED_SLOT = "data_erased"
# "K7QM-4XTR", "k7qm 4xtr", "K7QM4XTR": the code's own alphabet, in two halves of four.
_REFERENCE = re.compile(
    rf"\b([{REFERENCE_ALPHABET}]{{4}})[\s-]?([{REFERENCE_ALPHABET}]{{4}})\b", re.IGNORECASE
)


def reference_in(text: str) -> str | None:
    match = _REFERENCE.search(text.upper())
    return f"{match.group(1)}-{match.group(2)}" if match else None


class ActionStartAppointmentChange(Action):
    """Remember whether this is a cancel or a reschedule; a code in the message is used at once."""

    def name(self) -> str:
        return "action_start_appointment_change"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kind = "cancel" if latest_intent(tracker) == "cancel_appointment" else "reschedule"
        events: list[EventType] = [SlotSet(slot, None) for slot in CHANGE_SLOTS]
        events.append(SlotSet("change_kind", kind))
        typed = reference_in(latest_text(tracker))
        if typed:
            events.append(SlotSet("booking_reference", typed))
        return events


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
        second = (
            "change_confirmed"
            if tracker.get_slot("change_kind") == "cancel"
            else "appointment_slot"
        )
        return ["booking_reference", second]

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
        try:
            service.find_booking(session_factory(settings().database_url), str(value))
        except service.AppointmentNotFound:
            dispatcher.utter_message(response="utter_reference_not_found")
            return {"booking_reference": None}
        except SQLAlchemyError as error:
            log_failure(logger, "Appointment lookup failed", error)
            send(dispatcher, enrollment.catalog_unavailable())
            return {"booking_reference": None}
        return {"booking_reference": service.normalise_reference(str(value))}

    def extract_change_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not asked(tracker, "change_confirmed"):
            return {}
        intent = latest_intent(tracker)
        if intent == "affirm":
            return {"change_confirmed": True}
        if intent == "deny":
            return {"change_confirmed": False}
        return {}


class ActionAskChangeConfirmed(Action):
    def name(self) -> str:
        return "action_ask_change_confirmed"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            booking = service.find_booking(
                session_factory(settings().database_url), tracker.get_slot("booking_reference")
            )
        except (service.AppointmentNotFound, SQLAlchemyError):
            dispatcher.utter_message(response="utter_reference_not_found")
            return [SlotSet("booking_reference", None)]
        send(dispatcher, replies.cancel_question(booking, settings().school_timezone))
        return []


class ActionChangeAppointment(Action):
    """Cancel or move the appointment the completed form points at."""

    def name(self) -> str:
        return "action_change_appointment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reference = tracker.get_slot("booking_reference")
        factory = session_factory(settings().database_url)
        zone = settings().school_timezone
        reset = [SlotSet(slot, None) for slot in CHANGE_SLOTS]
        try:
            if tracker.get_slot("change_kind") == "cancel":
                if not tracker.get_slot("change_confirmed"):
                    dispatcher.utter_message(response="utter_appointment_kept")
                    return reset
                send(dispatcher, replies.cancelled(service.cancel(factory, reference), zone))
                return reset + [SlotSet("booking_reference", None)]
            slot_id = int(tracker.get_slot("appointment_slot"))
            with factory() as session:
                offered = offers.was_offered(session, tracker.sender_id, slot_id)
            if not offered:  # a hand-typed slot id (issue 17): only offered times can be taken
                send(dispatcher, replies.time_not_offered())
                return reset
            send(
                dispatcher,
                replies.rescheduled(service.reschedule(factory, reference, slot_id), zone),
            )
            return reset
        except service.AppointmentNotFound:
            dispatcher.utter_message(response="utter_reference_not_found")
        except (service.SlotTaken, service.SlotNotFound):
            send(dispatcher, replies.time_taken())
        except (SQLAlchemyError, TypeError, ValueError) as error:
            log_failure(logger, "Appointment change not saved", error)
            dispatcher.utter_message(response="utter_change_not_saved")
        return reset


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
        try:
            erased = service.delete_lead_data(
                session_factory(settings().database_url), conversation_id=tracker.sender_id
            )
        except SQLAlchemyError as error:
            log_failure(logger, "Data not deleted", error)
            dispatcher.utter_message(response="utter_delete_failed")
            return []
        send(dispatcher, replies.data_deleted(erased.leads, erased.handoffs))
        kept = [
            SlotSet(slot, tracker.get_slot(slot))
            for slot in KEPT_AFTER_ERASE
            if tracker.get_slot(slot) is not None
        ]
        return [AllSlotsReset(), ActiveLoop(None), *kept, SlotSet(ERASED_SLOT, True)]
