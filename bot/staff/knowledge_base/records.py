"""What the knowledge base hands its pages, the CLI and the tests: an entry as listed and as
edited, a change of its history, the outcome of an import, and the ways a write is refused.

Frozen dataclasses only, so nothing here reads a database; the form's checks are in `checks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


class EntryRefused(ValueError):
    """Nothing was saved; `errors` maps a form field (title, answer, link, phrasings, status,
    form) to the reason, said so the office can correct it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {why}" for field, why in errors.items()))
        self.errors = errors


class EntryNotFound(LookupError):
    """No entry (or change) has this id."""


class ImportRefused(ValueError):
    """No row of the file was written; `problems` are sentences, each naming its row ("Row 3,
    answer: ...") or the whole file."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class EntryForm:
    """The form as typed: phrasings one per line; `status` only for an import's rows."""

    title: str = ""
    answer: str = ""
    link: str = ""
    phrasings: str = ""
    status: str = ""


@dataclass(frozen=True)
class EntryValues:
    """An entry's checked values, and what the history keeps as its before and after."""

    title: str
    answer: str
    link: str | None
    status: str
    phrasings: tuple[str, ...]

    def snapshot(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "answer": self.answer,
            "link": self.link,
            "status": self.status,
            "phrasings": list(self.phrasings),
        }

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any]) -> EntryValues:
        return cls(
            title=str(snapshot.get("title") or ""),
            answer=str(snapshot.get("answer") or ""),
            link=snapshot.get("link") or None,
            status=str(snapshot.get("status") or "draft"),
            phrasings=tuple(str(text) for text in snapshot.get("phrasings") or ()),
        )

    def form(self) -> EntryForm:
        """The values as the edit form shows them."""
        return EntryForm(
            self.title, self.answer, self.link or "", "\n".join(self.phrasings), self.status
        )


@dataclass(frozen=True)
class EntrySummary:
    """One entry in the list."""

    id: int
    title: str
    answer: str
    status: str
    origin: str
    phrasings: tuple[str, ...]
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class Change:
    """One change of an entry's history; `changed_by` is a name (see NO_ACCOUNT)."""

    id: int
    entry_id: int
    action: str
    before: EntryValues | None
    after: EntryValues
    changed_at: datetime
    changed_by: str
    reverted_change_id: int | None

    @property
    def revertible(self) -> bool:
        """A creation has nothing before it to go back to (unpublish the entry instead)."""
        return self.before is not None


@dataclass(frozen=True)
class Entry:
    """One entry with its history, newest change first."""

    id: int
    values: EntryValues
    origin: str
    quote: str | None
    created_at: datetime
    updated_at: datetime
    history: tuple[Change, ...]


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


# Who a change with no account was made by: the seed and the command line write without one.
NO_ACCOUNT = "no account (seed or command line)"
