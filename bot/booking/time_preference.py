"""Understanding a typed time ("tomorrow afternoon", "Dec 3 at 2pm", "weekday mornings").

The answer is a `TimePreference`, a filter over the local start of free slots, rather than one
datetime: students usually name a window, and the bot offers the free slots inside it. Day words
and parts of the day are read here; explicit dates and clock times are left to
`dateutil.parser` (fuzzy), which already knows month names and 12/24-hour clocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil import parser as date_parser

# Local hours [start, end) for each part of the day.
DAY_PARTS = {
    "morning": (time(8), time(12)),
    "afternoon": (time(12), time(17)),
    "evening": (time(17), time(21)),
}
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})

_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class TimePreference:
    """A window of local times; every unset part matches anything."""

    dates: frozenset[date] | None = None
    weekdays: frozenset[int] | None = None
    hours: tuple[time, time] | None = None
    # An exact clock time ("2pm"): slots starting then match, others are ranked by distance.
    at: time | None = None

    def matches(self, local_start: datetime) -> bool:
        """True when a slot starting at `local_start` (school time) is inside the window."""
        if self.dates is not None and local_start.date() not in self.dates:
            return False
        if self.weekdays is not None and local_start.weekday() not in self.weekdays:
            return False
        if self.hours is not None and not self.hours[0] <= local_start.time() < self.hours[1]:
            return False
        if self.at is not None and local_start.time() != self.at:
            return False
        return True

    def widened(self) -> TimePreference:
        """The same days without the exact time: to offer the nearest slots if none starts then."""
        return TimePreference(dates=self.dates, weekdays=self.weekdays, hours=self.hours)


def parse_time_preference(text: str, now: datetime) -> TimePreference | None:
    """The window `text` names, read relative to `now` (aware, in the school's zone); None when
    nothing in it is a day or a time, so the bot can ask again instead of guessing."""
    lowered = text.lower()
    words = set(_WORD.findall(lowered))
    today = now.date()

    dates: set[date] | None = None
    weekdays: frozenset[int] | None = None
    hours: tuple[time, time] | None = None
    at: time | None = None

    if "today" in words or "tonight" in words:
        dates = {today}
    if "tomorrow" in words:
        dates = {today + timedelta(days=1)}
    named = [index for index, name in enumerate(WEEKDAY_NAMES) if _mentions(words, name)]
    if named:
        weekdays = frozenset(named)
    if words & {"weekday", "weekdays"}:
        weekdays = WEEKDAYS
    if words & {"weekend", "weekends"}:
        weekdays = WEEKEND
    if "tonight" in words:
        hours = DAY_PARTS["evening"]
    for part, window in DAY_PARTS.items():
        if part in words or part + "s" in words:
            hours = window

    explicit_date, explicit_time = _explicit(lowered, now)
    if explicit_date is not None:
        dates = {explicit_date}
    if explicit_time is not None:
        at = explicit_time
        hours = None

    if dates is None and weekdays is None and hours is None and at is None:
        return None
    return TimePreference(
        dates=frozenset(dates) if dates is not None else None,
        weekdays=weekdays,
        hours=hours,
        at=at,
    )


def _mentions(words: set[str], day: str) -> bool:
    return bool(words & {day, day + "s"})


def _explicit(text: str, now: datetime) -> tuple[date | None, time | None]:
    """A calendar date and/or clock time written in `text` (either may be None).

    dateutil fills missing fields from a default; parsing with two different defaults shows which
    fields were really written. Weekday names are removed first: dateutil would turn them into a
    date of its own choosing.
    """
    cleaned = text
    for word in (*WEEKDAY_NAMES, "today", "tomorrow", "tonight", "next", "this"):
        cleaned = re.sub(rf"\b{word}s?\b", " ", cleaned)
    if not re.search(r"\d", cleaned) and not re.search(r"\bnoon\b", cleaned):
        return None, None
    cleaned = re.sub(r"\bnoon\b", "12pm", cleaned)
    first_default = datetime(2000, 1, 1, 0, 0)
    second_default = datetime(2001, 2, 2, 1, 0)
    try:
        first = date_parser.parse(cleaned, fuzzy=True, default=first_default)
        second = date_parser.parse(cleaned, fuzzy=True, default=second_default)
    except (ValueError, OverflowError):
        return None, None

    found_time = time(first.hour, first.minute) if first.hour == second.hour else None
    found_date = None
    if (first.month, first.day) == (second.month, second.day):
        year = first.year if first.year == second.year else now.year
        try:
            found_date = date(year, first.month, first.day)
        except ValueError:
            return None, found_time
        if first.year != second.year and found_date < now.date():
            # "Dec 3" said in late December means next year's.
            found_date = found_date.replace(year=year + 1)
    return found_date, found_time


def names_a_time(text: str, now: datetime) -> bool:
    """True when `text` names a day or a time the booking can use ("tomorrow afternoon");
    `now` is in the school's time zone, which "tomorrow" and "2pm" are read in."""
    return parse_time_preference(text, now) is not None
