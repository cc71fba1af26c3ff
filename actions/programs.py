"""Questions about the degree programs, and comparing them."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._support import (
    ReplyAction,
    conversation_language,
    entity_values,
    latest_intent,
    latest_text,
    send,
    settings,
)
from bot.knowledge.answers import (
    ProgramMention,
    answer_comparison,
    answer_online_delivery,
    answer_program_question,
)
from bot.knowledge.replies import Reply


class ActionAnswerProgramQuestion(Action):
    """Answers for the program the student means (or both), and remembers the program and topic
    so "how long does it take?" and "what about comp sci?" follow on from it."""

    def name(self) -> str:
        return "action_answer_program_question"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answer = answer_program_question(
            settings().database_url,
            latest_intent(tracker),
            _program_mention(tracker),
            previous_topic=tracker.get_slot("program_topic"),
            language=conversation_language(tracker),
        )
        for reply in answer.replies:
            send(dispatcher, reply)
        events = [SlotSet("program_topic", answer.topic)]
        if answer.program:
            events.append(SlotSet("program", answer.program))
        return events


class ActionComparePrograms(ReplyAction):
    def name(self) -> str:
        return "action_compare_programs"

    def reply(self, tracker: Tracker) -> Reply:
        return answer_comparison(
            settings().database_url, latest_intent(tracker), conversation_language(tracker)
        )


class ActionAnswerOnlineDelivery(ReplyAction):
    def name(self) -> str:
        return "action_answer_online_delivery"

    def reply(self, tracker: Tracker) -> Reply:
        return answer_online_delivery(settings().database_url, conversation_language(tracker))


def _program_mention(tracker: Tracker) -> ProgramMention:
    return ProgramMention(
        entity_values=entity_values(tracker, "program"),
        slot_value=tracker.get_slot("program"),
        text=latest_text(tracker),
    )
