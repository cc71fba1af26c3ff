"""The report behind the console's Insights page (office only), for a date
range, kept a minute, and its sections as CSV.

The report reads every event of the range from the tracker store (Rasa's `events` table has no
index on its timestamp), so building it costs a few hundred milliseconds on a busy store. The
office reloads and switches ranges and downloads sections one after another: a report is kept
in this process for CACHE_SECONDS per range, and the page says how old its figures are.
"""

from __future__ import annotations

import io
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from bot.staff import insights
from bot.staff.insights import Period, Report

CACHE_SECONDS = 60.0
# Ranges kept at once; the oldest goes first.
CACHE_SIZE = 16
# Longest range the page draws (a bar per day).
MAX_DAYS = 366
# Unanswered messages listed on the page; the CSV has them all.
SHOWN_UNANSWERED = insights.DEFAULT_UNANSWERED_LIMIT

# The CSV export's sections: the `section` parameter, and the file bot.staff.insights names them.
SECTIONS: Mapping[str, str] = {
    "per_day": "conversations_per_day.csv",
    "funnel": "funnel.csv",
    "topics": "top_topics.csv",
    "unanswered": "unanswered_messages.csv",
    "programs": "bookings_by_program.csv",
    "knowledge_base": "knowledge_base_answers.csv",
    "languages": "conversations_by_language.csv",
}


@dataclass(frozen=True)
class Range:
    """The range asked for (or the default one), and why a request's dates were not used."""

    period: Period
    problem: str = ""


def requested_range(first: str | None, last: str | None, today: date, zone: tzinfo) -> Range:
    """The period of `?from=&to=` as the command reads --from/--to: `to` defaults to today,
    `from` to 30 days up to `to`. Dates that cannot be read, a reversed range or one longer than
    MAX_DAYS give the default range with a sentence saying what was wrong."""
    default = Period.last_days(insights.DEFAULT_DAYS, today, zone)
    first_text, last_text = (first or "").strip(), (last or "").strip()
    try:
        end = date.fromisoformat(last_text) if last_text else today
        start = (
            date.fromisoformat(first_text)
            if first_text
            else end - timedelta(days=insights.DEFAULT_DAYS - 1)
        )
    except ValueError:
        return Range(
            default,
            "The dates could not be read: write them as YYYY-MM-DD (for example "
            f"{today.isoformat()}). Showing the last {insights.DEFAULT_DAYS} days instead.",
        )
    if start > end:
        return Range(
            default,
            f"The range starts ({start}) after it ends ({end}). "
            f"Showing the last {insights.DEFAULT_DAYS} days instead.",
        )
    if (end - start).days + 1 > MAX_DAYS:
        return Range(
            default,
            f"A range can be at most {MAX_DAYS} days long. "
            f"Showing the last {insights.DEFAULT_DAYS} days instead.",
        )
    return Range(Period(start, end, zone))


@dataclass(frozen=True)
class Figures:
    report: Report
    # When the report was built (the console's clock), shown as the figures' age.
    built_at: datetime


class ReportCache:
    """Reports by (tracker store, program database, range), each kept CACHE_SECONDS. Built
    under a lock, so a burst of requests for the same range builds it once."""

    def __init__(
        self,
        build: Callable[[str, str, Period], Report] | None = None,
        seconds: float = CACHE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._build = build or _full_report
        self._seconds = seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[str, str, Period], tuple[float, Figures]] = OrderedDict()

    def figures(
        self, tracker_url: str, database_url: str, period: Period, now: datetime
    ) -> Figures:
        """The report, from the cache when it is younger than the limit; InsightsError when a
        source cannot be read (never kept: the next request tries again)."""
        key = (tracker_url, database_url, period)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and self._monotonic() - kept[0] < self._seconds:
                return kept[1]
            figures = Figures(self._build(tracker_url, database_url, period), now)
            self._kept[key] = (self._monotonic(), figures)
            self._kept.move_to_end(key)
            while len(self._kept) > CACHE_SIZE:
                self._kept.popitem(last=False)
            return figures


def _full_report(tracker_url: str, database_url: str, period: Period) -> Report:
    # Every unanswered message: the page lists the first SHOWN_UNANSWERED, the CSV all.
    return insights.build_report(tracker_url, database_url, period, unanswered_limit=None)


def section_csv(report: Report, section: str) -> str:
    """One section of the report as CSV text (bot.staff.insights' tables: formula-safe text
    cells)."""
    out = io.StringIO(newline="")
    insights.write_csv_table(out, insights.csv_tables(report)[SECTIONS[section]])
    return out.getvalue()


def csv_filename(section: str, period: Period) -> str:
    stem = SECTIONS[section].removesuffix(".csv")
    return f"{stem}_{period.first.isoformat()}_{period.last.isoformat()}.csv"
