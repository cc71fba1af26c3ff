"""The console's Knowledge base pages (/console/knowledge-base): office only, CSRF on every POST,
create, save, publish, unpublish and revert over HTTP, a refused save refilled with its reasons,
markup in an answer escaped in the list and the preview, the CSV export and import, the
"Add to knowledge base" link from the insights' unanswered messages and the count of answers per
entry, and a database that is gone. SQLite and PostgreSQL (when reachable)."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from bot.database.db import engine_for
from bot.staff import accounts
from bot.staff import knowledge_base as kb
from tests.unit.test_console import PASSWORD, csrf_of, sign_in
from tests.unit.test_insights import Chat, create_events_table, local, store
from tests.unit.test_insights_page import RANGE, client_for
from tests.unit.test_knowledge_base_service import Office

LIBRARY = {
    "title": "Library hours",
    "phrasings": "When is the library open?\nlibrary hours",
    "answer": "The library is open **9 to 5** on weekdays.",
    "link": "https://example.edu/library",
}
MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)> [see](javascript:alert(1))'


class Console(Office):
    """The service tests' office (a migrated database, the office's account Pat), a counselor,
    and the console over them."""

    def __init__(self, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__(url)
        accounts.add_account(self.factory, "counselor@example.org", "Alex", "counselor", PASSWORD)
        self.monkeypatch = monkeypatch

    def client(self) -> TestClient:
        """The insights page's client: noon in Denver on 12 May 2030, the conversations read
        from the same database."""
        return client_for(self.url, self.url, self.monkeypatch)

    def office(self) -> TestClient:
        return sign_in(self.client(), "office@example.org")

    def entry(self, entry_id: int = 1) -> kb.Entry:
        return kb.get_entry(self.factory, entry_id)


@pytest.fixture
def console(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Console:
    return Console(database_url, monkeypatch)


def post(client: TestClient, path: str, page: str, data: dict[str, str] | None = None) -> str:
    """POST the form on `page` (for its CSRF token); the redirect's target."""
    answer = client.post(path, data={"csrf_token": csrf_of(page), **(data or {})})
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def create(client: TestClient, fields: dict[str, str] = LIBRARY) -> str:
    page = client.get("/console/knowledge-base/new").text
    return post(client, "/console/knowledge-base/new", page, fields)


# --- who may use it ------------------------------------------------------------------------------

PAGES = (
    "/console/knowledge-base",
    "/console/knowledge-base/new",
    "/console/knowledge-base/1",
    "/console/knowledge-base.csv",
)
POSTS = (
    "/console/knowledge-base/new",
    "/console/knowledge-base/1",
    "/console/knowledge-base/1/publish",
    "/console/knowledge-base/1/unpublish",
    "/console/knowledge-base/history/1/revert",
    "/console/knowledge-base/import",
)


def test_signed_out_is_sent_to_the_login(console: Console) -> None:
    client = console.client()
    for path in PAGES:
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["location"] == "/console/login", path
    for path in POSTS:
        assert client.post(path, data={}).headers["location"] == "/console/login", path


def test_a_counselor_may_not_use_it(console: Console) -> None:
    create(console.office())
    client = sign_in(console.client(), "counselor@example.org")
    page = client.get("/console/appointments").text
    assert "/console/knowledge-base" not in page  # not in a counselor's menu
    for path in PAGES:
        answer = client.get(path)
        assert answer.status_code == 403 and "Not available" in answer.text, path
    for path in POSTS:
        answer = client.post(path, data={"csrf_token": csrf_of(page), **LIBRARY})
        assert answer.status_code == 403, path
    assert console.entry().values.status == "draft" and len(console.entry().history) == 1


def test_a_post_without_the_csrf_token_is_refused(console: Console) -> None:
    client = console.office()
    create(client)
    for path in POSTS:
        answer = client.post(path, data={**LIBRARY, "csrf_token": "forged"})
        assert answer.status_code == 403 and "Form expired" in answer.text, path
    answer = client.post("/console/knowledge-base/new", data=LIBRARY)
    assert answer.status_code == 403
    assert len(kb.list_entries(console.factory)) == 1 and kb.revision(console.factory) == 1


