"""How often each knowledge-base entry answered, counted from the tracker store.

The office wants to see which of its answers students get, to know what is worth keeping up to
date. An answer is the action KNOWLEDGE_BASE_ACTION in the range, found by its plain columns;
the entry is the entity of the message it answered (intent KNOWLEDGE_BASE_INTENT), so the JSON
in `data` is read only for those messages. The titles come from the program database, as they
are now.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.database.models import KnowledgeEntry
from bot.knowledge.intents import KNOWLEDGE_BASE_ENTITY, KNOWLEDGE_BASE_INTENT
from bot.rasa_server.tracker_tables import events
from bot.staff.insights.report import KNOWLEDGE_BASE_ACTION, KnowledgeBaseAnswers, Period
from bot.staff.insights.tracker_rows import (
    ACTION,
    USER,
    chunks,
    json_object,
    message_before,
    within,
)


def answers_by_entry(tracker: Connection, period: Period) -> dict[int, tuple[int, int]]:
    """For each entry that answered in `period`: (answers, conversations)."""
    query = sa.select(message_before(), events.c.sender_id).where(
        events.c.type_name == ACTION,
        events.c.action_name == KNOWLEDGE_BASE_ACTION,
        *within(period),
    )
    answered: Counter[int] = Counter()
    senders: dict[int, str] = {}
    for message_id, sender in tracker.execute(query):
        if message_id is not None:
            answered[message_id] += 1
            senders[message_id] = sender
    answers: Counter[int] = Counter()
    conversations: dict[int, set[str]] = defaultdict(set)
    for chunk in chunks(sorted(answered)):
        rows = tracker.execute(
            sa.select(events.c.id, events.c.data).where(
                events.c.id.in_(chunk),
                events.c.type_name == USER,
                events.c.intent_name == KNOWLEDGE_BASE_INTENT,
            )
        )
        for message_id, data in rows:
            entry_id = _entry_of(data)
            if entry_id is not None:
                answers[entry_id] += answered[message_id]
                conversations[entry_id].add(senders[message_id])
    return {entry_id: (count, len(conversations[entry_id])) for entry_id, count in answers.items()}


def entry_titles(program: Session, entry_ids: list[int]) -> dict[int, str]:
    """The entries' titles now; none is asked for when nothing was answered from the base."""
    titles: dict[int, str] = {}
    for chunk in chunks(sorted(entry_ids)):
        query = sa.select(KnowledgeEntry.id, KnowledgeEntry.title).where(
            KnowledgeEntry.id.in_(chunk)
        )
        titles.update(program.execute(query).tuples().all())
    return titles


def knowledge_base_rows(
    counts: Mapping[int, tuple[int, int]], titles: Mapping[int, str]
) -> tuple[KnowledgeBaseAnswers, ...]:
    """One row per entry, the most answered first."""
    rows = [
        KnowledgeBaseAnswers(
            entry_id,
            titles.get(entry_id, f"entry #{entry_id} (no longer in the knowledge base)"),
            answers,
            conversations,
        )
        for entry_id, (answers, conversations) in counts.items()
    ]
    rows.sort(key=lambda row: (-row.answers, -row.conversations, row.title, row.entry_id))
    return tuple(rows)


def _entry_of(data: str | None) -> int | None:
    """The entry id a message's parse data names, or None."""
    parse = json_object(data).get("parse_data")
    entities = parse.get("entities") if isinstance(parse, Mapping) else None
    for entity in entities if isinstance(entities, list) else ():
        if isinstance(entity, Mapping) and entity.get("entity") == KNOWLEDGE_BASE_ENTITY:
            value = str(entity.get("value", "")).strip()
            if value.isdecimal():
                return int(value)
    return None
