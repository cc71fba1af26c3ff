"""The school's own knowledge base: answers the office writes in the console for questions the
career-guide catalog does not cover (housing, library, clubs, ...), matched by meaning at run time.

An entry is published or a draft; only published entries answer. Every change is appended to
`knowledge_base_change` with the entry as it was before and after (so any change can be reverted),
and bumps the single row of `knowledge_base_revision` in the same transaction: the Rasa server's
matcher (rasa_plugins/nlu/knowledge_base_matcher.py) polls that one number and reloads the
published phrasings only when it moved, which is how a change reaches every replica without a
restart or a retraining.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.database.models.base import Base, UTCDateTime
from bot.database.models.staff import StaffAccount

# A draft is invisible to students; publishing makes it answer from the next message on.
KNOWLEDGE_ENTRY_STATUSES = ("draft", "published")
# Who wrote the entry: the office in the console, or the project's seed (career-guide quotes).
KNOWLEDGE_ENTRY_ORIGINS = ("office", "career_guide")
# What a change did, as the history lists it.
KNOWLEDGE_CHANGE_ACTIONS = ("created", "edited", "published", "unpublished", "reverted", "imported")

# Length limits, the same in the console's checks and the database's CHECK constraints. The answer
# fits the widget's bubble and a text message or three; a phrasing is a question, not a page.
TITLE_MAX_CHARACTERS = 120
ANSWER_MAX_CHARACTERS = 1500
PHRASING_MAX_CHARACTERS = 300
LINK_MAX_CHARACTERS = 500
MAX_PHRASINGS_PER_ENTRY = 20

# The one row of knowledge_base_revision.
REVISION_ROW_ID = 1


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


class KnowledgeEntry(Base):
    """One answer of the school's knowledge base, with the phrasings that lead to it."""

    __tablename__ = "knowledge_base_entry"
    __table_args__ = (
        CheckConstraint(_one_of("status", KNOWLEDGE_ENTRY_STATUSES), name="known_status"),
        CheckConstraint(_one_of("origin", KNOWLEDGE_ENTRY_ORIGINS), name="known_origin"),
        CheckConstraint(f"length(title) <= {TITLE_MAX_CHARACTERS}", name="title_length"),
        CheckConstraint(f"length(answer) <= {ANSWER_MAX_CHARACTERS}", name="answer_length"),
        CheckConstraint(f"length(link) <= {LINK_MAX_CHARACTERS}", name="link_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_CHARACTERS))
    answer: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(LINK_MAX_CHARACTERS))
    status: Mapped[str] = mapped_column(String(10), index=True)
    origin: Mapped[str] = mapped_column(String(20))
    # For a career_guide entry: the page's sentence the answer repeats, checked against the page.
    quote: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # None for the seed's entries; otherwise the staff account that made the latest change.
    updated_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_account.id", ondelete="SET NULL")
    )

    phrasings: Mapped[list[KnowledgePhrasing]] = relationship(
        back_populates="entry",
        cascade="all, delete-orphan",
        order_by="KnowledgePhrasing.position",
    )
    editor: Mapped[StaffAccount | None] = relationship()


class KnowledgePhrasing(Base):
    """One way a student may ask for an entry; the matcher embeds each published one."""

    __tablename__ = "knowledge_base_phrasing"
    __table_args__ = (
        CheckConstraint(f"length(text) <= {PHRASING_MAX_CHARACTERS}", name="text_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_base_entry.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(PHRASING_MAX_CHARACTERS))
    position: Mapped[int] = mapped_column(Integer)

    entry: Mapped[KnowledgeEntry] = relationship(back_populates="phrasings")


class KnowledgeChange(Base):
    """One change of an entry: who, when, what it did, and the entry (title, answer, link, status,
    phrasings) before and after as JSON. A revert writes `before` back as a new change naming the
    one it undid, so the history is only ever appended to."""

    __tablename__ = "knowledge_base_change"
    __table_args__ = (
        CheckConstraint(_one_of("action", KNOWLEDGE_CHANGE_ACTIONS), name="known_action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_base_entry.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(20))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_account.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reverted_change_id: Mapped[int | None] = mapped_column(
        ForeignKey("knowledge_base_change.id", ondelete="SET NULL")
    )

    account: Mapped[StaffAccount | None] = relationship()


class KnowledgeBaseRevision(Base):
    """A single row whose number goes up with every change of any entry (see the module)."""

    __tablename__ = "knowledge_base_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
