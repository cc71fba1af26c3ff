"""Knowledge base: the answers the office writes in the console, matched by meaning at run time.

`knowledge_base_entry` holds the answer, link, status (draft or published) and who changed it;
`knowledge_base_phrasing` the ways a student may ask for it; `knowledge_base_change` every change
with the entry before and after (for the history and revert); `knowledge_base_revision` one row
whose number every change bumps, which the Rasa server's matcher polls (bot/database/models/
knowledge_base.py).

Revision ID: 0009_knowledge_base
Revises: 0008_enrollment_delivery
Create Date: 2026-12-07
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0009_knowledge_base"
down_revision = "0008_enrollment_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    revision_table = op.create_table(
        "knowledge_base_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_base_revision")),
    )
    op.bulk_insert(
        revision_table,
        [{"id": 1, "revision": 0, "changed_at": datetime.now(timezone.utc).replace(tzinfo=None)}],
    )
    op.create_table(
        "knowledge_base_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "origin IN ('office', 'career_guide')",
            name=op.f("ck_knowledge_base_entry_known_origin"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'published')", name=op.f("ck_knowledge_base_entry_known_status")
        ),
        sa.CheckConstraint(
            "length(answer) <= 1500", name=op.f("ck_knowledge_base_entry_answer_length")
        ),
        sa.CheckConstraint("length(link) <= 500", name=op.f("ck_knowledge_base_entry_link_length")),
        sa.CheckConstraint(
            "length(title) <= 120", name=op.f("ck_knowledge_base_entry_title_length")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["staff_account.id"],
            name=op.f("fk_knowledge_base_entry_updated_by_staff_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_base_entry")),
    )
    op.create_index(
        op.f("ix_knowledge_base_entry_status"), "knowledge_base_entry", ["status"], unique=False
    )
    op.create_table(
        "knowledge_base_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("reverted_change_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "action IN ('created', 'edited', 'published', 'unpublished', 'reverted', 'imported')",
            name=op.f("ck_knowledge_base_change_known_action"),
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["staff_account.id"],
            name=op.f("fk_knowledge_base_change_changed_by_staff_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["knowledge_base_entry.id"],
            name=op.f("fk_knowledge_base_change_entry_id_knowledge_base_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reverted_change_id"],
            ["knowledge_base_change.id"],
            name=op.f("fk_knowledge_base_change_reverted_change_id_knowledge_base_change"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_base_change")),
    )
    op.create_index(
        op.f("ix_knowledge_base_change_entry_id"),
        "knowledge_base_change",
        ["entry_id"],
        unique=False,
    )
    op.create_table(
        "knowledge_base_phrasing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "length(text) <= 300", name=op.f("ck_knowledge_base_phrasing_text_length")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["knowledge_base_entry.id"],
            name=op.f("fk_knowledge_base_phrasing_entry_id_knowledge_base_entry"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_base_phrasing")),
    )
    op.create_index(
        op.f("ix_knowledge_base_phrasing_entry_id"),
        "knowledge_base_phrasing",
        ["entry_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_knowledge_base_phrasing_entry_id"), table_name="knowledge_base_phrasing")
    op.drop_table("knowledge_base_phrasing")
    op.drop_index(op.f("ix_knowledge_base_change_entry_id"), table_name="knowledge_base_change")
    op.drop_table("knowledge_base_change")
    op.drop_index(op.f("ix_knowledge_base_entry_status"), table_name="knowledge_base_entry")
    op.drop_table("knowledge_base_entry")
    op.drop_table("knowledge_base_revision")
