"""Which language each conversation was in, so the office can read the report per language.

The assistant's language step (rasa_plugins/nlu/language.py) marks a message with the entity
`language` when it decides the conversation's language: the widget's control, a message plainly
in one language, or the page's language at the start. A conversation is in the language of the
last such decision in the range, and in English when there was none (the assistant's default).
Only the user messages that carry the entity are read, with a substring test on their JSON: Rasa
writes the entity as json.dumps does, `"entity": "language", "value": "es"`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.knowledge.replies.language import ENGLISH, LANGUAGES
from bot.rasa_server.tracker_tables import events
from bot.staff.insights.report import LanguageCount, Period
from bot.staff.insights.tracker_rows import USER, within

_DECIDED = '"entity": "language", "value": "'


def conversation_languages(tracker: Connection, period: Period) -> dict[str, str]:
    """Each conversation whose language was decided during `period`, with its last decision."""
    decisions = {
        language: events.c.data.contains(f'{_DECIDED}{language}"', autoescape=True)
        for language in LANGUAGES
    }
    query = (
        sa.select(
            events.c.sender_id,
            *(sa.case((test, language), else_=None) for language, test in decisions.items()),
        )
        .where(
            events.c.type_name == USER,
            events.c.data.contains(_DECIDED, autoescape=True),
            *within(period),
        )
        .order_by(events.c.id)
    )
    languages: dict[str, str] = {}
    for sender, *named in tracker.execute(query):
        decided = next((language for language in named if language), None)
        if decided:
            languages[sender] = decided
    return languages


def language_of(conversation: str, languages: Mapping[str, str]) -> str:
    return languages.get(conversation, ENGLISH)


def conversations_by_language(
    conversations: Iterable[str], languages: Mapping[str, str]
) -> tuple[LanguageCount, ...]:
    """How many of `conversations` were in each language, most first (every language listed)."""
    counts = Counter(language_of(conversation, languages) for conversation in conversations)
    return tuple(
        LanguageCount(language, counts[language])
        for language in sorted(LANGUAGES, key=lambda language: (-counts[language], language))
    )