# --- writing -------------------------------------------------------------------------------------


def test_create_publish_unpublish_edit_and_revert_over_http(console: Console) -> None:
    client = console.office()
    assert 'href="/console/knowledge-base">Knowledge base</a>' in client.get("/console/facts").text
    location = create(client)
    assert location == "/console/knowledge-base/1"
    page = client.get(location).text
    assert "Saved as a draft." in page and "Draft: it answers nobody" in page
    assert kb.revision(console.factory) == 1

    assert post(client, "/console/knowledge-base/1/publish", page) == location
    page = client.get(location).text
    assert "Published (change #2). The next message uses it." in page
    assert console.entry().values.status == "published" and kb.revision(console.factory) == 2

    edited = {**LIBRARY, "title": "Library and study rooms", "phrasings": "library hours"}
    post(client, location, page, edited)
    page = client.get(location).text
    assert "Saved (change #3)." in page and console.entry().values.title == edited["title"]

    post(client, "/console/knowledge-base/history/3/revert", page)
    page = client.get(location).text
    assert "Change #3 reverted (new change #4)." in page
    assert console.entry().values.title == "Library hours"
    assert console.entry().values.phrasings == ("When is the library open?", "library hours")

    post(client, "/console/knowledge-base/1/unpublish", page)
    entry = console.entry()
    assert entry.values.status == "draft" and kb.revision(console.factory) == 5
    assert [change.action for change in entry.history] == [
        "unpublished",
        "reverted",
        "edited",
        "published",
        "created",
    ]
    assert {change.changed_by for change in entry.history} == {"Pat"}
    page = client.get(location).text
    assert page.count("Revert to before this change") == 4  # not the creation
    assert "Reverts change #3." in page


def test_a_refused_save_is_refilled_with_each_reason_beside_its_field(console: Console) -> None:
    client = console.office()
    page = client.get("/console/knowledge-base/new").text
    typed = {"title": "", "phrasings": "a question", "answer": "x" * 1501, "link": "javascript:x"}
    answer = client.post("/console/knowledge-base/new", data={"csrf_token": csrf_of(page), **typed})
    assert answer.status_code == 400
    html = answer.text
    assert "Nothing was saved" in html
    for field, reason in (
        ("title", "Give the entry a title"),
        ("answer", "1,500 characters; it has 1,501"),
        ("link", "whole web address"),
    ):
        error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
        assert error and reason in error.group(1), field
        assert re.search(rf'id="kb-{field}"[^>]*aria-describedby="[^"]*{field}-error', html)
        assert re.search(rf'id="kb-{field}"[^>]*aria-invalid="true"', html)
    assert ">a question</textarea>" in html and 'value="javascript:x"' in html
    assert kb.list_entries(console.factory) == []

    create(client)
    page = client.get("/console/knowledge-base/1").text
    answer = client.post(
        "/console/knowledge-base/1",
        data={"csrf_token": csrf_of(page), **LIBRARY, "phrasings": "q\n" + "p" * 301},
    )
    assert answer.status_code == 400 and "phrasing 2 is longer" in answer.text
    assert console.entry().values.phrasings == ("When is the library open?", "library hours")


def test_unknown_entries_and_changes_are_not_found(console: Console) -> None:
    client = console.office()
    page = client.get("/console/knowledge-base").text
    assert client.get("/console/knowledge-base/7").status_code == 404
    for path in (
        "/console/knowledge-base/7",
        "/console/knowledge-base/7/publish",
        "/console/knowledge-base/history/7/revert",
    ):
        answer = client.post(path, data={"csrf_token": csrf_of(page), **LIBRARY})
        assert answer.status_code == 404 and "Page not found" in answer.text, path


