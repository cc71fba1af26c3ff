"""A student asks for a person: a thin adapter over `bot.handoff.service.HandoffDesk`."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._support import conversation_language, send, settings
from bot.handoff.service import HandoffDesk


class ActionHandOver(Action):
    """Inside counselors' hours: queue the conversation with its transcript and go quiet
    (ConversationPaused) until a counselor hands it back. Outside: say when they are in."""

    def name(self) -> str:
        return "action_hand_over"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        handover = HandoffDesk(settings()).hand_over(
            tracker.sender_id, tracker.events, conversation_language(tracker)
        )
        send(dispatcher, handover.reply)
        if not handover.handed_over:
            return [SlotSet("counselors_available", False)]
        # A form in progress is left: the counselor takes it from here.
        in_form = tracker.active_loop.get("name")
        left = [ActiveLoop(None), SlotSet("requested_slot", None)] if in_form else []
        return [SlotSet("counselors_available", True), *left, ConversationPaused()]
