"""Run the Alembic migrations in bot/database/migrations without an alembic.ini.

The Alembic configuration is built in code so the repository root stays free of tool files and the
same call works from the CLI, the tests and a deployment script.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config whose env.py runs on `engine` (passed as an attribute, not a URL string,
    so connection options such as a PostgreSQL search_path survive)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (default: the latest)."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the schema down to `revision` (default: empty)."""
    command.downgrade(alembic_config(engine), revision)
