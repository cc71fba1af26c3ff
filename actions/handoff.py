"""A student asks for a person: hand the conversation to a counselor, or offer a call."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions._support import log_failure, send, settings
from bot import handoff
from bot.answers import offer_counselor
from bot.db import session_factory
from bot.replies import handoff as replies

logger = logging.getLogger(__name__)


class ActionHandOver(Action):
    """Inside counselors' hours: queue the conversation with its transcript and go quiet
    (ConversationPaused) until a counselor hands it back. Outside: say when they are in."""

    def name(self) -> str:
        return "action_hand_over"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        current = settings()
        factory = session_factory(current.database_url)
        try:
            with factory() as session:
                availability = handoff.counselor_availability(session)
            if availability.open_now:
                transcript = handoff.transcript_from_events(tracker.events)
                handoff.request_handoff(factory, tracker.sender_id, transcript)
                send(dispatcher, replies.handed_over())
                # A form in progress is left: the counselor takes it from here.
                leave_form: list[EventType] = (
                    [ActiveLoop(None), SlotSet("requested_slot", None)]
                    if tracker.active_loop.get("name")
                    else []
                )
                return [SlotSet("counselors_available", True), *leave_form, ConversationPaused()]
        except (SQLAlchemyError, handoff.HandoffUnavailable) as error:
            log_failure(logger, "Handoff unavailable", error)
            availability = handoff.CounselorAvailability(open_now=False, next_opening=None)
        if availability.next_opening is None:
            send(dispatcher, offer_counselor(current.enrollment_contact))
        else:
            send(
                dispatcher,
                replies.counselors_away(availability.next_opening, current.school_timezone),
            )
        return [SlotSet("counselors_available", False)]
