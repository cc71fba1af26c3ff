"""The staff console (/console): sign-in and sign-out, the session cookie, CSRF, roles, the
appointments page and its outcome buttons, the CSV export and the error pages, through
Starlette's TestClient on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from bot.booking import service
from bot.console import ConsoleConfig, console_app
from bot.database.models import Appointment, AppointmentSlot, Counselor, OutboxEvent
from bot.staff import accounts
from bot.web.app import create_site
from bot.web.content import PageContent
from bot.web.settings import SiteSettings, WidgetEmbed
from tests.unit.conftest import BOOKING_NOW

PASSWORD = "correct horse battery"
SECRET = "s" * 40
SCHOOL = ZoneInfo("America/Denver")


class Console:
    """A console over a booked calendar: counselor A has two calls, counselor B one."""

    def __init__(self, factory: sessionmaker[Session], database_url: str) -> None:
        self.factory = factory
        self.database_url = database_url
        self.now = BOOKING_NOW
        accounts.add_account(factory, "counselor-a@example.org", "Alex", "counselor", PASSWORD)
        accounts.add_account(factory, "counselor-b@example.org", "Blake", "counselor", PASSWORD)
        accounts.add_account(factory, "office@example.org", "Pat", "office", PASSWORD)
        self.a_today = self.book("counselor-a@example.org", "Ada Today", 0, "ada@example.org")
        self.a_later = self.book(
            "counselor-a@example.org", "Ben Later", 3, "ben@example.org", language="es"
        )
        self.b_today = self.book("counselor-b@example.org", "Cy Other", 0, "cy@example.org")

    def book(
        self, counselor_email: str, name: str, day: int, email: str, language: str = "en"
    ) -> str:
        with self.factory() as session:
            slot = session.scalars(
                select(AppointmentSlot)
                .join(Counselor)
                .where(
                    Counselor.email == counselor_email,
                    AppointmentSlot.starts_at >= BOOKING_NOW + timedelta(days=day),
                )
                .order_by(AppointmentSlot.starts_at)
            ).first()
            assert slot is not None
            slot_id = slot.id
        details = service.LeadDetails(
            full_name=name,
            email=email,
            preferred_contact="phone",
            consent=True,
            phone="+13035550123",
            program_code="bs-computer-science",
            language=language,
        )
        return service.book(self.factory, details, slot_id, now=BOOKING_NOW).reference

    def client(self, **config: object) -> TestClient:
        settings = ConsoleConfig(
            database_url=self.database_url,
            session_secret=SECRET,
            school_timezone=SCHOOL,
            clock=lambda: self.now,
            **config,  # type: ignore[arg-type]
        )
        app = Starlette(routes=[Mount("/console", app=console_app(settings))])
        return TestClient(app, follow_redirects=False)


@pytest.fixture
def console(booking_factory: sessionmaker[Session], database_url: str) -> Console:
    return Console(booking_factory, database_url)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    token = csrf_of(client.get("/console/login").text)
    answer = client.post(
        "/console/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/console/appointments"
    return client


def outcome(client: TestClient, reference: str, value: str) -> str:
    page = client.get("/console/appointments")
    answer = client.post(
        f"/console/appointments/{reference}/outcome",
        data={"outcome": value, "csrf_token": csrf_of(page.text)},
    )
    assert answer.status_code == 303, answer.text
    return client.get("/console/appointments").text


def status_of(factory: sessionmaker[Session], reference: str) -> Appointment:
    with factory() as session:
        return session.scalars(select(Appointment).where(Appointment.reference == reference)).one()


# --- sign-in -------------------------------------------------------------------------------


def test_unauthenticated_pages_redirect_to_the_login(console: Console) -> None:
    client = console.client()
    for path in ("/console/appointments", "/console/appointments.csv", "/console/accounts"):
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["location"] == "/console/login"
    assert client.get("/console/").headers["location"] == "/console/appointments"
    page = client.get("/console/login")
    assert page.status_code == 200
    assert '<label for="email">' in page.text and '<label for="password">' in page.text


def test_login_logout_and_cookie_flags(console: Console) -> None:
    client = console.client()
    token = csrf_of(client.get("/console/login").text)
    answer = client.post(
        "/console/login",
        data={"email": "Office@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"].lower()
    assert "console_session=" in cookie
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/console" in cookie
    assert "max-age=28800" in cookie and "secure" not in cookie
    assert answer.headers["cache-control"] == "no-store"

    page = client.get("/console/appointments")
    assert page.status_code == 200 and "Pat (Enrollment office)" in page.text
    # A new session gets a new CSRF token: the one from before sign-in is no longer valid.
    assert csrf_of(page.text) != token

    out = client.post("/console/logout", data={"csrf_token": csrf_of(page.text)})
    assert out.status_code == 303 and out.headers["location"] == "/console/login?signed_out=1"
    assert "You are signed out." in client.get(out.headers["location"]).text
    assert client.get("/console/appointments").status_code == 303


def test_secure_cookies_when_configured(console: Console) -> None:
    client = console.client(secure_cookies=True)
    assert "secure" in client.get("/console/login").headers["set-cookie"].lower()


def test_wrong_password_and_unknown_account_get_the_same_answer(console: Console) -> None:
    client = console.client()
    answers = []
    for email in ("office@example.org", "nobody@example.org"):
        token = csrf_of(client.get("/console/login").text)
        answer = client.post(
            "/console/login",
            data={"email": email, "password": "wrong password!", "csrf_token": token},
        )
        assert answer.status_code == 401
        answers.append(re.search(r'role="alert">([^<]*)<', answer.text).group(1))  # type: ignore[union-attr]
    assert answers[0] == answers[1] == accounts.WRONG_CREDENTIALS.replace("'", "&#x27;")


def test_login_is_throttled_after_five_failures(console: Console) -> None:
    client = console.client()
    for _ in range(5):
        token = csrf_of(client.get("/console/login").text)
        client.post(
            "/console/login",
            data={"email": "office@example.org", "password": "wrong one!!!", "csrf_token": token},
        )
    token = csrf_of(client.get("/console/login").text)
    refused = client.post(
        "/console/login",
        data={"email": "office@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert refused.status_code == 401 and "Too many failed sign-ins" in refused.text


def test_post_without_csrf_token_is_refused(console: Console) -> None:
    client = console.client()
    client.get("/console/login")
    login = client.post(
        "/console/login", data={"email": "office@example.org", "password": PASSWORD}
    )
    assert login.status_code == 403 and "Form expired" in login.text

    sign_in(client, "counselor-a@example.org")
    bad = client.post(
        f"/console/appointments/{console.a_today}/outcome",
        data={"outcome": "cancelled", "csrf_token": "forged"},
    )
    assert bad.status_code == 403
    missing = client.post(
        f"/console/appointments/{console.a_today}/outcome", data={"outcome": "cancelled"}
    )
    assert missing.status_code == 403
    assert status_of(console.factory, console.a_today).status == "booked"
    assert client.post("/console/logout").status_code == 403


def test_disabled_account_and_new_password_end_the_session(console: Console) -> None:
    client = sign_in(console.client(), "office@example.org")
    accounts.set_password(console.factory, "office@example.org", "a brand new passphrase")
    assert client.get("/console/appointments").status_code == 303

    sign_in(client, "office@example.org", "a brand new passphrase")
    accounts.disable_account(console.factory, "office@example.org")
    assert client.get("/console/appointments").status_code == 303


def test_session_ends_eight_hours_after_sign_in(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    client = sign_in(console.client(), "office@example.org")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 8 * 3600 + 5)
    assert client.get("/console/appointments").status_code == 303


# --- appointments --------------------------------------------------------------------------


def test_counselor_sees_only_own_appointments(console: Console) -> None:
    page = sign_in(console.client(), "counselor-a@example.org").get("/console/appointments")
    assert page.status_code == 200
    assert "Ada Today" in page.text and "Ben Later" in page.text and "Cy Other" not in page.text
    assert console.a_today in page.text and "ada@example.org" in page.text
    assert "+13035550123" in page.text and "Phone call" in page.text
    assert "bs-computer-science" in page.text  # no catalog here: the stored code
    # Today's call under "Today", the later one under "Upcoming"; times in the school's zone.
    today, upcoming = page.text.split('id="upcoming"')
    assert "Ada Today" in today and "Ben Later" in upcoming
    assert "MST" in page.text
    # Ben booked in Spanish: the counselor calls in Spanish.
    assert "<dt>Language</dt><dd>English</dd>" in today
    assert "<dt>Language</dt><dd>Spanish</dd>" in upcoming


def test_office_sees_every_counselor(console: Console) -> None:
    page = sign_in(console.client(), "office@example.org").get("/console/appointments")
    for name in ("Ada Today", "Ben Later", "Cy Other"):
        assert name in page.text
    assert "<dt>Counselor</dt>" in page.text


def test_student_text_is_escaped(console: Console) -> None:
    console.book("counselor-a@example.org", "<script>x()</script>", 5, "evil@example.org")
    page = sign_in(console.client(), "counselor-a@example.org").get("/console/appointments")
    assert "<script>x()</script>" not in page.text
    assert "&lt;script&gt;x()&lt;/script&gt;" in page.text


def test_mark_contacted_and_no_show(console: Console) -> None:
    client = sign_in(console.client(), "counselor-a@example.org")
    page = client.get("/console/appointments").text
    assert "Mark no-show" not in page  # the calls have not started yet

    text = outcome(client, console.a_today, "contacted")
    assert f"{console.a_today} is now marked contacted." in text
    appointment = status_of(console.factory, console.a_today)
    assert appointment.status == "contacted" and appointment.slot_id is not None  # slot kept

    console.now = appointment.starts_at + timedelta(minutes=10)
    text = outcome(client, console.a_today, "no_show")
    assert "is now marked no-show" in text
    assert status_of(console.factory, console.a_today).status == "no_show"
    with console.factory() as session:
        types = session.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.id)).all()
    assert types[-2:] == ["appointment.contacted", "appointment.no_show"]


def test_no_show_before_the_call_is_refused(console: Console) -> None:
    client = sign_in(console.client(), "counselor-a@example.org")
    text = outcome(client, console.a_later, "no_show")
    assert "has not started yet" in text
    assert status_of(console.factory, console.a_later).status == "booked"


def test_cancel_frees_the_slot_and_tells_the_crm(console: Console) -> None:
    slot_id = status_of(console.factory, console.a_today).slot_id
    client = sign_in(console.client(), "counselor-a@example.org")
    text = outcome(client, console.a_today, "cancelled")
    assert "is now marked cancelled" in text
    appointment = status_of(console.factory, console.a_today)
    assert appointment.status == "cancelled" and appointment.slot_id is None
    with console.factory() as session:
        event = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id.desc())).first()
        assert event is not None and event.event_type == "appointment.cancelled"
        assert event.payload["reference"] == console.a_today
        # The slot is free again: another student can book it.
        assert session.get(AppointmentSlot, slot_id) is not None
    details = service.LeadDetails(
        full_name="Dee Next", email="dee@example.org", preferred_contact="email", consent=True
    )
    assert slot_id is not None
    service.book(console.factory, details, slot_id, now=BOOKING_NOW)

    again = outcome(client, console.a_today, "cancelled")
    assert "cannot be changed" in again


def test_counselor_cannot_touch_another_counselors_call(console: Console) -> None:
    client = sign_in(console.client(), "counselor-a@example.org")
    token = csrf_of(client.get("/console/appointments").text)
    answer = client.post(
        f"/console/appointments/{console.b_today}/outcome",
        data={"outcome": "cancelled", "csrf_token": token},
    )
    assert answer.status_code == 403 and "another counselor" in answer.text
    assert status_of(console.factory, console.b_today).status == "booked"


def test_office_may_record_any_outcome(console: Console) -> None:
    client = sign_in(console.client(), "office@example.org")
    outcome(client, console.b_today, "contacted")
    assert status_of(console.factory, console.b_today).status == "contacted"


def test_csv_export_has_the_counselors_own_rows(console: Console) -> None:
    client = sign_in(console.client(), "counselor-a@example.org")
    answer = client.get("/console/appointments.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    lines = answer.text.strip().splitlines()
    assert lines[0].startswith("reference,status,starts_at")
    assert len(lines) == 3
    assert console.a_today in answer.text and console.b_today not in answer.text
    assert "-07:00" in lines[1]  # school time (MST), not UTC
    assert lines[0].endswith(",program,language")
    assert [line.rsplit(",", 1)[1] for line in lines[1:]] == ["en", "es"]

    office = sign_in(console.client(), "office@example.org").get("/console/appointments.csv")
    assert len(office.text.strip().splitlines()) == 4


def test_csv_neutralises_formulas(console: Console) -> None:
    console.book("counselor-a@example.org", "=HYPERLINK(1)", 5, "f@example.org")
    client = sign_in(console.client(), "counselor-a@example.org")
    assert "'=HYPERLINK(1)" in client.get("/console/appointments.csv").text


def test_wrong_role_gets_403(console: Console) -> None:
    client = sign_in(console.client(), "counselor-a@example.org")
    answer = client.get("/console/accounts")
    assert answer.status_code == 403 and "not available to your account" in answer.text

    office = sign_in(console.client(), "office@example.org").get("/console/accounts")
    assert office.status_code == 200 and "counselor-b@example.org" in office.text


def test_counselor_without_calendar_is_told_why(console: Console) -> None:
    accounts.add_account(console.factory, "new@example.org", "Nia", "counselor", PASSWORD)
    page = sign_in(console.client(), "new@example.org").get("/console/appointments")
    assert "No counselor calendar has the e-mail address new@example.org" in page.text
    assert "Ada Today" not in page.text


def test_unknown_page_and_stylesheet(console: Console) -> None:
    client = console.client()
    missing = client.get("/console/nothing-here")
    assert missing.status_code == 404 and "Page not found" in missing.text
    css = client.get("/console/console.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_navigation_wraps_on_a_phone(console: Console) -> None:
    # The office's five links are wider than a 375-px phone: on one line they scrolled sideways
    # (found by tests/browser/console.test.mjs).
    css = console.client().get("/console/console.css").text
    nav_rule = re.search(r"\.console-header nav \{([^}]*)\}", css)
    assert nav_rule is not None and "flex-wrap: wrap" in nav_rule.group(1)


# --- database down, and the mount in the site ------------------------------------------------


def test_database_down_answers_503(tmp_path: Path) -> None:
    config = ConsoleConfig(
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        session_secret=SECRET,
    )
    client = TestClient(Starlette(routes=[Mount("/console", app=console_app(config))]))
    token = csrf_of(client.get("/console/login").text)
    answer = client.post(
        "/console/login",
        data={"email": "office@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 503
    assert "cannot be reached" in answer.text and "Traceback" not in answer.text


def site(database_url: str) -> Callable[[], TestClient]:
    settings = SiteSettings(
        host="127.0.0.1",
        port=8000,
        database_url=database_url,
        widget_bundle=Path("/nonexistent/chat-widget.js"),
        widget=WidgetEmbed(bot_url="http://127.0.0.1:5005"),
    )

    def content() -> PageContent:
        raise AssertionError("the console must not read the program page")

    return lambda: TestClient(create_site(settings, read_content=content), follow_redirects=False)


def test_the_site_mounts_the_console(
    console: Console, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CONSOLE_SESSION_SECRET", SECRET)
    monkeypatch.setenv("CONSOLE_SESSION_SECRET_FILE", str(tmp_path / "unused"))
    client = site(console.database_url)()
    page = client.get("/console/login")
    assert page.status_code == 200
    assert "form-action 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    sign_in(client, "office@example.org")
    assert "Ada Today" in client.get("/console/appointments").text
    assert not (tmp_path / "unused").exists()


def test_secret_file_is_made_on_first_use(
    console: Console, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret_file = tmp_path / "console-session-secret"
    monkeypatch.delenv("CONSOLE_SESSION_SECRET", raising=False)
    monkeypatch.setenv("CONSOLE_SESSION_SECRET_FILE", str(secret_file))
    client = site(console.database_url)()
    assert not secret_file.exists()  # building the site does not touch it
    assert client.get("/console/login").status_code == 200
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert len(secret_file.read_text().strip()) >= 32


def test_school_time_zone_shows(console: Console) -> None:
    starts = status_of(console.factory, console.a_today).starts_at.astimezone(SCHOOL)
    page = sign_in(console.client(), "counselor-a@example.org").get("/console/appointments")
    hour = starts.hour % 12 or 12
    assert f"{hour}:{starts:%M} {'AM' if starts.hour < 12 else 'PM'} MST" in page.text
    assert isinstance(starts, datetime)
