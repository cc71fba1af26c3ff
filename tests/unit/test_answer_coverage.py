"""The answer-coverage table (tests/coverage/statements.yml) against the catalog.

The end-to-end half (tests/e2e/test_answer_coverage.py) asks each question of the trained
model; this half keeps the table honest: every statement of bot/knowledge/catalog.yml is listed, so
a new fact cannot be added unreachable, and every `says` is text of its own statement, so a
reply can only pass by stating the fact the catalog has.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.knowledge.replies.base import usd
from bot.settings import CATALOG_PATH, REPO_ROOT

TABLE_PATH = REPO_ROOT / "tests" / "coverage" / "statements.yml"
MIN_QUESTIONS = 3
# Catalog keys that name or file a statement rather than state one.
NOT_STATEMENTS = {"slug", "title", "source", "code", "display_name", "aliases", "items"}
ENROLLMENT_SETTINGS = {"start_day_of_month"}


def _table() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = yaml.safe_load(TABLE_PATH.read_text(encoding="utf-8"))[
        "statements"
    ]
    return rows


def _catalog() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(Path(CATALOG_PATH).read_text(encoding="utf-8"))
    return loaded


def catalog_statements(catalog: dict[str, Any]) -> dict[str, Any]:
    """Every statement of the catalog by its path, with the catalog node that states it."""
    statements: dict[str, Any] = {}
    career = catalog["career"]
    for key, node in career.items():
        if key not in NOT_STATEMENTS:
            statements[f"career.{key}"] = node
    for kind, items in career["items"].items():
        statements[f"career.items.{kind}"] = items
    for program in catalog["programs"]:
        for key, node in program.items():
            if key not in NOT_STATEMENTS and node not in (None, []):
                statements[f"programs.{program['code']}.{key}"] = node
    for key, node in catalog["enrollment"].items():
        if key not in NOT_STATEMENTS | ENROLLMENT_SETTINGS:
            statements[f"enrollment.{key}"] = node
    return statements


def _said(node: Any) -> Iterator[str]:
    """Every way the catalog words a statement: its texts and quotes, its figures as shown."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, int) and not isinstance(value, bool):
                yield usd(value) if key.endswith("_usd") else f"{value}%"
                yield str(value)
            else:
                yield from _said(value)
    elif isinstance(node, list):
        for value in node:
            yield from _said(value)
    elif isinstance(node, str):
        yield node


def _plain(text: str) -> str:
    return " ".join(text.replace("’", "'").lower().split())


def test_every_catalog_statement_is_in_the_table() -> None:
    listed = {row["statement"] for row in _table()}
    missing = sorted(set(catalog_statements(_catalog())) - listed)
    assert not missing, f"statements no question is listed for: {missing}"


def test_the_table_lists_only_statements_of_the_catalog() -> None:
    known = catalog_statements(_catalog())
    unknown = [row["statement"] for row in _table() if row["statement"] not in known]
    assert not unknown, f"not statements of bot/knowledge/catalog.yml: {unknown}"


@pytest.mark.parametrize("row", _table(), ids=lambda row: row["statement"])
def test_each_expected_answer_is_text_of_its_statement(row: dict[str, Any]) -> None:
    node = catalog_statements(_catalog()).get(row["statement"])
    wording = " | ".join(_plain(text) for text in _said(node))
    assert _plain(row["says"]) in wording, f"{row['says']!r} is not what {row['statement']} says"


@pytest.mark.parametrize("row", _table(), ids=lambda row: row["statement"])
def test_each_statement_has_several_kinds_of_question(row: dict[str, Any]) -> None:
    questions = row["questions"]
    assert len(questions) >= MIN_QUESTIONS, f"{row['statement']}: {len(questions)} questions"
    assert all(q["text"].strip() and q["kind"].strip() for q in questions)
    assert len({_plain(q["text"]) for q in questions}) == len(questions), "repeated question"
