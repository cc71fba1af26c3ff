"""Spanish time wishes ("mañana por la tarde", "el 3 de diciembre a las 2 pm") read as windows,
and English ones read exactly as before."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.booking.time_preference import (
    DAY_PARTS,
    WEEKDAYS,
    WEEKEND,
    TimePreference,
    parse_time_preference,
)
from bot.knowledge.replies.language import speaking

SCHOOL = ZoneInfo("America/Denver")
NOW = datetime(2030, 3, 4, 8, 0, tzinfo=SCHOOL)  # a Monday
TODAY = date(2030, 3, 4)
TOMORROW = date(2030, 3, 5)
MORNING, AFTERNOON, EVENING = DAY_PARTS["morning"], DAY_PARTS["afternoon"], DAY_PARTS["evening"]


def on(*days: date) -> frozenset[date]:
    return frozenset(days)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # days
        ("hoy", TimePreference(dates=on(TODAY))),
        ("mañana", TimePreference(dates=on(TOMORROW))),
        ("manana", TimePreference(dates=on(TOMORROW))),
        ("Mañana.", TimePreference(dates=on(TOMORROW))),
        ("pasado mañana", TimePreference(dates=on(date(2030, 3, 6)))),
        ("pasado manana por la tarde", TimePreference(dates=on(date(2030, 3, 6)), hours=AFTERNOON)),
        ("el lunes", TimePreference(weekdays=frozenset({0}))),
        ("martes", TimePreference(weekdays=frozenset({1}))),
        ("el miércoles", TimePreference(weekdays=frozenset({2}))),
        ("miercoles", TimePreference(weekdays=frozenset({2}))),
        ("jueves", TimePreference(weekdays=frozenset({3}))),
        ("el viernes", TimePreference(weekdays=frozenset({4}))),
        ("sábado", TimePreference(weekdays=frozenset({5}))),
        ("los sabados", TimePreference(weekdays=frozenset({5}))),
        ("el domingo", TimePreference(weekdays=frozenset({6}))),
        ("lunes o martes", TimePreference(weekdays=frozenset({0, 1}))),
        ("el fin de semana", TimePreference(weekdays=WEEKEND)),
        ("los fines de semana", TimePreference(weekdays=WEEKEND)),
        ("entre semana", TimePreference(weekdays=WEEKDAYS)),
        ("días de semana", TimePreference(weekdays=WEEKDAYS)),
        ("de lunes a viernes", TimePreference(weekdays=WEEKDAYS)),
        # parts of the day: "mañana" is tomorrow, "por/en la mañana" the morning
        ("por la mañana", TimePreference(hours=MORNING)),
        ("en la mañana", TimePreference(hours=MORNING)),
        ("las mañanas", TimePreference(hours=MORNING)),
        ("mañana por la mañana", TimePreference(dates=on(TOMORROW), hours=MORNING)),
        ("mañana en la mañana", TimePreference(dates=on(TOMORROW), hours=MORNING)),
        ("esta mañana", TimePreference(dates=on(TODAY), hours=MORNING)),
        ("por la tarde", TimePreference(hours=AFTERNOON)),
        ("en la tarde", TimePreference(hours=AFTERNOON)),
        ("mañana por la tarde", TimePreference(dates=on(TOMORROW), hours=AFTERNOON)),
        ("esta tarde", TimePreference(dates=on(TODAY), hours=AFTERNOON)),
        ("por la noche", TimePreference(hours=EVENING)),
        ("en la noche", TimePreference(hours=EVENING)),
        ("esta noche", TimePreference(dates=on(TODAY), hours=EVENING)),
        ("el jueves por la mañana", TimePreference(weekdays=frozenset({3}), hours=MORNING)),
        ("entre semana por las tardes", TimePreference(weekdays=WEEKDAYS, hours=AFTERNOON)),
        # explicit dates and clock times
        ("3 de diciembre", TimePreference(dates=on(date(2030, 12, 3)))),
        (
            "el 3 de diciembre a las 2 pm",
            TimePreference(dates=on(date(2030, 12, 3)), at=time(14)),
        ),
        ("el 1º de abril", TimePreference(dates=on(date(2030, 4, 1)))),
        ("primero de abril", TimePreference(dates=on(date(2030, 4, 1)))),
        ("3 de dic", TimePreference(dates=on(date(2030, 12, 3)))),
        ("5 de ago", TimePreference(dates=on(date(2030, 8, 5)))),
        ("el 2 de enero", TimePreference(dates=on(date(2031, 1, 2)))),  # past: next year's
        ("1 de diciembre de 2031", TimePreference(dates=on(date(2031, 12, 1)))),
        ("el 12 de Septiembre", TimePreference(dates=on(date(2030, 9, 12)))),
        ("a las 15:00", TimePreference(at=time(15))),
        ("a las 15 horas", TimePreference(at=time(15))),
        ("a las 10:30", TimePreference(at=time(10, 30))),
        ("a las 3 de la tarde", TimePreference(at=time(15))),
        ("a las tres de la tarde", TimePreference(at=time(15))),
        ("a las 8 de la noche", TimePreference(at=time(20))),
        ("a las 10 de la mañana", TimePreference(at=time(10))),
        ("a las tres y media", TimePreference(at=time(15, 30))),
        ("a las 3:00 p. m.", TimePreference(at=time(15))),
        ("a la una", TimePreference(at=time(13))),
        ("a las 3", TimePreference(at=time(15))),  # said alone, 1 to 7 is the afternoon
        ("a las 9", TimePreference(at=time(9))),
        ("al mediodía", TimePreference(at=time(12))),
        ("hoy al mediodia", TimePreference(dates=on(TODAY), at=time(12))),
        ("mañana a las 10 de la mañana", TimePreference(dates=on(TOMORROW), at=time(10))),
        ("pasado mañana a las 11", TimePreference(dates=on(date(2030, 3, 6)), at=time(11))),
        ("el viernes a las 9:30", TimePreference(weekdays=frozenset({4}), at=time(9, 30))),
        ("buenas tardes, el lunes", TimePreference(weekdays=frozenset({0}))),  # a greeting
    ],
)
def test_spanish_wishes_become_windows(typed: str, expected: TimePreference) -> None:
    assert parse_time_preference(typed, NOW) == expected


def test_spanish_wish_matches_the_right_slots() -> None:
    wish = parse_time_preference("mañana por la tarde", NOW)
    assert wish is not None
    assert wish.matches(datetime(2030, 3, 5, 14, 0, tzinfo=SCHOOL))
    assert not wish.matches(datetime(2030, 3, 5, 10, 0, tzinfo=SCHOOL))  # the morning
    assert not wish.matches(datetime(2030, 3, 4, 14, 0, tzinfo=SCHOOL))  # today


def test_pasado_manana_crosses_the_year() -> None:
    new_year_eve = datetime(2030, 12, 30, 9, 0, tzinfo=SCHOOL)
    wish = parse_time_preference("pasado mañana", new_year_eve)
    assert wish is not None and wish.dates == on(date(2031, 1, 1))


@pytest.mark.parametrize(
    "typed", ["cuando puedas", "cualquiera de las dos", "más tarde", "buenas noches", "hola", ""]
)
def test_spanish_text_without_a_time_is_not_guessed(typed: str) -> None:
    assert parse_time_preference(typed, NOW) is None


def test_numeric_dates_are_day_first_in_a_spanish_conversation() -> None:
    with speaking("es"):
        assert parse_time_preference("el 3/12", NOW) == TimePreference(dates=on(date(2030, 12, 3)))
        # Month names are not affected.
        assert parse_time_preference("Dec 3", NOW) == TimePreference(dates=on(date(2030, 12, 3)))
    assert parse_time_preference("3/12", NOW) == TimePreference(dates=on(date(2030, 3, 12)))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("tomorrow afternoon", TimePreference(dates=on(TOMORROW), hours=AFTERNOON)),
        ("today at noon", TimePreference(dates=on(TODAY), at=time(12))),
        ("Dec 3 at 2pm", TimePreference(dates=on(date(2030, 12, 3)), at=time(14))),
        ("weekday mornings", TimePreference(weekdays=WEEKDAYS, hours=MORNING)),
        ("tonight", TimePreference(dates=on(TODAY), hours=EVENING)),
        ("saturdays", TimePreference(weekdays=frozenset({5}))),
        ("at 15h", TimePreference(at=time(15))),
        ("3 p.m.", TimePreference(at=time(15))),
        # English "at 3" is still read by dateutil as the 3rd, a day of no month: no time.
        ("tomorrow at 3", TimePreference(dates=on(TOMORROW))),
        ("2 days ago", None),
        ("5 ago", None),  # "ago" is a month only after "de"
    ],
)
def test_english_wishes_are_read_as_before(typed: str, expected: TimePreference | None) -> None:
    assert parse_time_preference(typed, NOW) == expected
    with speaking("es"):  # a student may answer a Spanish question in English
        assert parse_time_preference(typed, NOW) == expected
