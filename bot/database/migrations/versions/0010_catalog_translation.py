"""Catalog translations: reviewed Spanish wording of the catalog's descriptive text.

One row per piece of English wording and language, keyed by the English itself (its sha256), so
a fact edited since its translation was reviewed is shown in English rather than as a
translation of the old fact. Filled by `python -m bot db seed` from bot/knowledge/catalog_es.yml.

Revision ID: 0010_catalog_translation
Revises: 0009_knowledge_base
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_catalog_translation"
down_revision = "0009_knowledge_base"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("english_sha256", sa.String(length=64), nullable=False),
        sa.Column("english", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_translation")),
        sa.UniqueConstraint(
            "language", "english_sha256", name=op.f("uq_catalog_translation_language")
        ),
    )


def downgrade() -> None:
    op.drop_table("catalog_translation")
