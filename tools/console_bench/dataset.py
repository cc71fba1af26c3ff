"""A busy school's data for the console benchmark, in a throw-away directory.

- program.db: migrated and seeded by the admin commands (`python -m bot db seed`, `counselors
  seed` with the sample counselors, `slots generate`), then BOOKINGS leads with an appointment
  each over the counselors (past calls contacted, no-show, cancelled or not yet marked; future
  ones booked or cancelled) and the handoffs: WAITING students waiting for a counselor (asked in
  the last hours) and CLOSED_HANDOFFS older ones, each with its transcript.
- tracker.db: Rasa's `events` table as SQLTrackerStore creates it (the columns of
  tests/unit/tracker_store_double.py, written out here because tools/ does not import tests/)
  with CONVERSATIONS conversations over the last 30 days, each a session start and 1 to 7
  turns: catalog answers for the question intents of bot.knowledge.intents, small talk, out-of-scope
  declines (some with an e-mail address or phone number to mask), unknown-topic counselor
  offers, "Did you mean ...?" cleared up by a button, booking forms (finished for the
  conversations that booked, some abandoned) and requests for a person. The rows are as Rasa
  writes them: `intent_name` for user messages, `action_name` the event's `name`, the event's
  JSON in `data`.

Written with SQLAlchemy Core over the reflected tables, not `bot.database.models` (see the package's
docstring); times are stored as naive UTC, as bot.database.models.UTCDateTime stores them.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.knowledge.intents import BY_NAME, QUESTION_INTENTS, Kind
from bot.settings import REPO_ROOT

COUNSELORS_FILE = REPO_ROOT / "bot" / "booking" / "sample_counselors.yml"
SCHOOL_ZONE = ZoneInfo("America/Denver")
DAYS = 30
# Calls are booked on a half-hour grid from 08:00 to 19:00, school time, any day.
FIRST_CALL_HOUR, LAST_CALL_HOUR, CALL_MINUTES = 8, 19, 30

ANSWER_ACTIONS = {
    Kind.CAREER: "action_answer_career_question",
    Kind.PROGRAM: "action_answer_program_question",
    Kind.START_DATE: "action_answer_start_date",
    Kind.UNKNOWN_TOPIC: "action_answer_unknown_topic",
}
QUESTIONS = {
    "ask_tuition": ["how much is tuition", "What does the CS degree cost?", "tuition for sd?"],
    "ask_program_duration": ["how long is the program", "How many years is software dev?"],
    "ask_programs": ["what degrees do you offer", "which programs do you have"],
    "ask_start_date": ["when is the next start date", "When can I start?"],
    "ask_ml_role": ["what does an ML engineer do", "what is a machine learning engineer"],
    "ask_salary": ["how much do ML engineers make", "ml engineer salary?"],
    "ask_transfer_credit": ["can I transfer my credits", "do you accept transfer credit"],
    "ask_housing": ["do you have dorms", "Is there student housing?"],
    "ask_financial_aid": ["can I get financial aid", "scholarships?"],
    "ask_admission_requirements": ["what do I need to get in", "admission requirements?"],
    "ask_other_enrollment_topic": ["is there an application fee", "can I study part time"],
}
# Unclear messages the fallback asks "Did you mean ...?" about.
UNCLEAR = ["how mucho   cost", "wen start", "progrm lenght?", "ml job??", "cost of the thing"]
DECLINED = [
    "what's the weather like",
    "can you do my homework",
    "Can you email me at {first}.{last}@example.com about parking?",
    "call me on +1 303 555 {n:04d} about the cafeteria",
    "who won the game last night",
    "is the gym open on sundays",
    "asdf qwer",
]
FIRST = ["Ada", "Grace", "Alan", "Jordan", "Sam", "Priya", "Wei", "Maria", "Omar", "Lena"]
LAST = ["Lovelace", "Hopper", "Turing", "Lee", "Rivera", "Patel", "Chen", "Garcia", "Haddad"]
# The share of past calls in each status (the rest of the past ones are not marked yet).
PAST_STATUSES = (("contacted", 0.6), ("no_show", 0.12), ("cancelled", 0.15), ("booked", 0.13))


@dataclass(frozen=True)
class Dataset:
    directory: Path
    database_url: str
    tracker_url: str
    conversations: int
    events: int
    bookings: int
    # The conversations waiting for a counselor, oldest first.
    waiting: tuple[str, ...]
    closed_handoffs: int


@dataclass
class Chat:
    """One conversation's events, each a row as SQLTrackerStore.save writes it."""

    sender: str
    at: datetime
    rows: list[dict[str, Any]] = field(default_factory=list)

    def event(self, type_name: str, data: dict[str, Any], intent: str | None = None) -> Chat:
        self.at += timedelta(seconds=random.uniform(0.3, 2.0))
        moment = self.at.timestamp()
        self.rows.append(
            event_row(self.sender, type_name, moment, {"event": type_name, **data}, intent)
        )
        return self

    def user(self, text: str, intent: str) -> Chat:
        self.at += timedelta(seconds=random.uniform(4, 40))  # the student types
        parse = {"intent": {"name": intent, "confidence": 0.93}, "entities": [], "text": text}
        data = {"text": text, "parse_data": parse, "input_channel": "rest", "metadata": {}}
        return self.event("user", data, intent)

    def action(self, *names: str) -> Chat:
        for name in names:
            self.event("action", {"name": name, "policy": "RulePolicy", "confidence": 1.0})
        return self

    def bot(self, response: str, text: str = "...") -> Chat:
        return self.event("bot", {"text": text, "data": {}, "metadata": {"utter_action": response}})

    def loop(self, name: str | None) -> Chat:
        return self.event("active_loop", {"name": name})

    def slot(self, name: str, value: object) -> Chat:
        return self.event("slot", {"name": name, "value": value})

    def listen(self) -> Chat:
        return self.action("action_listen")

    def transcript(self) -> list[dict[str, str]]:
        """What bot.handoff.service copies into the handoff: the messages, oldest first."""
        lines = []
        for row in self.rows:
            event = json.loads(row["data"])
            if row["type_name"] in ("user", "bot") and event.get("text"):
                who = "student" if row["type_name"] == "user" else "bot"
                lines.append({"from": who, "text": str(event["text"])})
        return lines[-20:]


