"""Create the booking tables: counselors and hours, slots, leads, appointments, the CRM outbox.

Revision ID: 0002_booking_tables
Revises: 0001_catalog_tables
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_booking_tables"
down_revision = "0001_catalog_tables"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counselor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counselor")),
        sa.UniqueConstraint("email", name=op.f("uq_counselor_email")),
    )

    op.create_table(
        "counselor_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.CheckConstraint(
            "weekday BETWEEN 0 AND 6", name=op.f("ck_counselor_hours_weekday_range")
        ),
        sa.CheckConstraint(
            "start_time < end_time", name=op.f("ck_counselor_hours_start_before_end")
        ),
        sa.ForeignKeyConstraint(
            ["counselor_id"],
            ["counselor.id"],
            name=op.f("fk_counselor_hours_counselor_id_counselor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counselor_hours")),
        sa.UniqueConstraint(
            "counselor_id", "weekday", "start_time", name="uq_counselor_hours_counselor_day_start"
        ),
    )
    with op.batch_alter_table("counselor_hours") as batch:
        batch.create_index(batch.f("ix_counselor_hours_counselor_id"), ["counselor_id"])

    op.create_table(
        "appointment_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "ends_at > starts_at", name=op.f("ck_appointment_slot_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["counselor_id"],
            ["counselor.id"],
            name=op.f("fk_appointment_slot_counselor_id_counselor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_slot")),
        sa.UniqueConstraint(
            "counselor_id", "starts_at", name="uq_appointment_slot_counselor_starts_at"
        ),
    )
    with op.batch_alter_table("appointment_slot") as batch:
        batch.create_index(batch.f("ix_appointment_slot_counselor_id"), ["counselor_id"])
        batch.create_index(batch.f("ix_appointment_slot_starts_at"), ["starts_at"])

    op.create_table(
        "lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("program_code", sa.String(length=60), nullable=True),
        sa.Column("preferred_contact", sa.String(length=10), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("consent_at", sa.DateTime(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=True),
        sa.Column("source_page", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("consent", name=op.f("ck_lead_consent_given")),
        sa.CheckConstraint(
            "preferred_contact IN ('email', 'phone', 'text')",
            name=op.f("ck_lead_known_contact_method"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead")),
    )
    with op.batch_alter_table("lead") as batch:
        batch.create_index(batch.f("ix_lead_email"), ["email"])
        batch.create_index(batch.f("ix_lead_conversation_id"), ["conversation_id"])

    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column("counselor_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(status = 'booked') = (slot_id IS NOT NULL)",
            name=op.f("ck_appointment_booked_iff_slot"),
        ),
        sa.CheckConstraint(
            "status IN ('booked', 'cancelled')", name=op.f("ck_appointment_known_status")
        ),
        sa.ForeignKeyConstraint(
            ["counselor_id"],
            ["counselor.id"],
            name=op.f("fk_appointment_counselor_id_counselor"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["lead.id"], name=op.f("fk_appointment_lead_id_lead"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["appointment_slot.id"],
            name=op.f("fk_appointment_slot_id_appointment_slot"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment")),
        sa.UniqueConstraint("reference", name=op.f("uq_appointment_reference")),
        sa.UniqueConstraint("slot_id", name=op.f("uq_appointment_slot_id")),
    )
    with op.batch_alter_table("appointment") as batch:
        batch.create_index(batch.f("ix_appointment_lead_id"), ["lead_id"])

    op.create_table(
        "outbox_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=60), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_event_attempts_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_event")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_event_idempotency_key")),
    )
    with op.batch_alter_table("outbox_event") as batch:
        batch.create_index(batch.f("ix_outbox_event_lead_id"), ["lead_id"])
        batch.create_index(batch.f("ix_outbox_event_next_attempt_at"), ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("outbox_event")
    op.drop_table("appointment")
    op.drop_table("lead")
    op.drop_table("appointment_slot")
    op.drop_table("counselor_hours")
    op.drop_table("counselor")
