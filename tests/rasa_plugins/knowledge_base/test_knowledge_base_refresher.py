"""The refresher reads the program database's published phrasings (the real schema, migrated and
seeded by the action side's CLI), reloads only when the revision moves, and keeps answering
from the last index while the database is away."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from rasa_plugins.knowledge_base.refresher import KnowledgeBaseRefresher
from rasa_plugins.knowledge_base.source import KnowledgeBaseSource, engine_for
from rasa_plugins.nlu.sentence_encoder import shared_encoder
from tools.evaluation.knowledge_base.fixture import (
    ACTIONS_PYTHON,
    EvaluationData,
    NewEntry,
    build_database,
    insert_entries,
)

pytestmark = pytest.mark.skipif(
    not ACTIONS_PYTHON.exists(), reason="the action server's environment (.venv/actions) is needed"
)

DATA = EvaluationData(
    entries=(),
    off_topic={"tuning": (), "held_out": ()},
    catalog={"tuning": (), "held_out": ()},
)


class CountingEncoder:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.calls += 1
        return shared_encoder().encode(texts)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kb") / "template.db"
    build_database(f"sqlite:///{path}", DATA)
    return path


@pytest.fixture
def database_url(migrated: Path, tmp_path: Path) -> str:
    copy = tmp_path / "program.db"
    copy.write_bytes(migrated.read_bytes())
    return f"sqlite:///{copy}"


def _add_entry(url: str, title: str, phrasings: list[str], status: str = "published") -> int:
    (entry_id,) = insert_entries(url, [NewEntry(title, "An answer.", phrasings, status)])
    return entry_id


def _refresher(url: str, encoder: CountingEncoder) -> KnowledgeBaseRefresher:
    return KnowledgeBaseRefresher(
        source=lambda: KnowledgeBaseSource(engine_for(url)), encode=encoder, interval=0.05
    )


def _closest(refresher: KnowledgeBaseRefresher, text: str) -> int | None:
    match = refresher.index.best_match(shared_encoder().encode([text])[0])
    return None if match is None else match.entry_id


def test_published_phrasings_and_titles_are_loaded_drafts_are_not(database_url: str) -> None:
    seeded = _refresher(database_url, CountingEncoder())
    seeded.refresh()  # the entries the seed ships (career-guide quotes)
    library = _add_entry(database_url, "Library", ["How do I use the online library?"])
    _add_entry(database_url, "Clubs", ["Are there student clubs?"], status="draft")
    refresher = _refresher(database_url, CountingEncoder())
    assert refresher.refresh() is True
    assert len(refresher.index) == len(seeded.index) + 2  # the phrasing and the title
    assert {"Library", "How do I use the online library?"} <= set(refresher.index.known)
    assert "Are there student clubs?" not in refresher.index.known
    assert _closest(refresher, "how can I use the library online") == library


def test_only_a_new_revision_reloads(database_url: str) -> None:
    _add_entry(database_url, "Library", ["How do I use the online library?"])
    encoder = CountingEncoder()
    refresher = _refresher(database_url, encoder)
    refresher.refresh()
    calls = encoder.calls
    assert refresher.refresh() is False and encoder.calls == calls
    clubs = _add_entry(database_url, "Clubs", ["Are there student clubs?"])
    assert refresher.refresh() is True
    assert _closest(refresher, "what student organizations can I join") == clubs


def test_the_background_thread_picks_up_a_change(database_url: str) -> None:
    refresher = _refresher(database_url, CountingEncoder())
    refresher.start()
    try:
        clubs = _add_entry(database_url, "Clubs", ["Are there student clubs?"])
        deadline = datetime.now().timestamp() + 10
        while _closest(refresher, "student clubs") != clubs:
            assert datetime.now().timestamp() < deadline, "not refreshed within 10 s"
            refresher._stop.wait(0.05)
    finally:
        refresher.stop()


def test_a_database_that_goes_away_keeps_the_last_index(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    library = _add_entry(database_url, "Library", ["How do I use the online library?"])
    refresher = _refresher(database_url, CountingEncoder())
    refresher.refresh()
    Path(database_url.removeprefix("sqlite:///")).write_bytes(b"not a database")
    with caplog.at_level(logging.WARNING):
        assert refresher.refresh() is False
        assert refresher.refresh() is False
    assert _closest(refresher, "online library") == library
    warnings = [r for r in caplog.records if "not refreshed" in r.getMessage()]
    assert len(warnings) == 1, "an outage is logged once, not on every poll"


def test_a_database_without_the_tables_gives_an_empty_index(tmp_path: Path) -> None:
    refresher = _refresher(f"sqlite:///{tmp_path / 'empty.db'}", CountingEncoder())
    refresher.refresh()
    assert len(refresher.index) == 0


def test_the_action_sides_postgresql_url_is_read_with_psycopg2() -> None:
    engine = engine_for("postgresql+psycopg://someone@127.0.0.1:5432/test")
    assert engine.url.drivername == "postgresql+psycopg2"
    assert engine_for("sqlite:///x.db").url.drivername == "sqlite"
