"""The program database schema (SQLAlchemy 2.x typed ORM).

Catalog tables: only `bot.seed` writes them and only `bot.catalog` reads them; the rest of the code
works with the frozen dataclasses `bot.catalog` returns, so a schema change stays local to three
modules and one Alembic revision. Every fact row keeps the verbatim `quote` it was taken from and a
link to its source page, so any answer can be traced back to the page a reviewer checked.

Booking tables (counselors, hours, slots, leads, appointments, the CRM outbox, and the abuse
controls' offered slots, booking attempts and confirmation e-mails): written and read only by
`bot.booking`. Times are stored as UTC (`UTCDateTime`).
"""

from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Deterministic constraint names: Alembic batch mode on SQLite and downgrades need to name them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The enrollment policy row the bot reads; the key leaves room for more (e.g. per campus).
DEFAULT_ENROLLMENT_POLICY_KEY = "default"

# The kinds of list a career page has; a CHECK keeps typos out of the table.
CAREER_ITEM_KINDS = (
    "related_role",
    "duty",
    "certification",
    "degree_field",
    "degree_benefit",
    "skill",
    "programming_language",
    "ml_framework",
    "math_topic",
    "salary_factor",
    "growth_driver",
    "industry",
)


# How a student wants to be contacted; a CHECK keeps the set closed.
CONTACT_METHODS = ("email", "phone", "text")

# An appointment is booked, then cancelled (which releases its slot) or, once the counselor has
# called, marked contacted or no_show (the slot stays with it: see migration 0005).
APPOINTMENT_STATUSES = ("booked", "cancelled", "contacted", "no_show")
# A handoff waits for a counselor, then goes back to the bot when the counselor closes it.
HANDOFF_STATUSES = ("waiting", "closed")


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time stored as naive UTC and read back as an aware UTC datetime.

    SQLite has no time zone type, so storing naive UTC everywhere gives both backends the same
    column and the same comparisons; the Python side only ever sees aware datetimes, so a local
    time can never be mistaken for UTC.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column; pass an aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SourcePage(Base):
    """A reviewed page the catalog's facts are copied from."""

    __tablename__ = "source_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    publisher: Mapped[str] = mapped_column(String(300))
    file_name: Mapped[str] = mapped_column(String(300))


