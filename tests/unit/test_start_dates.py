"""Start dates: the 1st of a month strictly after today, as dated in the school's time zone."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.knowledge.start_dates import next_start_dates, school_today

DENVER = ZoneInfo("America/Denver")


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 24), [date(2026, 12, 1), date(2027, 1, 1)]),
        (date(2026, 12, 31), [date(2027, 1, 1), date(2027, 2, 1)]),
        (date(2026, 12, 1), [date(2027, 1, 1), date(2027, 2, 1)]),  # today's start has passed
        (date(2027, 1, 31), [date(2027, 2, 1), date(2027, 3, 1)]),
        (date(2028, 2, 29), [date(2028, 3, 1), date(2028, 4, 1)]),
    ],
)
def test_next_two_start_dates(today: date, expected: list[date]) -> None:
    assert next_start_dates(today) == expected


def test_a_later_start_day_in_the_same_month_counts() -> None:
    assert next_start_dates(date(2026, 11, 10), day_of_month=15, count=3) == [
        date(2026, 11, 15),
        date(2026, 12, 15),
        date(2027, 1, 15),
    ]


def test_school_date_not_server_date() -> None:
    # 03:00 UTC on December 1 is still November 30, 8 pm in Denver: December 1 is still ahead.
    instant = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
    assert school_today(DENVER, instant) == date(2026, 11, 30)
    assert next_start_dates(school_today(DENVER, instant))[0] == date(2026, 12, 1)
    # Seven hours later it is December 1 in Denver too, and the next start is January 1.
    later = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
    assert next_start_dates(school_today(DENVER, later))[0] == date(2027, 1, 1)


def test_naive_time_is_rejected() -> None:
    with pytest.raises(ValueError):
        school_today(DENVER, datetime(2026, 12, 1, 3, 0))


def test_online_delivery_is_answered_from_the_enrollment_policy(seeded_url: str) -> None:
    from bot.knowledge.answers import answer_online_delivery

    reply = answer_online_delivery(seeded_url)
    assert reply.response == "utter_online_delivery"
    assert reply.variables["delivery"] == "Our degree programs are online."
    assert "1st of every month" in reply.variables["start_rule"]
    assert "spring or fall semester" in reply.variables["year_round"]