def event_row(
    sender: str, type_name: str, moment: float, event: dict[str, Any], intent: str | None = None
) -> dict[str, Any]:
    """A row of Rasa's `events` table (also used to add a message during the benchmark)."""
    return {
        "sender_id": sender,
        "type_name": type_name,
        "timestamp": moment,
        "intent_name": intent,
        "action_name": event.get("name"),
        "data": json.dumps({"timestamp": moment, **event}),
    }


def create_tracker_store(url: str) -> sa.Table:
    """Rasa's `events` table, every column as SQLTrackerStore creates it (sender_id indexed,
    nothing else: in particular no index on `timestamp`)."""
    metadata = sa.MetaData()
    events = sa.Table(
        "events",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False, index=True),
        sa.Column("type_name", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Float),
        sa.Column("intent_name", sa.String(255)),
        sa.Column("action_name", sa.String(255)),
        sa.Column("data", sa.Text),
    )
    metadata.create_all(sa.create_engine(url))
    return events


# ---- conversations -----------------------------------------------------------------------------


def _question(chat: Chat) -> None:
    intent = random.choice(QUESTION_INTENTS)
    kind = BY_NAME[intent].kind
    text = random.choice(QUESTIONS.get(intent, [f"question about {intent.removeprefix('ask_')}"]))
    chat.user(text, intent).action(ANSWER_ACTIONS[kind])
    chat.bot("utter_unknown_topic" if kind is Kind.UNKNOWN_TOPIC else "utter_answer").listen()


def _small_talk(chat: Chat) -> None:
    intent, response = random.choice(
        [("greet", "utter_greet"), ("thank", "utter_welcome"), ("ask_help", "utter_help")]
    )
    chat.user({"greet": "hi", "thank": "thanks!", "ask_help": "what can you do"}[intent], intent)
    chat.action(response).bot(response).listen()


def _declined(chat: Chat, number: int) -> None:
    text = random.choice(DECLINED).format(
        first=random.choice(FIRST).lower(), last=random.choice(LAST).lower(), n=number % 10_000
    )
    chat.user(text, "out_of_scope").action("utter_out_of_scope").bot("utter_out_of_scope")
    chat.listen()


def _did_you_mean(chat: Chat) -> None:
    intent = random.choice(QUESTION_INTENTS)
    chat.user(random.choice(UNCLEAR), "nlu_fallback").action("action_two_stage_fallback")
    chat.loop("action_two_stage_fallback").bot("utter_did_you_mean").listen()
    chat.user(f"/{intent}", intent).action("action_two_stage_fallback").loop(None)
    chat.event("rewind", {}).listen()
    kind = BY_NAME[intent].kind
    chat.user(f"/{intent}", intent).action(ANSWER_ACTIONS[kind]).bot("utter_answer").listen()


