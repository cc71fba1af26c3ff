"""Appointment times: made from counselors' weekly hours, and the free ones offered to students.

(Named apart from Rasa's form slots: an appointment slot is a row here, a 30-minute time.)

Slots are rows (not computed on the fly) because the "never booked twice" guarantee is a UNIQUE
constraint on `appointment.slot_id`, which needs a row to point at. Generation is idempotent
(INSERT ... ON CONFLICT DO NOTHING on the counselor+start key), so any process may top the slots up
before offering them, and two doing it at once cannot create duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Select, exists, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.booking.time_preference import TimePreference
from bot.database.models import Appointment, AppointmentSlot, Counselor
from bot.knowledge.replies.language import (
    SPANISH,
    clock_time,
    current_language,
    spanish_month,
    spanish_weekday,
)

SLOT_MINUTES = 30
# Offer nothing that starts sooner than this: a counselor needs time to see the booking.
MIN_NOTICE = timedelta(hours=2)
DEFAULT_HORIZON_DAYS = 14


@dataclass(frozen=True)
class FreeSlot:
    """A slot a student can pick, with its time in UTC and in the school's time zone."""

    slot_id: int
    counselor_name: str
    starts_at: datetime
    ends_at: datetime
    local_start: datetime

    @classmethod
    def of(cls, slot: AppointmentSlot, counselor_name: str, school_timezone: ZoneInfo) -> FreeSlot:
        return cls(
            slot_id=slot.id,
            counselor_name=counselor_name,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            local_start=slot.starts_at.astimezone(school_timezone),
        )

    def label(self) -> str:
        """Button text, e.g. "Tue Dec 1, 2:00 PM MST" (in Spanish "mar 1 dic, 2:00 p. m. MST")."""
        start = self.local_start
        if current_language() == SPANISH:
            weekday, month = spanish_weekday(start.weekday())[:3], spanish_month(start.month)[:3]
            return f"{weekday} {start.day} {month}, {clock_time(start)}"
        return f"{start:%a %b} {start.day}, {clock_time(start)}"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def slot_times(
    counselor: Counselor, first_day: date, days: int, slot_minutes: int = SLOT_MINUTES
) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC for every slot in the counselor's hours over `days` local days.

    Hours are wall-clock times in the counselor's zone, so a 9:00 start stays 9:00 across a
    daylight-saving change; a time that does not exist that day (spring forward) is skipped.
    """
    zone = ZoneInfo(counselor.timezone)
    length = timedelta(minutes=slot_minutes)
    times: list[tuple[datetime, datetime]] = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for block in counselor.hours:
            if block.weekday != day.weekday():
                continue
            start = datetime.combine(day, block.start_time)
            block_end = datetime.combine(day, block.end_time)
            while start + length <= block_end:
                local = start.replace(tzinfo=zone)
                if _exists_locally(local):
                    utc_start = local.astimezone(timezone.utc)
                    times.append((utc_start, utc_start + length))
                start += length
    return times


def generate_slots(
    session: Session,
    now: datetime | None = None,
    days: int = DEFAULT_HORIZON_DAYS,
    slot_minutes: int = SLOT_MINUTES,
) -> int:
    """Insert the missing slots from today for `days` days; return how many rows were new.

    The caller commits.
    """
    now = now or utc_now()
    rows = []
    for counselor in session.scalars(select(Counselor)):
        first_day = now.astimezone(ZoneInfo(counselor.timezone)).date()
        for start, end in slot_times(counselor, first_day, days, slot_minutes):
            rows.append({"counselor_id": counselor.id, "starts_at": start, "ends_at": end})
    if not rows:
        return 0
    insert = dialect_insert(session)
    statement = insert(AppointmentSlot).on_conflict_do_nothing(
        index_elements=["counselor_id", "starts_at"]
    )
    count = select(func.count()).select_from(AppointmentSlot)
    before = session.scalar(count) or 0
    # Core executemany (no ORM objects): thousands of rows in one round trip.
    session.connection().execute(statement, rows)
    return (session.scalar(count) or 0) - before


def free_slots_query(now: datetime) -> Select[tuple[AppointmentSlot, str]]:
    """SELECT of (slot, counselor name) that no appointment holds, from `now` plus notice."""
    taken = exists().where(Appointment.slot_id == AppointmentSlot.id)
    return (
        select(AppointmentSlot, Counselor.name)
        .join(Counselor, Counselor.id == AppointmentSlot.counselor_id)
        .where(AppointmentSlot.starts_at >= now + MIN_NOTICE, ~taken)
        .order_by(AppointmentSlot.starts_at, Counselor.name, AppointmentSlot.id)
    )


def iter_free_slots(
    session: Session, school_timezone: ZoneInfo, now: datetime | None = None
) -> Iterable[FreeSlot]:
    """Every free slot from now on, earliest first."""
    now = now or utc_now()
    for slot, counselor_name in session.execute(free_slots_query(now)):
        yield FreeSlot.of(slot, counselor_name, school_timezone)


def next_free_slots(
    session: Session,
    n: int,
    school_timezone: ZoneInfo,
    now: datetime | None = None,
    matches: Callable[[datetime], bool] | None = None,
) -> list[FreeSlot]:
    """The first `n` free slots (optionally only those whose local start `matches`).

    One slot per start time: students pick a time, not a counselor, so two counselors free at
    2 PM show as one button.
    """
    chosen: list[FreeSlot] = []
    seen_starts: set[datetime] = set()
    for slot in iter_free_slots(session, school_timezone, now):
        if slot.starts_at in seen_starts:
            continue
        if matches is not None and not matches(slot.local_start):
            continue
        seen_starts.add(slot.starts_at)
        chosen.append(slot)
        if len(chosen) == n:
            break
    return chosen


def _exists_locally(local: datetime) -> bool:
    round_trip = local.astimezone(timezone.utc).astimezone(local.tzinfo)
    return round_trip.replace(tzinfo=None) == local.replace(tzinfo=None)


def dialect_insert(session: Session):  # type: ignore[no-untyped-def]
    """The dialect's INSERT construct, which has ON CONFLICT (PostgreSQL and SQLite both do)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"INSERT ... ON CONFLICT is not implemented for {name}")


def slots_for_preference(
    session: Session,
    preference: TimePreference,
    n: int,
    school_timezone: ZoneInfo,
    now: datetime | None = None,
) -> list[FreeSlot]:
    """Up to `n` free slots inside the student's window, earliest first.

    When an exact time was asked for ("Dec 3 at 2pm") and nothing starts then, the free slots of
    the same window closest to that time are offered instead of nothing.
    """
    chosen = next_free_slots(session, n, school_timezone, now, preference.matches)
    if chosen or preference.at is None:
        return chosen
    wanted = preference.at
    nearby = next_free_slots(session, 50, school_timezone, now, preference.widened().matches)

    def distance(slot: FreeSlot) -> tuple[date, float]:
        local = slot.local_start
        minutes = abs((local.hour * 60 + local.minute) - (wanted.hour * 60 + wanted.minute))
        return (local.date(), minutes)

    return sorted(nearby, key=distance)[:n]
