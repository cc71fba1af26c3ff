"""The knowledge base's shipped entries (bot/staff/knowledge_base/career_guide.yml): each quotes
the career-guide page verbatim and says nothing the page does not; `python -m bot db seed` adds
them published, never overwrites what the office changed, and moves the revision only when it
writes. Also the `knowledge-base` command group's export and import. SQLite and PostgreSQL (when
reachable)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot import cli
from bot.database import migrate
from bot.database.db import engine_for, session_factory
from bot.database.models import Career, KnowledgeEntry
from bot.settings import CATALOG_PATH
from bot.staff import knowledge_base as kb


def shipped() -> list[dict[str, Any]]:
    return yaml.safe_load(kb.CAREER_GUIDE_PATH.read_text(encoding="utf-8"))["entries"]


def _normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def factory(database_url: str) -> sessionmaker[Session]:
    migrate.upgrade(engine_for(database_url))
    return session_factory(database_url)


# --- the file ------------------------------------------------------------------------------------


def test_every_quote_appears_verbatim_in_the_source_page(seed_page_text: str) -> None:
    page = _normalise(seed_page_text)
    missing = [entry["title"] for entry in shipped() if _normalise(entry["quote"]) not in page]
    assert not missing, f"quotes not found on the page: {missing}"


def test_every_answer_says_only_what_the_page_says(seed_page_text: str) -> None:
    """A word the page never uses is a word the answer added: the answer may frame the quote,
    not state something new."""
    page_words = set(re.findall(r"[a-z’']+", seed_page_text.lower()))
    for entry in shipped():
        added = set(re.findall(r"[a-z’']+", entry["answer"].lower())) - page_words
        assert not added, f"{entry['title']!r} says {sorted(added)}, which the page does not"


def test_the_entries_are_a_handful_within_the_limits() -> None:
    entries = shipped()
    assert 4 <= len(entries) <= 8
    for entry in entries:
        assert 3 <= len(entry["phrasings"]) <= 5, entry["title"]
        values = kb.checked(
            kb.EntryForm(entry["title"], entry["answer"], "", "\n".join(entry["phrasings"])),
            "published",
        )
        assert len(values.phrasings) == len(entry["phrasings"]), "a phrasing repeats"
        # No address is known for the page (tests/unit/test_catalog_quotes.py): none is invented.
        assert not entry.get("link"), entry["title"]
    titles = [entry["title"].casefold() for entry in entries]
    assert len(set(titles)) == len(titles)


def test_no_entry_repeats_a_catalog_answer() -> None:
    """The shipped entries are for what the catalog does not answer: none quotes a sentence the
    catalog's career facts quote as its own (the degree-field sentence is only a list there)."""
    career = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))["career"]
    career_quotes = {
        _normalise(value["quote"])
        for value in career.values()
        if isinstance(value, dict) and "quote" in value
    }
    for entry in shipped():
        assert _normalise(entry["quote"]) not in career_quotes, entry["title"]


# --- seeding -------------------------------------------------------------------------------------


def test_seeding_adds_the_entries_published_once(factory: sessionmaker[Session]) -> None:
    added = kb.seed_career_guide(factory)
    assert added == [entry["title"] for entry in shipped()]
    assert kb.revision(factory) == 1
    entries = kb.list_entries(factory)
    assert {entry.status for entry in entries} == {"published"}
    assert {entry.origin for entry in entries} == {"career_guide"}
    with factory() as session:
        quotes = set(session.scalars(select(KnowledgeEntry.quote)))
    assert quotes == {_normalise(entry["quote"]) for entry in shipped()}
    (created,) = kb.get_entry(factory, entries[0].id).history
    assert created.action == "created" and created.changed_by == kb.NO_ACCOUNT

    assert kb.seed_career_guide(factory) == []
    assert kb.revision(factory) == 1 and len(kb.list_entries(factory)) == len(added)


def test_seeding_never_overwrites_what_the_office_changed(factory: sessionmaker[Session]) -> None:
    kb.seed_career_guide(factory)
    first, second, third, *_ = sorted(kb.list_entries(factory), key=lambda entry: entry.id)
    kb.edit_entry(
        factory,
        first.id,
        kb.EntryForm("Our own title", "Our own answer.", "", "our own question"),
        None,
    )
    kb.unpublish(factory, second.id, None)
    with factory() as session, session.begin():
        session.execute(delete(KnowledgeEntry).where(KnowledgeEntry.id == third.id))
    revision = kb.revision(factory)

    # The retitled one is found by its quote, the unpublished one by its title: only the
    # entry no longer in the database comes back.
    assert kb.seed_career_guide(factory) == [third.title]
    assert kb.revision(factory) == revision + 1
    assert kb.get_entry(factory, first.id).values.answer == "Our own answer."
    assert kb.get_entry(factory, second.id).values.status == "draft"


def test_db_seed_loads_the_catalog_and_the_shipped_entries(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert cli.main(["db", "seed"]) == 0
    factory = session_factory(database_url)
    with factory() as session:
        assert session.scalars(select(Career.slug)).all() == ["machine_learning_engineer"]
    assert len(kb.list_entries(factory, status="published")) == len(shipped())
    assert f"{len(shipped())} shipped entries added" in capsys.readouterr().out
    assert cli.main(["db", "seed"]) == 0
    assert "0 shipped entries added" in capsys.readouterr().out
    assert kb.revision(factory) == 1


def test_the_command_line_exports_and_imports(
    factory: sessionmaker[Session],
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    kb.seed_career_guide(factory)
    exported = tmp_path / "kb.csv"
    assert cli.main(["knowledge-base", "export", str(exported)]) == 0
    assert f"Wrote {len(shipped())} entries" in capsys.readouterr().out
    text = exported.read_text(encoding="utf-8")
    exported.write_text(text + ",Parking,draft,where do I park?,Lot B.,,,\n", encoding="utf-8")
    assert cli.main(["knowledge-base", "import", str(exported)]) == 0
    assert "1 new, 0 updated" in capsys.readouterr().out
    with factory() as session:
        parking = session.scalars(select(KnowledgeEntry).where(KnowledgeEntry.title == "Parking"))
        assert parking.one().origin == "office"

    broken = tmp_path / "broken.csv"
    broken.write_text("title,phrasings,answer\n,q,\x1b[31mred\n", encoding="utf-8")
    assert cli.main(["knowledge-base", "import", str(broken)]) == 1
    printed = capsys.readouterr().err
    assert "Nothing was imported" in printed and "Row 2, title" in printed
    assert cli.main(["knowledge-base", "import", str(tmp_path / "missing.csv")]) == 1
