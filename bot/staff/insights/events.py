"""What students ask, for the enrollment office (`python -m bot insights`).

The enrollment office wants to see how many conversations there are, how far they get (a catalog
answer, a booking started, booked, contacted), what students ask about most, and which of their
messages the assistant did not answer; that last list is what the team improves the training
data and the catalog from. Everything is counted over a range of whole days in the school's
time zone, both ends included.

Two sources, both read-only here:
- the tracker store (TRACKER_STORE_URL): Rasa's `events` table, read from the actions
  environment as bot.retention reads it (SQLAlchemy 2 Core, psycopg 3 for PostgreSQL). Rasa fills
  `intent_name` for user messages and `action_name` with the event's `name` (the action, or the
  loop of an `active_loop` event), so nearly everything is an SQL aggregate over plain columns;
  the JSON in `data` is read only for the few messages that were not answered;
- the program database (DATABASE_URL): the bookings (`Appointment`) and the conversation and
  program of their lead.

No report holds a name, an e-mail address, a phone number or a conversation id: the messages
are shown with e-mail addresses and phone numbers masked by bot.log_masking (the masking the
logs use), and everything else is a count.

How a reply is judged is tools/external_set.py's rule (the end-to-end evaluation's), so the office
and the evaluation count "not answered" the same way: a turn (a user message and everything up
to the next one) that ran one of the actions, or uttered one of the responses, in NOT_ANSWERING
was not answered, the out-of-scope decline first, then the counselor offer, then "Did you
mean ...?". The tracker store adds one case the evaluation never sees: a student who clears up a
"Did you mean ...?" (a button, or a clearer message) ends the fallback loop, which rewinds that
message and records a copy of it, answered as a new turn. Such a clarifying message is neither
unanswered nor asked twice: it is left out of the unanswered list and counted once as a topic.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, TextIO, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.db import session_factory, sqlite_file_missing
from bot.intents import BY_NAME, QUESTION_INTENTS
from bot.log_masking import mask_personal_data
from bot.models import Appointment, Lead, Program
from bot.private_files import private_directory, private_file
from bot.reply_kinds import CATALOG_FACT_ACTIONS, NOT_ANSWERING, ReplyKind, reply_kind
from bot.retention import tracker_store_url_for_this_environment
from bot.spreadsheet import text_cell
from bot.terminal_text import terminal_safe
from bot.tracker_tables import events

# ---- what the events mean ---------------------------------------------------------------------

REPLY_TITLES: dict[ReplyKind, str] = {
    "out_of_scope": "declined",
    "counselor_offer": "counselor offer",
    "did_you_mean": "did you mean",
}
BOOKING_FORM = "counselor_booking_form"
START_BOOKING_ACTION = "action_start_booking"
# The appointment statuses that mean the counselor reached the student. `contacted` arrives
# with the staff console's migration (0005); before it, no appointment has it and the count is 0.
CONTACTED_STATUSES = ("contacted",)
CANCELLED_STATUS = "cancelled"
DEFAULT_DAYS = 30
DEFAULT_UNANSWERED_LIMIT = 50

_USER = "user"
_ACTION = "action"
_BOT = "bot"
_ACTIVE_LOOP = "active_loop"
# Rasa's UserUtteranceReverted: the fallback loop's "this message was cleared up".
_REWIND = "rewind"
_MARK_ACTIONS = frozenset().union(*NOT_ANSWERING.values())
# A reply is recorded a moment after its message: one to a message sent just before the end of
# the range still counts.
_REPLY_WINDOW_SECONDS = 600
# The time zone offsets in use are whole quarter hours, so events grouped into quarter hours
# since the range's start each fall on one local day.
_QUARTER_HOUR = 900
_IN_CHUNK = 500


class InsightsError(Exception):
    """A source that cannot be read, said in one line for the command."""


# ---- the date range ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole days `first` to `last` (both included) in `zone`, the school's time zone."""

    first: date
    last: date
    zone: tzinfo

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"the range starts ({self.first}) after it ends ({self.last})")

    @classmethod
    def last_days(cls, days: int, today: date, zone: tzinfo) -> Period:
        """The `days` days that end with `today`."""
        return cls(today - timedelta(days=days - 1), today, zone)

    @property
    def start(self) -> datetime:
        """Local midnight starting the first day."""
        return datetime.combine(self.first, time(), tzinfo=self.zone)

    @property
    def end(self) -> datetime:
        """Local midnight after the last day (excluded)."""
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=self.zone)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def day_of(self, moment: float) -> date:
        return datetime.fromtimestamp(moment, timezone.utc).astimezone(self.zone).date()


