"""`python -m bot retention purge --older-than DAYS`: what is older than the period goes, what is
recent or still ahead (an upcoming booking) stays; a dry run counts the same and deletes nothing.
Runs on SQLite and, when reachable, PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import cli
from bot.booking.appointment_times import utc_now
from bot.database.db import engine_for
from bot.database.models import Appointment, AppointmentSlot, Counselor, Handoff, Lead, OutboxEvent
from bot.privacy import retention
from tests.unit.tracker_store_double import create_tracker_store

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=timezone.utc)
DAYS = 30
_numbers = itertools.count(1)


def ago(days: float, now: datetime = NOW) -> datetime:
    return now - timedelta(days=days)


# ---- program database ------------------------------------------------------------------------


def add_lead(
    session: Session, name: str, created: datetime, bookings: tuple[tuple[datetime, str], ...] = ()
) -> Lead:
    """A lead with bookings given as (start, status); a booking was last changed when made."""
    lead = Lead(
        full_name=name,
        email=f"{name}@example.org",
        phone="+13035550199",
        program_code=None,
        preferred_contact="email",
        consent=True,
        consent_at=created,
        conversation_id=f"chat-{name}",
        source_page=None,
        created_at=created,
    )
    session.add(lead)
    session.flush()
    counselor_id = session.scalars(select(Counselor.id)).first()
    for starts, status in bookings:
        number = next(_numbers)
        # Seven minutes past: never the start of a generated slot.
        starts = starts.replace(minute=7, second=number % 60)
        slot = AppointmentSlot(
            counselor_id=counselor_id, starts_at=starts, ends_at=starts + timedelta(minutes=30)
        )
        session.add(slot)
        session.flush()
        session.add(
            Appointment(
                lead_id=lead.id,
                slot_id=slot.id if status == "booked" else None,
                counselor_id=counselor_id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=30),
                status=status,
                reference=f"REF{number:05d}",
                created_at=created,
                updated_at=created,
            )
        )
    return lead


def add_outbox(
    session: Session,
    event_type: str,
    created: datetime,
    delivered: datetime | None,
    lead_id: int | None = None,
    payload: dict | None = None,
) -> None:
    session.add(
        OutboxEvent(
            event_type=event_type,
            payload=payload or {"event": event_type},
            idempotency_key=f"key-{next(_numbers)}",
            lead_id=lead_id,
            attempts=0,
            next_attempt_at=created,
            delivered_at=delivered,
            created_at=created,
        )
    )


def add_handoff(
    session: Session, name: str, requested: datetime, closed: datetime | None
) -> Handoff:
    handoff = Handoff(
        conversation_id=f"chat-{name}",
        status="closed" if closed else "waiting",
        transcript=[{"from": "student", "text": f"I am {name}"}],
        requested_at=requested,
        closed_at=closed,
    )
    session.add(handoff)
    session.flush()
    return handoff


def seed_program_data(factory: sessionmaker[Session], now: datetime = NOW) -> None:
    with factory() as session, session.begin():
        # Purged: old, and their bookings were long ago (or there were none).
        past = add_lead(session, "past", ago(100, now), ((ago(90, now), "booked"),))
        add_lead(session, "never-booked", ago(100, now))
        add_lead(session, "cancelled-long-ago", ago(100, now), ((ago(80, now), "cancelled"),))
        # Kept: an upcoming booking, a recent lead, a call within the period.
        add_lead(session, "upcoming", ago(100, now), ((now + timedelta(days=3), "booked"),))
        add_lead(session, "recent", ago(10, now))
        add_lead(session, "recent-call", ago(100, now), ((ago(10, now), "booked"),))

        old_handoff = add_handoff(session, "old", ago(90, now), ago(60, now))
        add_handoff(session, "waiting", ago(5, now), None)
        add_handoff(session, "closed-lately", ago(100, now), ago(10, now))

        add_outbox(session, "appointment.booked", ago(100, now), ago(60, now))  # purged
        add_outbox(session, "appointment.booked", ago(100, now), None, lead_id=past.id)  # purged
        add_outbox(
            session, "handoff.requested", ago(90, now), None, payload={"handoff_id": old_handoff.id}
        )  # purged with its handoff
        add_outbox(session, "appointment.booked", ago(10, now), ago(5, now))  # kept: recent
        add_outbox(session, "lead.deleted", ago(100, now), None)  # kept: not delivered yet


def remaining(factory: sessionmaker[Session]) -> dict[str, object]:
    with factory() as session:
        return {
            "leads": sorted(session.scalars(select(Lead.full_name))),
            "bookings": session.scalar(select(sa.func.count()).select_from(Appointment)),
            "handoffs": sorted(session.scalars(select(Handoff.conversation_id))),
            "outbox": session.scalar(select(sa.func.count()).select_from(OutboxEvent)),
        }


KEPT = {
    "leads": ["recent", "recent-call", "upcoming"],
    "bookings": 2,
    "handoffs": ["chat-closed-lately", "chat-waiting"],
    "outbox": 2,
}
PURGED = retention.ProgramDataPurge(leads=3, bookings=2, handoffs=1, outbox_events=3)


def test_purge_deletes_only_what_is_older_than_the_period(
    booking_factory: sessionmaker[Session],
) -> None:
    seed_program_data(booking_factory)
    before = retention.cutoff(DAYS, NOW)
    assert retention.purge_program_data(booking_factory, before) == PURGED
    assert remaining(booking_factory) == KEPT
    # Nothing left to purge: a second run deletes nothing.
    assert retention.purge_program_data(booking_factory, before) == retention.ProgramDataPurge(
        0, 0, 0, 0
    )


def test_dry_run_counts_the_same_and_deletes_nothing(
    booking_factory: sessionmaker[Session],
) -> None:
    seed_program_data(booking_factory)
    everything = remaining(booking_factory)
    before = retention.cutoff(DAYS, NOW)
    assert retention.purge_program_data(booking_factory, before, dry_run=True) == PURGED
    assert remaining(booking_factory) == everything
    assert len(everything["leads"]) == 6  # type: ignore[arg-type]


@pytest.mark.parametrize("days", [0, -5])
def test_a_period_under_one_day_is_refused(days: int) -> None:
    with pytest.raises(ValueError, match="at least 1 day"):
        retention.cutoff(days, NOW)


# ---- tracker store -----------------------------------------------------------------------------


def add_conversation(url: str, sender: str, *times: datetime, snapshot: bool = True) -> None:
    with engine_for(url).begin() as connection:
        for moment in times:
            event_id = connection.execute(
                sa.text(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) "
                    "VALUES (:sender, 'user', :at, '{\"text\": \"ada@example.org\"}') RETURNING id"
                ),
                {"sender": sender, "at": moment.timestamp()},
            ).scalar_one()
        if snapshot:
            connection.execute(
                sa.text(
                    "INSERT INTO tracker_snapshots (sender_id, event_id, timestamp, state) "
                    "VALUES (:sender, :event, :at, '{}')"
                ),
                {"sender": sender, "event": event_id, "at": times[-1].timestamp()},
            )


def senders(url: str, table: str) -> list[str]:
    with engine_for(url).connect() as connection:
        return sorted(set(connection.scalars(sa.text(f"SELECT sender_id FROM {table}"))))


def test_conversations_whose_last_event_is_old_are_deleted(database_url: str) -> None:
    create_tracker_store(database_url)
    add_conversation(database_url, "old-chat", ago(45), ago(40), ago(35))
    add_conversation(database_url, "came-back", ago(60), ago(2))
    add_conversation(database_url, "new-chat", ago(1))
    before = retention.cutoff(DAYS, NOW)

    dry = retention.purge_tracker_store(database_url, before, dry_run=True)
    assert dry == retention.TrackerStorePurge(conversations=1, events=3, snapshots=1)
    assert senders(database_url, "events") == ["came-back", "new-chat", "old-chat"]

    assert retention.purge_tracker_store(database_url, before) == dry
    assert senders(database_url, "events") == ["came-back", "new-chat"]
    assert senders(database_url, "tracker_snapshots") == ["came-back", "new-chat"]


def test_a_store_without_snapshots_is_purged_too(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    create_tracker_store(url, with_snapshots=False)
    add_conversation(url, "old-chat", ago(40), snapshot=False)
    purged = retention.purge_tracker_store(url, retention.cutoff(DAYS, NOW))
    assert purged == retention.TrackerStorePurge(conversations=1, events=1, snapshots=0)


def test_a_missing_sqlite_store_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    purged = retention.purge_tracker_store(f"sqlite:///{path}", retention.cutoff(DAYS, NOW))
    assert purged == retention.TrackerStorePurge(0, 0, 0)
    assert not path.exists()


def test_rasas_postgresql_url_is_read_with_psycopg_3() -> None:
    url = retention.tracker_store_url_for_this_environment("postgresql://rasa:pw@db:5432/tracker")
    assert url.drivername == "postgresql+psycopg"
    assert (url.username, url.password, url.host, url.database) == ("rasa", "pw", "db", "tracker")
    sqlite = retention.tracker_store_url_for_this_environment("sqlite:////srv/tracker.db")
    assert sqlite.drivername == "sqlite"


def test_tracker_store_url_defaults_to_the_make_run_file() -> None:
    assert retention.tracker_store_url_from_env({}).endswith("/var/tracker.db")
    assert retention.tracker_store_url_from_env({"TRACKER_STORE_URL": "sqlite:///x.db"}) == (
        "sqlite:///x.db"
    )


# ---- the command ---------------------------------------------------------------------------------


def test_the_command_prints_counts_and_dry_run_deletes_nothing(
    booking_factory: sessionmaker[Session],
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = utc_now()
    seed_program_data(booking_factory, now=now)
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    create_tracker_store(tracker_url)
    add_conversation(tracker_url, "old-chat", ago(40, now), ago(35, now))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_url)

    assert cli.main(["retention", "purge", "--older-than", str(DAYS), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Would delete (dry run, nothing deleted): data older than {DAYS} days")
    assert "leads                  3" in out
    assert "conversations          1  (2 events, 1 snapshots)" in out
    assert len(remaining(booking_factory)["leads"]) == 6  # type: ignore[arg-type]

    assert cli.main(["retention", "purge", "--older-than", str(DAYS)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Deleted: data older than {DAYS} days")
    for line in (
        "leads                  3",
        "bookings               2",
        "handoff transcripts    1",
        "CRM outbox messages    3",
        "conversations          1  (2 events, 1 snapshots)",
    ):
        assert line in out
    assert remaining(booking_factory) == KEPT
    assert senders(tracker_url, "events") == []


@pytest.mark.parametrize("days", ["0", "-1", "thirty", "1.5"])
def test_the_command_refuses_a_bad_period(days: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["retention", "purge", "--older-than", days])
    assert exit_.value.code == 2
    assert "whole number of days, at least 1" in capsys.readouterr().err


def test_an_unmigrated_database_is_reported_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    assert cli.main(["retention", "purge", "--older-than", "30"]) == 1
    error = capsys.readouterr().err
    assert "could not be purged: OperationalError; nothing was deleted" in error
    assert "Traceback" not in error
