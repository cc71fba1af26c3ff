"""The README and docs/ stay true to the repository: links resolve, every setting is documented,
and the README stays a five-minute read.

The checks are plain functions over text, so the tests below also prove each check can fail
(a guard that cannot fail guards nothing).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.settings import REPO_ROOT

README = REPO_ROOT / "README.md"
DOCS = REPO_ROOT / "docs"
SETTINGS = REPO_ROOT / "bot" / "settings.py"
CONFIGURATION = DOCS / "configuration.md"
README_MAX_LINES = 230

# `_Reader`'s typed reads in bot/settings.py; their first argument is the variable's name.
READER_METHODS = {"text", "path", "positive", "whole", "port", "timezone"}
# [text](target) and ![alt](target); the target ends at whitespace or the closing parenthesis.
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")


def markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def relative_links(markdown: str) -> list[str]:
    """Link targets that point into the repository (not URLs, not anchors on the same page)."""
    prose = INLINE_CODE.sub("", FENCE.sub("", markdown))
    targets = []
    for target in MARKDOWN_LINK.findall(prose):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("#"):
            continue
        targets.append(target)
    return targets


def broken_links(document: Path) -> list[str]:
    text = document.read_text(encoding="utf-8")
    return [
        target
        for target in relative_links(text)
        if not (document.parent / target.split("#", 1)[0]).exists()
    ]


def settings_variables(source: str) -> set[str]:
    """Names passed as string literals to `read.text/path/positive/whole/port/timezone(...)`."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in READER_METHODS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "read"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def undocumented(variables: set[str], documentation: str) -> set[str]:
    return {name for name in variables if not re.search(rf"`{re.escape(name)}`", documentation)}


@pytest.mark.parametrize("document", markdown_files(), ids=lambda path: path.name)
def test_every_relative_link_points_to_an_existing_file(document: Path) -> None:
    assert broken_links(document) == []


def test_the_link_check_finds_a_missing_file(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("x", encoding="utf-8")
    page.write_text(
        "[ok](there.md#a) [web](https://example.org) [anchor](#b) [gone](missing.md)\n"
        "`[code](not-a-link.md)`\n```\n[fenced](also-not.md)\n```\n",
        encoding="utf-8",
    )
    assert broken_links(page) == ["missing.md"]


def test_every_variable_settings_reads_is_in_the_configuration_page() -> None:
    variables = settings_variables(SETTINGS.read_text(encoding="utf-8"))
    # The module reads far more than this; an empty or tiny set means the parsing broke.
    assert len(variables) > 20
    assert undocumented(variables, CONFIGURATION.read_text(encoding="utf-8")) == set()


def test_the_variable_check_finds_a_missing_variable() -> None:
    source = (
        "def load(read):\n"
        "    return read.text('DOCUMENTED'), read.port('NEW_PORT', 1), other.text('IGNORED')\n"
    )
    assert settings_variables(source) == {"DOCUMENTED", "NEW_PORT"}
    documentation = "| `DOCUMENTED` | x | y |\n| `NEW_PORT_EXTRA` | x | y |\n"
    assert undocumented(settings_variables(source), documentation) == {"NEW_PORT"}


def test_the_readme_is_a_five_minute_read() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines (at most {README_MAX_LINES}): move detail to docs/"
    )
