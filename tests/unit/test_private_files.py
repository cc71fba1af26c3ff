"""The program database and its folder are their owner's only: folder 0700, SQLite file 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.database.db import create_database_engine
from bot.safe_io import private_files


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_new_folder_are_private(tmp_path: Path) -> None:
    database = tmp_path / "var" / "program.db"
    engine = create_database_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE lead (email TEXT)"))
    engine.dispose()
    assert mode(database.parent) == 0o700
    assert mode(database) == 0o600


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    database = tmp_path / "program.db"
    database.write_bytes(b"")
    database.chmod(0o644)
    create_database_engine(f"sqlite:///{database}").dispose()
    assert mode(database) == 0o600


def test_a_shared_existing_folder_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    create_database_engine(f"sqlite:///{shared / 'program.db'}").dispose()
    assert mode(shared) == 0o755
    assert mode(shared / "program.db") == 0o600


def test_the_projects_var_folder_is_tightened_even_if_it_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    var = tmp_path / "var"
    var.mkdir()
    var.chmod(0o755)
    monkeypatch.setattr(private_files, "VAR_DIR", var)
    create_database_engine(f"sqlite:///{var / 'program.db'}").dispose()
    assert mode(var) == 0o700


def test_the_mode_does_not_depend_on_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o000)
    try:
        folder = private_files.private_directory(tmp_path / "new")
        database = private_files.private_file(folder / "x.db")
    finally:
        os.umask(previous)
    assert mode(database.parent) == 0o700
    assert mode(database) == 0o600


def test_in_memory_databases_touch_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    create_database_engine("sqlite://").dispose()
    create_database_engine("sqlite:///:memory:").dispose()
    assert list(tmp_path.iterdir()) == []
