"""The office's report as data: the date range, each section's rows, and what the events mean.

Frozen dataclasses only, so the CLI, the console and the CSV export share one shape and nothing
here reads a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from bot.knowledge.reply_kinds import ReplyKind

# ---- what the events mean ---------------------------------------------------------------------

REPLY_TITLES: dict[ReplyKind, str] = {
    "out_of_scope": "declined",
    "counselor_offer": "counselor offer",
    "did_you_mean": "did you mean",
}
BOOKING_FORM = "counselor_booking_form"
START_BOOKING_ACTION = "action_start_booking"
# The action that gives a knowledge-base entry's answer; its message carries the entry's id as
# the entity bot.knowledge.intents.KNOWLEDGE_BASE_ENTITY.
KNOWLEDGE_BASE_ACTION = "action_answer_from_knowledge_base"
# The appointment statuses that mean the counselor reached the student. `contacted` arrives
# with the staff console's migration (0005); before it, no appointment has it and the count is 0.
CONTACTED_STATUSES = ("contacted",)
CANCELLED_STATUS = "cancelled"
DEFAULT_DAYS = 30
DEFAULT_UNANSWERED_LIMIT = 50


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
class LanguageCount:
    """The conversations of the range that were in `language` ("en" or "es")."""

    language: str
    conversations: int


@dataclass(frozen=True)
class TopicCount:
    intent: str
    title: str
    messages: int
    conversations: int
    language: str = "en"  # the conversations' language: one row per topic and language


@dataclass(frozen=True)
class UnansweredMessage:
    """A message as students typed it (masked, lower case, spaces collapsed), how the assistant
    replied, and how many times."""

    text: str
    reply: ReplyKind
    count: int
    language: str = "en"  # the conversations' language: one row per text, reply and language


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
class KnowledgeBaseAnswers:
    """How many times the assistant answered from one knowledge-base entry in the range, and in
    how many conversations; `title` is the entry's title now (the office may have renamed it)."""

    entry_id: int
    title: str
    answers: int
    conversations: int


@dataclass(frozen=True)
class Report:
    period: Period
    per_day: tuple[DayCount, ...]
    funnel: Funnel
    topics: tuple[TopicCount, ...]
    unanswered: tuple[UnansweredMessage, ...]
    programs: tuple[ProgramBookings, ...]
    knowledge_base: tuple[KnowledgeBaseAnswers, ...] = ()
    languages: tuple[LanguageCount, ...] = ()
