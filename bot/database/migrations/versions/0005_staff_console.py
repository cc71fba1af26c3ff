"""Staff console: staff accounts, failed sign-ins, and the outcome of a counselor's call.

`staff_account` holds who may sign in to /console (Argon2id hashes only) and `login_failure`
the failed sign-ins that throttle password guessing.

An appointment may now also be `contacted` or `no_show`, which the counselor records after the
call. Those keep their slot: the old rule "booked iff it holds a slot" becomes "holds a slot
unless cancelled". Releasing the slot instead would make a time whose call already took place
(or was missed) bookable again as soon as someone clicked a button, for instance a counselor who
records "contacted" before the booked hour because they reached the student early; recording
what happened should never change the calendar. Only a cancellation frees a slot, as before.

Downgrade turns `contacted` and `no_show` back into `booked` (they hold their slot, which the old
rule requires of a booked appointment).

Revision ID: 0005_staff_console
Revises: 0004_booking_limits
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_staff_console"
down_revision = "0004_booking_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('counselor', 'office')", name=op.f("ck_staff_account_known_role")
        ),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_staff_account_email_lower_case")),
        sa.ForeignKeyConstraint(
            ["counselor_id"],
            ["counselor.id"],
            name=op.f("fk_staff_account_counselor_id_counselor"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_account")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_account_email")),
    )

    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("failed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    with op.batch_alter_table("login_failure") as batch:
        batch.create_index("ix_login_failure_email_time", ["email", "failed_at"])
        batch.create_index(batch.f("ix_login_failure_failed_at"), ["failed_at"])

    with op.batch_alter_table("appointment") as batch:
        batch.drop_constraint(op.f("ck_appointment_booked_iff_slot"), type_="check")
        batch.drop_constraint(op.f("ck_appointment_known_status"), type_="check")
        batch.create_check_constraint(
            op.f("ck_appointment_known_status"),
            sa.text("status IN ('booked', 'cancelled', 'contacted', 'no_show')"),
        )
        batch.create_check_constraint(
            op.f("ck_appointment_slot_unless_cancelled"),
            sa.text("(status = 'cancelled') = (slot_id IS NULL)"),
        )


def downgrade() -> None:
    op.execute(
        sa.text("UPDATE appointment SET status = 'booked' WHERE status IN ('contacted', 'no_show')")
    )
    with op.batch_alter_table("appointment") as batch:
        batch.drop_constraint(op.f("ck_appointment_slot_unless_cancelled"), type_="check")
        batch.drop_constraint(op.f("ck_appointment_known_status"), type_="check")
        batch.create_check_constraint(
            op.f("ck_appointment_known_status"), sa.text("status IN ('booked', 'cancelled')")
        )
        batch.create_check_constraint(
            op.f("ck_appointment_booked_iff_slot"),
            sa.text("(status = 'booked') = (slot_id IS NOT NULL)"),
        )
    op.drop_table("login_failure")
    op.drop_table("staff_account")
