"""The bookings side of the report, read from the program database: who booked, for which
program."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.database.models import Appointment, Lead, Program
from bot.staff.insights.report import CANCELLED_STATUS, CONTACTED_STATUSES, Period, ProgramBookings


def bookings_by_program(program: Session, period: Period) -> tuple[ProgramBookings, ...]:
    """The bookings made in `period`, by the program the student named, most booked first."""
    count = sa.func.count(Appointment.id)
    query = (
        sa.select(
            Lead.program_code,
            Program.display_name,
            count,
            count_if(Appointment.status == CANCELLED_STATUS),
            count_if(Appointment.status.in_(CONTACTED_STATUSES)),
        )
        .join(Lead, Lead.id == Appointment.lead_id)
        .outerjoin(Program, Program.code == Lead.program_code)
        .where(*_made_within(period))
        .group_by(Lead.program_code, Program.display_name)
        .order_by(count.desc(), Lead.program_code)
    )
    return tuple(
        ProgramBookings(
            program_code=code,
            program=name or code or "(no program named)",
            bookings=bookings,
            cancelled=int(cancelled or 0),
            contacted=int(contacted or 0),
        )
        for code, name, bookings, cancelled, contacted in program.execute(query)
    )


def bookings_by_conversation(program: Session, period: Period) -> dict[str, set[str]]:
    """The statuses of the bookings made in `period`, by the conversation they were made in."""
    statuses: dict[str, set[str]] = defaultdict(set)
    query = (
        sa.select(Lead.conversation_id, Appointment.status)
        .join(Lead, Lead.id == Appointment.lead_id)
        .where(Lead.conversation_id.is_not(None), *_made_within(period))
    )
    for conversation, status in program.execute(query):
        statuses[conversation].add(status)
    return statuses


def _made_within(period: Period) -> tuple[Any, ...]:
    return (Appointment.created_at >= period.start, Appointment.created_at < period.end)


def count_if(condition: Any) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))
