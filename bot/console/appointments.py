"""The appointments a staff member sees and the outcomes they record.

A counselor sees and changes only the calls on their own calendar; the office sees and changes
everyone's. A cancellation goes through `bot.booking.service.cancel`, exactly as a student's
does (the slot is freed and the CRM hears `appointment.cancelled`); "contacted" and "no-show"
keep the slot and tell the CRM `appointment.contacted` / `appointment.no_show`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, contains_eager, sessionmaker

from bot.booking import service
from bot.booking.appointment_times import utc_now
from bot.booking.crm import outbox
from bot.console.auth import Forbidden
from bot.database.models import Appointment, Counselor, Lead, Program
from bot.safe_io.spreadsheet import text_cell
from bot.staff.accounts import StaffUser

# What a button may set, and from which statuses: a call's outcome may be corrected
# (contacted <-> no_show); a cancelled call stays cancelled.
OUTCOMES = {
    "contacted": ("booked", "no_show"),
    "no_show": ("booked", "contacted"),
    "cancelled": ("booked",),
}
STATUS_LABELS = {
    "booked": "Booked",
    "contacted": "Contacted",
    "no_show": "No-show",
    "cancelled": "Cancelled",
}
CONTACT_LABELS = {"email": "E-mail", "phone": "Phone call", "text": "Text message"}
CSV_FIELDS = (
    "reference",
    "status",
    "starts_at",
    "ends_at",
    "counselor",
    "full_name",
    "email",
    "phone",
    "preferred_contact",
    "program",
    "language",
)
# Appointment, counselor name, program name (NULL when the catalog lacks the code: outer join).
_Rows = Select[tuple[Appointment, str, str]]


class OutcomeRefused(Exception):
    """The outcome cannot be recorded (e.g. already cancelled); the message says why."""


@dataclass(frozen=True)
class AppointmentRow:
    reference: str
    starts_at: datetime  # in the school's zone
    ends_at: datetime
    status: str
    counselor_name: str
    full_name: str
    email: str
    phone: str | None
    preferred_contact: str
    program: str  # the program's name, the stored code if the catalog lost it, or "Not sure yet"
    language: str = "en"  # the conversation's, when the student booked: call in it

    def actions(self, now: datetime) -> tuple[str, ...]:
        """The outcomes that may be recorded now (no-show only once the call's time began)."""
        return tuple(
            outcome
            for outcome, sources in OUTCOMES.items()
            if self.status in sources and (outcome != "no_show" or self.starts_at <= now)
        )


def start_of_today(zone: ZoneInfo, now: datetime | None = None) -> datetime:
    local = (now or utc_now()).astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def upcoming(
    factory: sessionmaker[Session], user: StaffUser, zone: ZoneInfo, now: datetime | None = None
) -> list[AppointmentRow]:
    """Today's calls (from midnight in `zone`) and every later one, soonest first."""
    since = start_of_today(zone, now)
    with factory() as session:
        query = _visible(user).where(Appointment.starts_at >= since)
        return _rows(session, query, zone)


def all_rows(
    factory: sessionmaker[Session], user: StaffUser, zone: ZoneInfo
) -> list[AppointmentRow]:
    """Every appointment the account may see, past ones included (the CSV export)."""
    with factory() as session:
        return _rows(session, _visible(user), zone)


def record_outcome(
    factory: sessionmaker[Session],
    user: StaffUser,
    reference: str,
    outcome: str,
    now: datetime | None = None,
) -> None:
    """Set `outcome` on the appointment, with its CRM message, if `user` may."""
    if outcome not in OUTCOMES:
        raise OutcomeRefused("Unknown outcome.")
    now = now or utc_now()
    if outcome == "cancelled":
        with factory() as session:
            _check(_appointment(session, reference), user, outcome, now)
        try:
            service.cancel(factory, reference, now=now)
        except service.AppointmentNotFound:
            raise OutcomeRefused(f"{reference} is no longer booked.") from None
        return
    with factory() as session, session.begin():
        appointment = _appointment(session, reference)
        _check(appointment, user, outcome, now)
        appointment.status = outcome
        appointment.updated_at = now
        session.flush()
        session.add(
            outbox.outbox_event(
                f"appointment.{outcome}",
                service.appointment_payload(appointment),
                lead_id=appointment.lead_id,
                now=now,
            )
        )


def write_csv(rows: Iterable[AppointmentRow]) -> str:
    """CSV with times in the school's zone; free text that starts like a formula is quoted with
    an apostrophe, so it stays text in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for row in rows:
        writer.writerow(
            text_cell(value)
            for value in (
                row.reference,
                row.status,
                row.starts_at.isoformat(),
                row.ends_at.isoformat(),
                row.counselor_name,
                row.full_name,
                row.email,
                row.phone or "",
                row.preferred_contact,
                row.program,
                row.language,
            )
        )
    return out.getvalue()


def _visible(user: StaffUser) -> _Rows:
    query: _Rows = (
        select(Appointment, Counselor.name, Program.display_name)
        .join(Counselor, Counselor.id == Appointment.counselor_id)
        .join(Lead, Lead.id == Appointment.lead_id)
        .outerjoin(Program, Program.code == Lead.program_code)
        # The lead comes with its appointment in the same row: one query for the whole list,
        # not one more per appointment (2,000 of them took the office's CSV over a second).
        .options(contains_eager(Appointment.lead))
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if user.role != "office":
        # A counselor without a linked calendar sees nothing (id -1 matches no row).
        query = query.where(Appointment.counselor_id == (user.counselor_id or -1))
    return query


def _rows(session: Session, query: _Rows, zone: ZoneInfo) -> list[AppointmentRow]:
    rows = []
    for appointment, counselor_name, program_name in session.execute(query):
        lead = appointment.lead
        rows.append(
            AppointmentRow(
                reference=appointment.reference,
                starts_at=appointment.starts_at.astimezone(zone),
                ends_at=appointment.ends_at.astimezone(zone),
                status=appointment.status,
                counselor_name=counselor_name,
                full_name=lead.full_name,
                email=lead.email,
                phone=lead.phone,
                preferred_contact=lead.preferred_contact,
                program=program_name or lead.program_code or "Not sure yet",
                language=lead.language,
            )
        )
    return rows


def _appointment(session: Session, reference: str) -> Appointment:
    appointment = session.scalars(
        select(Appointment).where(Appointment.reference == service.normalise_reference(reference))
    ).first()
    if appointment is None:
        raise OutcomeRefused("There is no appointment with that reference.")
    return appointment


def _check(appointment: Appointment, user: StaffUser, outcome: str, now: datetime) -> None:
    if user.role != "office" and appointment.counselor_id != user.counselor_id:
        raise Forbidden("That appointment is on another counselor's calendar.")
    if appointment.status not in OUTCOMES[outcome]:
        label = STATUS_LABELS.get(appointment.status, appointment.status).lower()
        raise OutcomeRefused(f"{appointment.reference} is {label}; that cannot be changed here.")
    if outcome == "no_show" and appointment.starts_at > now:
        raise OutcomeRefused(
            f"{appointment.reference} has not started yet; mark a no-show after its time."
        )