def today_in(zone: tzinfo, now: datetime | None = None) -> date:
    """Today's date at the school."""
    return (now or datetime.now(timezone.utc)).astimezone(zone).date()


# ---- what the report holds ---------------------------------------------------------------------


@dataclass(frozen=True)
class DayCount:
    day: date
    conversations: int


@dataclass(frozen=True)
class FunnelStep:
    step: str
    conversations: int


@dataclass(frozen=True)
class Funnel:
    """Conversations of the range, and how many of them reached each step. Every step counts
    only conversations that reached the step before it, so each number is at most the one
    above (a booking without a catalog answer is in bookings_by_program, not here)."""

    conversations: int
    catalog_answer: int
    booking_started: int
    booked: int
    contacted: int

    def steps(self) -> tuple[FunnelStep, ...]:
        return (
            FunnelStep("conversations", self.conversations),
            FunnelStep("got a catalog answer", self.catalog_answer),
            FunnelStep("started a booking", self.booking_started),
            FunnelStep("booked", self.booked),
            FunnelStep("contacted", self.contacted),
        )


@dataclass(frozen=True)
class TopicCount:
    intent: str
    title: str
    messages: int
    conversations: int


@dataclass(frozen=True)
class UnansweredMessage:
    """A message as students typed it (masked, lower case, spaces collapsed), how the assistant
    replied, and how many times."""

    text: str
    reply: ReplyKind
    count: int


@dataclass(frozen=True)
class ProgramBookings:
    """Bookings made in the range by students who named `program_code` (None: no program);
    `cancelled` and `contacted` are among them."""

    program_code: str | None
    program: str
    bookings: int
    cancelled: int
    contacted: int


@dataclass(frozen=True)
class Report:
    period: Period
    per_day: tuple[DayCount, ...]
    funnel: Funnel
    topics: tuple[TopicCount, ...]
    unanswered: tuple[UnansweredMessage, ...]
    programs: tuple[ProgramBookings, ...]


# ---- the sources -------------------------------------------------------------------------------


@contextmanager
def tracker_store(url: str) -> Iterator[Connection]:
    """A connection to the tracker store at `url`. A SQLite file that does not exist is not
    created, and a store without Rasa's `events` table is an InsightsError as well."""
    database_url = tracker_store_url_for_this_environment(url)
    # Messages name the URL as configured, not with this environment's driver.
    with _reading("the tracker store", make_url(url)):
        if sqlite_file_missing(database_url):
            raise InsightsError(f"the tracker store {_shown(make_url(url))} does not exist")
        engine = sa.create_engine(database_url)
        try:
            with engine.connect() as connection:
                if not sa.inspect(connection).has_table(events.name):
                    raise InsightsError(
                        f"the tracker store {_shown(make_url(url))} has no events table "
                        "(no conversation yet?)"
                    )
                yield connection
        finally:
            engine.dispose()


@contextmanager
def program_database(url: str) -> Iterator[Session]:
    """A session on the program database at `url`; a SQLite file that does not exist is not
    created (bot.db would create it empty)."""
    database_url = make_url(url)
    with _reading("the program database", database_url):
        if sqlite_file_missing(database_url):
            raise InsightsError(f"the program database {_shown(database_url)} does not exist")
        with session_factory(url)() as session:
            yield session


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
        topics = _topics(tracker, period, clarified, None)
        unanswered_list = _unanswered(tracker, period, unanswered, unanswered_limit)
    with program_database(database_url) as program:
        bookings = _bookings_by_conversation(program, period)
        programs = bookings_by_program(program, period)
    return Report(
        period,
        _per_day(wrote, period),
        _funnel(reached, bookings),
        topics,
        unanswered_list,
        programs,
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
        _steps_in_conversations(tracker, period), _bookings_by_conversation(program, period)
    )


def top_topics(
    tracker: Connection, period: Period, limit: int | None = None
) -> tuple[TopicCount, ...]:
    """The question intents (bot.intents) of the students' messages in `period`, by their
    titles, most asked first."""
    _, clarified = _judged_turns(tracker, period)
    return _topics(tracker, period, clarified, limit)


