"""Fact history: every change the office makes to a catalog fact in the staff console.

`fact_change` keeps the fact's registry key (bot.staff.facts), the value, quote and source page before
and after, the staff account that made the change and when. Reverting writes a new row whose
`reverted_change_id` names the change it undid, so nothing in the history is ever rewritten.

Revision ID: 0007_fact_history
Revises: 0006_handoff_claims
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_fact_history"
down_revision = "0006_handoff_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fact_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fact_key", sa.String(length=200), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("old_quote", sa.Text(), nullable=True),
        sa.Column("new_quote", sa.Text(), nullable=True),
        sa.Column("old_page", sa.String(length=300), nullable=True),
        sa.Column("new_page", sa.String(length=300), nullable=True),
        sa.Column("changed_by", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("reverted_change_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["staff_account.id"],
            name=op.f("fk_fact_change_changed_by_staff_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reverted_change_id"],
            ["fact_change.id"],
            name=op.f("fk_fact_change_reverted_change_id_fact_change"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact_change")),
    )
    op.create_index("ix_fact_change_key_time", "fact_change", ["fact_key", "changed_at"])


def downgrade() -> None:
    op.drop_index("ix_fact_change_key_time", table_name="fact_change")
    op.drop_table("fact_change")
