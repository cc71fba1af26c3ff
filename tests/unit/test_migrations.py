"""The migrations build the schema the models describe, and can be rolled back completely."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.database import migrate
from bot.database.db import engine_for
from bot.database.models import Base


def test_upgrade_from_empty_then_downgrade_to_base(database_url: str) -> None:
    engine = engine_for(database_url)
    assert set(inspect(engine).get_table_names()) == set()

    migrate.upgrade(engine)
    assert set(inspect(engine).get_table_names()) == {*Base.metadata.tables, "alembic_version"}

    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}


def test_migrations_match_the_models(database_url: str) -> None:
    engine = engine_for(database_url)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == [], "models changed without a migration (alembic revision --autogenerate)"


def test_upgrade_is_repeatable(database_url: str) -> None:
    engine = engine_for(database_url)
    migrate.upgrade(engine)
    migrate.upgrade(engine)  # already at head: a no-op, not an error
