"""Topics the catalog does not cover (admissions, financial aid, housing, ...)."""

from __future__ import annotations

from collections.abc import Sequence

from rasa_sdk import Tracker

from actions._support import (
    ReplyAction,
    conversation_language,
    latest_intent,
    latest_text,
    settings,
)
from bot.knowledge.answers import answer_unknown_topic
from bot.knowledge.replies import Reply


class ActionAnswerUnknownTopic(ReplyAction):
    def name(self) -> str:
        return "action_answer_unknown_topic"

    def reply(self, tracker: Tracker) -> Sequence[Reply]:
        return answer_unknown_topic(
            latest_intent(tracker),
            settings().database_url,
            latest_text(tracker),
            conversation_language(tracker),
        )
