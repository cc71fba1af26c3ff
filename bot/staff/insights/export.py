"""The report as text for a terminal and as CSV files for a spreadsheet (text cells
formula-safe)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TextIO

from bot.safe_io.private_files import private_directory, private_file
from bot.safe_io.spreadsheet import text_cell
from bot.safe_io.terminal_text import terminal_safe
from bot.staff.insights.report import REPLY_TITLES, Report

# ---- output ------------------------------------------------------------------------------------


def render(report: Report) -> str:
    """The report as text for a terminal. The messages are students' text, so every control
    character is dropped from them (bot.safe_io.terminal_text)."""
    period = report.period
    lines = [
        f"Insights {period.first} to {period.last} ({_zone_name(period.zone)})",
        "",
        "Funnel (conversations; % of all in the range)",
    ]
    total = report.funnel.conversations
    for step in report.funnel.steps():
        lines.append(
            f"  {step.step:<22}{step.conversations:>8}  {_percent(step.conversations, total)}"
        )
    lines += ["", "Conversations by language"]
    lines += [f"  {row.conversations:>8}  {row.language}" for row in report.languages]
    lines += [
        "",
        "Most asked topics",
        f"  {'messages':>8}  {'conversations':>13}  {'language':<8}  topic",
    ]
    lines += [
        f"  {topic.messages:>8}  {topic.conversations:>13}  {topic.language:<8}  {topic.title}"
        for topic in report.topics
    ] or ["  (none)"]
    lines += ["", "Not answered (e-mail addresses and phone numbers masked)"]
    lines += [f"  {'count':>5}  {'language':<8}  {'reply':<16} message"]
    lines += [
        f"  {item.count:>5}  {item.language:<8}  {REPLY_TITLES[item.reply]:<16} "
        f"{terminal_safe(item.text)}"
        for item in report.unanswered
    ] or ["  (none)"]
    lines += [
        "",
        "Bookings by program",
        f"  {'bookings':>8}  {'cancelled':>9}  {'contacted':>9}  program",
    ]
    lines += [
        f"  {row.bookings:>8}  {row.cancelled:>9}  {row.contacted:>9}  {row.program}"
        for row in report.programs
    ] or ["  (none)"]
    lines += ["", "Knowledge base answers", f"  {'answers':>8}  {'conversations':>13}  entry"]
    lines += [
        f"  {row.answers:>8}  {row.conversations:>13}  {terminal_safe(row.title)}"
        for row in report.knowledge_base
    ] or ["  (none)"]
    lines += ["", "Conversations per day"]
    lines += [f"  {row.day}  {row.day:%a}  {row.conversations:>6}" for row in report.per_day]
    return "\n".join(lines) + "\n"


CSV_FILES = (
    "conversations_per_day.csv",
    "funnel.csv",
    "top_topics.csv",
    "unanswered_messages.csv",
    "bookings_by_program.csv",
    "knowledge_base_answers.csv",
    "conversations_by_language.csv",
)


def csv_tables(report: Report) -> dict[str, tuple[Sequence[str], list[Sequence[object]]]]:
    """Each section as a CSV table (header, rows), by its file name in CSV_FILES; the messages
    go through bot.safe_io.spreadsheet.text_cell, so a spreadsheet never runs one as a formula."""
    tables: Sequence[tuple[Sequence[str], Iterable[Sequence[object]]]] = (
        (
            ("day", "conversations"),
            ((row.day.isoformat(), row.conversations) for row in report.per_day),
        ),
        (
            ("step", "conversations"),
            ((step.step, step.conversations) for step in report.funnel.steps()),
        ),
        (
            ("intent", "topic", "language", "messages", "conversations"),
            (
                (text_cell(t.intent), text_cell(t.title), t.language, t.messages, t.conversations)
                for t in report.topics
            ),
        ),
        (
            ("message", "language", "reply", "count"),
            ((text_cell(m.text), m.language, m.reply, m.count) for m in report.unanswered),
        ),
        (
            ("program_code", "program", "bookings", "cancelled", "contacted"),
            (
                (
                    text_cell(p.program_code or ""),
                    text_cell(p.program),
                    p.bookings,
                    p.cancelled,
                    p.contacted,
                )
                for p in report.programs
            ),
        ),
        (
            ("entry_id", "entry", "answers", "conversations"),
            (
                (row.entry_id, text_cell(row.title), row.answers, row.conversations)
                for row in report.knowledge_base
            ),
        ),
        (
            ("language", "conversations"),
            ((row.language, row.conversations) for row in report.languages),
        ),
    )
    return {
        name: (header, list(rows)) for name, (header, rows) in zip(CSV_FILES, tables, strict=True)
    }


def write_csv_table(out: TextIO, table: tuple[Sequence[str], Iterable[Sequence[object]]]) -> None:
    """One table of `csv_tables` written as CSV to `out` (opened with newline="")."""
    header, rows = table
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)


def write_csv(report: Report, directory: Path) -> list[Path]:
    """One CSV per section in `directory` (created 0700 if missing), each file 0600 like the
    leads export: the messages are students' words, even masked."""
    private_directory(directory)
    written = []
    for name, table in csv_tables(report).items():
        path = private_file(directory / name)
        with path.open("w", encoding="utf-8", newline="") as out:
            write_csv_table(out, table)
        written.append(path)
    return written


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "     -"


def _zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", zone))
