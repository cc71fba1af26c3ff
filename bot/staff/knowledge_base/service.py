"""The knowledge base as the office uses it: list and search, read one entry with its history,
create, edit, publish, unpublish and revert.

Each write is checked first (`checks`: every wrong field said at once, nothing saved), then made
through `writes.changing`, which keeps its history row and bumps the revision in the same
transaction. An edit of a published entry answers from the next message on, like publishing; a
draft never answers. There is no delete: an entry the office no longer wants is unpublished, so
its history stays (and it can be published again).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.database.models import (
    KNOWLEDGE_ENTRY_STATUSES,
    KnowledgeChange,
    KnowledgeEntry,
    KnowledgePhrasing,
    StaffAccount,
)
from bot.staff.knowledge_base.checks import checked
from bot.staff.knowledge_base.records import (
    NO_ACCOUNT,
    Change,
    Entry,
    EntryForm,
    EntryNotFound,
    EntryRefused,
    EntrySummary,
    EntryValues,
)
from bot.staff.knowledge_base.writes import changing, values_of

# Longest search the list runs (a search box, not a document).
SEARCH_MAX_CHARACTERS = 200

# --- reading -------------------------------------------------------------------------------


def list_entries(
    factory: sessionmaker[Session], search: str = "", status: str = ""
) -> list[EntrySummary]:
    """Every entry whose title, answer or a phrasing holds `search` (any case), of `status`
    when it is draft or published; the most recently changed first."""
    query = select(KnowledgeEntry).options(
        selectinload(KnowledgeEntry.phrasings), selectinload(KnowledgeEntry.editor)
    )
    words = " ".join(search.split())[:SEARCH_MAX_CHARACTERS]
    if words:
        query = query.where(
            or_(
                KnowledgeEntry.title.icontains(words, autoescape=True),
                KnowledgeEntry.answer.icontains(words, autoescape=True),
                KnowledgeEntry.phrasings.any(
                    KnowledgePhrasing.text.icontains(words, autoescape=True)
                ),
            )
        )
    if status in KNOWLEDGE_ENTRY_STATUSES:
        query = query.where(KnowledgeEntry.status == status)
    query = query.order_by(KnowledgeEntry.updated_at.desc(), KnowledgeEntry.id.desc())
    with factory() as session:
        return [
            EntrySummary(
                id=entry.id,
                title=entry.title,
                answer=entry.answer,
                status=entry.status,
                origin=entry.origin,
                phrasings=tuple(phrasing.text for phrasing in entry.phrasings),
                updated_at=entry.updated_at,
                updated_by=entry.editor.display_name if entry.editor else NO_ACCOUNT,
            )
            for entry in session.scalars(query)
        ]


def get_entry(factory: sessionmaker[Session], entry_id: int) -> Entry:
    """The entry and its history, newest change first; EntryNotFound for an unknown id."""
    with factory() as session:
        entry = session.scalars(
            select(KnowledgeEntry)
            .where(KnowledgeEntry.id == entry_id)
            .options(selectinload(KnowledgeEntry.phrasings))
        ).one_or_none()
        if entry is None:
            raise EntryNotFound(f"no knowledge base entry {entry_id}")
        rows = session.execute(
            _changes()
            .where(KnowledgeChange.entry_id == entry_id)
            .order_by(KnowledgeChange.changed_at.desc(), KnowledgeChange.id.desc())
        ).all()
        return Entry(
            id=entry.id,
            values=values_of(entry),
            origin=entry.origin,
            quote=entry.quote,
            created_at=entry.created_at,
            updated_at=entry.updated_at,
            history=tuple(_change(change, name) for change, name in rows),
        )


def get_change(factory: sessionmaker[Session], change_id: int) -> Change:
    with factory() as session:
        row = session.execute(_changes().where(KnowledgeChange.id == change_id)).one_or_none()
        if row is None:
            raise EntryNotFound(f"no knowledge base change {change_id}")
        return _change(row[0], row[1])


# --- changing ------------------------------------------------------------------------------


def create_entry(
    factory: sessionmaker[Session],
    form: EntryForm,
    by_account: int | None,
    now: datetime | None = None,
) -> int:
    """A new draft from the form; its id. EntryRefused (nothing saved) says what is wrong."""
    values = checked(form, "draft")
    with changing(factory, now) as changes:
        return changes.add(values, by_account).id


def edit_entry(
    factory: sessionmaker[Session],
    entry_id: int,
    form: EntryForm,
    by_account: int | None,
    now: datetime | None = None,
) -> int:
    """Save the form's title, answer, link and phrasings (the status stays); the change's id."""
    with changing(factory, now) as changes:
        entry = changes.entry(entry_id)
        values = checked(form, entry.status)
        return _changed(changes.change(entry, values, "edited", by_account))


def publish(
    factory: sessionmaker[Session],
    entry_id: int,
    by_account: int | None,
    now: datetime | None = None,
) -> int:
    """The entry answers students from their next message on; the change's id."""
    return _set_status(factory, entry_id, "published", by_account, now)