def test_markup_in_an_answer_is_escaped_in_the_list_and_the_preview(console: Console) -> None:
    client = console.office()
    create(client, {**LIBRARY, "title": "<b>Library</b>", "answer": MARKUP + "\n- **Mon**"})
    for page in (
        client.get("/console/knowledge-base").text,
        client.get("/console/knowledge-base/1").text,
    ):
        assert "<script" not in page and "<img" not in page and "<b>Library" not in page
        assert "&lt;script&gt;" in page and "&lt;b&gt;Library&lt;/b&gt;" in page
        assert 'href="javascript' not in page
    preview = client.get("/console/knowledge-base/1").text.split('class="kb-bubble"', 1)[1]
    preview = preview.split("</section>", 1)[0]
    assert "<p>From the admissions office: &lt;script&gt;" in preview  # domain.yml's wording
    assert "More: <a" in preview
    assert "&lt;img src=x onerror=alert(1)&gt;" in preview
    assert "<li><strong>Mon</strong></li>" in preview
    assert "see)" in preview  # as the widget draws it: text, not a link
    assert (
        '<a href="https://example.edu/library" target="_blank" rel="noopener noreferrer">'
        in preview
    )


def test_the_new_form_takes_a_phrasing_to_start_with(console: Console) -> None:
    client = console.office()
    page = client.get(
        "/console/knowledge-base/new?phrasing=" + quote("where can i park? <b>[email]</b>")
    )
    assert page.status_code == 200
    assert ">where can i park? &lt;b&gt;[email]&lt;/b&gt;</textarea>" in page.text
    assert "Preview in the chat" not in page.text  # nothing to preview yet


def test_search_and_status_filter(console: Console) -> None:
    client = console.office()
    create(client)
    create(client, {**LIBRARY, "title": "Parking", "phrasings": "where do I park?"})
    page = client.get("/console/knowledge-base").text
    post(client, "/console/knowledge-base/2/publish", page)
    listing = client.get("/console/knowledge-base?q=PARK").text
    assert ">Parking</a>" in listing and ">Library hours</a>" not in listing
    assert 'value="PARK"' in listing and "1 entry found." in listing
    listing = client.get("/console/knowledge-base?status=draft").text
    assert ">Library hours</a>" in listing and ">Parking</a>" not in listing
    assert '<option value="draft" selected>' in listing
    assert "No entry matches." in client.get("/console/knowledge-base?q=zebra").text


# --- CSV -----------------------------------------------------------------------------------------


