"""The committed NLU lookup table is what `python -m bot lookups write` makes from the database."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot import cli
from bot.database.db import session_factory
from bot.knowledge import lookups


def test_committed_program_lookup_matches_the_database(seeded_url: str) -> None:
    with session_factory(seeded_url)() as session:
        expected = lookups.program_lookup(session)
    committed = lookups.PROGRAM_LOOKUP_PATH.read_text(encoding="utf-8")
    assert committed == expected, (
        "data/nlu/lookups/program.yml is stale: run `.venv/actions/bin/python -m bot lookups write`"
    )


def test_lookup_names_every_alias_and_is_rasa_yaml(seeded_url: str) -> None:
    with session_factory(seeded_url)() as session:
        text = lookups.program_lookup(session)
    table, *synonyms = yaml.safe_load(text)["nlu"]
    entries = [line[2:] for line in table["examples"].splitlines()]
    assert table["lookup"] == "program"
    assert {"comp sci", "cs", "software dev", "b.s. computer science"} <= set(entries)
    assert entries == sorted(set(entries))
    # Every name maps to its program's code, so the extractor sets the code as the value.
    code_of = {
        line[2:]: synonym["synonym"]
        for synonym in synonyms
        for line in synonym["examples"].splitlines()
    }
    assert set(code_of) == set(entries)
    assert code_of["comp sci"] == "computer_science" and code_of["sw dev"] == "software_development"


def test_cli_writes_the_file_once(seeded_url: str, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    out = tmp_path / "program.yml"
    assert cli.main(["lookups", "write", "--output", str(out)]) == 0
    assert "Wrote" in capsys.readouterr().out
    assert cli.main(["lookups", "write", "--output", str(out)]) == 0
    assert "Already up to date" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").startswith("# GENERATED")
