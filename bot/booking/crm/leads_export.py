"""`python -m bot leads export`: the leads and their appointments as CSV or JSON.

The fallback when no CRM webhook is configured: the enrollment office imports the file instead.
CSV cells of free text that start with a formula character get a leading apostrophe, so a name
typed as "=HYPERLINK(...)" stays text when the file is opened in a spreadsheet.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, outerjoin

from bot.database.models import Appointment, Counselor, Lead
from bot.safe_io.spreadsheet import text_cell

EXPORT_FIELDS = (
    "reference",
    "status",
    "starts_at",
    "ends_at",
    "counselor",
    "full_name",
    "email",
    "phone",
    "program_code",
    "preferred_contact",
    "consent_at",
    "conversation_id",
    "source_page",
    "created_at",
    "language",
)
FORMATS = ("csv", "json")
_FREE_TEXT = ("full_name", "conversation_id", "source_page")


def export_rows(session: Session) -> Iterator[dict[str, Any]]:
    """One row per appointment (or per lead without one), oldest first; times in UTC ISO 8601."""
    query = (
        select(Lead, Appointment, Counselor.name)
        .select_from(outerjoin(Lead, Appointment, Appointment.lead_id == Lead.id))
        .outerjoin(Counselor, Counselor.id == Appointment.counselor_id)
        .order_by(Lead.created_at, Lead.id, Appointment.id)
    )
    for lead, appointment, counselor_name in session.execute(query):
        yield {
            "reference": appointment.reference if appointment else None,
            "status": appointment.status if appointment else None,
            "starts_at": _iso(appointment.starts_at if appointment else None),
            "ends_at": _iso(appointment.ends_at if appointment else None),
            "counselor": counselor_name,
            "full_name": lead.full_name,
            "email": lead.email,
            "phone": lead.phone,
            "program_code": lead.program_code,
            "preferred_contact": lead.preferred_contact,
            "consent_at": _iso(lead.consent_at),
            "conversation_id": lead.conversation_id,
            "source_page": lead.source_page,
            "created_at": _iso(lead.created_at),
            "language": lead.language,
        }


class TextSink(Protocol):
    """Where an export goes: a file, stdout, or stdout cleaned for a terminal."""

    def write(self, text: str, /) -> int: ...


def write_export(session: Session, fmt: str, out: TextSink) -> int:
    """Write every row to `out` as `fmt` ("csv" or "json"); return the number of rows."""
    rows = list(export_rows(session))
    if fmt == "json":
        json.dump(rows, out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _csv_cell(key, value) for key, value in row.items()})
    else:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return len(rows)


def _csv_cell(key: str, value: Any) -> Any:
    if key in _FREE_TEXT and isinstance(value, str):
        return text_cell(value)
    return "" if value is None else value


def _iso(value: Any | None) -> str | None:
    return None if value is None else value.isoformat()
