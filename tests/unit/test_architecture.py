"""The house stays in shape: the import contracts of `make lint` bite, and no room of `bot/`
grows past what a newcomer can read.

The contracts themselves are pyproject.toml's (docs/development.md, "The layering is
checked"); these tests run import-linter on a copy of the tree with a deliberate wrong import,
so a contract that was loosened until it could no longer fail is caught here.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.settings import REPO_ROOT

LINT_IMPORTS = REPO_ROOT / ".venv" / "lint" / "bin" / "lint-imports"
ROOTS = ("bot", "actions", "rasa_plugins", "tools")
MAX_MODULE_LINES = 400
MAX_MODULES_PER_FOLDER = 15

needs_import_linter = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="the lint environment is not built (`make lint` builds it)"
)


def copy_of_the_tree(destination: Path) -> Path:
    for root in ROOTS:
        shutil.copytree(
            REPO_ROOT / root, destination / root, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(REPO_ROOT / "pyproject.toml", destination / "pyproject.toml")
    return destination


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120
    )


def add_line(module: Path, line: str) -> None:
    module.write_text(module.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


@needs_import_linter
def test_the_tree_keeps_every_contract(tmp_path: Path) -> None:
    result = lint_imports(copy_of_the_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


# Each wrong import, and the words import-linter must answer it with.
WRONG_IMPORTS = {
    "knowledge importing the staff side": (
        [("bot/knowledge/catalog.py", "from bot.staff import accounts")],
        "bot.knowledge is not allowed to import bot.staff",
    ),
    "bot importing the actions above it": (
        [("bot/database/db.py", "import actions.handoff")],
        "bot is not allowed to import actions",
    ),
    "two modules importing each other": (
        [
            ("bot/safe_io/spreadsheet.py", "from bot.safe_io import terminal_text"),
            ("bot/safe_io/terminal_text.py", "from bot.safe_io import spreadsheet"),
        ],
        "No cycles are allowed in bot.safe_io",
    ),
}


@needs_import_linter
@pytest.mark.parametrize("case", WRONG_IMPORTS)
def test_a_wrong_import_breaks_a_contract(tmp_path: Path, case: str) -> None:
    edits, complaint = WRONG_IMPORTS[case]
    tree = copy_of_the_tree(tmp_path)
    for module, line in edits:
        add_line(tree / module, line)
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout
    assert complaint in result.stdout


@needs_import_linter
def test_a_new_package_of_bot_must_be_given_its_layer(tmp_path: Path) -> None:
    tree = copy_of_the_tree(tmp_path)
    (tree / "bot" / "unplaced").mkdir()
    (tree / "bot" / "unplaced" / "__init__.py").write_text('"""Not in the contract."""\n')
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "bot.unplaced" in result.stdout + result.stderr


def test_no_module_of_bot_is_longer_than_a_newcomer_can_read() -> None:
    too_long = {
        str(path.relative_to(REPO_ROOT)): lines
        for path in (REPO_ROOT / "bot").rglob("*.py")
        if "versions" not in path.parts  # applied migrations are history, not design
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not too_long, f"over {MAX_MODULE_LINES} lines: {too_long}"


def test_no_folder_of_bot_holds_more_than_fifteen_modules() -> None:
    crowded = {
        str(folder.relative_to(REPO_ROOT)): count
        for folder in [REPO_ROOT / "bot", *(REPO_ROOT / "bot").rglob("*")]
        if folder.is_dir()
        and "versions" not in folder.parts
        and (count := len(list(folder.glob("*.py")))) > MAX_MODULES_PER_FOLDER
    }
    assert not crowded, f"more than {MAX_MODULES_PER_FOLDER} modules: {crowded}"


def test_every_package_of_bot_opens_with_what_it_is_and_what_it_may_import() -> None:
    silent = [
        str(init.relative_to(REPO_ROOT))
        for init in (REPO_ROOT / "bot").rglob("__init__.py")
        if "migrations" not in init.parts
        and "may import" not in " ".join(_docstring(init).split()).lower()
    ]
    assert not silent, f"packages whose docstring does not say what they may import: {silent}"


def _docstring(module: Path) -> str:
    text = module.read_text(encoding="utf-8").lstrip()
    return text.split('"""')[1] if text.startswith('"""') else ""