def test_export_and_import_over_http(console: Console) -> None:
    client = console.office()
    create(client, {**LIBRARY, "answer": "=1+1 is two"})
    answer = client.get("/console/knowledge-base.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == 'attachment; filename="knowledge_base.csv"'
    (row,) = csv.DictReader(io.StringIO(answer.text, newline=""))
    assert row["answer"] == "'=1+1 is two" and row["id"] == "1"

    edited = answer.text.replace("Library hours", "Library")
    edited += ",Parking,published,where do I park? | parking,Lot B.,,,\n"
    page = client.get("/console/knowledge-base").text
    result = client.post(
        "/console/knowledge-base/import",
        data={"csrf_token": csrf_of(page)},
        files={"file": ("kb.csv", edited.encode(), "text/csv")},
    )
    assert result.status_code == 303
    listing = client.get("/console/knowledge-base").text
    assert "Imported: 1 new, 1 updated, 0 unchanged." in listing
    assert console.entry().values.answer == "=1+1 is two"  # the apostrophe came off
    assert console.entry().values.title == "Library"
    assert console.entry(2).values.phrasings == ("where do I park?", "parking")


def test_a_refused_import_lists_every_row_and_writes_nothing(console: Console) -> None:
    client = console.office()
    page = client.get("/console/knowledge-base").text
    data = b"title,phrasings,answer,link\nParking,park?,Lot B.,\n,clubs?,,ftp://x\n"
    answer = client.post(
        "/console/knowledge-base/import",
        data={"csrf_token": csrf_of(page)},
        files={"file": ("kb.csv", data, "text/csv")},
    )
    assert answer.status_code == 400
    assert "Nothing was imported." in answer.text
    assert "<li>Row 3, title: " in answer.text and "<li>Row 3, answer: " in answer.text
    assert "<li>Row 3, link: " in answer.text
    assert kb.list_entries(console.factory) == [] and kb.revision(console.factory) == 0
    no_file = client.post("/console/knowledge-base/import", data={"csrf_token": csrf_of(page)})
    assert no_file.status_code == 400 and "Choose a CSV file first." in no_file.text
    too_big = client.post(
        "/console/knowledge-base/import",
        data={"csrf_token": csrf_of(page)},
        files={"file": ("kb.csv", b"title,phrasings,answer\n" + b"x" * 1_200_000, "text/csv")},
    )
    assert too_big.status_code == 413 and "larger than 1,000,000 bytes" in too_big.text


# --- insights ------------------------------------------------------------------------------------


def knowledge_base_answer(chat: Chat, text: str, entry_id: int) -> Chat:
    parse = {
        "intent": {"name": "ask_knowledge_base", "confidence": 0.9},
        "entities": [{"entity": "knowledge_base_entry", "value": str(entry_id)}],
        "text": text,
    }
    chat._add("user", {"text": text, "parse_data": parse}, intent="ask_knowledge_base")
    return chat.action("action_answer_from_knowledge_base").bot("utter_answer").listen()


def test_insights_count_answers_per_entry_and_link_unanswered_messages(console: Console) -> None:
    client = console.office()
    create(client)
    create(client, {**LIBRARY, "title": "Parking", "phrasings": "where do I park?"})
    create_events_table(console.url)
    first = knowledge_base_answer(Chat("one", local(10, 9)), "library open?", 1)
    knowledge_base_answer(first, "and on saturday?", 1)
    second = knowledge_base_answer(Chat("two", local(11, 9)), "when is the library open", 1)
    knowledge_base_answer(second, "parking?", 2)
    # Outside the range, and a message whose parse data cannot be read: not counted.
    early = knowledge_base_answer(Chat("early", local(9, 9)), "library?", 1)
    unreadable = knowledge_base_answer(Chat("unreadable", local(11, 10)), "what?", 2)
    unreadable.rows[0]["data"] = "not json"
    declined = Chat("declined", local(11, 11)).user("Is there a <b>gym</b>?", "out_of_scope")
    declined.action("utter_out_of_scope").bot("utter_out_of_scope").listen()
    store(console.url, first, second, early, unreadable, declined)

    page = client.get(f"/console/insights?{RANGE}")
    assert page.status_code == 200
    table = page.text.split("<caption>Knowledge base answers</caption>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1].split("</tbody>", 1)[0])
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]
    assert cells == [["Library hours", "3", "2"], ["Parking", "1", "1"]]
    link = (
        '<a href="/console/knowledge-base/new?phrasing=is+there+a+%3Cb%3Egym%3C%2Fb%3E%3F">'
        "Add to knowledge base"
    )
    assert link in page.text
    assert "<b>gym" not in page.text

    exported = client.get(f"/console/insights.csv?section=knowledge_base&{RANGE}")
    assert exported.status_code == 200
    assert list(csv.reader(io.StringIO(exported.text))) == [
        ["entry_id", "entry", "answers", "conversations"],
        ["1", "Library hours", "3", "2"],
        ["2", "Parking", "1", "1"],
    ]
    prefilled = client.get(
        "/console/knowledge-base/new?phrasing=is+there+a+%3Cb%3Egym%3C%2Fb%3E%3F"
    )
    assert ">is there a &lt;b&gt;gym&lt;/b&gt;?</textarea>" in prefilled.text


# --- a database that is gone ---------------------------------------------------------------------


def test_a_database_that_cannot_be_read_gives_the_error_page(console: Console) -> None:
    client = console.office()
    create(client)
    with engine_for(console.url).begin() as connection:
        connection.execute(sa.text("DROP TABLE knowledge_base_phrasing"))
    for answer in (
        client.get("/console/knowledge-base"),
        client.get("/console/knowledge-base/1"),
    ):
        assert answer.status_code == 503, answer.text
        assert "Database unavailable" in answer.text and "Traceback" not in answer.text
