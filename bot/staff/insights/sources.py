"""The two sources, opened read-only, each failure said in one line for the command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.database.db import session_factory, sqlite_file_missing
from bot.privacy.retention import tracker_store_url_for_this_environment
from bot.rasa_server.tracker_tables import events
from bot.staff.insights.report import InsightsError

# ---- the sources -------------------------------------------------------------------------------


@contextmanager
def tracker_store(url: str) -> Iterator[Connection]:
    """A connection to the tracker store at `url`. A SQLite file that does not exist is not
    created, and a store without Rasa's `events` table is an InsightsError as well."""
    database_url = tracker_store_url_for_this_environment(url)
    # Messages name the URL as configured, not with this environment's driver.
    with _reading("the tracker store", make_url(url)):
        if sqlite_file_missing(database_url):
            raise InsightsError(f"the tracker store {_shown(make_url(url))} does not exist")
        engine = sa.create_engine(database_url)
        try:
            with engine.connect() as connection:
                if not sa.inspect(connection).has_table(events.name):
                    raise InsightsError(
                        f"the tracker store {_shown(make_url(url))} has no events table "
                        "(no conversation yet?)"
                    )
                yield connection
        finally:
            engine.dispose()


@contextmanager
def program_database(url: str) -> Iterator[Session]:
    """A session on the program database at `url`; a SQLite file that does not exist is not
    created (bot.database.db would create it empty)."""
    database_url = make_url(url)
    with _reading("the program database", database_url):
        if sqlite_file_missing(database_url):
            raise InsightsError(f"the program database {_shown(database_url)} does not exist")
        with session_factory(url)() as session:
            yield session


@contextmanager
def _reading(what: str, url: URL) -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as error:
        raise InsightsError(
            f"{what} {_shown(url)} could not be read: {type(error).__name__}"
        ) from error
    except OSError as error:
        raise InsightsError(f"{what} {_shown(url)} could not be read: {error.strerror}") from error


def _shown(url: URL) -> str:
    return f"({url.render_as_string(hide_password=True)})"
