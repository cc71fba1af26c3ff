"""What the facts editor hands its pages and the CLI: a fact, its group, a history entry, and the
two ways a change is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.database.models import (
    Career,
    EnrollmentPolicy,
    Program,
)
from bot.staff.facts.fields import FactField


class FactRefused(ValueError):
    """The change was not saved; `errors` maps a form field (value, quote, page, form) to why."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {why}" for field, why in errors.items()))
        self.errors = errors


class FactNotFound(LookupError):
    """No editable fact (or history entry) has this key or id."""


@dataclass(frozen=True)
class Fact:
    """A fact as the console shows it; `value` is the form's text, `shown` the display text."""

    key: str
    group: str
    label: str
    hint: str
    value: str
    shown: str
    quote: str
    page: str  # the page's key, or its address for a page added from the console
    page_title: str
    page_scope: str  # who else uses this page: changing it moves all of them
    shared_quote_with: tuple[str, ...]  # labels of the facts that read the same quote
    quote_states_value: bool  # False when a figure is not written in its quote
    long_text: bool  # shown in a text area rather than a one-line input


@dataclass(frozen=True)
class FactGroup:
    title: str
    facts: tuple[Fact, ...]
    note: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    fact_key: str
    changed_at: datetime
    changed_by: str
    old_value: str | None
    new_value: str | None
    old_quote: str | None
    new_quote: str | None
    old_page: str | None
    new_page: str | None
    reverted_change_id: int | None


@dataclass(frozen=True)
class Located:
    field: FactField
    row: Any
    page_holder: Program | Career | EnrollmentPolicy
    group: str
    siblings: tuple[FactField, ...]
