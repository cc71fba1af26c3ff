"""The catalog says only what the source page says, and every figure on the page is stored."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml
from sqlalchemy import inspect, select

from bot.database import models
from bot.database.db import session_factory
from bot.settings import CATALOG_PATH


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _quotes(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "quote":
                yield path, value
            else:
                yield from _quotes(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _quotes(value, f"{path}[{index}]")


def test_every_quote_appears_verbatim_in_the_source_page(seed_page_text: str) -> None:
    catalog = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    page = _normalise(seed_page_text)
    quotes = list(_quotes(catalog))
    assert len(quotes) > 60, "the catalog lost most of its quotes"
    missing = [(path, quote) for path, quote in quotes if _normalise(quote) not in page]
    assert not missing, "quotes not found on the page:\n" + "\n".join(map(str, missing))


def test_every_fact_names_a_known_source() -> None:
    catalog = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    keys = {source["key"] for source in catalog["sources"]}
    named = [catalog["career"]["source"], catalog["enrollment"]["source"]]
    named += [program["source"] for program in catalog["programs"]]
    assert set(named) <= keys
    (page,) = catalog["sources"]
    assert page["file_name"] == "000_f1022f69477e8cd5.txt"
    assert page["publisher"] == "Western Governors University"
    assert "url" not in page, "no URL is known for the page; do not invent one"


def _page_figures(page: str) -> dict[str, set[int]]:
    return {
        "dollars": {int(x.replace(",", "")) for x in re.findall(r"\$(\d[\d,]*)", page)},
        "percentages": {int(x) for x in re.findall(r"(\d+)%", page)},
        "months": {int(x) for x in re.findall(r"(\d+)[- ]months?\b", page)},
    }


def _integers_in_database(url: str) -> set[int]:
    found: set[int] = set()
    with session_factory(url)() as session:
        for model in (models.Career, models.Program, models.EnrollmentPolicy):
            integer_columns = [
                column.key
                for column in inspect(model).columns
                if column.type.python_type is int
                and not column.primary_key
                and not column.foreign_keys
            ]
            for row in session.scalars(select(model)):
                found |= {getattr(row, name) for name in integer_columns}
    return found


def test_every_figure_on_the_page_is_in_the_database(seed_page_text: str, seeded_url: str) -> None:
    figures = _page_figures(seed_page_text)
    # Guard the regexes themselves: these are the figures a reader sees on the page.
    assert figures == {
        "dollars": {114_000, 78_000, 150_000, 3_920},
        "percentages": {70, 67, 31},
        "months": {23, 30, 6},
    }
    stored = _integers_in_database(seeded_url)
    for kind, values in figures.items():
        assert values <= stored, f"{kind} missing from the database: {values - stored}"
