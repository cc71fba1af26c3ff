"""The conversation's language on a handoff and on a lead, for the counselor who answers.

A counselor who joins a conversation, or calls a student back, should know before the first word
that the student wrote in Spanish. Existing rows were all English conversations.

Revision ID: 0011_conversation_language
Revises: 0010_catalog_translation
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_conversation_language"
down_revision = "0010_catalog_translation"
branch_labels = None
depends_on = None

TABLES = ("handoff", "lead")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("language", sa.String(length=8), nullable=False, server_default="en")
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("language")
