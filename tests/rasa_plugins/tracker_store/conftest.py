"""The tracker store tests run on a SQLite file and on PostgreSQL (skipped with the reason when
the server, 127.0.0.1:5432 unless TEST_POSTGRES_SERVER says otherwise, does not answer)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tools.cluster.postgres import drop_database, ensure_database, reachable

POSTGRES = os.environ.get("TEST_POSTGRES_SERVER", "postgresql://127.0.0.1:5432")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('trackers') / 'tracker.db'}"
        return
    if problem := reachable(POSTGRES):
        pytest.skip(problem)
    # One database per test module, so modules running at once never share one.
    name = f"{request.module.__name__.rsplit('.', 1)[-1]}_{os.getpid()}"
    ensure_database(POSTGRES, name)
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        drop_database(POSTGRES, name)