def unpublish(
    factory: sessionmaker[Session],
    entry_id: int,
    by_account: int | None,
    now: datetime | None = None,
) -> int:
    """The entry stops answering (it stays, as a draft, with its history); the change's id."""
    return _set_status(factory, entry_id, "draft", by_account, now)


def revert_change(
    factory: sessionmaker[Session],
    change_id: int,
    by_account: int | None,
    now: datetime | None = None,
) -> int:
    """Write the entry back as it was before change `change_id` (its status too), as a new
    change naming it; the new change's id. Refused for a creation, or when the entry is already
    as it was."""
    with changing(factory, now) as changes:
        old = changes.session.get(KnowledgeChange, change_id)
        if old is None:
            raise EntryNotFound(f"no knowledge base change {change_id}")
        if old.before is None:
            raise EntryRefused(
                {
                    "form": f"Change #{change_id} created the entry: there is nothing before it "
                    "to go back to. Unpublish the entry to stop it answering."
                }
            )
        entry = changes.entry(old.entry_id)
        before = EntryValues.from_snapshot(old.before)
        # Checked like any change: the history is the database's own, but a limit may have moved.
        values = checked(before.form(), before.status)
        return _changed(changes.change(entry, values, "reverted", by_account, reverts=change_id))


# --- helpers -------------------------------------------------------------------------------


def _set_status(
    factory: sessionmaker[Session],
    entry_id: int,
    status: str,
    by_account: int | None,
    now: datetime | None,
) -> int:
    with changing(factory, now) as changes:
        entry = changes.entry(entry_id)
        if entry.status == status:
            said = "published" if status == "published" else "a draft"
            raise EntryRefused({"form": f"The entry is already {said}."})
        values = values_of(entry)
        action = "published" if status == "published" else "unpublished"
        new = EntryValues(values.title, values.answer, values.link, status, values.phrasings)
        return _changed(changes.change(entry, new, action, by_account))


def _changes() -> Select[tuple[KnowledgeChange, str]]:
    """Changes with the name of the account that made each (None: no account)."""
    return select(KnowledgeChange, StaffAccount.display_name).outerjoin(
        StaffAccount, KnowledgeChange.changed_by == StaffAccount.id
    )


def _changed(change: KnowledgeChange | None) -> int:
    if change is None:
        raise EntryRefused({"form": "Nothing to save: the entry is already like this."})
    return change.id


def _change(change: KnowledgeChange, name: str | None) -> Change:
    return Change(
        id=change.id,
        entry_id=change.entry_id,
        action=change.action,
        before=EntryValues.from_snapshot(change.before) if change.before is not None else None,
        after=EntryValues.from_snapshot(change.after),
        changed_at=change.changed_at,
        changed_by=name or NO_ACCOUNT,
        reverted_change_id=change.reverted_change_id,
    )
