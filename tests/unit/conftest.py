"""Shared fixtures: a fresh program database per test, on SQLite and (when reachable) PostgreSQL.

Every test that takes `database_url` runs once per backend. PostgreSQL tests get their own schema
(selected through the connection's search_path), dropped afterwards, so runs never see each
other's rows and the `test` database is left as it was.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.booking.appointment_times import generate_slots
from bot.booking.counselors import SAMPLE_COUNSELORS_PATH, seed_counselors
from bot.database import migrate
from bot.database.db import engine_for, session_factory
from bot.knowledge.seed import seed_from_file
from bot.settings import CATALOG_PATH, SmtpSettings, load_settings
from tests.unit.smtp_double import Inbox, running_smtp_server

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SEED_PAGE = load_settings().seed_page


@pytest.fixture(scope="session")
def seed_page_text() -> str:
    if not SEED_PAGE.is_file():
        pytest.skip(f"source page {SEED_PAGE} not found (set SEED_PAGE)")
    return SEED_PAGE.read_text(encoding="utf-8")


def _postgres_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _reachable(url: str) -> bool:
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database (no tables yet)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'program.db'}"
        yield url
        engine_for(url).dispose()
        return

    base_url = _postgres_url()
    if not _reachable(base_url):
        where = make_url(base_url).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL not reachable at {where} (set TEST_POSTGRES_URL to run these)")
    schema = f"test_bot_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    url = f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def seeded_url(database_url: str) -> str:
    """URL of a migrated database holding the reviewed catalog."""
    migrate.upgrade(engine_for(database_url))
    with session_factory(database_url)() as session:
        seed_from_file(session, CATALOG_PATH)
    return database_url


@pytest.fixture
def bot_env(seeded_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The process environment the action server would run with, pointing at the seeded database."""
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.delenv("ENROLLMENT_CONTACT", raising=False)
    monkeypatch.delenv("SCHOOL_TIMEZONE", raising=False)
    return seeded_url


# A fixed Monday 08:00 in Denver (15:00 UTC), so slot lists do not depend on when tests run.
BOOKING_NOW = datetime(2030, 3, 4, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def booking_factory(database_url: str) -> sessionmaker[Session]:
    """Session factory of a migrated database with the sample counselors and two weeks of slots
    from BOOKING_NOW (no catalog: booking does not need it)."""
    migrate.upgrade(engine_for(database_url))
    factory = session_factory(database_url)
    with factory() as session:
        seed_counselors(session, SAMPLE_COUNSELORS_PATH)
        generate_slots(session, now=BOOKING_NOW, days=14)
        session.commit()
    return factory


@pytest.fixture
def booking_env(bot_env: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """bot_env plus the sample counselors and two weeks of slots from BOOKING_NOW, and no SMTP
    server (so no confirmation e-mail is tried)."""
    with session_factory(bot_env)() as session:
        seed_counselors(session, SAMPLE_COUNSELORS_PATH)
        generate_slots(session, now=BOOKING_NOW, days=14)
        session.commit()
    monkeypatch.delenv("SMTP_HOST", raising=False)
    return bot_env


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, SmtpSettings]]:
    """A local SMTP server that keeps every message it receives."""
    with running_smtp_server() as server:
        yield server
