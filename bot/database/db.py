"""Engine and session factory for the program database.

One engine per database URL per process: the action server answers many requests and must reuse
its connection pool rather than open a new one per message.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.safe_io.private_files import private_directory, private_file


def create_database_engine(database_url: str) -> Engine:
    """Create an engine; for a SQLite file, create its folder first so a fresh checkout works,
    both readable by their owner only (folder 0700, file 0600: bot/safe_io/private_files.py)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        database = Path(url.database)
        private_directory(database.parent)
        private_file(database)
    # pool_pre_ping: a database restart must not leave the action server with dead connections.
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=8)
def engine_for(database_url: str) -> Engine:
    """The shared engine for `database_url`, created on first use."""
    return create_database_engine(database_url)


@lru_cache(maxsize=8)
def session_factory(database_url: str) -> sessionmaker[Session]:
    """The shared session factory for `database_url`."""
    return sessionmaker(bind=engine_for(database_url), expire_on_commit=False)


def sqlite_file_missing(url: URL) -> bool:
    """True when `url` names a SQLite file that does not exist: a store nobody has written to
    yet, which readers report (or skip) rather than create by connecting."""
    database: str | None = url.database
    if url.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return False
    return not Path(database).exists()
