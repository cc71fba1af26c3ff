"""Booking tables: counselors, hours, slots, leads, appointments, the CRM outbox, and the abuse
controls' offered slots, booking attempts and confirmation e-mails.

Written and read only by `bot.booking` (and counted by the staff side). Times are UTC.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.database.models.base import Base, UTCDateTime

# How a student wants to be contacted; a CHECK keeps the set closed.
CONTACT_METHODS = ("email", "phone", "text")

# An appointment is booked, then cancelled (which releases its slot) or, once the counselor has
# called, marked contacted or no_show (the slot stays with it: see migration 0005).
APPOINTMENT_STATUSES = ("booked", "cancelled", "contacted", "no_show")


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
    # The conversation's language when the student booked ("en" or "es"): the counselor calls in it.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

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
