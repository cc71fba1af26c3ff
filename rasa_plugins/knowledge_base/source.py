"""Reads the published phrasings from the program database, over the Rasa server's SQLAlchemy 1.4.

The program database's schema is the action side's (SQLAlchemy 2 models, Alembic migrations in
bot/database/); this side only runs the two read-only queries below, in plain SQL, so the two
environments share tables and nothing else. The queries are the contract named in
bot/database/models/knowledge_base.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

_REVISION = sa.text("SELECT revision FROM knowledge_base_revision WHERE id = 1")
# An entry's title ("Student housing") is one more way to name what it answers.
_PUBLISHED_PHRASINGS = sa.text(
    "SELECT p.entry_id, p.text FROM knowledge_base_phrasing p "
    "JOIN knowledge_base_entry e ON e.id = p.entry_id WHERE e.status = 'published' "
    "UNION SELECT e.id, e.title FROM knowledge_base_entry e WHERE e.status = 'published' "
    "ORDER BY 1, 2"
)


@dataclass(frozen=True)
class Phrasing:
    entry_id: int
    text: str


def engine_for(database_url: str) -> Engine:
    """An engine on the program database, whichever PostgreSQL driver its URL names.

    The action side's URLs may name psycopg 3 (``postgresql+psycopg://``), which SQLAlchemy 1.4
    does not know; the Rasa environment has psycopg2, which reads the same database.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return sa.create_engine(url, future=True)
    # One connection is enough for a poll a second from one thread.
    url = url.set(drivername="postgresql+psycopg2")
    return sa.create_engine(url, pool_pre_ping=True, pool_size=1, max_overflow=0, future=True)


class KnowledgeBaseSource:
    """The two queries, on one small connection pool."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def revision(self) -> int | None:
        """The knowledge base's change counter; None before migration 0009 made the table."""
        with self._engine.connect() as connection:
            try:
                value = connection.execute(_REVISION).scalar()
            except sa.exc.ProgrammingError:  # PostgreSQL: no such table
                return None
            except sa.exc.OperationalError as error:  # SQLite says "no such table" this way
                if "no such table" in str(error):
                    return None
                raise
        return None if value is None else int(value)

    def published_phrasings(self) -> list[Phrasing]:
        with self._engine.connect() as connection:
            rows = connection.execute(_PUBLISHED_PHRASINGS).all()
        return [Phrasing(int(entry_id), str(text)) for entry_id, text in rows]
