"""Deleting students' data once it is older than the retention period
(`python -m bot retention purge --older-than DAYS`).

What goes, when everything about it is older than the cut-off (now minus DAYS):
- leads, with their bookings, when the lead was made before the cut-off and none of its
  bookings was changed or takes place after it: a lead with an upcoming booking stays, and so
  does one whose call was within the period;
- handoff transcripts requested (and closed, if closed) before the cut-off;
- CRM outbox messages delivered before the cut-off (the CRM has its copy), and the undelivered
  ones of leads and handoffs purged now, which must not be sent after their data is gone;
- conversations in the tracker store (TRACKER_STORE_URL) whose last event is older than the
  cut-off: their rows in Rasa's `events` table and in our `tracker_snapshots` table.

A dry run does the same deletions inside a transaction and rolls it back, so its counts are
exactly what a real run would delete at that moment.

The tracker store is Rasa's database, read here from the actions environment with SQLAlchemy 2
Core: only the columns used are declared, and a `postgresql://` URL (Rasa's psycopg2 driver) is
opened with psycopg 3, the driver installed here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, CursorResult, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.database.db import sqlite_file_missing
from bot.database.models import Appointment, Handoff, Lead, OutboxEvent
from bot.rasa_server import tracker_tables
from bot.settings import load_settings

HANDOFF_EVENT_TYPE = "handoff.requested"
_DELETE_CHUNK = 500


@dataclass(frozen=True)
class ProgramDataPurge:
    leads: int
    bookings: int
    handoffs: int
    outbox_events: int


@dataclass(frozen=True)
class TrackerStorePurge:
    conversations: int
    events: int
    snapshots: int


def cutoff(days: int, now: datetime) -> datetime:
    """The moment before which data is purged; ValueError unless `days` is at least 1 (0 would
    delete the conversations going on right now)."""
    if days < 1:
        raise ValueError("the retention period must be at least 1 day")
    return now - timedelta(days=days)


@contextmanager
def _kept_unless(dry_run: bool, transaction: Any) -> Iterator[None]:
    """Commit the purge, or roll it back on a dry run (so its counts are exactly a real run's)
    and on any error."""
    try:
        yield
    except BaseException:
        transaction.rollback()
        raise
    if dry_run:
        transaction.rollback()
    else:
        transaction.commit()


def purge_program_data(
    factory: sessionmaker[Session], before: datetime, dry_run: bool = False
) -> ProgramDataPurge:
    """Delete the leads, bookings, handoff transcripts and outbox messages older than `before`."""
    with factory() as session, _kept_unless(dry_run, session.begin()):
        return _purge_program_data(session, before)


def purge_tracker_store(url: str, before: datetime, dry_run: bool = False) -> TrackerStorePurge:
    """Delete the conversations of the tracker store at `url` whose last event is older than
    `before`. A SQLite file that does not exist (no conversation yet) is left uncreated."""
    database_url = tracker_store_url_for_this_environment(url)
    if sqlite_file_missing(database_url):
        return TrackerStorePurge(0, 0, 0)
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection, _kept_unless(dry_run, connection.begin()):
            return _purge_tracker_store(connection, before.timestamp())
    finally:
        engine.dispose()


def tracker_store_url_from_env(environ: Mapping[str, str] = os.environ) -> str:
    """TRACKER_STORE_URL, or the SQLite file `make run` uses."""
    return load_settings(environ).tracker_store_url


def tracker_store_url_for_this_environment(url: str) -> URL:
    """`url` with a PostgreSQL driver this environment has (psycopg 3); Rasa's own environment
    reads the same URL with psycopg2."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _purge_program_data(session: Session, before: datetime) -> ProgramDataPurge:
    recent_booking = (
        sa.select(Appointment.id)
        .where(
            Appointment.lead_id == Lead.id,
            sa.or_(Appointment.ends_at >= before, Appointment.updated_at >= before),
        )
        .exists()
    )
    lead_ids = list(
        session.scalars(sa.select(Lead.id).where(Lead.created_at < before, ~recent_booking))
    )
    last_handoff_change = sa.func.coalesce(Handoff.closed_at, Handoff.requested_at)
    handoff_ids = list(session.scalars(sa.select(Handoff.id).where(last_handoff_change < before)))
    outbox_ids = set(
        session.scalars(sa.select(OutboxEvent.id).where(OutboxEvent.delivered_at < before))
    )
    if lead_ids:
        outbox_ids.update(
            session.scalars(sa.select(OutboxEvent.id).where(OutboxEvent.lead_id.in_(lead_ids)))
        )
    if handoff_ids:
        # The handoff's id is only in the JSON payload, which the two databases query differently.
        purged_handoffs = set(handoff_ids)
        pending_handoff_messages = session.execute(
            sa.select(OutboxEvent.id, OutboxEvent.payload).where(
                OutboxEvent.event_type == HANDOFF_EVENT_TYPE, OutboxEvent.delivered_at.is_(None)
            )
        )
        outbox_ids.update(
            event_id
            for event_id, payload in pending_handoff_messages
            if isinstance(payload, dict) and payload.get("handoff_id") in purged_handoffs
        )
    return ProgramDataPurge(
        outbox_events=_delete_ids(session, OutboxEvent, outbox_ids),
        bookings=_delete_where(session, Appointment, Appointment.lead_id, lead_ids),
        leads=_delete_ids(session, Lead, lead_ids),
        handoffs=_delete_ids(session, Handoff, handoff_ids),
    )


def _delete_ids(session: Session, model: Any, ids: Iterable[int]) -> int:
    return _delete_where(session, model, model.id, ids)


def _delete_where(session: Session, model: Any, column: Any, values: Iterable[int]) -> int:
    # In chunks: SQLite allows only so many bound parameters in one statement.
    ordered = sorted(values)
    deleted = 0
    for start in range(0, len(ordered), _DELETE_CHUNK):
        chunk = ordered[start : start + _DELETE_CHUNK]
        result = session.execute(sa.delete(model).where(column.in_(chunk)))
        deleted += cast(CursorResult[Any], result).rowcount or 0
    return deleted


def _purge_tracker_store(connection: Connection, before: float) -> TrackerStorePurge:
    inspector = sa.inspect(connection)
    if not inspector.has_table(tracker_tables.events.name):
        return TrackerStorePurge(0, 0, 0)
    stale = (
        sa.select(tracker_tables.events.c.sender_id)
        .group_by(tracker_tables.events.c.sender_id)
        .having(sa.func.max(tracker_tables.events.c.timestamp) < before)
    )
    count = sa.select(sa.func.count()).select_from(stale.subquery())
    conversations = connection.scalar(count) or 0
    deleted_snapshots = 0
    if inspector.has_table(tracker_tables.snapshots.name):
        deleted_snapshots = (
            connection.execute(
                sa.delete(tracker_tables.snapshots).where(
                    tracker_tables.snapshots.c.sender_id.in_(stale)
                )
            ).rowcount
            or 0
        )
    deleted_events = (
        connection.execute(
            sa.delete(tracker_tables.events).where(tracker_tables.events.c.sender_id.in_(stale))
        ).rowcount
        or 0
    )
    return TrackerStorePurge(
        conversations=conversations, events=deleted_events, snapshots=deleted_snapshots
    )
