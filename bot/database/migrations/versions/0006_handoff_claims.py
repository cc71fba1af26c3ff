"""Handoff claims: which counselor has taken a waiting conversation in the console's live inbox.

`handoff.claimed_by` (the staff account) and `claimed_at` let two counselors see that a student
is already being answered, so they never both reply. A claim is cleared when its account is
deleted (the conversation goes back to unclaimed, still waiting).

Revision ID: 0006_handoff_claims
Revises: 0005_staff_console
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_handoff_claims"
down_revision = "0005_staff_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoff") as batch:
        batch.add_column(sa.Column("claimed_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_handoff_claimed_by_staff_account"),
            "staff_account",
            ["claimed_by"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("handoff") as batch:
        batch.drop_constraint(batch.f("fk_handoff_claimed_by_staff_account"), type_="foreignkey")
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