class Career(Base):
    """The career the assistant advises on; one row per career, single facts as columns."""

    __tablename__ = "career"
    __table_args__ = (
        CheckConstraint(
            "salary_low_usd > 0 AND salary_low_usd <= salary_average_usd "
            "AND salary_average_usd <= salary_high_usd",
            name="salary_range_ordered",
        ),
        CheckConstraint("job_growth_percent BETWEEN 0 AND 1000", name="job_growth_percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    source_page_id: Mapped[int] = mapped_column(ForeignKey("source_page.id", ondelete="RESTRICT"))

    description: Mapped[str] = mapped_column(Text)
    description_quote: Mapped[str] = mapped_column(Text)
    goal: Mapped[str] = mapped_column(Text)
    goal_quote: Mapped[str] = mapped_column(Text)
    collaboration: Mapped[str] = mapped_column(Text)
    collaboration_quote: Mapped[str] = mapped_column(Text)
    suited_to: Mapped[str] = mapped_column(Text)
    suited_to_quote: Mapped[str] = mapped_column(Text)
    ai_relation: Mapped[str] = mapped_column(Text)
    ai_relation_quote: Mapped[str] = mapped_column(Text)
    degree_requirement: Mapped[str] = mapped_column(Text)
    degree_requirement_quote: Mapped[str] = mapped_column(Text)
    senior_degree_requirement: Mapped[str] = mapped_column(Text)
    senior_degree_requirement_quote: Mapped[str] = mapped_column(Text)
    certifications_required: Mapped[bool] = mapped_column(Boolean)
    certifications_required_text: Mapped[str] = mapped_column(Text)
    certifications_required_quote: Mapped[str] = mapped_column(Text)
    certifications_note: Mapped[str] = mapped_column(Text)
    certifications_note_quote: Mapped[str] = mapped_column(Text)

    salary_average_usd: Mapped[int] = mapped_column(Integer)
    salary_low_usd: Mapped[int] = mapped_column(Integer)
    salary_high_usd: Mapped[int] = mapped_column(Integer)
    salary_quote: Mapped[str] = mapped_column(Text)
    job_growth_percent: Mapped[int] = mapped_column(Integer)
    job_growth_through_year: Mapped[int] = mapped_column(Integer)
    job_growth_quote: Mapped[str] = mapped_column(Text)

    source_page: Mapped[SourcePage] = relationship()
    items: Mapped[list[CareerItem]] = relationship(
        back_populates="career",
        cascade="all, delete-orphan",
        order_by="(CareerItem.kind, CareerItem.position)",
    )


class CareerItem(Base):
    """One entry of a career list (a duty, a skill, an industry...), in page order per kind."""

    __tablename__ = "career_item"
    __table_args__ = (
        UniqueConstraint("career_id", "kind", "name", name="uq_career_item_career_kind_name"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in CAREER_ITEM_KINDS) + ")",
            name="known_kind",
        ),
        CheckConstraint("position >= 0", name="position_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    career_id: Mapped[int] = mapped_column(ForeignKey("career.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text)
    source_page_id: Mapped[int] = mapped_column(ForeignKey("source_page.id", ondelete="RESTRICT"))

    career: Mapped[Career] = relationship(back_populates="items")
    source_page: Mapped[SourcePage] = relationship()


class Program(Base):
    """A degree program a student can enroll in; `code` is the NLU entity's canonical value."""

    __tablename__ = "program"
    __table_args__ = (
        CheckConstraint(
            "completion_share_percent BETWEEN 1 AND 100", name="completion_share_range"
        ),
        CheckConstraint("completion_months > 0", name="completion_months_positive"),
        CheckConstraint("tuition_per_term_usd > 0", name="tuition_positive"),
        CheckConstraint("term_months > 0", name="term_months_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    source_page_id: Mapped[int] = mapped_column(ForeignKey("source_page.id", ondelete="RESTRICT"))

    tagline: Mapped[str] = mapped_column(Text)
    tagline_quote: Mapped[str] = mapped_column(Text)
    completion_text: Mapped[str] = mapped_column(Text)
    completion_share_percent: Mapped[int] = mapped_column(Integer)
    completion_months: Mapped[int] = mapped_column(Integer)
    completion_quote: Mapped[str] = mapped_column(Text)
    tuition_per_term_usd: Mapped[int] = mapped_column(Integer)
    term_months: Mapped[int] = mapped_column(Integer)
    tuition_quote: Mapped[str] = mapped_column(Text)
    # NULL when the page states no transfer policy for the program: the bot says so.
    transfer_text: Mapped[str | None] = mapped_column(Text)
    transfer_quote: Mapped[str | None] = mapped_column(Text)
    certifications_note: Mapped[str] = mapped_column(Text)
    certifications_note_quote: Mapped[str] = mapped_column(Text)
    careers_note: Mapped[str] = mapped_column(Text)
    careers_note_quote: Mapped[str] = mapped_column(Text)

    source_page: Mapped[SourcePage] = relationship()
    certifications: Mapped[list[ProgramCertification]] = relationship(
        back_populates="program",
        cascade="all, delete-orphan",
        order_by="ProgramCertification.position",
    )
    careers: Mapped[list[ProgramCareer]] = relationship(
        back_populates="program",
        cascade="all, delete-orphan",
        order_by="ProgramCareer.position",
    )
    aliases: Mapped[list[ProgramAlias]] = relationship(
        back_populates="program", cascade="all, delete-orphan", order_by="ProgramAlias.alias"
    )


class ProgramCertification(Base):
    """A certification the program includes or lets students earn."""

    __tablename__ = "program_certification"
    __table_args__ = (
        UniqueConstraint("program_id", "name", name="uq_program_certification_program_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("program.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    quote: Mapped[str] = mapped_column(Text)

    program: Mapped[Program] = relationship(back_populates="certifications")


class ProgramCareer(Base):
    """A career the page says needs the program's skills.

    Quoted in `Program.careers_note_quote`."""

    __tablename__ = "program_career"
    __table_args__ = (
        UniqueConstraint("program_id", "name", name="uq_program_career_program_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("program.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))

    program: Mapped[Program] = relationship(back_populates="careers")


class ProgramAlias(Base):
    """A lower-case name students type for a program ("comp sci"); unique across all programs."""

    __tablename__ = "program_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("program.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(String(100), unique=True)

    program: Mapped[Program] = relationship(back_populates="aliases")


class EnrollmentPolicy(Base):
    """When students can start and what has to happen first; a single row keyed by `key`."""

    __tablename__ = "enrollment_policy"
    __table_args__ = (
        # Day 29-31 does not exist in every month; the page's policy is the 1st.
        CheckConstraint("start_day_of_month BETWEEN 1 AND 28", name="start_day_in_every_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    source_page_id: Mapped[int] = mapped_column(ForeignKey("source_page.id", ondelete="RESTRICT"))
    start_day_of_month: Mapped[int] = mapped_column(Integer)
    start_rule: Mapped[str] = mapped_column(Text)
    start_rule_quote: Mapped[str] = mapped_column(Text)
    prerequisite: Mapped[str] = mapped_column(Text)
    prerequisite_quote: Mapped[str] = mapped_column(Text)
    year_round: Mapped[str] = mapped_column(Text)
    year_round_quote: Mapped[str] = mapped_column(Text)
    # How the programs are taught ("online"): what a student asking about campus needs first.
    delivery: Mapped[str] = mapped_column(Text)
    delivery_quote: Mapped[str] = mapped_column(Text)
    contact_role: Mapped[str] = mapped_column(String(200))
    contact_role_quote: Mapped[str] = mapped_column(Text)

    source_page: Mapped[SourcePage] = relationship()


class Counselor(Base):
    """An enrollment counselor students can book; hours are read in the counselor's `timezone`."""

    __tablename__ = "counselor"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))

    hours: Mapped[list[CounselorHours]] = relationship(
        back_populates="counselor",
        cascade="all, delete-orphan",
        order_by="(CounselorHours.weekday, CounselorHours.start_time)",
    )


class CounselorHours(Base):
    """One block of a counselor's weekly working hours (weekday 0 = Monday), in local time."""

    __tablename__ = "counselor_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("start_time < end_time", name="start_before_end"),
        UniqueConstraint(
            "counselor_id", "weekday", "start_time", name="uq_counselor_hours_counselor_day_start"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(
        ForeignKey("counselor.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)

    counselor: Mapped[Counselor] = relationship(back_populates="hours")


class AppointmentSlot(Base):
    """A bookable time with one counselor; generated from working hours, at most one per start."""

    __tablename__ = "appointment_slot"
    __table_args__ = (
        UniqueConstraint(
            "counselor_id", "starts_at", name="uq_appointment_slot_counselor_starts_at"
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(
        ForeignKey("counselor.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())

    counselor: Mapped[Counselor] = relationship()


class Lead(Base):
    """A student who asked to be contacted, with the consent that allows it.

    `program_code` is a plain string, not a foreign key: a lead must survive the catalog dropping a
    program, and NULL means the student is "not sure yet". Rows are only written with consent.
    """

    __tablename__ = "lead"
    __table_args__ = (
        CheckConstraint(
            "preferred_contact IN (" + ", ".join(f"'{m}'" for m in CONTACT_METHODS) + ")",
            name="known_contact_method",
        ),
        CheckConstraint("consent", name="consent_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    program_code: Mapped[str | None] = mapped_column(String(60))
    preferred_contact: Mapped[str] = mapped_column(String(10))
    consent: Mapped[bool] = mapped_column(Boolean)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    conversation_id: Mapped[str | None] = mapped_column(String(255), index=True)
    source_page: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="lead", cascade="all, delete-orphan", passive_deletes=True
    )


class Appointment(Base):
    """A lead's booking of a slot.

    `slot_id` is UNIQUE, so the database itself refuses a second booking of the same slot, also
    when two students commit at the same moment. Cancelling sets it to NULL (several NULLs are
    allowed) so the slot is free again; `starts_at` keeps the booked time for the record. A call's
    outcome (contacted, no_show) keeps the slot: recording what happened never reopens a time.
    """

    __tablename__ = "appointment"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in APPOINTMENT_STATUSES) + ")",
            name="known_status",
        ),
        CheckConstraint("(status = 'cancelled') = (slot_id IS NULL)", name="slot_unless_cancelled"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment_slot.id", ondelete="RESTRICT"), unique=True
    )
    counselor_id: Mapped[int] = mapped_column(ForeignKey("counselor.id", ondelete="RESTRICT"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    lead: Mapped[Lead] = relationship(back_populates="appointments")
    slot: Mapped[AppointmentSlot | None] = relationship()
    counselor: Mapped[Counselor] = relationship()


class OutboxEvent(Base):
    """A message for the enrollment CRM, written in the same transaction as the change it reports.

    The delivery worker posts it with `idempotency_key` until the CRM answers 2xx, so a change is
    never lost when the CRM is down and never applied twice by a CRM that honours the key.
    `lead_id` (no foreign key: the row outlives the lead) lets "delete my data" find the lead's
    undelivered messages.
    """

    __tablename__ = "outbox_event"
    __table_args__ = (CheckConstraint("attempts >= 0", name="attempts_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    lead_id: Mapped[int | None] = mapped_column(Integer, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SlotOffer(Base):
    """A slot shown to a conversation as a choice: only such a slot may be booked from it.

    Kept in the database, not in a Rasa slot, because a student can set Rasa slots by typing
    `/inform{...}`; a button payload with another slot id is then refused. One row per
    conversation and slot, its time refreshed when the slot is offered again.
    """

    __tablename__ = "slot_offer"
    __table_args__ = (
        UniqueConstraint("conversation_id", "slot_id", name="uq_slot_offer_conversation_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255))
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("appointment_slot.id", ondelete="CASCADE"), index=True
    )
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class BookingAttempt(Base):
    """One try to save a booking, counted per conversation and per client address over the last
    hour; rows older than a day are pruned. `client_id` is the channel's opaque hash of the
    address (NULL when the message carried none), never the address itself."""

    __tablename__ = "booking_attempt"
    __table_args__ = (
        Index("ix_booking_attempt_conversation_time", "conversation_id", "attempted_at"),
        Index("ix_booking_attempt_client_time", "client_id", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str | None] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ConfirmationEmail(Base):
    """A confirmation e-mail handed to the mail server, counted per address over the last day.

    Only a SHA-256 of the normalised, lower-cased address is kept: counting needs no more, and
    rows older than a day are pruned.
    """

    __tablename__ = "confirmation_email"
    __table_args__ = (Index("ix_confirmation_email_address_time", "address_hash", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


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

    claimer: Mapped[StaffAccount | None] = relationship()


# Who may use the staff console: a counselor sees their own calls, the office sees everyone's.
STAFF_ROLES = ("counselor", "office")


class StaffAccount(Base):
    """A person who signs in to the staff console (bot.accounts; managed with `python -m bot
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
    """One edit of a catalog fact in the staff console (bot.facts): who, when, the value, quote and
    source page before and after. A revert is a new row that writes back a change's old values and
    names it in `reverted_change_id`, so the history is only ever appended to. `fact_key` is the
    registry key ("program:computer_science:tuition_per_term_usd"), not a foreign key: the history
    outlives a fact the catalog drops. Pages are kept as the page's key or address."""

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
