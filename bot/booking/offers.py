"""Which times to offer a student, from the free slots and what they asked for.

The form shows a few free times as buttons; a typed wish ("tomorrow afternoon", "Dec 3 at 2pm")
narrows them. When the wish names one exact free time, that time is taken without another
question, which keeps the booking short for a student who knows when they are free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.booking.slots import (
    DEFAULT_HORIZON_DAYS,
    FreeSlot,
    generate_slots,
    free_slots_query,
    next_free_slots,
    slots_for_preference,
    utc_now,
)
from bot.booking.time_preference import parse_time_preference
from bot.models import AppointmentSlot

OFFERED_TIMES = 4
# Slots are generated DEFAULT_HORIZON_DAYS ahead; top them up once fewer days than this remain,
# so a deployment that nobody re-seeds keeps offering times.
REFILL_BEFORE = timedelta(days=7)


@dataclass(frozen=True)
class TimeOffer:
    """The times to show and how they relate to what the student typed."""

    times: list[FreeSlot]
    # The student named a window and these times are inside it.
    matched: bool = False
    # The student typed something that is not a day or time we could read.
    understood: bool = True
    # The wish named exactly one free time: book that one without asking again.
    exact: Optional[FreeSlot] = None


def ensure_slots(session: Session, now: Optional[datetime] = None) -> None:
    """Generate slots when the last one is less than REFILL_BEFORE away; commits when it does."""
    now = now or utc_now()
    last = session.scalar(select(func.max(AppointmentSlot.starts_at)))
    if last is None or last < now + REFILL_BEFORE:
        generate_slots(session, now, days=DEFAULT_HORIZON_DAYS)
        session.commit()


def offer_times(
    session: Session,
    school_timezone: ZoneInfo,
    wish: Optional[str] = None,
    now: Optional[datetime] = None,
    count: int = OFFERED_TIMES,
) -> TimeOffer:
    """The next free times, or those matching `wish` (typed text) when it names a day or time."""
    now = now or utc_now()
    ensure_slots(session, now)
    if not wish:
        return TimeOffer(next_free_slots(session, count, school_timezone, now))
    preference = parse_time_preference(wish, now.astimezone(school_timezone))
    if preference is None:
        return TimeOffer(next_free_slots(session, count, school_timezone, now), understood=False)
    matching = slots_for_preference(session, preference, count, school_timezone, now)
    if not matching:
        return TimeOffer(next_free_slots(session, count, school_timezone, now))
    exact = None
    if preference.at is not None and preference.dates is not None and len(preference.dates) == 1:
        first = matching[0]
        if first.local_start.time() == preference.at and first.local_start.date() in preference.dates:
            exact = first
    return TimeOffer(matching, matched=True, exact=exact)


def free_slot(
    session: Session, slot_id: int, school_timezone: ZoneInfo, now: Optional[datetime] = None
) -> Optional[FreeSlot]:
    """The slot if it is still free and far enough ahead to be booked, else None."""
    now = now or utc_now()
    row = session.execute(free_slots_query(now).where(AppointmentSlot.id == slot_id)).first()
    if row is None:
        return None
    slot, counselor_name = row
    return FreeSlot.of(slot, counselor_name, school_timezone)