def unanswered_messages(
    tracker: Connection, period: Period, limit: int | None = DEFAULT_UNANSWERED_LIMIT
) -> tuple[UnansweredMessage, ...]:
    """The students' messages of `period` the assistant declined, answered with the counselor
    offer or with "Did you mean ...?": masked, lower-cased and with spaces collapsed, grouped
    by text and reply, most frequent first (at most `limit`). Button payloads ("/ask_tuition")
    are left out: the student chose them, they did not write them."""
    unanswered, _ = _judged_turns(tracker, period)
    return _unanswered(tracker, period, unanswered, limit)


def bookings_by_program(program: Session, period: Period) -> tuple[ProgramBookings, ...]:
    """The bookings made in `period`, by the program the student named, most booked first."""
    count = sa.func.count(Appointment.id)
    query = (
        sa.select(
            Lead.program_code,
            Program.display_name,
            count,
            _count_if(Appointment.status == CANCELLED_STATUS),
            _count_if(Appointment.status.in_(CONTACTED_STATUSES)),
        )
        .join(Lead, Lead.id == Appointment.lead_id)
        .outerjoin(Program, Program.code == Lead.program_code)
        .where(*_made_within(period))
        .group_by(Lead.program_code, Program.display_name)
        .order_by(count.desc(), Lead.program_code)
    )
    return tuple(
        ProgramBookings(
            program_code=code,
            program=name or code or "(no program named)",
            bookings=bookings,
            cancelled=int(cancelled or 0),
            contacted=int(contacted or 0),
        )
        for code, name, bookings, cancelled, contacted in program.execute(query)
    )


def normalised(text: str) -> str:
    """`text` with e-mail addresses and phone numbers masked, in lower case, with every run of
    whitespace made one space: how messages are grouped."""
    return " ".join(mask_personal_data(text).lower().split())


# ---- output ------------------------------------------------------------------------------------


def render(report: Report) -> str:
    """The report as text for a terminal. The messages are students' text, so every control
    character is dropped from them (bot.terminal_text)."""
    period = report.period
    lines = [
        f"Insights {period.first} to {period.last} ({_zone_name(period.zone)})",
        "",
        "Funnel (conversations; % of all in the range)",
    ]
    total = report.funnel.conversations
    for step in report.funnel.steps():
        lines.append(
            f"  {step.step:<22}{step.conversations:>8}  {_percent(step.conversations, total)}"
        )
    lines += ["", "Most asked topics", f"  {'messages':>8}  {'conversations':>13}  topic"]
    lines += [
        f"  {topic.messages:>8}  {topic.conversations:>13}  {topic.title}"
        for topic in report.topics
    ] or ["  (none)"]
    lines += ["", "Not answered (e-mail addresses and phone numbers masked)"]
    lines += [f"  {'count':>5}  {'reply':<16} message"]
    lines += [
        f"  {item.count:>5}  {REPLY_TITLES[item.reply]:<16} {terminal_safe(item.text)}"
        for item in report.unanswered
    ] or ["  (none)"]
    lines += [
        "",
        "Bookings by program",
        f"  {'bookings':>8}  {'cancelled':>9}  {'contacted':>9}  program",
    ]
    lines += [
        f"  {row.bookings:>8}  {row.cancelled:>9}  {row.contacted:>9}  {row.program}"
        for row in report.programs
    ] or ["  (none)"]
    lines += ["", "Conversations per day"]
    lines += [f"  {row.day}  {row.day:%a}  {row.conversations:>6}" for row in report.per_day]
    return "\n".join(lines) + "\n"


CSV_FILES = (
    "conversations_per_day.csv",
    "funnel.csv",
    "top_topics.csv",
    "unanswered_messages.csv",
    "bookings_by_program.csv",
)


def csv_tables(report: Report) -> dict[str, tuple[Sequence[str], list[Sequence[object]]]]:
    """Each section as a CSV table (header, rows), by its file name in CSV_FILES; the messages
    go through bot.spreadsheet.text_cell, so a spreadsheet never runs one as a formula."""
    tables: Sequence[tuple[Sequence[str], Iterable[Sequence[object]]]] = (
        (
            ("day", "conversations"),
            ((row.day.isoformat(), row.conversations) for row in report.per_day),
        ),
        (
            ("step", "conversations"),
            ((step.step, step.conversations) for step in report.funnel.steps()),
        ),
        (
            ("intent", "topic", "messages", "conversations"),
            (
                (text_cell(t.intent), text_cell(t.title), t.messages, t.conversations)
                for t in report.topics
            ),
        ),
        (
            ("message", "reply", "count"),
            ((text_cell(m.text), m.reply, m.count) for m in report.unanswered),
        ),
        (
            ("program_code", "program", "bookings", "cancelled", "contacted"),
            (
                (
                    text_cell(p.program_code or ""),
                    text_cell(p.program),
                    p.bookings,
                    p.cancelled,
                    p.contacted,
                )
                for p in report.programs
            ),
        ),
    )
    return {
        name: (header, list(rows)) for name, (header, rows) in zip(CSV_FILES, tables, strict=True)
    }


