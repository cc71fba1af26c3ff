"""Understanding a typed time ("tomorrow afternoon", "Dec 3 at 2pm", "weekday mornings").

The answer is a `TimePreference`, a filter over the local start of free slots, rather than one
datetime: students usually name a window, and the bot offers the free slots inside it. Day words
and parts of the day are read here; explicit dates and clock times are left to
`dateutil.parser` (fuzzy), which already knows month names and 12/24-hour clocks.

Spanish ("mañana por la tarde", "el 3 de diciembre a las 2 pm") is read in either conversation
language by first rewriting it into the English this module and dateutil know
(`_spanish_in_english`); dateutil has no Spanish month names and reads "a" as "a.m.". Only
numeric dates depend on the language: "3/12" is 3 December to a Spanish speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil import parser as date_parser

from bot.booking.form_answers import without_accents
from bot.knowledge.replies.language import SPANISH, current_language

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

# Spanish words, without accents, for the English ones above (plural weekday names are the same
# word, except "sábados", "domingos").
_SPANISH_WEEKDAYS = ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo")
_MONTH_NAMES = (
    *("january", "february", "march", "april", "may", "june", "july"),
    *("august", "september", "october", "november", "december"),
)
_SPANISH_MONTHS = {
    **{"enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7},
    **{"agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11},
    "diciembre": 12,
}
# Abbreviations, read only right after a day number ("3 dic"); "mar" is English already, and
# "ago", an English word, needs the "de" ("5 de ago"), so "5 ago" reads as it did.
_SPANISH_MONTH_ABBREVIATIONS = {"ene": 1, "abr": 4, "ago": 8, "sept": 9, "dic": 12}
_ENGLISH_WORD_ABBREVIATIONS = frozenset({"ago"})
_SPANISH_HOUR_WORDS = (
    *("una", "dos", "tres", "cuatro", "cinco", "seis"),
    *("siete", "ocho", "nueve", "diez", "once", "doce"),
)
# "a las 3" with no a.m./p.m. is read as 15:00: appointments are in office hours, and Spanish
# speakers say "a las 3" for the afternoon (the morning is "a las 3 de la mañana").
_AFTERNOON_HOURS_SAID_ALONE = range(1, 8)

# "a las 3", "sobre las 15:30 horas", "a la 1 pm": the "a" is needed, as "de las 3" may count
# the times offered ("cualquiera de las 3").
_SPANISH_CLOCK = re.compile(
    r"\b(?:a|sobre|hacia)\s+las?\s+(\d{1,2})(?:[:.](\d{2}))?(?:\s*(?:horas|hrs|hs|h)\b)?"
    r"(?![\d/:])(?:\s*(am|pm)\b)?"
)
_SPANISH_DATE = re.compile(
    r"\b(\d{1,2})(?:o|ro|er)?\s+(de\s+)?([a-z]+)\b(?:\s+(?:de|del)\s+(\d{4})\b)?"
)
# Rewritten in this order: clock times first, so "10 de la mañana" is a time, not "tomorrow",
# then the parts of the day, so the "mañana" that is left is tomorrow.
_SPANISH_PHRASES = (
    (r"\bbuen[oa]s\s+(?:dias|tardes|noches)\b", " "),  # a greeting, not a time of day
    (r"\b(\d{1,2})\s+y\s+media\b", r"\1:30"),
    (r"\b(\d{1,2})\s+y\s+cuarto\b", r"\1:15"),
    (r"\b(\d{1,2}(?::\d{2})?)\s*(?:en punto\s+)?de\s+la\s+(?:manana|madrugada)\b", r"\1 am"),
    (r"\b(\d{1,2}(?::\d{2})?)\s*(?:en punto\s+)?de\s+la\s+(?:tarde|noche)\b", r"\1 pm"),
    (r"\b(\d{1,2}(?::\d{2})?)\s*([ap])\.\s+m\.", r"\1 \2m"),  # the RAE's "3 p. m."
    (r"\b(?:al|a|el|del)?\s*mediodia\b", " noon "),
    (r"\bde\s+lunes\s+a\s+viernes\b", " weekdays "),
    (r"\b(?:fin|fines)\s+de\s+semana\b|\bfinde\b", " weekend "),
    (
        r"\b(?:entre\s+semana|dias?\s+(?:de\s+semana|entre\s+semana|laborables|habiles))\b",
        " weekdays ",
    ),
    (r"\besta\s+manana\b", " today morning "),
    (r"\besta\s+tarde\b", " today afternoon "),
    (r"\besta\s+noche\b", " tonight "),
    (r"\b(?:(?:por|en|de|a)\s+)?las?\s+mananas\b|\bmananas\b", " mornings "),
    (r"\b(?:(?:por|en|de|a)\s+)?la\s+manana\b", " morning "),
    (r"\bmanana\b", " tomorrow "),
    (r"\bhoy\b", " today "),
    (r"\bmas\s+tarde\b", " later "),  # "later", not "in the afternoon"
    (r"\b(?:(?:por|en|a)\s+)?las?\s+tardes?\b|\btardes?\b", " afternoon "),
    (r"\b(?:(?:por|en|a)\s+)?las?\s+noches?\b|\bnoches?\b", " evening "),
    (r"\bsabados\b", " saturdays "),
    (r"\bdomingos\b", " sundays "),
)


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
    lowered = _spanish_in_english(without_accents(text.lower()), now.date())
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


def _spanish_in_english(text: str, today: date) -> str:
    """ "mañana por la tarde" -> "tomorrow afternoon", "el 3 de diciembre a las 2 pm" ->
    "el 3 december at 2:00 pm": Spanish day words, months and clock times (accents already
    removed) in the words `parse_time_preference` and dateutil read. English passes unchanged:
    every pattern here needs a Spanish word ("de", "las", "mañana"...)."""
    for index, spanish in enumerate(_SPANISH_HOUR_WORDS, start=1):
        # "a las dos", "las dos de la tarde"; not "cualquiera de las dos".
        text = re.sub(rf"\b(a|sobre|hacia)\s+(las?)\s+{spanish}\b", rf"\1 \2 {index}", text)
        text = re.sub(
            rf"\blas?\s+{spanish}(?=\s+(?:de\s+la|y\s+media|y\s+cuarto|en\s+punto)\b)",
            str(index),
            text,
        )
    text = re.sub(r"\bprimero\s+de\b", "1 de", text)
    # "Pasado mañana" has no English word here: it becomes the date itself, which `_explicit`
    # reads ("march 6 2030"), before the "mañana" left over is read as tomorrow.
    after = today + timedelta(days=2)
    on_that_day = f" {_MONTH_NAMES[after.month - 1]} {after.day} {after.year} "
    text = re.sub(r"\bpasado\s+manana\b", on_that_day, text)
    for pattern, english in _SPANISH_PHRASES:
        text = re.sub(pattern, english, text)
    text = _SPANISH_CLOCK.sub(_clock, text)
    text = _SPANISH_DATE.sub(_date, text)
    for name, month in _SPANISH_MONTHS.items():
        text = re.sub(rf"\b{name}\b", _MONTH_NAMES[month - 1], text)
    for name, english in zip(_SPANISH_WEEKDAYS, WEEKDAY_NAMES, strict=True):
        text = re.sub(rf"\b{name}\b", english, text)
    return text


def _clock(match: re.Match[str]) -> str:
    """ "a las 3" -> "at 15:00", "a las 10:30 am" -> "at 10:30 am" (minutes always written, so
    dateutil reads an hour, not a day of the month)."""
    hour, minutes, half = int(match.group(1)), match.group(2) or "00", match.group(3)
    if half is None and hour in _AFTERNOON_HOURS_SAID_ALONE:
        hour += 12
    return f" at {hour}:{minutes}" + (f" {half}" if half else "")


def _date(match: re.Match[str]) -> str:
    """ "3 de diciembre de 2030" -> "3 december 2030"; other "3 de ..." as they were."""
    day, de, word, year = match.group(1), match.group(2), match.group(3), match.group(4)
    month = _SPANISH_MONTHS.get(word) or _SPANISH_MONTH_ABBREVIATIONS.get(word)
    if month is None or (de is None and word in _ENGLISH_WORD_ABBREVIATIONS):
        return match.group(0)
    return f"{day} {_MONTH_NAMES[month - 1]}" + (f" {year}" if year else "")


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
    # Day first in "3/12" for a Spanish speaker, as Spanish-speaking countries write dates.
    dayfirst = current_language() == SPANISH
    try:
        first = date_parser.parse(cleaned, fuzzy=True, default=first_default, dayfirst=dayfirst)
        second = date_parser.parse(cleaned, fuzzy=True, default=second_default, dayfirst=dayfirst)
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
