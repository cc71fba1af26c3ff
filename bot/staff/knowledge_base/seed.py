"""The shipped entries (career_guide.yml) loaded by `python -m bot db seed`.

Unlike the catalog's seed, this one only ever adds: an entry of origin `career_guide` that is
already there, found by its title or its quote, is left as it is, so an answer the office has
edited, retitled or unpublished in the console is never overwritten by a re-run. Each added entry
is published (it is the page's own sentence), checked like a console entry, and written through
`writes.changing`, so it has its history row and the revision moves when anything was added.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.database.models import KnowledgeEntry
from bot.staff.knowledge_base.checks import checked
from bot.staff.knowledge_base.records import EntryForm, EntryRefused
from bot.staff.knowledge_base.writes import changing

CAREER_GUIDE_PATH = Path(__file__).resolve().parent / "career_guide.yml"
ORIGIN = "career_guide"


class SeedFileError(ValueError):
    """career_guide.yml holds an entry that is incomplete or breaks a limit; names which."""


def load_entries(path: Path = CAREER_GUIDE_PATH) -> list[Mapping[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("entries")
    if not isinstance(entries, list) or not entries:
        raise SeedFileError(f"{path}: no `entries:` list")
    for entry in entries:
        missing = [key for key in ("title", "phrasings", "answer", "quote") if not entry.get(key)]
        if missing:
            raise SeedFileError(f"{path}: {entry.get('title')!r} has no {', '.join(missing)}")
    return entries


def seed_career_guide(
    factory: sessionmaker[Session],
    path: Path = CAREER_GUIDE_PATH,
    now: datetime | None = None,
) -> list[str]:
    """Add the file's entries that are not in the database yet; the titles added."""
    entries = load_entries(path)
    added: list[str] = []
    with changing(factory, now) as changes:
        titles, quotes = _present(changes.session)
        for entry in entries:
            form = EntryForm(
                title=str(entry["title"]),
                answer=str(entry["answer"]),
                link=str(entry.get("link") or ""),
                phrasings="\n".join(str(phrasing) for phrasing in entry["phrasings"]),
            )
            try:
                values = checked(form, "published")
            except EntryRefused as refused:
                raise SeedFileError(f"{path}: {entry['title']!r}: {refused}") from None
            quote = " ".join(str(entry["quote"]).split())
            if values.title.casefold() in titles or quote in quotes:
                continue
            changes.add(values, None, origin=ORIGIN, quote=quote)
            titles.add(values.title.casefold())
            quotes.add(quote)
            added.append(values.title)
    return added


def _present(session: Session) -> tuple[set[str], set[str]]:
    """The titles (case-folded) and quotes of the shipped entries already in the database."""
    rows = session.execute(
        select(KnowledgeEntry.title, KnowledgeEntry.quote).where(KnowledgeEntry.origin == ORIGIN)
    ).all()
    titles = {title.casefold() for title, _ in rows}
    quotes = {" ".join(quote.split()) for _, quote in rows if quote}
    return titles, quotes
