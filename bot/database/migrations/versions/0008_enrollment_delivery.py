"""Enrollment policy: how the programs are taught (`delivery`, "Our degree programs are online").

Students ask whether they must come to a campus as often as when they can start; the page
answers it, so the answer is a fact of the database like the others, with its quote. Existing
rows get an empty value until `python -m bot db seed` fills it from bot/knowledge/catalog.yml.

Revision ID: 0008_enrollment_delivery
Revises: 0007_fact_history
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_enrollment_delivery"
down_revision = "0007_fact_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enrollment_policy") as batch:
        batch.add_column(sa.Column("delivery", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("delivery_quote", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("enrollment_policy") as batch:
        batch.drop_column("delivery_quote")
        batch.drop_column("delivery")
