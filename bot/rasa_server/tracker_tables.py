"""Rasa's tracker store tables, as the action side reads them (retention purge, insights).

The tracker store is Rasa's database (SQLAlchemy 1.4 on the Rasa side); these are the columns
read or deleted from here with SQLAlchemy 2, not a schema to create: Rasa's SQLTrackerStore
makes `events`, and rasa_plugins/tracker_store/windowed_sql.py makes `tracker_snapshots`.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("type_name", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

snapshots = sa.Table(
    "tracker_snapshots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
)
