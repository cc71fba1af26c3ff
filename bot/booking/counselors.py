"""Loading counselors and their weekly hours from a reviewed YAML file.

Like the catalog seed it is an upsert keyed on the counselor's e-mail and safe to re-run: edited
hours replace the old ones. The bundled file is sample data for a fresh clone (see its header);
the school supplies its own.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.database.models import Counselor, CounselorHours

SAMPLE_COUNSELORS_PATH = Path(__file__).resolve().parent / "sample_counselors.yml"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class CounselorFileError(ValueError):
    """The counselors file is malformed; the message names the entry."""


def load_counselors_file(path: Path) -> list[dict[str, Any]]:
    """Parse and check the file, failing with a readable message before touching the database."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("counselors")
    if not isinstance(entries, list) or not entries:
        raise CounselorFileError(f"{path}: needs a non-empty 'counselors' list")
    for entry in entries:
        for key in ("name", "email", "timezone", "hours"):
            if key not in entry:
                raise CounselorFileError(f"{path}: counselor {entry.get('name')!r} has no {key!r}")
        try:
            ZoneInfo(entry["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise CounselorFileError(f"{path}: unknown time zone {entry['timezone']!r}") from None
        for day, blocks in entry["hours"].items():
            if day not in WEEKDAYS:
                raise CounselorFileError(f"{path}: {entry['name']!r}: unknown weekday {day!r}")
            for block in blocks:
                start, end = _block(block)
                if start >= end:
                    raise CounselorFileError(f"{path}: {entry['name']!r}: empty hours {block!r}")
    return entries


def seed_counselors(session: Session, path: Path = SAMPLE_COUNSELORS_PATH) -> int:
    """Insert or update every counselor in `path` and commit; return how many there are."""
    entries = load_counselors_file(path)
    for entry in entries:
        counselor = session.scalars(
            select(Counselor).where(Counselor.email == entry["email"])
        ).first()
        if counselor is None:
            counselor = Counselor(email=entry["email"])
            session.add(counselor)
        counselor.name = entry["name"]
        counselor.timezone = entry["timezone"]
        counselor.hours.clear()
        session.flush()
        for day, blocks in entry["hours"].items():
            for block in blocks:
                start, end = _block(block)
                counselor.hours.append(
                    CounselorHours(weekday=WEEKDAYS.index(day), start_time=start, end_time=end)
                )
    session.commit()
    return len(entries)


def _block(text: str) -> tuple[time, time]:
    try:
        start, end = (time.fromisoformat(part.strip()) for part in str(text).split("-"))
    except ValueError:
        raise CounselorFileError(f"hours must look like '09:00-12:00', not {text!r}") from None
    return start, end
