"""Questions about the machine learning engineer career (role, duties, salary, ...)."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions._support import ReplyAction, conversation_language, latest_intent, settings
from bot.knowledge.answers import answer_career_question
from bot.knowledge.replies import Reply


class ActionAnswerCareerQuestion(ReplyAction):
    def name(self) -> str:
        return "action_answer_career_question"

    def reply(self, tracker: Tracker) -> Reply:
        return answer_career_question(
            settings().database_url, latest_intent(tracker), conversation_language(tracker)
        )
