"""The one way an entry is written: inside `changing`, which appends the change to the history
and bumps the revision in the same transaction.

The Rasa server's matcher polls `knowledge_base_revision` (row REVISION_ROW_ID) and reloads the
published phrasings only when the number moved, so a write that forgot the bump would never reach
the students, and a bump committed apart from its write could be read before it. Every write the
console, the import, the seed and the command line make goes through `Changes`, and the bump is
made once at the end of the transaction when anything was written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.booking.appointment_times import utc_now
from bot.database.models import (
    REVISION_ROW_ID,
    KnowledgeBaseRevision,
    KnowledgeChange,
    KnowledgeEntry,
    KnowledgePhrasing,
)
from bot.staff.knowledge_base.records import EntryNotFound, EntryValues


def values_of(entry: KnowledgeEntry) -> EntryValues:
    return EntryValues(
        title=entry.title,
        answer=entry.answer,
        link=entry.link,
        status=entry.status,
        phrasings=tuple(phrasing.text for phrasing in entry.phrasings),
    )


class Changes:
    """The writes of one transaction: each appends its KnowledgeChange (the entry before and
    after, who, when); `written` says whether the revision must move."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self.written = 0

    def entry(self, entry_id: int) -> KnowledgeEntry:
        """The entry, locked for this transaction where the database can (PostgreSQL)."""
        entry = self.session.get(KnowledgeEntry, entry_id, with_for_update=True)
        if entry is None:
            raise EntryNotFound(f"no knowledge base entry {entry_id}")
        return entry

    def add(
        self,
        values: EntryValues,
        by_account: int | None,
        *,
        origin: str = "office",
        action: str = "created",
        quote: str | None = None,
    ) -> KnowledgeEntry:
        entry = KnowledgeEntry(
            title=values.title,
            answer=values.answer,
            link=values.link,
            status=values.status,
            origin=origin,
            quote=quote,
            created_at=self.now,
            updated_at=self.now,
            updated_by=by_account,
            phrasings=_phrasing_rows(values.phrasings),
        )
        self.session.add(entry)
        self.session.flush()
        self._record(entry, action, None, values, by_account, None)
        return entry

    def change(
        self,
        entry: KnowledgeEntry,
        values: EntryValues,
        action: str,
        by_account: int | None,
        *,
        reverts: int | None = None,
    ) -> KnowledgeChange | None:
        """Write `values` over `entry`; None (and nothing written) when they are its values."""
        before = values_of(entry)
        if values == before:
            return None
        entry.title = values.title
        entry.answer = values.answer
        entry.link = values.link
        entry.status = values.status
        if values.phrasings != before.phrasings:
            entry.phrasings = _phrasing_rows(values.phrasings)
        entry.updated_at = self.now
        entry.updated_by = by_account
        return self._record(entry, action, before, values, by_account, reverts)

    def _record(
        self,
        entry: KnowledgeEntry,
        action: str,
        before: EntryValues | None,
        after: EntryValues,
        by_account: int | None,
        reverts: int | None,
    ) -> KnowledgeChange:
        change = KnowledgeChange(
            entry_id=entry.id,
            action=action,
            before=before.snapshot() if before is not None else None,
            after=after.snapshot(),
            changed_by=by_account,
            changed_at=self.now,
            reverted_change_id=reverts,
        )
        self.session.add(change)
        self.session.flush()
        self.written += 1
        return change


@contextmanager
def changing(factory: sessionmaker[Session], now: datetime | None = None) -> Iterator[Changes]:
    """One transaction of writes; on leaving it without an error, the revision goes up by one
    if anything was written, then everything commits together."""
    with factory() as session, session.begin():
        changes = Changes(session, now or utc_now())
        yield changes
        if changes.written:
            bump_revision(session, changes.now)


def bump_revision(session: Session, now: datetime) -> None:
    """revision = revision + 1 in one statement (two writers never both read the old number);
    the row is made if a database lost it."""
    bumped = session.execute(
        update(KnowledgeBaseRevision)
        .where(KnowledgeBaseRevision.id == REVISION_ROW_ID)
        .values(revision=KnowledgeBaseRevision.revision + 1, changed_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(bumped, "rowcount", 1) == 0:
        session.add(KnowledgeBaseRevision(id=REVISION_ROW_ID, revision=1, changed_at=now))
        session.flush()


def revision(factory: sessionmaker[Session]) -> int:
    """The number the matcher polls (0 before the first write)."""
    with factory() as session:
        row = session.get(KnowledgeBaseRevision, REVISION_ROW_ID)
        return row.revision if row is not None else 0


def _phrasing_rows(phrasings: tuple[str, ...]) -> list[KnowledgePhrasing]:
    return [KnowledgePhrasing(text=text, position=n) for n, text in enumerate(phrasings)]
