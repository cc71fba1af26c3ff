"""The next program start dates.

Programs start on a fixed day of every month once enrollment is complete. "Today" is the school's
calendar day, not the server's: at 8 pm in Denver on November 30 it is already December 1 in UTC,
and a student asking then must still be offered December 1.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta


def school_today(school_timezone: ZoneInfo, now: datetime | None = None) -> date:
    """The calendar date at the school for the instant `now` (default: the current time)."""
    instant = now or datetime.now(timezone.utc)
    if instant.tzinfo is None:
        raise ValueError("`now` must be timezone-aware; a naive time has no school date")
    return instant.astimezone(school_timezone).date()


def next_start_dates(today: date, day_of_month: int = 1, count: int = 2) -> list[date]:
    """The next `count` start dates strictly after `today` (starting today is no longer possible:
    enrollment has to be complete first)."""
    first = today + relativedelta(day=day_of_month)
    if first <= today:
        first += relativedelta(months=1, day=day_of_month)
    return [first + relativedelta(months=offset, day=day_of_month) for offset in range(count)]
