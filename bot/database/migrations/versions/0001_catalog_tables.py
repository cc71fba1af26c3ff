"""Create the program catalog tables.

The first schema: source pages, the career with its lists, the programs with their certifications,
careers and typed aliases, and the enrollment (start date) policy.

Revision ID: 0001_catalog_tables
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_catalog_tables"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("publisher", sa.String(length=300), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_page")),
        sa.UniqueConstraint("key", name=op.f("uq_source_page_key")),
    )

    op.create_table(
        "career",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("source_page_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_quote", sa.Text(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("goal_quote", sa.Text(), nullable=False),
        sa.Column("collaboration", sa.Text(), nullable=False),
        sa.Column("collaboration_quote", sa.Text(), nullable=False),
        sa.Column("suited_to", sa.Text(), nullable=False),
        sa.Column("suited_to_quote", sa.Text(), nullable=False),
        sa.Column("ai_relation", sa.Text(), nullable=False),
        sa.Column("ai_relation_quote", sa.Text(), nullable=False),
        sa.Column("degree_requirement", sa.Text(), nullable=False),
        sa.Column("degree_requirement_quote", sa.Text(), nullable=False),
        sa.Column("senior_degree_requirement", sa.Text(), nullable=False),
        sa.Column("senior_degree_requirement_quote", sa.Text(), nullable=False),
        sa.Column("certifications_required", sa.Boolean(), nullable=False),
        sa.Column("certifications_required_text", sa.Text(), nullable=False),
        sa.Column("certifications_required_quote", sa.Text(), nullable=False),
        sa.Column("certifications_note", sa.Text(), nullable=False),
        sa.Column("certifications_note_quote", sa.Text(), nullable=False),
        sa.Column("salary_average_usd", sa.Integer(), nullable=False),
        sa.Column("salary_low_usd", sa.Integer(), nullable=False),
        sa.Column("salary_high_usd", sa.Integer(), nullable=False),
        sa.Column("salary_quote", sa.Text(), nullable=False),
        sa.Column("job_growth_percent", sa.Integer(), nullable=False),
        sa.Column("job_growth_through_year", sa.Integer(), nullable=False),
        sa.Column("job_growth_quote", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "job_growth_percent BETWEEN 0 AND 1000",
            name=op.f("ck_career_job_growth_percent_range"),
        ),
        sa.CheckConstraint(
            "salary_low_usd > 0 AND salary_low_usd <= salary_average_usd AND salary_average_usd <= salary_high_usd",
            name=op.f("ck_career_salary_range_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["source_page_id"],
            ["source_page.id"],
            name=op.f("fk_career_source_page_id_source_page"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_career")),
        sa.UniqueConstraint("slug", name=op.f("uq_career_slug")),
    )

    op.create_table(
        "enrollment_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("source_page_id", sa.Integer(), nullable=False),
        sa.Column("start_day_of_month", sa.Integer(), nullable=False),
        sa.Column("start_rule", sa.Text(), nullable=False),
        sa.Column("start_rule_quote", sa.Text(), nullable=False),
        sa.Column("prerequisite", sa.Text(), nullable=False),
        sa.Column("prerequisite_quote", sa.Text(), nullable=False),
        sa.Column("year_round", sa.Text(), nullable=False),
        sa.Column("year_round_quote", sa.Text(), nullable=False),
        sa.Column("contact_role", sa.String(length=200), nullable=False),
        sa.Column("contact_role_quote", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "start_day_of_month BETWEEN 1 AND 28",
            name=op.f("ck_enrollment_policy_start_day_in_every_month"),
        ),
        sa.ForeignKeyConstraint(
            ["source_page_id"],
            ["source_page.id"],
            name=op.f("fk_enrollment_policy_source_page_id_source_page"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollment_policy")),
        sa.UniqueConstraint("key", name=op.f("uq_enrollment_policy_key")),
    )

    op.create_table(
        "program",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("source_page_id", sa.Integer(), nullable=False),
        sa.Column("tagline", sa.Text(), nullable=False),
        sa.Column("tagline_quote", sa.Text(), nullable=False),
        sa.Column("completion_text", sa.Text(), nullable=False),
        sa.Column("completion_share_percent", sa.Integer(), nullable=False),
        sa.Column("completion_months", sa.Integer(), nullable=False),
        sa.Column("completion_quote", sa.Text(), nullable=False),
        sa.Column("tuition_per_term_usd", sa.Integer(), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("tuition_quote", sa.Text(), nullable=False),
        sa.Column("transfer_text", sa.Text(), nullable=True),
        sa.Column("transfer_quote", sa.Text(), nullable=True),
        sa.Column("certifications_note", sa.Text(), nullable=False),
        sa.Column("certifications_note_quote", sa.Text(), nullable=False),
        sa.Column("careers_note", sa.Text(), nullable=False),
        sa.Column("careers_note_quote", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "completion_months > 0",
            name=op.f("ck_program_completion_months_positive"),
        ),
        sa.CheckConstraint(
            "completion_share_percent BETWEEN 1 AND 100",
            name=op.f("ck_program_completion_share_range"),
        ),
        sa.CheckConstraint("term_months > 0", name=op.f("ck_program_term_months_positive")),
        sa.CheckConstraint("tuition_per_term_usd > 0", name=op.f("ck_program_tuition_positive")),
        sa.ForeignKeyConstraint(
            ["source_page_id"],
            ["source_page.id"],
            name=op.f("fk_program_source_page_id_source_page"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program")),
        sa.UniqueConstraint("code", name=op.f("uq_program_code")),
    )

    op.create_table(
        "career_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("career_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("source_page_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('related_role', 'duty', 'certification', 'degree_field', 'degree_benefit', 'skill', 'programming_language', 'ml_framework', 'math_topic', 'salary_factor', 'growth_driver', 'industry')",
            name=op.f("ck_career_item_known_kind"),
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_career_item_position_not_negative")),
        sa.ForeignKeyConstraint(
            ["career_id"],
            ["career.id"],
            name=op.f("fk_career_item_career_id_career"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_page_id"],
            ["source_page.id"],
            name=op.f("fk_career_item_source_page_id_source_page"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_career_item")),
        sa.UniqueConstraint("career_id", "kind", "name", name="uq_career_item_career_kind_name"),
    )

    op.create_index(op.f("ix_career_item_career_id"), "career_item", ["career_id"], unique=False)
    op.create_table(
        "program_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_program_alias_program_id_program"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_alias")),
        sa.UniqueConstraint("alias", name=op.f("uq_program_alias_alias")),
    )

    op.create_index(
        op.f("ix_program_alias_program_id"), "program_alias", ["program_id"], unique=False
    )
    op.create_table(
        "program_career",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_program_career_program_id_program"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_career")),
        sa.UniqueConstraint("program_id", "name", name="uq_program_career_program_name"),
    )

    op.create_index(
        op.f("ix_program_career_program_id"), "program_career", ["program_id"], unique=False
    )
    op.create_table(
        "program_certification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_program_certification_program_id_program"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_certification")),
        sa.UniqueConstraint("program_id", "name", name="uq_program_certification_program_name"),
    )

    op.create_index(
        op.f("ix_program_certification_program_id"),
        "program_certification",
        ["program_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_program_certification_program_id"), table_name="program_certification")
    op.drop_table("program_certification")
    op.drop_index(op.f("ix_program_career_program_id"), table_name="program_career")
    op.drop_table("program_career")
    op.drop_index(op.f("ix_program_alias_program_id"), table_name="program_alias")
    op.drop_table("program_alias")
    op.drop_index(op.f("ix_career_item_career_id"), table_name="career_item")
    op.drop_table("career_item")
    op.drop_table("program")
    op.drop_table("enrollment_policy")
    op.drop_table("career")
    op.drop_table("source_page")
