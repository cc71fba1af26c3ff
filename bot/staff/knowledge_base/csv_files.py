"""The knowledge base as a CSV file: every entry exported, and a file of entries imported.

The office writes answers in bulk in a spreadsheet, or moves them between a test and a live
console. The export's text cells go through bot.safe_io.spreadsheet (a cell starting with "=" is
kept text with an apostrophe), and the import takes that apostrophe off again, so a file
exported here imports back as it was.

An import is all or nothing: every row is checked as the console's form is, and a single wrong
row writes no row at all; the refusal names each row ("Row 3, answer: ...") as a spreadsheet
numbers it (the header is row 1). A row with the id of an existing entry updates it; any other
row creates a draft, unless its status says published.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.database.models import KnowledgeEntry
from bot.safe_io.spreadsheet import from_text_cell, text_cell
from bot.staff.knowledge_base.checks import checked
from bot.staff.knowledge_base.records import (
    EntryForm,
    EntryRefused,
    EntryValues,
    ImportRefused,
    ImportResult,
)
from bot.staff.knowledge_base.writes import changing

EXPORT_COLUMNS = ("id", "title", "status", "phrasings", "answer", "link", "origin", "updated_at")
REQUIRED_COLUMNS = ("title", "phrasings", "answer")
# Read when present; the export's origin and updated_at are left to the database.
OPTIONAL_COLUMNS = ("id", "link", "status")
IMPORT_MAX_BYTES = 1_000_000
IMPORT_MAX_ROWS = 2_000
# The export puts one phrasing per line of the cell; a file typed by hand may write them on one
# line, between " | ".
PHRASING_SEPARATOR = " | "


def export_csv(factory: sessionmaker[Session]) -> str:
    """Every entry, drafts too, oldest first, as CSV text (formula-safe text cells)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    with factory() as session:
        entries = session.scalars(
            select(KnowledgeEntry)
            .order_by(KnowledgeEntry.id)
            .options(selectinload(KnowledgeEntry.phrasings))
        )
        for entry in entries:
            phrasings = "\n".join(phrasing.text for phrasing in entry.phrasings)
            writer.writerow(
                (
                    entry.id,
                    *(text_cell(text) for text in (entry.title, entry.status, phrasings)),
                    text_cell(entry.answer),
                    text_cell(entry.link or ""),
                    entry.origin,
                    entry.updated_at.isoformat(),
                )
            )
    return out.getvalue()


@dataclass(frozen=True)
class _Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    entry_id: int | None
    form: EntryForm


def import_csv(
    factory: sessionmaker[Session],
    data: bytes,
    by_account: int | None,
    now: datetime | None = None,
) -> ImportResult:
    """Create or update an entry per row of `data` (a CSV file with the columns title,
    phrasings, answer and optionally id, link, status), in one transaction; ImportRefused,
    with every problem, when the file or any row is wrong (then nothing is written)."""
    rows = _read_rows(data)
    problems: list[str] = []
    created = updated = unchanged = 0
    with changing(factory, now) as changes:
        wanted = {row.entry_id for row in rows if row.entry_id is not None}
        existing = {
            entry.id: entry
            for entry in changes.session.scalars(
                select(KnowledgeEntry)
                .where(KnowledgeEntry.id.in_(wanted))
                .options(selectinload(KnowledgeEntry.phrasings))
            )
        }
        checked_rows: list[tuple[KnowledgeEntry | None, EntryValues]] = []
        for row in rows:
            entry = existing.get(row.entry_id) if row.entry_id is not None else None
            status = row.form.status or (entry.status if entry is not None else "draft")
            try:
                checked_rows.append((entry, checked(row.form, status)))
            except EntryRefused as refused:
                problems += [
                    f"Row {row.number}, {field}: {why}" for field, why in refused.errors.items()
                ]
        if problems:
            raise ImportRefused(problems)
        for entry, values in checked_rows:
            if entry is None:
                changes.add(values, by_account, action="imported")
                created += 1
            elif changes.change(entry, values, "imported", by_account) is None:
                unchanged += 1
            else:
                updated += 1
    return ImportResult(created, updated, unchanged)


def _read_rows(data: bytes) -> list[_Row]:
    """The file's rows, each cell's export apostrophe taken off; ImportRefused for a file that
    cannot be read, or ids that are not whole numbers or come twice."""
    if len(data) > IMPORT_MAX_BYTES:
        raise ImportRefused(
            [f"The file is larger than {IMPORT_MAX_BYTES:,} bytes: split it and import each part."]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            ["The file is not UTF-8 text: in the spreadsheet, save it as “CSV UTF-8”."]
        ) from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ImportRefused([f"The file could not be read as CSV: {error}."]) from None
    if not records:
        raise ImportRefused(["The file is empty: it needs a header row and one row per entry."])
    columns = _columns(records[0])
    problems: list[str] = []
    rows: list[_Row] = []
    rows_of_id: dict[int, int] = {}
    for number, record in enumerate(records[1:], start=2):
        cells = [from_text_cell(cell) for cell in record]
        if not any(cell.strip() for cell in cells):
            continue  # a blank line between entries

        def cell(name: str, cells: Sequence[str] = cells) -> str:
            index = columns.get(name)
            return cells[index] if index is not None and index < len(cells) else ""

        entry_id: int | None = None
        written_id = cell("id").strip()
        if written_id:
            if not written_id.isdecimal():
                problems.append(f"Row {number}, id: leave it empty or give an entry's number.")
            else:
                entry_id = int(written_id)
                if entry_id in rows_of_id:
                    problems.append(
                        f"Row {number}, id: entry {entry_id} is on row {rows_of_id[entry_id]} too."
                    )
                rows_of_id.setdefault(entry_id, number)
        phrasings = cell("phrasings").replace(PHRASING_SEPARATOR, "\n")
        form = EntryForm(
            cell("title"), cell("answer"), cell("link"), phrasings, cell("status").strip().lower()
        )
        rows.append(_Row(number, entry_id, form))
    if len(rows) > IMPORT_MAX_ROWS:
        problems.insert(
            0, f"The file has {len(rows):,} entries; import at most {IMPORT_MAX_ROWS:,} at a time."
        )
    if not rows and not problems:
        problems.append("The file has a header but no entries.")
    if problems:
        raise ImportRefused(problems)
    return rows


def _columns(header: Sequence[str]) -> dict[str, int]:
    """Where each known column is; ImportRefused naming the required ones that are missing."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = "_".join(from_text_cell(name).strip().lower().split())
        if key in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            if key in positions:
                raise ImportRefused([f"The header names the column {key!r} twice."])
            positions[key] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise ImportRefused(
            [
                "The header row must name the columns "
                + ", ".join(REQUIRED_COLUMNS)
                + " (and may name id, link, status); missing: "
                + ", ".join(missing)
                + "."
            ]
        )
    return positions
