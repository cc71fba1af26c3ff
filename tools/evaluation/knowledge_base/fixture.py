"""The evaluation's knowledge base: entries.yml's entries written into a throw-away program
database (seeded like `make db`, so the shipped career-guide entries are there too, as they are
in a real deployment)."""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
import yaml

from bot.settings import REPO_ROOT

ENTRIES_FILE = Path(__file__).with_name("entries.yml")
ACTIONS_PYTHON = REPO_ROOT / ".venv" / "actions" / "bin" / "python"


@dataclass(frozen=True)
class EvaluationEntry:
    key: str
    title: str
    phrasings: tuple[str, ...]
    tuning: tuple[str, ...]
    held_out: tuple[str, ...]


@dataclass(frozen=True)
class EvaluationData:
    entries: tuple[EvaluationEntry, ...]
    off_topic: dict[str, tuple[str, ...]]  # "tuning" and "held_out"
    catalog: dict[str, tuple[str, ...]]
    # Enrollment questions no entry answers (the counselor offer is right for them).
    uncovered: dict[str, tuple[str, ...]] = dataclasses.field(
        default_factory=lambda: {"tuning": (), "held_out": ()}
    )


def load_data(path: Path = ENTRIES_FILE) -> EvaluationData:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = tuple(
        EvaluationEntry(
            key=item["key"],
            title=item["title"],
            phrasings=tuple(item["phrasings"]),
            tuning=tuple(item["tuning"]),
            held_out=tuple(item["held_out"]),
        )
        for item in raw["entries"]
    )
    halves = ("tuning", "held_out")
    return EvaluationData(
        entries=entries,
        off_topic={half: tuple(raw["off_topic"][half]) for half in halves},
        catalog={half: tuple(raw["catalog"][half]) for half in halves},
        uncovered={half: tuple(raw["uncovered"][half]) for half in halves},
    )


@dataclass(frozen=True)
class NewEntry:
    title: str
    answer: str
    phrasings: Sequence[str]
    status: str = "published"


def insert_entries(database_url: str, entries: Iterable[NewEntry]) -> list[int]:
    """Write `entries` the way the console does (rows, then one revision bump, in one
    transaction), in plain SQL: the tools and the Rasa-side tests run in the Rasa environment,
    which cannot import the action side's models. Returns the new ids, in order."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    ids: list[int] = []
    engine = sa.create_engine(database_url, future=True)
    with engine.begin() as connection:
        for entry in entries:
            entry_id = connection.execute(
                sa.text(
                    "INSERT INTO knowledge_base_entry (title, answer, link, status, origin, "
                    "created_at, updated_at) VALUES (:title, :answer, NULL, :status, "
                    "'office', :now, :now) RETURNING id"
                ),
                {"title": entry.title, "answer": entry.answer, "status": entry.status, "now": now},
            ).scalar_one()
            ids.append(int(entry_id))
            connection.execute(
                sa.text(
                    "INSERT INTO knowledge_base_phrasing (entry_id, text, position) "
                    "VALUES (:entry_id, :text, :position)"
                ),
                [
                    {"entry_id": entry_id, "text": text, "position": position}
                    for position, text in enumerate(entry.phrasings)
                ],
            )
        connection.execute(
            sa.text(
                "UPDATE knowledge_base_revision SET revision = revision + 1, changed_at = :now "
                "WHERE id = 1"
            ),
            {"now": now},
        )
    engine.dispose()
    return ids


def build_database(database_url: str, data: EvaluationData) -> dict[str, int]:
    """Seed the catalog into `database_url`, add the evaluation entries as published, and return
    each entry key's id."""
    subprocess.run(
        [str(ACTIONS_PYTHON), "-m", "bot", "db", "seed"],
        cwd=REPO_ROOT,
        env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
    )
    ids = insert_entries(
        database_url,
        (
            NewEntry(entry.title, f"(evaluation entry {entry.key})", entry.phrasings)
            for entry in data.entries
        ),
    )
    return {entry.key: entry_id for entry, entry_id in zip(data.entries, ids, strict=True)}
