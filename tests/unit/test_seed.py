"""Seeding is a refresh: re-running changes nothing, an edited catalog updates rows in place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from bot.database import models
from bot.database.db import session_factory
from bot.knowledge.answers import ProgramMention, answer_program_question
from bot.knowledge.seed import seed_from_file
from bot.settings import CATALOG_PATH

TABLES = (
    models.SourcePage,
    models.Career,
    models.CareerItem,
    models.Program,
    models.ProgramCertification,
    models.ProgramCareer,
    models.ProgramAlias,
    models.EnrollmentPolicy,
)


def _snapshot(url: str) -> dict[str, list[tuple[int, ...]]]:
    """Every table's primary keys: equal snapshots mean no row was added, dropped or replaced."""
    with session_factory(url)() as session:
        return {
            model.__tablename__: sorted(session.scalars(select(model.id)).all()) for model in TABLES
        }


def _edited_catalog(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    catalog = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    edit(catalog)
    path = tmp_path / "catalog.yml"
    path.write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")
    return path


def _reseed(url: str, path: Path) -> None:
    with session_factory(url)() as session:
        seed_from_file(session, path)


def test_seeding_twice_changes_nothing(seeded_url: str) -> None:
    before = _snapshot(seeded_url)
    _reseed(seeded_url, CATALOG_PATH)
    assert _snapshot(seeded_url) == before
    assert len(before["program"]) == 2
    assert len(before["career_item"]) > 30


def test_a_changed_tuition_changes_the_answer(seeded_url: str, tmp_path: Path) -> None:
    def raise_cs_tuition(catalog: dict[str, Any]) -> None:
        catalog["programs"][0]["tuition"]["amount_usd"] = 4100

    before = _snapshot(seeded_url)
    _reseed(seeded_url, _edited_catalog(tmp_path, raise_cs_tuition))

    assert _snapshot(seeded_url) == before, "the row must be updated, not replaced"
    answer = answer_program_question(
        seeded_url, "ask_tuition", ProgramMention(entity_values=("computer_science",))
    )
    assert answer.reply.variables["tuition"] == "$4,100 per 6-month term"
    assert answer.reply.variables["estimate"] == "about $16,400 for 4 terms"


def test_a_removed_list_item_is_deleted_and_an_added_one_inserted(
    seeded_url: str, tmp_path: Path
) -> None:
    def swap_a_duty(catalog: dict[str, Any]) -> None:
        duties = catalog["career"]["items"]["duty"]
        duties[-1] = {"name": "Mentoring", "description": "x", "quote": "Testing"}

    _reseed(seeded_url, _edited_catalog(tmp_path, swap_a_duty))
    with session_factory(seeded_url)() as session:
        names = session.scalars(
            select(models.CareerItem.name).where(models.CareerItem.kind == "duty")
        ).all()
    assert "Mentoring" in names
    assert "Continue training and development" not in names
    assert len(names) == 7


def test_an_alias_can_move_to_the_other_program(seeded_url: str, tmp_path: Path) -> None:
    def move_alias(catalog: dict[str, Any]) -> None:
        catalog["programs"][0]["aliases"].remove("cs")
        catalog["programs"][1]["aliases"].append("cs")

    aliases_before = _alias_count(seeded_url)
    _reseed(seeded_url, _edited_catalog(tmp_path, move_alias))
    with session_factory(seeded_url)() as session:
        owner = session.scalar(
            select(models.Program.code)
            .join(models.ProgramAlias)
            .where(models.ProgramAlias.alias == "cs")
        )
    assert owner == "software_development"
    assert _alias_count(seeded_url) == aliases_before


def _alias_count(url: str) -> int:
    with session_factory(url)() as session:
        return session.scalar(select(func.count()).select_from(models.ProgramAlias)) or 0
