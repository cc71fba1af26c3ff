"""The counselors' inbox as a service: the waiting queue and its claims, what was said since the
handoff (read from Rasa's tracker store), and the snapshot the live page compares.

A waiting handoff (bot/handoff/service.py) is claimed by one staff account, so two counselors
never answer the same student; only the claimer replies, and the claimer or the office hands the
conversation back to the assistant. The transcript is the one copied at handoff time plus what
was said since (the student's messages after the handoff exist only in the tracker store). Its
web face is bot/console/inbox.py.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Engine, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.database.db import sqlite_file_missing
from bot.database.models import Handoff, StaffAccount
from bot.privacy.retention import tracker_store_url_for_this_environment
from bot.rasa_server.tracker_tables import events
from bot.staff.accounts import StaffUser

ROLES = ("counselor", "office")
REPLY_MAX_CHARS = 2000
# The newest lines of a conversation shown: enough to answer, bounded for a very long chat.
MAX_LINES = 200

logger = logging.getLogger(__name__)


class InboxRefused(Exception):
    """The action is not for this account or this conversation now; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class WaitingRow:
    conversation_id: str
    requested_at: datetime  # UTC
    claimed_by: int | None
    claimer_name: str | None
    # The student's last message before the handoff (what they want), "" when none.
    preview: str
    # The conversation's language ("en" or "es"): the counselor answers in it.
    language: str = "en"


@dataclass(frozen=True)
class Line:
    sender: str  # "student", "bot" or "counselor"
    text: str


@dataclass(frozen=True)
class Conversation:
    row: WaitingRow
    lines: tuple[Line, ...]
    # Why the messages since the handoff are missing ("" when they were read).
    problem: str = ""


@dataclass(frozen=True)
class Snapshot:
    """What the live page shows, reduced to what tells that it changed."""

    waiting: tuple[tuple[str, int | None], ...]
    # Count and last event id of the open conversation's messages since the handoff; None when
    # no waiting conversation is open or the tracker store cannot be read.
    messages: tuple[int, int] | None

    @property
    def version(self) -> str:
        digest = hashlib.sha256(repr((self.waiting, self.messages)).encode()).hexdigest()
        return digest[:16]


# ---- the program database: the queue and its claims ------------------------------------------


def waiting_rows(session: Session) -> list[WaitingRow]:
    """The waiting conversations, oldest first, with who claimed each."""
    rows = session.execute(
        select(Handoff, StaffAccount.display_name)
        .outerjoin(StaffAccount, StaffAccount.id == Handoff.claimed_by)
        .where(Handoff.status == "waiting")
        .order_by(Handoff.requested_at, Handoff.id)
    ).all()
    return [_row(item, name) for item, name in rows]


def _row(item: Handoff, claimer_name: str | None) -> WaitingRow:
    said = [line for line in item.transcript if line.get("from") == "student"]
    return WaitingRow(
        conversation_id=item.conversation_id,
        requested_at=item.requested_at,
        claimed_by=item.claimed_by,
        claimer_name=claimer_name,
        preview=str(said[-1].get("text", "")) if said else "",
        language=item.language,
    )


def _waiting(session: Session, conversation_id: str) -> Handoff | None:
    return session.scalars(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status == "waiting")
        .order_by(Handoff.id)
    ).first()


def _holder(session: Session, item: Handoff) -> str:
    if item.claimed_by is None:
        return "nobody"
    query = select(StaffAccount.display_name).where(StaffAccount.id == item.claimed_by)
    name = session.scalar(query)
    return name or "another account"


def claim(
    factory: sessionmaker[Session], user: StaffUser, conversation_id: str, now: datetime
) -> str:
    """Make `user` the one answering the conversation; returns what to tell them.

    One conditional UPDATE, so of two counselors clicking at once exactly one gets it. A
    counselor cannot take a conversation another account holds; the office can (someone went
    home with a student waiting)."""
    with factory() as session, session.begin():
        statement = update(Handoff).where(
            Handoff.conversation_id == conversation_id,
            Handoff.status == "waiting",
            sa.or_(Handoff.claimed_by.is_(None), Handoff.claimed_by != user.id),
        )
        if user.role != "office":
            statement = statement.where(Handoff.claimed_by.is_(None))
        item = _waiting(session, conversation_id)
        previous = _holder(session, item) if item is not None else "nobody"
        result = session.execute(
            statement.values(claimed_by=user.id, claimed_at=now),
            execution_options={"synchronize_session": False},
        )
        if isinstance(result, CursorResult) and result.rowcount:
            if previous != "nobody":
                logger.info("Console: account %d took over a handoff", user.id)
                return f"You took this conversation over from {previous}."
            logger.info("Console: account %d claimed a handoff", user.id)
            return "You claimed this conversation: the student is yours to answer."
        item = _waiting(session, conversation_id)
        if item is None:
            raise InboxRefused("This conversation is no longer waiting for a counselor.")
        if item.claimed_by == user.id:
            return "You already have this conversation."
        raise InboxRefused(f"{_holder(session, item)} is already answering this student.")


def check_may_reply(factory: sessionmaker[Session], user: StaffUser, conversation_id: str) -> None:
    """Only the account that claimed a waiting conversation answers in it."""
    with factory() as session:
        item = _waiting(session, conversation_id)
        if item is None:
            raise InboxRefused("This conversation is no longer waiting for a counselor.")
        if item.claimed_by != user.id:
            if item.claimed_by is None:
                raise InboxRefused("Claim this conversation before you answer.")
            raise InboxRefused(f"{_holder(session, item)} is answering this student, not you.")