def _booking(chat: Chat, name: str, email: str, finish: bool) -> None:
    chat.user("can an advisor call me?", "book_counselor")
    chat.action("action_start_booking", "counselor_booking_form").loop("counselor_booking_form")
    chat.bot("utter_ask_full_name", "What's your full name?").listen()
    steps = [
        (name, "full_name", "utter_ask_email", "And your e-mail address?"),
        (email, "email", "utter_ask_phone", "A phone number? (or say skip)"),
        ("skip", "phone", "utter_ask_preferred_contact", "How should we contact you?"),
        ("email", "preferred_contact", "utter_ask_appointment_slot", "When suits you?"),
    ]
    if not finish:
        steps = steps[: random.randint(1, 3)]
    for text, slot, response, question in steps:
        chat.user(text, "skip_question" if text == "skip" else "inform")
        chat.action("counselor_booking_form", "validate_counselor_booking_form")
        chat.slot(slot, None if text == "skip" else text).bot(response, question).listen()
    if finish:
        chat.user("tomorrow at 10", "inform").action("counselor_booking_form")
        chat.slot("appointment_slot", "tomorrow 10:00").loop(None)
        chat.action("action_book_appointment").bot("utter_booked", "You're booked!").listen()
    else:
        chat.user("stop", "stop_booking").action("action_stop_booking").loop(None)
        chat.bot("utter_booking_stopped", "No problem, nothing was booked.").listen()


def _handoff(chat: Chat) -> None:
    chat.user("can I talk to a person", "request_human").action("action_hand_over")
    chat.bot("utter_handoff_waiting", "A counselor will join this chat shortly.").listen()


def conversation(
    number: int, start: datetime, books: bool, hands_over: bool, names: tuple[str, str]
) -> Chat:
    chat = Chat(f"bench-{number:05d}-{random.getrandbits(32):08x}", start)
    chat.action("action_session_start").event("session_started", {}).listen()
    for _ in range(random.randint(1, 5)):
        draw = random.random()
        if draw < 0.55:
            _question(chat)
        elif draw < 0.68:
            _small_talk(chat)
        elif draw < 0.82:
            _declined(chat, number)
        else:
            _did_you_mean(chat)
    if books or random.random() < 0.05:
        _booking(chat, names[0], names[1], finish=books)
    if hands_over:
        _handoff(chat)
    return chat


# ---- the program database ----------------------------------------------------------------------


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _prepare_program_database(database_url: str) -> None:
    """What `make db` does, through the same commands."""
    env_python = sys.executable
    for args in (
        ["db", "seed"],
        ["counselors", "seed", "--file", str(COUNSELORS_FILE)],
        ["slots", "generate"],
    ):
        subprocess.run(
            [env_python, "-m", "bot", *args],
            cwd=REPO_ROOT,
            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url},
            check=True,
            stdout=subprocess.DEVNULL,
        )


class _Calendar:
    """Half-hour call times per counselor, each held by at most one live appointment."""

    def __init__(
        self, counselors: Sequence[int], existing: dict[tuple[int, datetime], int]
    ) -> None:
        self.counselors = counselors
        self.slots = existing  # (counselor, naive UTC start) -> slot id
        self.taken: set[tuple[int, datetime]] = set()

    def pick(self, made: datetime) -> tuple[int, datetime]:
        """A free time 1 to 14 days after `made` on some counselor's calendar."""
        for _ in range(200):
            day = (made + timedelta(days=random.randint(1, 14))).astimezone(SCHOOL_ZONE)
            minutes = random.randrange(FIRST_CALL_HOUR * 60, LAST_CALL_HOUR * 60, CALL_MINUTES)
            local = day.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0)
            key = (random.choice(self.counselors), _naive(local))
            if key not in self.taken:
                return key
        raise RuntimeError("the counselors' calendars are full: book fewer calls")


