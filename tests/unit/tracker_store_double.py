"""A tracker store as Rasa and our windowed store create it, for the action side's readers.

Written out column by column (not taken from bot.rasa_server.tracker_tables, which lists only what
is read), so a reader that needed a column Rasa does not have would fail here too.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.database.db import engine_for


def create_tracker_store(url: str, with_snapshots: bool = True) -> sa.Table:
    """Rasa's `events` table (all its columns) and, unless told not to, the windowed tracker
    store's snapshots; returns the events table."""
    metadata = sa.MetaData()
    events = sa.Table(
        "events",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False, index=True),
        sa.Column("type_name", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Float),
        sa.Column("intent_name", sa.String(255)),
        sa.Column("action_name", sa.String(255)),
        sa.Column("data", sa.Text),
    )
    if with_snapshots:
        sa.Table(
            "tracker_snapshots",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("sender_id", sa.String(255), nullable=False),
            sa.Column("event_id", sa.Integer, nullable=False),
            sa.Column("timestamp", sa.Float, nullable=False),
            sa.Column("state", sa.Text, nullable=False),
        )
    metadata.create_all(engine_for(url))
    return events