def check_may_close(factory: sessionmaker[Session], user: StaffUser, conversation_id: str) -> None:
    """The claimer hands the conversation back; so may the office, claimed or not."""
    with factory() as session:
        item = _waiting(session, conversation_id)
        if item is None:
            raise InboxRefused("This conversation is no longer waiting for a counselor.")
        if user.role != "office" and item.claimed_by != user.id:
            if item.claimed_by is None:
                raise InboxRefused("Claim this conversation before you hand it back.")
            raise InboxRefused(f"{_holder(session, item)} is answering this student, not you.")


def reply_text(raw: object) -> str:
    """The reply as sent: 1 to REPLY_MAX_CHARS characters once surrounding space is removed."""
    text = str(raw or "").strip()
    if not text:
        raise InboxRefused("Write a reply before sending it.")
    if len(text) > REPLY_MAX_CHARS:
        raise InboxRefused(
            f"A reply can be at most {REPLY_MAX_CHARS} characters; this one has {len(text)}. "
            "Send it in two parts."
        )
    return text


# ---- the tracker store: what was said since the handoff ---------------------------------------

_ENGINES: dict[str, Engine] = {}


class TrackerUnreadable(Exception):
    """The tracker store cannot be read; the message says why (no SQL, no students' text)."""


def _tracker_engine(tracker_url: str) -> Engine:
    """One engine per tracker store (the stream polls every second); never creates a SQLite
    file that is not there yet."""
    url = tracker_store_url_for_this_environment(tracker_url)
    if sqlite_file_missing(url):
        raise TrackerUnreadable("the tracker store has no conversations yet")
    engine = _ENGINES.get(tracker_url)
    if engine is None:
        engine = _ENGINES[tracker_url] = sa.create_engine(url, pool_pre_ping=True)
    return engine


def dispose_tracker_engines() -> None:
    """Close the cached tracker store connections (tests drop their databases afterwards)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def _since(conversation_id: str, requested_at: datetime) -> list[sa.ColumnElement[bool]]:
    return [
        events.c.sender_id == conversation_id,
        events.c.type_name.in_(("user", "bot")),
        events.c.timestamp > requested_at.timestamp(),
    ]


def messages_since(tracker_url: str, conversation_id: str, requested_at: datetime) -> list[Line]:
    """The student's, the bot's and counselors' messages after `requested_at`, oldest first."""
    query = (
        sa.select(events.c.type_name, events.c.data)
        .where(*_since(conversation_id, requested_at))
        .order_by(events.c.id)
    )
    try:
        with _tracker_engine(tracker_url).connect() as connection:
            rows = connection.execute(query).all()
    except SQLAlchemyError as error:
        logger.warning("Console inbox: tracker store unreadable: %s", type(error).__name__)
        raise TrackerUnreadable("the tracker store cannot be read just now") from None
    lines = []
    for type_name, data in rows:
        line = _line(type_name, data)
        if line is not None:
            lines.append(line)
    return lines


def _line(type_name: str, data: str | None) -> Line | None:
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return None
    if not isinstance(event, dict) or not event.get("text"):
        return None
    if type_name == "user":
        return Line("student", str(event["text"]))
    metadata = event.get("metadata")
    counselor = isinstance(metadata, dict) and metadata.get("sender") == "counselor"
    return Line("counselor" if counselor else "bot", str(event["text"]))


def _marker(tracker_url: str, conversation_id: str, requested_at: datetime) -> tuple[int, int]:
    query = sa.select(sa.func.count(events.c.id), sa.func.max(events.c.id)).where(
        *_since(conversation_id, requested_at)
    )
    with _tracker_engine(tracker_url).connect() as connection:
        count, last = connection.execute(query).one()
    return int(count or 0), int(last or 0)


def conversation(
    factory: sessionmaker[Session], tracker_url: str, conversation_id: str
) -> Conversation | None:
    """The waiting conversation with its transcript; None when it is not waiting. When the
    tracker store cannot be read, the copied transcript and why the rest is missing."""
    with factory() as session:
        item = _waiting(session, conversation_id)
        if item is None:
            return None
        row = _row(item, item.claimer.display_name if item.claimer is not None else None)
        copied = [
            Line("student" if line.get("from") == "student" else "bot", str(line.get("text", "")))
            for line in item.transcript
        ]
    try:
        since = messages_since(tracker_url, conversation_id, row.requested_at)
    except TrackerUnreadable as error:
        return Conversation(row, tuple(copied[-MAX_LINES:]), problem=str(error))
    return Conversation(row, tuple([*copied, *since][-MAX_LINES:]))


# ---- live updates ------------------------------------------------------------------------------


def snapshot(
    factory: sessionmaker[Session], tracker_url: str, conversation_id: str | None
) -> Snapshot:
    """The waiting list and the open conversation's message marker, read now."""
    with factory() as session:
        rows = session.execute(
            select(Handoff.conversation_id, Handoff.claimed_by, Handoff.requested_at)
            .where(Handoff.status == "waiting")
            .order_by(Handoff.requested_at, Handoff.id)
        ).all()
    waiting = tuple((row[0], row[1]) for row in rows)
    messages = None
    opened = next((row for row in rows if row[0] == conversation_id), None)
    if opened is not None:
        try:
            messages = _marker(tracker_url, opened[0], opened[2])
        except (TrackerUnreadable, SQLAlchemyError):
            messages = None
    return Snapshot(waiting, messages)


def changes(before: Snapshot | None, after: Snapshot) -> list[str]:
    """What changed between two snapshots: "waiting" (list or claims), "messages" (the open
    conversation). Everything is new on the first one."""
    if before is None:
        return ["waiting", "messages"]
    changed = []
    if before.waiting != after.waiting:
        changed.append("waiting")
    if before.messages != after.messages:
        changed.append("messages")
    return changed
