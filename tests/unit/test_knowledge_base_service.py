"""The knowledge base's service (bot.staff.knowledge_base): every field's check with its reason,
text kept as text, the revision the Rasa server polls bumped by every kind of write (and by no
refused one), the history and its reverts, the search, and the CSV export and import (a formula
cell round trip, one wrong row refusing the whole file). SQLite and PostgreSQL (when reachable).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.database import migrate
from bot.database.db import engine_for, session_factory
from bot.database.models import (
    KnowledgeBaseRevision,
    KnowledgeChange,
    KnowledgeEntry,
)
from bot.knowledge.templates import load_response_texts, render
from bot.settings import DOMAIN_PATH
from bot.staff import accounts
from bot.staff import knowledge_base as kb
from tests.unit.test_console import PASSWORD

LIBRARY = kb.EntryForm(
    title="Library hours",
    answer="The library is open **9 to 5** on weekdays.",
    link="https://example.edu/library",
    phrasings="When is the library open?\nlibrary hours",
)
# Entries are made in the past: the writes after them without a time of their own are "now".
CREATED_AT = datetime(2020, 3, 4, 15, 0, tzinfo=timezone.utc)
# The Rasa server's two queries (rasa_plugins/knowledge_base/source.py): the contract.
REVISION_SQL = "SELECT revision FROM knowledge_base_revision WHERE id = 1"
PHRASINGS_SQL = (
    "SELECT p.entry_id, p.text FROM knowledge_base_phrasing p "
    "JOIN knowledge_base_entry e ON e.id = p.entry_id WHERE e.status = 'published'"
)


class Office:
    def __init__(self, url: str) -> None:
        migrate.upgrade(engine_for(url))
        self.url = url
        self.factory: sessionmaker[Session] = session_factory(url)
        self.account = accounts.add_account(
            self.factory, "office@example.org", "Pat", "office", PASSWORD
        ).id

    def create(self, form: kb.EntryForm = LIBRARY) -> int:
        return kb.create_entry(self.factory, form, self.account, CREATED_AT)

    def revision(self) -> int:
        with engine_for(self.url).connect() as connection:
            return int(connection.execute(sa.text(REVISION_SQL)).scalar_one())

    def published_phrasings(self) -> list[tuple[int, str]]:
        with engine_for(self.url).connect() as connection:
            return sorted(tuple(row) for row in connection.execute(sa.text(PHRASINGS_SQL)))

    def changes(self) -> int:
        with self.factory() as session:
            return session.scalar(select(func.count()).select_from(KnowledgeChange)) or 0


@pytest.fixture
def office(database_url: str) -> Office:
    return Office(database_url)


# --- checks --------------------------------------------------------------------------------------


def form(**fields: str) -> kb.EntryForm:
    values = {"title": "T", "answer": "A", "link": "", "phrasings": "q"} | fields
    return kb.EntryForm(**values)


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"title": ""}, "title", "Give the entry a title"),
        ({"title": " \t "}, "title", "Give the entry a title"),
        ({"title": "t" * 121}, "title", "120 characters; it has 121"),
        ({"answer": ""}, "answer", "Write the answer"),
        ({"answer": "a" * 1501}, "answer", "1,500 characters; it has 1,501"),
        ({"link": "javascript:alert(1)"}, "link", "https://"),
        ({"link": "JavaScript://example.edu/%0aalert(1)"}, "link", "https://"),
        ({"link": "data:text/html,<b>x</b>"}, "link", "https://"),
        ({"link": "ftp://example.edu/file"}, "link", "https://"),
        ({"link": "example.edu/library"}, "link", "https://"),
        ({"link": "https://"}, "link", "https://"),
        ({"link": "https://[::1/library"}, "link", "https://"),
        ({"link": "https://example.edu/" + "a" * 481}, "link", "500 characters"),
        ({"phrasings": ""}, "phrasings", "at least one"),
        ({"phrasings": "\n \n"}, "phrasings", "at least one"),
        ({"phrasings": "\n".join(f"q{n}" for n in range(21))}, "phrasings", "Keep to 20"),
        ({"phrasings": "ok\n" + "p" * 301}, "phrasings", "phrasing 2 is longer"),
    ],
)
def test_each_limit_is_refused_with_its_reason(
    office: Office, fields: dict[str, str], field: str, reason: str
) -> None:
    with pytest.raises(kb.EntryRefused) as refused:
        office.create(form(**fields))
    assert reason in refused.value.errors[field]
    assert set(refused.value.errors) == {field}
    assert kb.list_entries(office.factory) == [] and office.changes() == 0
    assert office.revision() == 0


def test_every_wrong_field_is_said_at_once(office: Office) -> None:
    with pytest.raises(kb.EntryRefused) as refused:
        office.create(kb.EntryForm(link="javascript:void(0)"))
    assert set(refused.value.errors) == {"title", "answer", "link", "phrasings"}


def test_the_limits_themselves_are_accepted(office: Office) -> None:
    entry_id = office.create(
        form(
            title="t" * 120,
            answer="a" * 1500,
            link="https://example.edu/" + "a" * 480,
            phrasings="\n".join(f"{n} " + "p" * 290 for n in range(20)),
        )
    )
    values = kb.get_entry(office.factory, entry_id).values
    assert (len(values.title), len(values.answer), len(values.link or "")) == (120, 1500, 500)
    assert len(values.phrasings) == 20


def test_text_is_cleaned_and_repeats_dropped(office: Office) -> None:
    entry_id = office.create(
        form(
            title="  Library\x00  hours\u202e ",
            answer="\r\n  Open\x07 daily.\t \r\n- Mon  \r\n\r\n",
            link="  https://example.edu/library  ",
            phrasings="When is the library open?\n\n  when IS the   library open? \nHours\x1b[31m",
        )
    )
    values = kb.get_entry(office.factory, entry_id).values
    assert values.title == "Library hours"
    assert values.answer == "Open daily.\n- Mon"
    assert values.link == "https://example.edu/library"
    assert values.phrasings == ("When is the library open?", "Hours[31m")
    assert values.status == "draft"


def test_html_is_stored_as_text(office: Office) -> None:
    markup = '<script>alert("x")</script> <a href="javascript:alert(1)">see</a> & <b>bold</b>'
    entry_id = office.create(form(title="<i>Title</i>", answer=markup, phrasings="<img src=x>"))
    values = kb.get_entry(office.factory, entry_id).values
    assert (values.title, values.answer, values.phrasings) == (
        "<i>Title</i>",
        markup,
        ("<img src=x>",),
    )


# --- writes and the revision ---------------------------------------------------------------------


def test_every_kind_of_write_bumps_the_revision_in_its_transaction(office: Office) -> None:
    assert office.revision() == 0
    entry_id = office.create()
    assert office.revision() == 1
    kb.edit_entry(
        office.factory, entry_id, form(title="Library", phrasings="hours"), office.account
    )
    assert office.revision() == 2
    kb.publish(office.factory, entry_id, office.account)
    assert office.revision() == 3
    kb.unpublish(office.factory, entry_id, office.account)
    assert office.revision() == 4
    last = max(kb.get_entry(office.factory, entry_id).history, key=lambda change: change.id)
    kb.revert_change(office.factory, last.id, office.account)
    assert office.revision() == 5
    exported = kb.export_csv(office.factory)
    kb.import_csv(
        office.factory, exported.replace("Library", "Library and study rooms").encode(), None
    )
    assert office.revision() == 6
    later = CREATED_AT + timedelta(days=1)
    kb.seed_career_guide(office.factory, now=later)
    assert office.revision() == 7
    with office.factory() as session:
        row = session.get(KnowledgeBaseRevision, 1)
        assert row is not None and row.changed_at == later


def test_a_refused_or_empty_write_leaves_the_revision(office: Office) -> None:
    entry_id = office.create()
    for write in (
        lambda: kb.edit_entry(office.factory, entry_id, LIBRARY, office.account),  # no change
        lambda: kb.unpublish(office.factory, entry_id, office.account),  # already a draft
        lambda: kb.edit_entry(office.factory, entry_id, form(title=""), office.account),
    ):
        with pytest.raises(kb.EntryRefused):
            write()
    with pytest.raises(kb.EntryNotFound):
        kb.publish(office.factory, entry_id + 1, office.account)
    assert office.revision() == 1 and office.changes() == 1
    # Importing a file that changes nothing writes nothing.
    kb.import_csv(office.factory, kb.export_csv(office.factory).encode(), None)
    assert office.revision() == 1


def test_a_lost_revision_row_is_made_again(office: Office) -> None:
    with office.factory() as session, session.begin():
        session.execute(sa.delete(KnowledgeBaseRevision))
    office.create()
    assert office.revision() == 1


def test_only_published_entries_reach_the_matcher(office: Office) -> None:
    draft = office.create()
    published = office.create(form(title="Parking", phrasings="where do I park?\nparking"))
    kb.publish(office.factory, published, office.account)
    assert office.published_phrasings() == [(published, "parking"), (published, "where do I park?")]
    kb.publish(office.factory, draft, office.account)
    kb.unpublish(office.factory, published, office.account)
    assert office.published_phrasings() == [
        (draft, "When is the library open?"),
        (draft, "library hours"),
    ]


# --- history and revert --------------------------------------------------------------------------


def test_history_keeps_every_change_with_before_and_after(office: Office) -> None:
    entry_id = office.create()
    later = CREATED_AT + timedelta(minutes=5)
    kb.edit_entry(
        office.factory, entry_id, form(title="Library", phrasings="hours"), office.account, later
    )
    kb.publish(office.factory, entry_id, office.account, later + timedelta(minutes=1))
    published, edited, created = kb.get_entry(office.factory, entry_id).history
    assert (created.action, edited.action, published.action) == ("created", "edited", "published")
    assert created.before is None and not created.revertible
    assert created.after.title == "Library hours" and created.changed_by == "Pat"
    assert created.changed_at == CREATED_AT and edited.changed_at == later
    assert edited.before == created.after
    assert edited.after.phrasings == ("hours",) and edited.after.link is None
    assert published.before is not None and published.before.status == "draft"
    assert published.after.status == "published"
    with office.factory() as session:
        entry = session.get(KnowledgeEntry, entry_id)
        assert entry is not None and entry.updated_by == office.account
        assert entry.origin == "office"


def test_revert_writes_the_state_before_back_as_a_new_change(office: Office) -> None:
    entry_id = office.create()
    kb.publish(office.factory, entry_id, office.account)
    edit = kb.edit_entry(
        office.factory, entry_id, form(title="Oops", answer="Wrong"), office.account
    )
    reverted = kb.revert_change(office.factory, edit, office.account)
    entry = kb.get_entry(office.factory, entry_id)
    assert entry.values.title == "Library hours" and entry.values.status == "published"
    newest = entry.history[0]
    assert (newest.id, newest.action, newest.reverted_change_id) == (reverted, "reverted", edit)
    assert newest.before is not None and newest.before.title == "Oops"
    # Reverting the revert brings the edit back; the entry as it is cannot be reverted to again.
    kb.revert_change(office.factory, reverted, office.account)
    assert kb.get_entry(office.factory, entry_id).values.answer == "Wrong"
    with pytest.raises(kb.EntryRefused, match="already like this"):
        kb.revert_change(office.factory, reverted, office.account)


def test_a_creation_cannot_be_reverted_and_unknown_changes_are_not_found(office: Office) -> None:
    entry_id = office.create()
    (created,) = kb.get_entry(office.factory, entry_id).history
    with pytest.raises(kb.EntryRefused, match="created the entry"):
        kb.revert_change(office.factory, created.id, office.account)
    with pytest.raises(kb.EntryNotFound):
        kb.revert_change(office.factory, created.id + 100, office.account)
    with pytest.raises(kb.EntryNotFound):
        kb.get_entry(office.factory, entry_id + 100)


# --- the preview ---------------------------------------------------------------------------------


def test_the_preview_is_the_reply_the_assistant_sends(tmp_path: Path) -> None:
    responses = load_response_texts(DOMAIN_PATH)
    with_link = kb.reply_text("Open **late**.", "https://example.edu/library")
    assert with_link == render(
        responses["utter_knowledge_base_answer_with_link"][0],
        {"answer": "Open **late**.", "link": "https://example.edu/library"},
    )
    assert with_link.startswith(kb.SOURCE)
    assert kb.reply_text("Open.", None) == render(
        responses["utter_knowledge_base_answer"][0], {"answer": "Open."}
    )
    # Without a readable domain.yml the page still previews the same sentence.
    assert kb.reply_text("Open.", "https://x.edu", tmp_path / "none.yml") == (
        "From the admissions office: Open.\n\nMore: https://x.edu"
    )


# --- the list ------------------------------------------------------------------------------------


def test_search_covers_titles_answers_and_phrasings_in_any_case(office: Office) -> None:
    library = office.create()
    parking = office.create(
        form(title="Parking", answer="Lot B, 100% free.", phrasings="Where can I PARK?")
    )
    kb.publish(office.factory, parking, office.account)

    def found(search: str = "", status: str = "") -> list[int]:
        return [entry.id for entry in kb.list_entries(office.factory, search, status)]

    assert found() == [parking, library]  # the most recently changed first
    assert found("LIBRARY") == [library]  # the title
    assert found("weekdays") == [library]  # the answer
    assert found("where can i park") == [parking]  # a phrasing
    assert found("100%") == [parking] and found("%") == [parking]  # no wildcard
    assert found("_") == []
    assert found(status="published") == [parking] and found(status="draft") == [library]
    assert found("library", "published") == [] and found(status="nonsense") == [parking, library]
    (listed,) = kb.list_entries(office.factory, "parking")
    assert listed.phrasings == ("Where can I PARK?",) and listed.updated_by == "Pat"


# --- CSV -----------------------------------------------------------------------------------------


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_export_and_import_round_trip_with_a_formula_cell(
    office: Office, tmp_path_factory: pytest.TempPathFactory
) -> None:
    formula = office.create(
        form(
            title='=HYPERLINK("https://evil.example")',
            answer="- first\n- second",
            phrasings="+1 for the library?\n@library",
            link="https://example.edu/a,b",
        )
    )
    kb.publish(office.factory, formula, office.account)
    office.create()
    exported = kb.export_csv(office.factory)
    first = rows_of(exported)[0]
    assert list(first) == list(kb.EXPORT_COLUMNS)
    assert first["title"].startswith("'=HYPERLINK")  # a spreadsheet keeps it text
    assert first["answer"] == "'- first\n- second"
    assert first["phrasings"] == "'+1 for the library?\n@library"
    assert first["status"] == "published" and first["origin"] == "office"

    other = Office(f"sqlite:///{tmp_path_factory.mktemp('other') / 'program.db'}")
    result = kb.import_csv(other.factory, exported.encode(), other.account)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert sorted(entry.title for entry in kb.list_entries(other.factory)) == sorted(
        entry.title for entry in kb.list_entries(office.factory)
    )
    copied = kb.get_entry(other.factory, formula).values
    assert copied == kb.get_entry(office.factory, formula).values
    assert copied.title == '=HYPERLINK("https://evil.example")'
    assert kb.get_entry(other.factory, formula).history[0].action == "imported"


def test_import_updates_by_id_and_creates_the_rest(office: Office) -> None:
    library = office.create()
    data = (
        "id,title,phrasings,answer,link,status\n"
        f"{library},Library,hours | opening times,Open late on Thursdays.,,\n"
        "999,Parking,where do I park?,Lot B.,,published\n"
        ",Clubs,which clubs are there?,Ask the office.,https://example.edu/clubs,\n"
    )
    result = kb.import_csv(office.factory, data.encode("utf-8-sig"), office.account, CREATED_AT)
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    updated = kb.get_entry(office.factory, library)
    assert updated.values.phrasings == ("hours", "opening times")
    assert updated.values.status == "draft" and updated.values.link is None
    assert updated.history[0].action == "imported" and updated.history[0].changed_by == "Pat"
    statuses = {entry.title: entry.status for entry in kb.list_entries(office.factory)}
    assert statuses == {"Library": "draft", "Parking": "published", "Clubs": "draft"}


def test_one_invalid_row_rejects_the_whole_import(office: Office) -> None:
    library = office.create()
    data = (
        "title,phrasings,answer,link,status,id\n"
        "Parking,where do I park?,Lot B.,,,\n"
        "\n"
        ",clubs?,Ask.,javascript:alert(1),live,\n"
        "Sports,gym?,Ask.,,,x\n"
        f"Library,hours,Open.,,,{library}\n"
        f"Library again,hours,Open.,,,{library}\n"
    )
    with pytest.raises(kb.ImportRefused) as refused:
        kb.import_csv(office.factory, data.encode(), office.account)
    problems = refused.value.problems
    assert "Row 5, id: leave it empty or give an entry's number." in problems
    assert f"Row 7, id: entry {library} is on row 6 too." in problems
    assert kb.list_entries(office.factory, "parking") == []
    assert office.revision() == 1

    fixed = data.replace("Sports,gym?,Ask.,,,x", "Sports,gym?,Ask.,,,").replace(
        f"Library again,hours,Open.,,,{library}\n", ""
    )
    with pytest.raises(kb.ImportRefused) as refused:
        kb.import_csv(office.factory, fixed.encode(), office.account)
    assert refused.value.problems == [
        "Row 4, title: Give the entry a title (what the office calls it in this list).",
        "Row 4, link: The link must be a whole web address starting with https:// (or http://).",
        "Row 4, status: The status is draft or published.",
    ]
    assert kb.list_entries(office.factory, "parking") == [] and office.revision() == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"title,answer\nx,y\n", "missing: phrasings"),
        (b"title,phrasings,answer,Title\n", "twice"),
        (b"title,phrasings,answer\n", "no entries"),
        ("title,phrasings,answer\nCaf\u00e9,q,a\n".encode("latin-1"), "UTF-8"),
        (b"title,phrasings,answer\n" + b"x" * 1_000_000, "larger than 1,000,000 bytes"),
        (b"title,phrasings,answer\n" + b"t,q,a\n" * 2001, "at most 2,000"),
        (b'title,phrasings,answer\n"t,q,a\x00\n', "could not be read"),
    ],
)
def test_a_file_that_cannot_be_imported_says_why(office: Office, data: bytes, reason: str) -> None:
    with pytest.raises(kb.ImportRefused) as refused:
        kb.import_csv(office.factory, data, office.account)
    assert reason in " ".join(refused.value.problems)
    assert kb.list_entries(office.factory) == [] and office.revision() == 0
