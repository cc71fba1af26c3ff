"""Create the booking abuse-control tables: slots offered per conversation, booking attempts,
and confirmation e-mails sent (abuse controls).

Revision ID: 0004_booking_limits
Revises: 0003_handoff
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_booking_limits"
down_revision = "0003_handoff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slot_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("offered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["appointment_slot.id"],
            name=op.f("fk_slot_offer_slot_id_appointment_slot"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slot_offer")),
        sa.UniqueConstraint("conversation_id", "slot_id", name="uq_slot_offer_conversation_slot"),
    )
    with op.batch_alter_table("slot_offer") as batch:
        batch.create_index(batch.f("ix_slot_offer_slot_id"), ["slot_id"])
        batch.create_index(batch.f("ix_slot_offer_offered_at"), ["offered_at"])

    op.create_table(
        "booking_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("attempted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_attempt")),
    )
    with op.batch_alter_table("booking_attempt") as batch:
        batch.create_index(
            "ix_booking_attempt_conversation_time", ["conversation_id", "attempted_at"]
        )
        batch.create_index("ix_booking_attempt_client_time", ["client_id", "attempted_at"])
        batch.create_index(batch.f("ix_booking_attempt_attempted_at"), ["attempted_at"])

    op.create_table(
        "confirmation_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confirmation_email")),
    )
    with op.batch_alter_table("confirmation_email") as batch:
        batch.create_index("ix_confirmation_email_address_time", ["address_hash", "sent_at"])
        batch.create_index(batch.f("ix_confirmation_email_sent_at"), ["sent_at"])


def downgrade() -> None:
    op.drop_table("confirmation_email")
    op.drop_table("booking_attempt")
    op.drop_table("slot_offer")
