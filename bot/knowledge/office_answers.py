"""Answers from the office's knowledge base: the entry the NLU pipeline's matcher chose, read
from the program database at the moment of answering, so an entry unpublished a second ago is
never said and an edit is said from the next message on.

The reply names its source ("From the admissions office") so a student can tell the school's
own answer from the catalog's facts; the answer is the office's text as it wrote it, which the
widget renders as its markdown subset and never as HTML. An entry that is gone, a draft, or a
database that is down gives the same honest counselor offer as any topic the catalog does not
cover.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.database.models import KnowledgeEntry
from bot.knowledge.answers import answer_unknown_topic, from_catalog
from bot.knowledge.replies import Reply

ANSWER_RESPONSE = "utter_knowledge_base_answer"
ANSWER_WITH_LINK_RESPONSE = "utter_knowledge_base_answer_with_link"
# The counselor offer's wording when no entry answers (a topic, not a specific unknown intent).
_UNANSWERED_INTENT = "ask_other_enrollment_topic"


@dataclass(frozen=True)
class PublishedAnswer:
    entry_id: int
    answer: str
    link: str | None


def published_answer(session: Session, entry_id: int) -> PublishedAnswer | None:
    row = session.scalars(
        select(KnowledgeEntry).where(
            KnowledgeEntry.id == entry_id, KnowledgeEntry.status == "published"
        )
    ).one_or_none()
    return None if row is None else PublishedAnswer(row.id, row.answer, row.link)


def answer_from_knowledge_base(entry: str, database_url: str, text: str = "") -> tuple[Reply, ...]:
    """The entry's answer, or today's counselor offer when it cannot be given."""
    if not entry.isdigit():
        return answer_unknown_topic(_UNANSWERED_INTENT, database_url, text)
    found = from_catalog(
        database_url, lambda session: published_answer(session, int(entry)), fallback=_nothing
    )
    if found is None:
        return answer_unknown_topic(_UNANSWERED_INTENT, database_url, text)
    return (office_reply(found),)


def office_reply(found: PublishedAnswer) -> Reply:
    """The entry's answer as the office's, with its link when it has one."""
    if found.link:
        return Reply(ANSWER_WITH_LINK_RESPONSE, {"answer": found.answer, "link": found.link})
    return Reply(ANSWER_RESPONSE, {"answer": found.answer})


def _nothing() -> PublishedAnswer | None:
    return None
