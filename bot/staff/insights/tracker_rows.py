"""What the sections counted from Rasa's `events` table share: the range's bounds, the message a
reply answered, reading ids in chunks and an event's JSON.

Kept apart from `events` so each section that reads the tracker store (the report's own, and the
knowledge base's answers in `knowledge_answers`) asks the same questions the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa

from bot.rasa_server.tracker_tables import events
from bot.staff.insights.report import Period

USER = "user"
ACTION = "action"
# A reply is recorded a moment after its message: one to a message sent just before the end of
# the range still counts.
REPLY_WINDOW_SECONDS = 600
_IN_CHUNK = 500


def within(period: Period) -> tuple[Any, ...]:
    """The events of `period`: from local midnight of its first day to that after its last."""
    return (
        events.c.timestamp >= period.start.timestamp(),
        events.c.timestamp < period.end.timestamp(),
    )


def message_before() -> Any:
    """The id of the latest user message before the event of the outer query (the message a
    reply answered), found by walking the conversation's events back from it (Rasa indexes
    sender_id; the message is a few events back) rather than taking the maximum over all of
    the conversation's earlier events."""
    message = events.alias("message")
    return (
        sa.select(message.c.id)
        .where(
            message.c.sender_id == events.c.sender_id,
            message.c.type_name == USER,
            message.c.id < events.c.id,
        )
        .order_by(message.c.id.desc())
        .limit(1)
        .correlate(events)
        .scalar_subquery()
    )


_T = TypeVar("_T")


def chunks(values: Sequence[_T]) -> Iterator[Sequence[_T]]:
    # SQLite allows only so many bound parameters in one statement.
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def json_object(data: str | None) -> Mapping[str, Any]:
    """An event's `data` column as a mapping ({} when it is not a JSON object)."""
    try:
        value = json.loads(data or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, Mapping) else {}