def _fill_program_database(
    database_url: str,
    booked: Sequence[tuple[Chat, datetime, tuple[str, str]]],
    handoffs: Sequence[tuple[str, str, datetime, list[dict[str, str]]]],
    now: datetime,
) -> None:
    engine = sa.create_engine(database_url)
    metadata = sa.MetaData()
    metadata.reflect(
        engine, only=["counselor", "appointment_slot", "lead", "appointment", "handoff", "program"]
    )
    tables = metadata.tables
    slot_t, lead_t, appointment_t = (
        tables["appointment_slot"],
        tables["lead"],
        tables["appointment"],
    )
    with engine.begin() as connection:
        counselors = list(connection.scalars(sa.select(tables["counselor"].c.id)))
        programs = list(connection.scalars(sa.select(tables["program"].c.code))) + [None]
        existing = {
            (row.counselor_id, row.starts_at): row.id
            for row in connection.execute(
                sa.select(slot_t.c.id, slot_t.c.counselor_id, slot_t.c.starts_at)
            )
        }
        calendar = _Calendar(counselors, existing)
        references: set[str] = set()
        for number, (chat, made, (name, email)) in enumerate(booked):
            counselor, starts = calendar.pick(made)
            if starts < _naive(now):
                status = random.choices(
                    [s for s, _ in PAST_STATUSES], [w for _, w in PAST_STATUSES]
                )[0]
            else:
                status = "cancelled" if random.random() < 0.15 else "booked"
            slot_id = None
            if status != "cancelled":
                calendar.taken.add((counselor, starts))
                slot_id = calendar.slots.get((counselor, starts))
                if slot_id is None:
                    slot_id = connection.scalar(
                        sa.insert(slot_t)
                        .values(
                            counselor_id=counselor,
                            starts_at=starts,
                            ends_at=starts + timedelta(minutes=CALL_MINUTES),
                        )
                        .returning(slot_t.c.id)
                    )
            lead_id = connection.scalar(
                sa.insert(lead_t)
                .values(
                    full_name=name,
                    email=email,
                    phone=f"+1303555{number % 10_000:04d}" if number % 3 else None,
                    program_code=random.choice(programs),
                    preferred_contact=random.choice(["email", "phone", "text"]),
                    consent=True,
                    consent_at=_naive(made),
                    conversation_id=chat.sender,
                    source_page=None,
                    created_at=_naive(made),
                )
                .returning(lead_t.c.id)
            )
            reference = _reference(references)
            updated = min(_naive(now), starts + timedelta(hours=1))
            connection.execute(
                sa.insert(appointment_t).values(
                    lead_id=lead_id,
                    slot_id=slot_id,
                    counselor_id=counselor,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=CALL_MINUTES),
                    status=status,
                    reference=reference,
                    created_at=_naive(made),
                    updated_at=updated if status != "booked" else _naive(made),
                )
            )
        rows = [
            {
                "conversation_id": sender,
                "status": status,
                "transcript": transcript,
                "requested_at": _naive(requested),
                "closed_at": None
                if status == "waiting"
                else _naive(requested + timedelta(hours=1)),
                "claimed_by": None,
                "claimed_at": None,
            }
            for sender, status, requested, transcript in handoffs
        ]
        if rows:
            connection.execute(sa.insert(tables["handoff"]), rows)


def _reference(taken: set[str]) -> str:
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    while True:
        code = "".join(random.choice(alphabet) for _ in range(8))
        reference = f"{code[:4]}-{code[4:]}"
        if reference not in taken:
            taken.add(reference)
            return reference


# ---- the whole dataset -------------------------------------------------------------------------


def build(
    directory: Path,
    conversations: int = 10_000,
    bookings: int = 2_000,
    waiting: int = 40,
    closed_handoffs: int = 300,
    now: datetime | None = None,
    seed: int = 14,
) -> Dataset:
    """Generate both databases into `directory` (which must not hold them yet)."""
    if bookings + waiting + closed_handoffs > conversations:
        raise ValueError("more bookings and handoffs than conversations")
    random.seed(seed)
    now = now or datetime.now(timezone.utc)
    directory.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{directory / 'program.db'}"
    tracker_url = f"sqlite:///{directory / 'tracker.db'}"
    _prepare_program_database(database_url)
    events = create_tracker_store(tracker_url)

    roles = ["book"] * bookings + ["closed"] * closed_handoffs
    roles += [""] * (conversations - len(roles) - waiting)
    random.shuffle(roles)
    roles += ["waiting"] * waiting
    booked: list[tuple[Chat, datetime, tuple[str, str]]] = []
    handoffs: list[tuple[str, str, datetime, list[dict[str, str]]]] = []
    count = 0
    engine = sa.create_engine(tracker_url)
    with engine.begin() as connection:
        batch: list[dict[str, Any]] = []
        for number, role in enumerate(roles):
            if role == "waiting":  # asked for a person in the last three hours
                start = now - timedelta(minutes=random.uniform(10, 180))
            else:
                start = now - timedelta(minutes=random.uniform(60, DAYS * 24 * 60))
            first, last = random.choice(FIRST), random.choice(LAST)
            names = (f"{first} {last}", f"{first}.{last}{number}@example.org".lower())
            chat = conversation(number, start, role == "book", role in ("waiting", "closed"), names)
            if role == "book":
                booked.append((chat, chat.at, names))
            elif role:
                handoffs.append((chat.sender, role, chat.at, chat.transcript()))
                if role == "waiting" and random.random() < 0.5:  # wrote again while waiting
                    chat.user("hello? are you there", "greet")
            batch.extend(chat.rows)
            if len(batch) >= 20_000:
                connection.execute(sa.insert(events), batch)
                count += len(batch)
                batch = []
        if batch:
            connection.execute(sa.insert(events), batch)
            count += len(batch)
    engine.dispose()
    handoffs.sort(key=lambda item: item[2])
    _fill_program_database(database_url, booked, handoffs, now)
    return Dataset(
        directory=directory,
        database_url=database_url,
        tracker_url=tracker_url,
        conversations=conversations,
        events=count,
        bookings=len(booked),
        waiting=tuple(sender for sender, status, *_ in handoffs if status == "waiting"),
        closed_handoffs=closed_handoffs,
    )
