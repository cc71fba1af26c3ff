"""Each section of the report counted from Rasa's `events` table and the bookings.

Nearly everything is an SQL aggregate over plain columns; the JSON in `data` is read only for the
few messages that were not answered (see the package docstring for how a turn is judged).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.knowledge.intents import BY_NAME, QUESTION_INTENTS
from bot.knowledge.reply_kinds import CATALOG_FACT_ACTIONS, NOT_ANSWERING, ReplyKind, reply_kind
from bot.privacy.log_masking import mask_personal_data
from bot.rasa_server.tracker_tables import events
from bot.staff.insights.bookings import bookings_by_conversation, bookings_by_program, count_if
from bot.staff.insights.knowledge_answers import (
    answers_by_entry,
    entry_titles,
    knowledge_base_rows,
)
from bot.staff.insights.languages import (
    conversation_languages,
    conversations_by_language,
    language_of,
)
from bot.staff.insights.report import (
    BOOKING_FORM,
    CONTACTED_STATUSES,
    DEFAULT_UNANSWERED_LIMIT,
    START_BOOKING_ACTION,
    DayCount,
    Funnel,
    Period,
    Report,
    TopicCount,
    UnansweredMessage,
)
from bot.staff.insights.sources import program_database, tracker_store
from bot.staff.insights.tracker_rows import (
    ACTION,
    REPLY_WINDOW_SECONDS,
    USER,
    chunks,
    json_object,
    message_before,
    within,
)

_BOT = "bot"
_ACTIVE_LOOP = "active_loop"
# Rasa's UserUtteranceReverted: the fallback loop's "this message was cleared up".
_REWIND = "rewind"
_MARK_ACTIONS = frozenset().union(*NOT_ANSWERING.values())
# The time zone offsets in use are whole quarter hours, so events grouped into quarter hours
# since the range's start each fall on one local day.
_QUARTER_HOUR = 900


def build_report(
    tracker_url: str,
    database_url: str,
    period: Period,
    unanswered_limit: int | None = DEFAULT_UNANSWERED_LIMIT,
) -> Report:
    """Every section for `period`; InsightsError, naming the source, when one cannot be read.

    Each question is asked of the tracker store once: the sections share what they have in
    common (who wrote when, and how each turn was judged) instead of each re-reading it, as the
    events table has no index on its timestamp and every query scans the range."""
    with tracker_store(tracker_url) as tracker:
        wrote = _writers_by_quarter_hour(tracker, period)
        reached = (set(wrote), *_senders_reaching_steps(tracker, period))
        unanswered, clarified = _judged_turns(tracker, period)
        languages = conversation_languages(tracker, period)
        topics = _topics(tracker, period, clarified, None, languages)
        unanswered_list = _unanswered(tracker, period, unanswered, unanswered_limit, languages)
        answered_from_base = answers_by_entry(tracker, period)
    with program_database(database_url) as program:
        bookings = bookings_by_conversation(program, period)
        programs = bookings_by_program(program, period)
        titles = entry_titles(program, list(answered_from_base))
    return Report(
        period,
        _per_day(wrote, period),
        _funnel(reached, bookings),
        topics,
        unanswered_list,
        programs,
        knowledge_base_rows(answered_from_base, titles),
        conversations_by_language(wrote, languages),
    )


# ---- the sections -------------------------------------------------------------------------------


def conversations_per_day(tracker: Connection, period: Period) -> tuple[DayCount, ...]:
    """For every day of `period`, the conversations in which a student wrote that day (one that
    goes on past midnight counts on both days)."""
    return _per_day(_writers_by_quarter_hour(tracker, period), period)


def funnel(tracker: Connection, program: Session, period: Period) -> Funnel:
    """The conversations in which a student wrote during `period`, and how far they got
    within it (see Funnel)."""
    return _funnel(
        _steps_in_conversations(tracker, period), bookings_by_conversation(program, period)
    )


def top_topics(
    tracker: Connection, period: Period, limit: int | None = None
) -> tuple[TopicCount, ...]:
    """The question intents (bot.knowledge.intents) of the students' messages in `period`, by their
    titles and the conversations' language, most asked first."""
    _, clarified = _judged_turns(tracker, period)
    return _topics(tracker, period, clarified, limit, conversation_languages(tracker, period))


def unanswered_messages(
    tracker: Connection, period: Period, limit: int | None = DEFAULT_UNANSWERED_LIMIT
) -> tuple[UnansweredMessage, ...]:
    """The students' messages of `period` the assistant declined, answered with the counselor
    offer or with "Did you mean ...?": masked, lower-cased and with spaces collapsed, grouped
    by text, reply and the conversation's language, most frequent first (at most `limit`). Button
    payloads ("/ask_tuition") are left out: the student chose them, they did not write them."""
    unanswered, _ = _judged_turns(tracker, period)
    languages = conversation_languages(tracker, period)
    return _unanswered(tracker, period, unanswered, limit, languages)


