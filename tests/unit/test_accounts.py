"""Staff accounts: Argon2id hashes, password rules, sign-in throttling, the `staff` CLI, and the
appointment outcomes the console records (migration 0005), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import cli
from bot.booking import service
from bot.booking.appointment_times import next_free_slots
from bot.database.models import Appointment, Counselor, LoginFailure, StaffAccount
from bot.staff import accounts
from bot.staff.accounts import TOO_MANY_FAILURES, WRONG_CREDENTIALS, AccountError
from tests.unit.conftest import BOOKING_NOW

PASSWORD = "correct horse battery"
NOW = BOOKING_NOW


def test_hash_is_argon2id_and_verifies_only_the_password() -> None:
    stored = accounts.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert accounts.verify_password(stored, PASSWORD)
    assert not accounts.verify_password(stored, PASSWORD + "!")
    assert not accounts.verify_password("not a hash", PASSWORD)


@pytest.mark.parametrize("password", ["", "short", "11 chars..."])
def test_short_password_is_refused(password: str) -> None:
    with pytest.raises(AccountError, match="at least 12 characters"):
        accounts.hash_password(password)


def test_add_account_lower_cases_and_links_the_counselor_calendar(
    booking_factory: sessionmaker[Session],
) -> None:
    user = accounts.add_account(
        booking_factory, "  Counselor-A@Example.ORG ", "Alex", "counselor", PASSWORD
    )
    assert user.email == "counselor-a@example.org"
    assert user.counselor_id is not None
    with booking_factory() as session:
        counselor = session.get(Counselor, user.counselor_id)
        assert counselor is not None and counselor.email == "counselor-a@example.org"
        stored = session.scalars(select(StaffAccount)).one()
        assert stored.password_hash.startswith("$argon2id$") and stored.active

    office = accounts.add_account(booking_factory, "office@example.org", "Pat", "office", PASSWORD)
    assert office.counselor_id is None  # only counselors are linked to a calendar


def test_add_account_refusals(booking_factory: sessionmaker[Session]) -> None:
    accounts.add_account(booking_factory, "pat@example.org", "Pat", "office", PASSWORD)
    with pytest.raises(AccountError, match="exists already"):
        accounts.add_account(booking_factory, "PAT@example.org", "Pat", "office", PASSWORD)
    with pytest.raises(AccountError, match="role"):
        accounts.add_account(booking_factory, "x@example.org", "X", "admin", PASSWORD)
    with pytest.raises(AccountError, match="at least 12"):
        accounts.add_account(booking_factory, "x@example.org", "X", "office", "short")
    with pytest.raises(AccountError, match="not an e-mail"):
        accounts.add_account(booking_factory, "nobody", "X", "office", PASSWORD)
    assert [u.email for u in accounts.list_accounts(booking_factory)] == ["pat@example.org"]


def test_sign_in_checks_password_and_active_flag(booking_factory: sessionmaker[Session]) -> None:
    accounts.add_account(booking_factory, "pat@example.org", "Pat", "office", PASSWORD)
    assert accounts.sign_in(booking_factory, "PAT@example.org ", PASSWORD, NOW).user is not None
    wrong = accounts.sign_in(booking_factory, "pat@example.org", "wrong password!", NOW)
    assert wrong.user is None and wrong.message == WRONG_CREDENTIALS
    unknown = accounts.sign_in(booking_factory, "nobody@example.org", PASSWORD, NOW)
    assert unknown.user is None and unknown.message == WRONG_CREDENTIALS

    accounts.disable_account(booking_factory, "pat@example.org")
    disabled = accounts.sign_in(booking_factory, "pat@example.org", PASSWORD, NOW)
    assert disabled.user is None and disabled.message == WRONG_CREDENTIALS


@pytest.mark.parametrize("email", ["pat@example.org", "nobody@example.org"])
def test_five_failures_lock_the_address_for_fifteen_minutes(
    booking_factory: sessionmaker[Session], email: str
) -> None:
    accounts.add_account(booking_factory, "pat@example.org", "Pat", "office", PASSWORD)
    for minute in range(5):
        result = accounts.sign_in(
            booking_factory, email, "wrong password!", NOW + timedelta(minutes=minute)
        )
        assert result.message == WRONG_CREDENTIALS
    # Locked: even the right password is refused, with the same words for an unknown address.
    at_lock = NOW + timedelta(minutes=5)
    locked = accounts.sign_in(booking_factory, email, PASSWORD, at_lock)
    assert locked.user is None and locked.message == TOO_MANY_FAILURES
    later = accounts.sign_in(booking_factory, email, PASSWORD, NOW + timedelta(minutes=18))
    assert later.message == TOO_MANY_FAILURES  # 14 minutes after the fifth failure
    # Refused attempts are not counted, so the lock ends 15 minutes after the fifth failure.
    free = NOW + timedelta(minutes=19)
    after = accounts.sign_in(booking_factory, email, PASSWORD, free)
    if email == "pat@example.org":
        assert after.user is not None
        with booking_factory() as session:  # success clears the address's failures
            assert session.scalars(select(LoginFailure)).all() == []
    else:
        assert after.message == WRONG_CREDENTIALS


def test_four_failures_do_not_lock(booking_factory: sessionmaker[Session]) -> None:
    accounts.add_account(booking_factory, "pat@example.org", "Pat", "office", PASSWORD)
    for _ in range(4):
        accounts.sign_in(booking_factory, "pat@example.org", "wrong password!", NOW)
    assert accounts.sign_in(booking_factory, "pat@example.org", PASSWORD, NOW).user is not None


def test_set_password_replaces_the_old_one(booking_factory: sessionmaker[Session]) -> None:
    accounts.add_account(booking_factory, "pat@example.org", "Pat", "office", PASSWORD)
    accounts.set_password(booking_factory, "Pat@example.org", "a new long passphrase")
    assert accounts.sign_in(booking_factory, "pat@example.org", PASSWORD, NOW).user is None
    new = accounts.sign_in(booking_factory, "pat@example.org", "a new long passphrase", NOW)
    assert new.user is not None
    with pytest.raises(AccountError, match="no account"):
        accounts.set_password(booking_factory, "nobody@example.org", "a new long passphrase")


# --- the `staff` command line ---------------------------------------------------------------


@pytest.fixture
def cli_env(
    database_url: str, booking_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(argv)


def test_cli_add_list_set_password_disable(
    cli_env: str,
    booking_factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add = ["staff", "add", "Counselor-B@example.org", "--name", "Blake", "--role", "counselor"]
    assert run([*add, "--password-stdin"], monkeypatch, PASSWORD + "\n") == 0
    assert "Added counselor account counselor-b@example.org (calendar:" in capsys.readouterr().out

    typed = iter(["office passphrase", "office passphrase"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    office = ["staff", "add", "office@example.org", "--name", "Pat", "--role", "office"]
    assert run(office, monkeypatch) == 0

    assert run(["staff", "list"], monkeypatch) == 0
    listing = capsys.readouterr().out
    assert "counselor-b@example.org  counselor  active  Blake  calendar:" in listing
    assert "office@example.org  office  active  Pat" in listing

    new = "another long passphrase"
    reset = ["staff", "set-password", "office@example.org", "--password-stdin"]
    assert run(reset, monkeypatch, new + "\n") == 0
    assert accounts.sign_in(booking_factory, "office@example.org", new, NOW).user is not None

    assert run(["staff", "disable", "office@example.org"], monkeypatch) == 0
    assert "can no longer sign in" in capsys.readouterr().out
    assert accounts.sign_in(booking_factory, "office@example.org", new, NOW).user is None
    assert run(["staff", "list"], monkeypatch) == 0
    assert "office@example.org  office  disabled" in capsys.readouterr().out


def test_cli_refusals(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add = ["staff", "add", "pat@example.org", "--name", "Pat", "--role", "office"]
    assert run([*add, "--password-stdin"], monkeypatch, "too short\n") == 1
    assert "at least 12 characters" in capsys.readouterr().err

    typed = iter(["first long passphrase", "second long passphrase"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert run(add, monkeypatch) == 1
    assert "differ" in capsys.readouterr().err

    assert run(["staff", "disable", "nobody@example.org"], monkeypatch) == 1
    assert "no account" in capsys.readouterr().err
    assert run(["staff", "list"], monkeypatch) == 0
    assert "No staff accounts yet" in capsys.readouterr().out

    with pytest.raises(SystemExit):
        run([*add[:-1], "admin", "--password-stdin"], monkeypatch, PASSWORD)


# --- appointment outcomes (migration 0005) --------------------------------------------------


def booked(factory: sessionmaker[Session]) -> str:
    with factory() as session:
        slot = next_free_slots(session, 1, ZoneInfo("America/Denver"), now=NOW)[0]
    details = service.LeadDetails(
        full_name="Ada Student", email="ada@example.org", preferred_contact="email", consent=True
    )
    return service.book(factory, details, slot.slot_id, now=NOW).reference


def test_outcomes_keep_the_slot_and_only_cancelled_releases_it(
    booking_factory: sessionmaker[Session],
) -> None:
    reference = booked(booking_factory)
    with booking_factory() as session, session.begin():
        appointment = session.scalars(select(Appointment)).one()
        appointment.status = "contacted"  # keeps its slot: allowed
    with booking_factory() as session, session.begin():
        session.scalars(select(Appointment)).one().status = "no_show"
    with pytest.raises(IntegrityError), booking_factory() as session, session.begin():
        session.scalars(select(Appointment)).one().status = "cancelled"  # with a slot: refused
    with pytest.raises(IntegrityError), booking_factory() as session, session.begin():
        session.scalars(select(Appointment)).one().status = "gone"
    with booking_factory() as session:
        assert session.scalars(select(Appointment)).one().reference == reference
