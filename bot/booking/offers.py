"""Which times to offer a student, from the free slots and what they asked for.

The form shows a few free times as buttons; a typed wish ("tomorrow afternoon", "Dec 3 at 2pm")
narrows them. When the wish names one exact free time, that time is taken without another
question, which keeps the booking short for a student who knows when they are free.

Reads and writes are separate calls, so a caller can see which of its steps change the database:
- `offer_times` and `free_slot` only read;
- `top_up_slots` writes the next days' slots when they run low, and `remember_offered` records
  the times shown to a conversation. Both leave the commit to the caller.
Only a remembered time can be booked from a conversation (`was_offered`): a button payload typed
by hand with another slot id must not book a slot nobody offered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.booking.appointment_times import (
    DEFAULT_HORIZON_DAYS,
    FreeSlot,
    dialect_insert,
    free_slots_query,
    generate_slots,
    next_free_slots,
    slots_for_preference,
    utc_now,
)
from bot.booking.time_preference import parse_time_preference
from bot.database.models import AppointmentSlot, SlotOffer

OFFERED_TIMES = 4
# Slots are generated DEFAULT_HORIZON_DAYS ahead; top them up once fewer days than this remain,
# so a deployment that nobody re-seeds keeps offering times.
REFILL_BEFORE = timedelta(days=7)
# A time shown to a student can be picked for a day (a tab left open overnight still works);
# older offers are forgotten and the student is shown the current free times again.
OFFER_VALID_FOR = timedelta(days=1)


@dataclass(frozen=True)
class TimeOffer:
    """The times to show and how they relate to what the student typed."""

    times: list[FreeSlot]
    # The student named a window and these times are inside it.
    matched: bool = False
    # The student typed something that is not a day or time we could read.
    understood: bool = True
    # The wish named exactly one free time: book that one without asking again.
    exact: FreeSlot | None = None


def top_up_slots(session: Session, now: datetime | None = None) -> int:
    """Generate the next DEFAULT_HORIZON_DAYS of slots when the last one is less than
    REFILL_BEFORE away; return how many rows were new. The caller commits."""
    now = now or utc_now()
    last = session.scalar(select(func.max(AppointmentSlot.starts_at)))
    if last is None or last < now + REFILL_BEFORE:
        return generate_slots(session, now, days=DEFAULT_HORIZON_DAYS)
    return 0


def offer_times(
    session: Session,
    school_timezone: ZoneInfo,
    wish: str | None = None,
    now: datetime | None = None,
    count: int = OFFERED_TIMES,
) -> TimeOffer:
    """The next free times, or those matching `wish` (typed text) when it names a day or time.

    A read only: call `top_up_slots` first so there are times to offer."""
    now = now or utc_now()
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
        if (
            first.local_start.time() == preference.at
            and first.local_start.date() in preference.dates
        ):
            exact = first
    return TimeOffer(matching, matched=True, exact=exact)


def free_slot(
    session: Session, slot_id: int, school_timezone: ZoneInfo, now: datetime | None = None
) -> FreeSlot | None:
    """The slot if it is still free and far enough ahead to be booked, else None."""
    now = now or utc_now()
    row = session.execute(free_slots_query(now).where(AppointmentSlot.id == slot_id)).first()
    if row is None:
        return None
    slot, counselor_name = row
    return FreeSlot.of(slot, counselor_name, school_timezone)


def remember_offered(
    session: Session,
    conversation_id: str,
    slot_ids: Iterable[int],
    now: datetime | None = None,
) -> None:
    """Record that `slot_ids` were offered to the conversation (refreshing earlier offers of the
    same slots) and forget offers older than OFFER_VALID_FOR. The caller commits."""
    now = now or utc_now()
    session.execute(delete(SlotOffer).where(SlotOffer.offered_at < now - OFFER_VALID_FOR))
    rows = [
        {"conversation_id": conversation_id, "slot_id": slot_id, "offered_at": now}
        for slot_id in sorted(set(slot_ids))
    ]
    if not rows:
        return
    insert = dialect_insert(session)(SlotOffer)
    # ON CONFLICT: two replicas answering the same conversation cannot make a duplicate row.
    statement = insert.on_conflict_do_update(
        index_elements=["conversation_id", "slot_id"],
        set_={"offered_at": insert.excluded.offered_at},
    )
    session.connection().execute(statement, rows)


def was_offered(
    session: Session, conversation_id: str, slot_id: int, now: datetime | None = None
) -> bool:
    """True when `slot_id` was offered to this conversation within OFFER_VALID_FOR."""
    now = now or utc_now()
    offered = session.scalar(
        select(SlotOffer.id).where(
            SlotOffer.conversation_id == conversation_id,
            SlotOffer.slot_id == slot_id,
            SlotOffer.offered_at >= now - OFFER_VALID_FOR,
        )
    )
    return offered is not None
