"""The staff side's tables: the students waiting for a counselor, staff accounts and their
failed sign-ins, and the history of the facts the office edited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.database.models.base import Base, UTCDateTime
from bot.database.models.booking import Counselor

# A handoff waits for a counselor, then goes back to the bot when the counselor closes it.
HANDOFF_STATUSES = ("waiting", "closed")


class Handoff(Base):
    """A student's request to talk to a person, waiting for a counselor to join the conversation.

    The transcript is copied here (not read from the tracker store later) so a counselor sees what
    was said even when the tracker store is elsewhere or the conversation expired, and so
    "delete my data" can erase it together with the student's leads.
    """

    __tablename__ = "handoff"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in HANDOFF_STATUSES) + ")",
            name="known_status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(10))
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The counselor answering it in the console's live inbox (bot.console.inbox), so no second
    # counselor answers the same student; None while nobody has taken it.
    claimed_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_account.id", ondelete="SET NULL")
    )
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The conversation's language when the student asked ("en" or "es"): the counselor answers
    # in it.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    claimer: Mapped[StaffAccount | None] = relationship()


# Who may use the staff console: a counselor sees their own calls, the office sees everyone's.
STAFF_ROLES = ("counselor", "office")


class StaffAccount(Base):
    """A person who signs in to the staff console (bot.staff.accounts; managed with `python -m bot
    staff`). Only an Argon2id hash of the password is kept. `counselor_id` links a counselor's
    account to their calendar, set when the account's e-mail is a counselor's e-mail."""

    __tablename__ = "staff_account"
    __table_args__ = (
        CheckConstraint(
            "role IN (" + ", ".join(f"'{r}'" for r in STAFF_ROLES) + ")", name="known_role"
        ),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean)
    counselor_id: Mapped[int | None] = mapped_column(
        ForeignKey("counselor.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    counselor: Mapped[Counselor | None] = relationship()


class LoginFailure(Base):
    """A failed console sign-in for an e-mail address (an account or not), counted to refuse
    guessing; rows older than a day are pruned."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_email_time", "email", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class FactChange(Base):
    """One edit of a catalog fact in the staff console (bot.staff.facts): who, when, the value,
    quote and source page before and after. A revert is a new row that writes back a change's old
    values and names it in `reverted_change_id`, so the history is only ever appended to.
    `fact_key` is the registry key ("program:computer_science:tuition_per_term_usd"), not a foreign
    key: the history outlives a fact the catalog drops. Pages are kept as the page's key or
    address."""

    __tablename__ = "fact_change"
    __table_args__ = (Index("ix_fact_change_key_time", "fact_key", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fact_key: Mapped[str] = mapped_column(String(200))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    old_quote: Mapped[str | None] = mapped_column(Text)
    new_quote: Mapped[str | None] = mapped_column(Text)
    old_page: Mapped[str | None] = mapped_column(String(300))
    new_page: Mapped[str | None] = mapped_column(String(300))
    changed_by: Mapped[int] = mapped_column(ForeignKey("staff_account.id", ondelete="RESTRICT"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reverted_change_id: Mapped[int | None] = mapped_column(
        ForeignKey("fact_change.id", ondelete="RESTRICT")
    )

    account: Mapped[StaffAccount] = relationship()