def normalised(text: str) -> str:
    """`text` with e-mail addresses and phone numbers masked, in lower case, with every run of
    whitespace made one space: how messages are grouped."""
    return " ".join(mask_personal_data(text).lower().split())


# ---- internals -----------------------------------------------------------------------------------


def _judged_turns(tracker: Connection, period: Period) -> tuple[dict[int, ReplyKind], set[int]]:
    """The ids of the user messages of `period` (or sent just before it began) that were not
    answered, with how, and of those that cleared up a "Did you mean ...?" (see the module
    docstring). Only the marking events are read, each with the id of the message before it."""
    bot_marks = [
        events.c.data.contains(f'"{name}"', autoescape=True)
        for name in sorted(_MARK_ACTIONS)
        if name.startswith("utter_")
    ]
    query = sa.select(
        message_before(),
        events.c.type_name,
        events.c.action_name,
        sa.case((events.c.type_name == _BOT, events.c.data), else_=None),
    ).where(
        events.c.timestamp >= period.start.timestamp(),
        events.c.timestamp < period.end.timestamp() + REPLY_WINDOW_SECONDS,
        sa.or_(
            sa.and_(events.c.type_name == ACTION, events.c.action_name.in_(sorted(_MARK_ACTIONS))),
            sa.and_(events.c.type_name == _BOT, sa.or_(*bot_marks)),
            events.c.type_name == _REWIND,
        ),
    )
    marks: dict[int, set[str]] = defaultdict(set)
    for message_id, type_name, action_name, data in tracker.execute(query):
        if message_id is None:
            continue
        if type_name == _BOT:
            action_name = _uttered_response(data)
        marks[message_id].add(_REWIND if type_name == _REWIND else action_name or "")
    unanswered: dict[int, ReplyKind] = {}
    clarified: set[int] = set()
    # A handful of distinct combinations of marks recur: each is judged once.
    judged: dict[frozenset[str], tuple[ReplyKind, bool]] = {}
    for message_id, names in marks.items():
        key = frozenset(names)
        verdict = judged.get(key)
        if verdict is None:
            kind = reply_kind(key)
            verdict = judged[key] = (kind, _REWIND in key and kind in ("answer", "did_you_mean"))
        kind, cleared_up = verdict
        if cleared_up:
            clarified.add(message_id)
        elif kind != "answer":
            unanswered[message_id] = kind
    return unanswered, clarified


def _steps_in_conversations(tracker: Connection, period: Period) -> tuple[set[str], ...]:
    """The conversations in which, during `period`, a student wrote; the assistant gave a
    catalog answer; a booking was started."""
    wrote = _writers_by_quarter_hour(tracker, period)
    return (set(wrote), *_senders_reaching_steps(tracker, period))


def _writers_by_quarter_hour(tracker: Connection, period: Period) -> dict[str, set[int]]:
    """The conversations in which a student wrote during `period`, each with the quarter hours
    (since the range's start) in which they did: one scan serves the days and the funnel."""
    start = period.start.timestamp()
    bucket = _whole_quarter_hours(tracker, events.c.timestamp - start).label("bucket")
    query = (
        sa.select(events.c.sender_id, bucket)
        .where(events.c.type_name == USER, *within(period))
        .group_by(events.c.sender_id, bucket)
    )
    quarters: dict[str, set[int]] = defaultdict(set)
    for sender, quarter in tracker.execute(query):
        quarters[sender].add(int(quarter))
    return quarters


def _per_day(wrote: Mapping[str, set[int]], period: Period) -> tuple[DayCount, ...]:
    start = period.start.timestamp()
    day_of_quarter: dict[int, date] = {}
    senders_by_day: dict[date, set[str]] = defaultdict(set)
    for sender, quarters in wrote.items():
        for quarter in quarters:
            day = day_of_quarter.get(quarter)
            if day is None:
                day = day_of_quarter[quarter] = period.day_of(start + quarter * _QUARTER_HOUR)
            senders_by_day[day].add(sender)
    return tuple(DayCount(day, len(senders_by_day.get(day, ()))) for day in period.days())


