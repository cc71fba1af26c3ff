"""`python -m bot leads export`: CSV and JSON with every lead, formulas defused in CSV."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot import cli
from bot.booking import service
from bot.booking.appointment_times import next_free_slots
from bot.booking.crm.leads_export import EXPORT_FIELDS, write_export
from tests.unit.conftest import BOOKING_NOW
from tests.unit.test_booking import SCHOOL, details


@pytest.fixture
def booked(booking_factory: sessionmaker[Session]) -> list[str]:
    with booking_factory() as session:
        first, second = next_free_slots(session, 2, SCHOOL, now=BOOKING_NOW)
    one = service.book(booking_factory, details(), first.slot_id, now=BOOKING_NOW)
    two = service.book(
        booking_factory,
        details(
            full_name='=HYPERLINK("http://evil")',
            email="bo@example.org",
            phone=None,
            program_code=None,
            preferred_contact="phone",
        ),
        second.slot_id,
        now=BOOKING_NOW,
    )
    service.cancel(booking_factory, two.reference, now=BOOKING_NOW)
    return [one.reference, two.reference]


def test_json_export_has_every_field(
    booking_factory: sessionmaker[Session], booked: list[str]
) -> None:
    out = io.StringIO()
    with booking_factory() as session:
        assert write_export(session, "json", out) == 2
    rows = json.loads(out.getvalue())
    assert [row["reference"] for row in rows] == booked
    assert all(tuple(row) == EXPORT_FIELDS for row in rows)
    assert rows[0]["email"] == "ada@example.org" and rows[0]["phone"] == "+13035550123"
    assert rows[0]["status"] == "booked" and rows[1]["status"] == "cancelled"
    assert rows[1]["program_code"] is None  # "not sure yet"
    assert rows[1]["full_name"] == '=HYPERLINK("http://evil")'  # JSON keeps it verbatim
    assert rows[0]["starts_at"].endswith("+00:00")


def test_csv_export_defuses_spreadsheet_formulas(
    booking_factory: sessionmaker[Session], booked: list[str]
) -> None:
    out = io.StringIO()
    with booking_factory() as session:
        write_export(session, "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["reference"] for row in rows] == booked
    assert rows[1]["full_name"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["phone"] == "+13035550123"  # a phone number is not a formula
    assert rows[1]["phone"] == ""


def test_unknown_format_is_refused(booking_factory: sessionmaker[Session]) -> None:
    with booking_factory() as session, pytest.raises(ValueError):
        write_export(session, "xlsx", io.StringIO())


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_cli_writes_a_private_file(
    booking_factory: sessionmaker[Session],
    booked: list[str],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fmt: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    target = tmp_path / f"leads.{fmt}"
    assert cli.main(["leads", "export", "--format", fmt, "--output", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert all(reference in text for reference in booked)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
