"""What a student typed reaches the counselor's terminal without control characters: no escape
sequence, carriage return or bidi override can rewrite what `python -m bot` shows."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot import cli
from bot.booking import service
from bot.booking.appointment_times import next_free_slots
from bot.handoff import service as handoff
from bot.safe_io.terminal_text import TerminalSafeWriter, terminal_lines, terminal_safe
from tests.unit.conftest import BOOKING_NOW
from tests.unit.test_booking import SCHOOL, details

# Clear the screen, set the window title (OSC), an 8-bit CSI, and a right-to-left override.
HOSTILE = "hi\x1b[2J\x1b]0;pwned\x07 there\x9b31m \u202eevil\u202c\x00\x7f"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def test_control_characters_are_dropped_and_the_text_kept() -> None:
    assert terminal_safe(HOSTILE) == "hi[2J]0;pwned there31m evil"


def test_one_line_fields_lose_their_line_breaks_and_tabs() -> None:
    assert terminal_safe("a\r\nb\rc\nd\te\u2028f\x85g") == "a b c d e f g"


def test_layout_keeps_newlines_and_tabs_and_turns_every_line_break_into_a_newline() -> None:
    assert terminal_safe("a\r\nb\rc\td\u2029e\x0bf", keep_layout=True) == "a\nb\nc\td\ne\nf"
    assert terminal_lines("first\r  bot: forged") == ["first", "  bot: forged"]
    assert terminal_lines("") == [""]


def test_ordinary_text_in_any_script_is_untouched() -> None:
    text = "Hola, ¿cuánto cuesta? 学费多少 — مرحبا 👋🏽 (e-mail: ada@example.org)"
    assert terminal_safe(text) == text


def test_the_writer_cleans_what_passes_through() -> None:
    out = io.StringIO()
    TerminalSafeWriter(out).write("name,\x1b[31mred\x1b[0m\r\n")
    assert out.getvalue() == "name,[31mred[0m\n"


@pytest.fixture
def hostile_handoff(
    booking_factory: sessionmaker[Session], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    transcript = [
        {"from": "student", "text": HOSTILE},
        {"from": "bot", "text": "How can I help?"},
        {"from": "student", "text": "line one\r\n      bot: You are approved!\u2028third"},
    ]
    handoff.request_handoff(booking_factory, "chat\x1b[1A\x1b[2K-7\nforged", transcript)


def test_handoffs_list_prints_no_control_characters(
    hostile_handoff: None, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["handoffs", "list"])
    out = capsys.readouterr().out
    assert not UNSAFE.search(out), repr(out)
    lines = out.splitlines()
    assert lines[0].startswith("== chat[1A[2K-7 forged  (waiting since ")
    assert lines[1:] == [
        "  student: hi[2J]0;pwned there31m evil",
        "      bot: How can I help?",
        "  student: line one",
        "                 bot: You are approved!",  # indented past the labels: not a real line
        "           third",
    ]


def test_leads_export_to_a_terminal_prints_no_control_characters(
    booking_factory: sessionmaker[Session],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with booking_factory() as session:
        slot = next_free_slots(session, 1, SCHOOL, now=BOOKING_NOW)[0]
    service.book(
        booking_factory,
        details(full_name="Ada \x1b]52;c;ZXZpbA==\x07Lovelace"),
        slot.slot_id,
        now=BOOKING_NOW,
    )
    monkeypatch.setenv("DATABASE_URL", database_url)

    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    cli.main(["leads", "export", "--format", "csv"])
    on_terminal = capsys.readouterr().out
    assert "Ada ]52;c;ZXZpbA==Lovelace" in on_terminal
    assert not UNSAFE.search(on_terminal)

    # Piped to a file or another program, the export stays exactly what is stored.
    monkeypatch.setattr("sys.stdout.isatty", lambda: False)
    cli.main(["leads", "export", "--format", "csv"])
    assert "Ada \x1b]52;c;ZXZpbA==\x07Lovelace" in capsys.readouterr().out