def _senders_reaching_steps(tracker: Connection, period: Period) -> tuple[set[str], set[str]]:
    """The conversations in which, during `period`, the assistant gave a catalog answer; and
    those in which a booking was started: one scan for both."""
    catalog = sa.and_(
        events.c.type_name == ACTION, events.c.action_name.in_(sorted(CATALOG_FACT_ACTIONS))
    )
    booking = sa.or_(
        sa.and_(events.c.type_name == _ACTIVE_LOOP, events.c.action_name == BOOKING_FORM),
        sa.and_(events.c.type_name == ACTION, events.c.action_name == START_BOOKING_ACTION),
    )
    query = (
        sa.select(events.c.sender_id, count_if(catalog), count_if(booking))
        .where(sa.or_(catalog, booking), *within(period))
        .group_by(events.c.sender_id)
    )
    answered: set[str] = set()
    started: set[str] = set()
    for sender, catalog_answers, bookings_started in tracker.execute(query):
        if catalog_answers:
            answered.add(sender)
        if bookings_started:
            started.add(sender)
    return answered, started


def _topics(
    tracker: Connection,
    period: Period,
    clarified: set[int],
    limit: int | None,
    languages: Mapping[str, str],
) -> tuple[TopicCount, ...]:
    """Counted per conversation in SQL, then per language here: a conversation is in one."""
    query = (
        sa.select(events.c.intent_name, events.c.sender_id, sa.func.count())
        .where(
            events.c.type_name == USER,
            events.c.intent_name.in_(QUESTION_INTENTS),
            *within(period),
        )
        .group_by(events.c.intent_name, events.c.sender_id)
    )
    messages: Counter[tuple[str, str]] = Counter()
    conversations: Counter[tuple[str, str]] = Counter()
    for intent, sender, count in tracker.execute(query):
        key = (intent, language_of(sender, languages))
        messages[key] += count
        conversations[key] += 1
    for chunk in chunks(sorted(clarified)):
        asked_twice = tracker.execute(
            sa.select(events.c.intent_name, events.c.sender_id).where(
                events.c.id.in_(chunk),
                events.c.intent_name.in_(QUESTION_INTENTS),
                *within(period),
            )
        )
        messages.subtract(
            (intent, language_of(sender, languages)) for intent, sender in asked_twice
        )
    topics = [
        TopicCount(intent, _title(intent), messages[intent, language], count, language)
        for (intent, language), count in conversations.items()
    ]
    topics.sort(key=lambda topic: (-topic.messages, -topic.conversations, topic.title))
    return tuple(topics[:limit] if limit is not None else topics)


def _unanswered(
    tracker: Connection,
    period: Period,
    unanswered: Mapping[int, ReplyKind],
    limit: int | None,
    languages: Mapping[str, str],
) -> tuple[UnansweredMessage, ...]:
    grouped: Counter[tuple[str, ReplyKind, str]] = Counter()
    # The same words come back often: each distinct text is masked once.
    shown: dict[str, str] = {}
    for chunk in chunks(sorted(unanswered)):
        rows = tracker.execute(
            sa.select(events.c.id, events.c.sender_id, events.c.data).where(
                events.c.id.in_(chunk), events.c.type_name == USER, *within(period)
            )
        )
        for message_id, sender, data in rows:
            typed = _message_text(data)
            text = shown.get(typed)
            if text is None:
                text = shown[typed] = normalised(typed)
            if text and not text.startswith("/"):
                grouped[(text, unanswered[message_id], language_of(sender, languages))] += 1
    ordered = sorted(grouped.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        UnansweredMessage(text, reply, count, language)
        for (text, reply, language), count in (ordered[:limit] if limit is not None else ordered)
    )


def _funnel(reached: Sequence[set[str]], bookings: Mapping[str, set[str]]) -> Funnel:
    conversations, catalog, started = reached
    answered = conversations & catalog
    booking_started = answered & started
    booked = booking_started & set(bookings)
    contacted = {c for c in booked if bookings[c] & set(CONTACTED_STATUSES)}
    return Funnel(
        len(conversations), len(answered), len(booking_started), len(booked), len(contacted)
    )


def _whole_quarter_hours(tracker: Connection, seconds: Any) -> Any:
    """floor(seconds / 900) for seconds >= 0: SQLite has no floor() unless built with its math
    functions, and PostgreSQL's integer cast rounds rather than truncates."""
    if tracker.dialect.name == "sqlite":
        return sa.cast(seconds / _QUARTER_HOUR, sa.Integer)
    return sa.func.floor(seconds / _QUARTER_HOUR)


def _message_text(data: str | None) -> str:
    event = json_object(data)
    text = event.get("text")
    return text if isinstance(text, str) else ""


def _uttered_response(data: str | None) -> str | None:
    metadata = json_object(data).get("metadata")
    response = metadata.get("utter_action") if isinstance(metadata, Mapping) else None
    return response if isinstance(response, str) else None


def _title(intent: str) -> str:
    known = BY_NAME.get(intent)
    return (known.description if known else None) or intent
