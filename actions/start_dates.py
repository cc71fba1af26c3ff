"""When can I start?"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone

from rasa_sdk import Tracker

from actions._support import ReplyAction, conversation_language, latest_text, settings
from bot.knowledge.answers import answer_start_date
from bot.knowledge.replies import Reply
from bot.knowledge.start_dates import school_today


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class ActionAnswerStartDate(ReplyAction):
    # Replaceable so tests can pin "now"; the school's date is derived from it.
    clock: Callable[[], datetime] = staticmethod(_utc_now)

    def name(self) -> str:
        return "action_answer_start_date"

    def reply(self, tracker: Tracker) -> Sequence[Reply]:
        config = settings()
        today = school_today(config.school_timezone, self.clock())
        return answer_start_date(
            config.database_url, today, latest_text(tracker), conversation_language(tracker)
        )
