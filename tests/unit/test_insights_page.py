"""The console's Insights page (/console/insights) and its CSV export, over the small tracker
store and bookings of tests/unit/test_insights.py: the numbers, office only, the date range,
the charts' text alternatives, no contact details, and a tracker store that cannot be read."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from bot.console import ConsoleConfig, console_app
from bot.database import migrate
from bot.database.db import engine_for, session_factory
from bot.staff import accounts
from bot.staff.insights import Funnel, Period, Report
from bot.staff.insights import cache as console_insights
from tests.unit.test_console import PASSWORD, SECRET, sign_in
from tests.unit.test_insights import (
    CONTACTED_COUNT,
    DENVER,
    Chat,
    create_events_table,
    local,
    sources,  # noqa: F401  (the fixture: catalog, bookings and conversations in one database)
    store,
)

# Noon in Denver on 12 May 2030: the default range is 13 April to 12 May.
NOW = datetime(2030, 5, 12, 18, 0, tzinfo=timezone.utc)
RANGE = "from=2030-05-10&to=2030-05-12"
PERSONAL = ("@", "Ada", "Lovelace", "555", "0199", "night-owl", "declined-again", "+1 303")


def client_for(database_url: str, tracker_url: str, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_url)
    config = ConsoleConfig(
        database_url=database_url,
        session_secret=SECRET,
        school_timezone=DENVER,
        clock=lambda: NOW,
    )
    app = Starlette(routes=[Mount("/console", app=console_app(config))])
    return TestClient(app, follow_redirects=False)


def add_staff(database_url: str) -> None:
    factory = session_factory(database_url)
    accounts.add_account(factory, "office@example.org", "Pat", "office", PASSWORD)
    accounts.add_account(factory, "counselor@example.org", "Alex", "counselor", PASSWORD)


@pytest.fixture
def office(sources: str, monkeypatch: pytest.MonkeyPatch) -> TestClient:  # noqa: F811
    add_staff(sources)
    return sign_in(client_for(sources, sources, monkeypatch), "office@example.org")


def cells(html: str, caption: str) -> list[list[str]]:
    """The rows of the table with `caption`, each as its cell texts."""
    table = html.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]


# ---- the page ------------------------------------------------------------------------------------


def test_the_office_sees_every_section_with_its_numbers(office: TestClient) -> None:
    page = office.get(f"/console/insights?{RANGE}")
    assert page.status_code == 200
    html = page.text
    assert cells(html, "Conversations per day") == [
        ["Fri 10 May 2030", "2"],
        ["Sat 11 May 2030", "5"],
        ["Sun 12 May 2030", "4"],
    ]
    contacted = f"{10 * CONTACTED_COUNT:.1f}%"
    assert cells(html, "Funnel") == [
        ["conversations", "10", "100.0%"],
        ["got a catalog answer", "5", "50.0%"],
        ["started a booking", "2", "20.0%"],
        ["booked", "2", "20.0%"],
        ["contacted", str(CONTACTED_COUNT), contacted],
    ]
    assert cells(html, "Most asked topics")[0] == ["Tuition and fees", "English", "4", "4"]
    assert cells(html, "Conversations by language") == [["English", "10"], ["Spanish", "0"]]
    assert [row[:4] for row in cells(html, "Not answered")] == [
        ["can you email me at [email] about parking?", "English", "declined", "2"],
        ["asdf qwer", "English", "declined", "1"],
        ["do you have dorms? call me on [phone]", "English", "counselor offer", "1"],
        ["how mucho cost", "English", "did you mean", "1"],
    ]
    assert cells(html, "Bookings by program") == [
        ["B.S. Computer Science", "2", "0", str(CONTACTED_COUNT)],
        ["(no program named)", "1", "1", "0"],
    ]
    assert "Figures as of 12:00 PM" in html  # the staleness, in the school's time zone
    assert '<a href="/console/insights">Insights</a>' in html  # in the office's nav
    assert "<script" not in html


def test_no_contact_details_or_conversation_ids_on_the_page(office: TestClient) -> None:
    html = office.get(f"/console/insights?{RANGE}").text
    # The signed-in account's e-mail is not shown either (the nav names the person).
    for personal in PERSONAL:
        assert personal not in html, personal


def test_each_chart_is_an_svg_with_a_name_and_the_same_numbers_in_a_table_below(
    office: TestClient,
) -> None:
    html = office.get(f"/console/insights?{RANGE}").text
    for chart, title, caption in (
        ("chart-per-day", "Conversations per day", "Conversations per day"),
        ("chart-funnel", "Funnel: how far conversations got", "Funnel"),
        ("chart-topics", "Most asked topics (messages)", "Most asked topics"),
    ):
        svg = re.search(rf'<svg class="chart" id="{chart}" role="img"[^>]*>.*?</svg>', html, re.S)
        assert svg, chart
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in svg.group(0)
        assert f'<title id="{chart}-title">{title}</title>' in svg.group(0)
        after = html[svg.end() :].lstrip()
        assert after.startswith(
            f'<div class="table-scroll" role="region" tabindex="0" aria-label="Table: {caption}">\n'
            f'<table class="figures">\n<caption>{caption}'
        )
    per_day = re.search(r'<svg class="chart" id="chart-per-day".*?</svg>', html, re.S)
    assert per_day and per_day.group(0).count('<rect class="chart-bar"') == 3
    assert "<title>11 May: 5 conversations</title>" in per_day.group(0)


def test_every_table_box_can_be_scrolled_by_keyboard(office: TestClient) -> None:
    # On a phone a wide table scrolls inside its box; axe-core (tests/browser/console.test.mjs)
    # found the box unreachable by keyboard ("scrollable-region-focusable").
    html = office.get(f"/console/insights?{RANGE}").text
    boxes = re.findall(r'<div class="table-scroll"[^>]*>', html)
    assert boxes
    for box in boxes:
        assert 'role="region"' in box and 'tabindex="0"' in box
        # Named apart from the section around it: two landmarks with one name confuse.
        assert re.search(r'aria-label="Table: [^"]+"', box), box


def test_the_form_is_a_get_with_labelled_dates(office: TestClient) -> None:
    html = office.get(f"/console/insights?{RANGE}").text
    assert '<form method="get" action="/console/insights"' in html
    assert '<label for="insights-from">' in html and '<label for="insights-to">' in html
    assert 'id="insights-from" name="from" type="date" value="2030-05-10"' in html
    assert 'id="insights-to" name="to" type="date" value="2030-05-12"' in html


def test_the_default_range_is_the_last_30_days(office: TestClient) -> None:
    html = office.get("/console/insights").text
    assert 'value="2030-04-13"' in html and 'value="2030-05-12"' in html
    assert cells(html, "Funnel")[0] == ["conversations", "11", "100.0%"]  # the 9th too


def test_the_date_filter(office: TestClient) -> None:
    html = office.get("/console/insights?from=2030-05-09&to=2030-05-09").text
    assert cells(html, "Conversations per day") == [["Thu 9 May 2030", "1"]]
    assert [row[:4] for row in cells(html, "Not answered")] == [
        ["what about parking", "English", "declined", "1"]
    ]
    assert cells(html, "Bookings by program") == [["B.S. Software Development", "1", "0", "0"]]
    # Only `to`: the 30 days up to it.
    html = office.get("/console/insights?to=2030-05-09").text
    assert 'value="2030-04-10"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=yesterday&to=2030-05-12", "write them as YYYY-MM-DD"),
        ("from=2030-13-01", "write them as YYYY-MM-DD"),
        ("from=2030-05-12&to=2030-05-10", "The range starts (2030-05-12) after it ends"),
        ("from=2028-01-01&to=2030-05-12", "at most 366 days"),
    ],
)
def test_bad_dates_say_so_and_show_the_default_range(
    office: TestClient, query: str, message: str
) -> None:
    page = office.get(f"/console/insights?{query}")
    assert page.status_code == 200
    alert = re.search(r'<p class="alert" role="alert">(.*?)</p>', page.text, re.S)
    assert alert and message in alert.group(1)
    assert "Showing the last 30 days instead." in alert.group(1)
    assert 'value="2030-04-13"' in page.text and 'value="2030-05-12"' in page.text
    assert cells(page.text, "Funnel")[0] == ["conversations", "11", "100.0%"]


def test_a_counselor_may_not_see_insights(
    sources: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_staff(sources)
    client = sign_in(client_for(sources, sources, monkeypatch), "counselor@example.org")
    for path in ("/console/insights", "/console/insights.csv?section=funnel"):
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert "Not available" in answer.text
    assert "/console/insights" not in client.get("/console/appointments").text


def test_signed_out_is_sent_to_the_login(
    sources: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = client_for(sources, sources, monkeypatch)
    for path in ("/console/insights", "/console/insights.csv?section=funnel"):
        assert client.get(path).headers["location"] == "/console/login"


def test_a_missing_tracker_store_is_said_on_the_page(
    sources: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_staff(sources)
    missing = tmp_path / "nowhere" / "tracker.db"
    client = sign_in(client_for(sources, f"sqlite:///{missing}", monkeypatch), "office@example.org")
    page = client.get(f"/console/insights?{RANGE}")
    assert page.status_code == 503
    alert = re.search(r'<div class="alert" role="alert">(.*?)</div>', page.text, re.S)
    assert alert and "The insights cannot be shown just now." in alert.group(1)
    assert f"The tracker store (sqlite:///{missing}) does not exist." in alert.group(1)
    assert '<form method="get" action="/console/insights"' in page.text  # the range stays
    assert not missing.exists()
    csv_answer = client.get(f"/console/insights.csv?section=funnel&{RANGE}")
    assert csv_answer.status_code == 503 and "does not exist" in csv_answer.text


# ---- the CSV export ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "header", "first_row"),
    [
        ("per_day", ["day", "conversations"], ["2030-05-10", "2"]),
        ("funnel", ["step", "conversations"], ["conversations", "10"]),
        (
            "topics",
            ["intent", "topic", "language", "messages", "conversations"],
            ["ask_tuition", "Tuition and fees", "en", "4", "4"],
        ),
        (
            "unanswered",
            ["message", "language", "reply", "count"],
            ["can you email me at [email] about parking?", "en", "out_of_scope", "2"],
        ),
        (
            "programs",
            ["program_code", "program", "bookings", "cancelled", "contacted"],
            ["computer_science", "B.S. Computer Science", "2", "0", str(CONTACTED_COUNT)],
        ),
        ("languages", ["language", "conversations"], ["en", "10"]),
    ],
)
def test_each_section_downloads_as_csv(
    office: TestClient, section: str, header: list[str], first_row: list[str]
) -> None:
    answer = office.get(f"/console/insights.csv?section={section}&{RANGE}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    assert "_2030-05-10_2030-05-12.csv" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == header and rows[1] == first_row
    for personal in PERSONAL:
        assert personal not in answer.text, personal
    # Linked from the page, for this range.
    page = office.get(f"/console/insights?{RANGE}").text
    assert (
        f'href="/console/insights.csv?section={section}&amp;{RANGE.replace("&", "&amp;")}"' in page
    )


def test_an_unknown_section_or_bad_range_is_refused(office: TestClient) -> None:
    assert office.get("/console/insights.csv?section=leads").status_code == 400
    answer = office.get("/console/insights.csv?section=funnel&from=soon")
    assert answer.status_code == 400 and "YYYY-MM-DD" in answer.text


def test_a_formula_stays_text_in_the_export(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate.upgrade(engine_for(database_url))
    add_staff(database_url)
    create_events_table(database_url)
    chat = Chat("formula", local(10, 9)).user("=HYPERLINK(1)", "out_of_scope")
    store(database_url, chat.action("utter_out_of_scope"))
    office = sign_in(client_for(database_url, database_url, monkeypatch), "office@example.org")
    answer = office.get(f"/console/insights.csv?section=unanswered&{RANGE}")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[1] == ["'=hyperlink(1)", "en", "out_of_scope", "1"]
    page = office.get(f"/console/insights?{RANGE}").text
    assert [row[:4] for row in cells(page, "Not answered")] == [
        ["=hyperlink(1)", "English", "declined", "1"]
    ]


# ---- the cache -----------------------------------------------------------------------------------


def test_a_report_is_kept_a_minute_per_range() -> None:
    built: list[Period] = []
    clock = [0.0]

    def build(tracker_url: str, database_url: str, period: Period) -> Report:
        built.append(period)
        return Report(period, (), Funnel(0, 0, 0, 0, 0), (), (), ())

    cache = console_insights.ReportCache(build, seconds=60, monotonic=lambda: clock[0])
    may = Period(date(2030, 5, 1), date(2030, 5, 30), DENVER)
    june = Period(date(2030, 6, 1), date(2030, 6, 30), DENVER)
    first = cache.figures("t", "p", may, NOW)
    clock[0] = 59.0
    assert cache.figures("t", "p", may, NOW) is first
    cache.figures("t", "p", june, NOW)
    clock[0] = 61.0
    assert cache.figures("t", "p", may, NOW) is not first
    assert built == [may, june, may]