def write_csv_table(out: TextIO, table: tuple[Sequence[str], Iterable[Sequence[object]]]) -> None:
    """One table of `csv_tables` written as CSV to `out` (opened with newline="")."""
    header, rows = table
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)


def write_csv(report: Report, directory: Path) -> list[Path]:
    """One CSV per section in `directory` (created 0700 if missing), each file 0600 like the
    leads export: the messages are students' words, even masked."""
    private_directory(directory)
    written = []
    for name, table in csv_tables(report).items():
        path = private_file(directory / name)
        with path.open("w", encoding="utf-8", newline="") as out:
            write_csv_table(out, table)
        written.append(path)
    return written


# ---- internals -----------------------------------------------------------------------------------


def _judged_turns(tracker: Connection, period: Period) -> tuple[dict[int, ReplyKind], set[int]]:
    """The ids of the user messages of `period` (or sent just before it began) that were not
    answered, with how, and of those that cleared up a "Did you mean ...?" (see the module
    docstring). Only the marking events are read, each with the id of the message before it."""
    message = events.alias("message")
    # The latest message before the mark, found by walking the conversation's events back from
    # it (Rasa indexes sender_id; the message is a few events back) rather than taking the
    # maximum over all of the conversation's earlier events.
    previous_message = (
        sa.select(message.c.id)
        .where(
            message.c.sender_id == events.c.sender_id,
            message.c.type_name == _USER,
            message.c.id < events.c.id,
        )
        .order_by(message.c.id.desc())
        .limit(1)
        .correlate(events)
        .scalar_subquery()
    )
    bot_marks = [
        events.c.data.contains(f'"{name}"', autoescape=True)
        for name in sorted(_MARK_ACTIONS)
        if name.startswith("utter_")
    ]
    query = sa.select(
        previous_message,
        events.c.type_name,
        events.c.action_name,
        sa.case((events.c.type_name == _BOT, events.c.data), else_=None),
    ).where(
        events.c.timestamp >= period.start.timestamp(),
        events.c.timestamp < period.end.timestamp() + _REPLY_WINDOW_SECONDS,
        sa.or_(
            sa.and_(events.c.type_name == _ACTION, events.c.action_name.in_(sorted(_MARK_ACTIONS))),
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
        .where(events.c.type_name == _USER, *_within(period))
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
        events.c.type_name == _ACTION, events.c.action_name.in_(sorted(CATALOG_FACT_ACTIONS))
    )
    booking = sa.or_(
        sa.and_(events.c.type_name == _ACTIVE_LOOP, events.c.action_name == BOOKING_FORM),
        sa.and_(events.c.type_name == _ACTION, events.c.action_name == START_BOOKING_ACTION),
    )
    query = (
        sa.select(events.c.sender_id, _count_if(catalog), _count_if(booking))
        .where(sa.or_(catalog, booking), *_within(period))
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
    tracker: Connection, period: Period, clarified: set[int], limit: int | None
) -> tuple[TopicCount, ...]:
    query = (
        sa.select(
            events.c.intent_name,
            sa.func.count(),
            sa.func.count(sa.distinct(events.c.sender_id)),
        )
        .where(
            events.c.type_name == _USER,
            events.c.intent_name.in_(QUESTION_INTENTS),
            *_within(period),
        )
        .group_by(events.c.intent_name)
    )
    counts = {
        intent: (messages, conversations)
        for intent, messages, conversations in tracker.execute(query)
    }
    asked_twice: Counter[str] = Counter()
    for chunk in _chunks(sorted(clarified)):
        asked_twice.update(
            tracker.scalars(
                sa.select(events.c.intent_name).where(
                    events.c.id.in_(chunk),
                    events.c.intent_name.in_(QUESTION_INTENTS),
                    *_within(period),
                )
            )
        )
    topics = [
        TopicCount(intent, _title(intent), messages - asked_twice[intent], conversations)
        for intent, (messages, conversations) in counts.items()
    ]
    topics.sort(key=lambda topic: (-topic.messages, -topic.conversations, topic.title))
    return tuple(topics[:limit] if limit is not None else topics)


def _unanswered(
    tracker: Connection,
    period: Period,
    unanswered: Mapping[int, ReplyKind],
    limit: int | None,
) -> tuple[UnansweredMessage, ...]:
    grouped: Counter[tuple[str, ReplyKind]] = Counter()
    # The same words come back often: each distinct text is masked once.
    shown: dict[str, str] = {}
    for chunk in _chunks(sorted(unanswered)):
        rows = tracker.execute(
            sa.select(events.c.id, events.c.data).where(
                events.c.id.in_(chunk), events.c.type_name == _USER, *_within(period)
            )
        )
        for message_id, data in rows:
            typed = _message_text(data)
            text = shown.get(typed)
            if text is None:
                text = shown[typed] = normalised(typed)
            if text and not text.startswith("/"):
                grouped[(text, unanswered[message_id])] += 1
    ordered = sorted(grouped.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        UnansweredMessage(text, reply, count)
        for (text, reply), count in (ordered[:limit] if limit is not None else ordered)
    )


def _bookings_by_conversation(program: Session, period: Period) -> dict[str, set[str]]:
    """The statuses of the bookings made in `period`, by the conversation they were made in."""
    statuses: dict[str, set[str]] = defaultdict(set)
    query = (
        sa.select(Lead.conversation_id, Appointment.status)
        .join(Lead, Lead.id == Appointment.lead_id)
        .where(Lead.conversation_id.is_not(None), *_made_within(period))
    )
    for conversation, status in program.execute(query):
        statuses[conversation].add(status)
    return statuses


def _funnel(reached: Sequence[set[str]], bookings: Mapping[str, set[str]]) -> Funnel:
    conversations, catalog, started = reached
    answered = conversations & catalog
    booking_started = answered & started
    booked = booking_started & set(bookings)
    contacted = {c for c in booked if bookings[c] & set(CONTACTED_STATUSES)}
    return Funnel(
        len(conversations), len(answered), len(booking_started), len(booked), len(contacted)
    )


def _within(period: Period) -> tuple[Any, ...]:
    return (
        events.c.timestamp >= period.start.timestamp(),
        events.c.timestamp < period.end.timestamp(),
    )


def _made_within(period: Period) -> tuple[Any, ...]:
    return (Appointment.created_at >= period.start, Appointment.created_at < period.end)


def _count_if(condition: Any) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _whole_quarter_hours(tracker: Connection, seconds: Any) -> Any:
    """floor(seconds / 900) for seconds >= 0: SQLite has no floor() unless built with its math
    functions, and PostgreSQL's integer cast rounds rather than truncates."""
    if tracker.dialect.name == "sqlite":
        return sa.cast(seconds / _QUARTER_HOUR, sa.Integer)
    return sa.func.floor(seconds / _QUARTER_HOUR)


_T = TypeVar("_T")


def _chunks(values: Sequence[_T]) -> Iterator[Sequence[_T]]:
    # SQLite allows only so many bound parameters in one statement.
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _message_text(data: str | None) -> str:
    event = _json_object(data)
    text = event.get("text")
    return text if isinstance(text, str) else ""


def _uttered_response(data: str | None) -> str | None:
    metadata = _json_object(data).get("metadata")
    response = metadata.get("utter_action") if isinstance(metadata, Mapping) else None
    return response if isinstance(response, str) else None


def _json_object(data: str | None) -> Mapping[str, Any]:
    try:
        value = json.loads(data or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, Mapping) else {}


def _title(intent: str) -> str:
    known = BY_NAME.get(intent)
    return (known.description if known else None) or intent


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "     -"


def _zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", zone))


@contextmanager
def _reading(what: str, url: URL) -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as error:
        raise InsightsError(
            f"{what} {_shown(url)} could not be read: {type(error).__name__}"
        ) from error
    except OSError as error:
        raise InsightsError(f"{what} {_shown(url)} could not be read: {error.strerror}") from error


def _shown(url: URL) -> str:
    return f"({url.render_as_string(hide_password=True)})"
