"""Answers from the office's knowledge base (bot.knowledge.office_answers)."""

from __future__ import annotations

from collections.abc import Sequence

from rasa_sdk import Tracker

from actions._support import ReplyAction, entity_values, latest_text, settings
from bot.knowledge.intents import KNOWLEDGE_BASE_ENTITY
from bot.knowledge.office_answers import answer_from_knowledge_base
from bot.knowledge.replies import Reply


class ActionAnswerFromKnowledgeBase(ReplyAction):
    def name(self) -> str:
        return "action_answer_from_knowledge_base"

    def reply(self, tracker: Tracker) -> Sequence[Reply]:
        entries = entity_values(tracker, KNOWLEDGE_BASE_ENTITY)
        return answer_from_knowledge_base(
            entries[0] if entries else "", settings().database_url, latest_text(tracker)
        )
