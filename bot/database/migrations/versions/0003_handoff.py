"""Create the handoff table: students waiting for a counselor to join their conversation.

Revision ID: 0003_handoff
Revises: 0002_booking_tables
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_handoff"
down_revision = "0002_booking_tables"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('waiting', 'closed')", name=op.f("ck_handoff_known_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff")),
    )
    with op.batch_alter_table("handoff") as batch:
        batch.create_index(batch.f("ix_handoff_conversation_id"), ["conversation_id"])


def downgrade() -> None:
    op.drop_table("handoff")
