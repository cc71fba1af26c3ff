"""Facts (office): catalog facts changed in the console are checked like the seed, used by the
next answer without a restart, kept in a history that can be reverted; office only, CSRF on every
POST. SQLite and PostgreSQL (when reachable)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from bot.console import ConsoleConfig, console_app
from bot.database.db import session_factory
from bot.database.models import FactChange, Program, SourcePage
from bot.knowledge import catalog
from bot.knowledge.answers import ProgramMention, answer_career_question, answer_program_question
from bot.knowledge.seed import seed_from_file
from bot.settings import CATALOG_PATH
from bot.staff import accounts, facts
from tests.unit.conftest import BOOKING_NOW
from tests.unit.test_console import PASSWORD, SCHOOL, SECRET, csrf_of, sign_in

TUITION = "program:computer_science:tuition_per_term_usd"
TUITION_QUOTE = "Tuition and fees: $4,100 per 6-month term."
SALARY_HIGH = "career:machine_learning_engineer:salary_high_usd"
TRANSFER_SD = "program:software_development:transfer_text"
CERT = "program:computer_science:certification_2"


class Office:
    def __init__(self, url: str) -> None:
        self.url = url
        self.factory: sessionmaker[Session] = session_factory(url)
        self.office = accounts.add_account(
            self.factory, "office@example.org", "Pat", "office", PASSWORD
        ).id
        accounts.add_account(self.factory, "counselor@example.org", "Alex", "counselor", PASSWORD)

    def client(self) -> TestClient:
        config = ConsoleConfig(
            database_url=self.url,
            session_secret=SECRET,
            school_timezone=SCHOOL,
            clock=lambda: BOOKING_NOW,
        )
        app = Starlette(routes=[Mount("/console", app=console_app(config))])
        return TestClient(app, follow_redirects=False)

    def change(self, key: str, value: str, quote: str, page: str = "") -> int:
        return facts.change_fact(self.factory, key, value, quote, page, self.office, BOOKING_NOW)

    def value(self, key: str) -> str:
        return facts.get_fact(self.factory, key).value

    def history_count(self) -> int:
        with self.factory() as session:
            return session.scalar(select(func.count()).select_from(FactChange)) or 0


@pytest.fixture
def office(seeded_url: str) -> Office:
    return Office(seeded_url)


def tuition_answer(url: str) -> str:
    answer = answer_program_question(
        url, "ask_tuition", ProgramMention(entity_values=("computer_science",))
    )
    return str(answer.reply.variables["tuition"])


# --- bot.staff.facts -----------------------------------------------------------------------------


def test_listing_groups_the_editable_facts(office: Office) -> None:
    groups = {group.title: group for group in facts.list_facts(office.factory)}
    assert list(groups) == [
        "B.S. Computer Science",
        "B.S. Software Development",
        "Machine learning engineer",
        "Start dates",
    ]
    cs = {fact.key: fact for fact in groups["B.S. Computer Science"].facts}
    assert cs[TUITION].shown == "$3,920" and "$3,920" in cs[TUITION].quote
    assert cs[TUITION].page == "ml-engineer-career-guide"
    assert cs[CERT].value == "Axelos ITIL Foundation"
    assert "$15,680 for 4 terms" in groups["B.S. Computer Science"].note
    sd = {fact.key: fact for fact in groups["B.S. Software Development"].facts}
    assert sd[TRANSFER_SD].shown == "(not stated)"
    career = {fact.key: fact for fact in groups["Machine learning engineer"].facts}
    assert career[SALARY_HIGH].value == "150000"
    assert "Salary, low" in career[SALARY_HIGH].shared_quote_with
    assert all(fact.quote_states_value for group in groups.values() for fact in group.facts)


def test_a_valid_change_is_saved_with_history_and_answered_next(office: Office) -> None:
    assert tuition_answer(office.url) == "$3,920 per 6-month term"
    change_id = office.change(TUITION, "$4,100", TUITION_QUOTE)

    # No restart, no cache to clear: the very next answer reads the new figure.
    assert tuition_answer(office.url) == "$4,100 per 6-month term"
    with catalog.catalog_session(office.factory) as session:
        (cs, _) = catalog.read_programs(session)
    assert cs.estimated_total_tuition_usd == 16_400
    (entry,) = facts.history(office.factory, TUITION)
    assert entry.id == change_id and entry.changed_by == "Pat"
    assert (entry.old_value, entry.new_value) == ("3920", "4100")
    assert entry.old_quote == "Tuition and fees: $3,920 per 6-month term."
    assert entry.new_quote == TUITION_QUOTE
    assert entry.old_page == entry.new_page == "ml-engineer-career-guide"
    assert entry.changed_at == BOOKING_NOW and entry.reverted_change_id is None


def test_career_figures_and_a_missing_transfer_policy(office: Office) -> None:
    quote = (
        "Machine learning engineers earn an average salary of $114,000 annually. This range "
        "includes a low of $78,000 and a high of $160,000."
    )
    office.change(SALARY_HIGH, "160000", quote)
    reply = answer_career_question(office.url, "ask_salary")
    assert reply.variables["high"] == "$160,000"

    text = "Your previous coursework may waive course requirements."
    office.change(TRANSFER_SD, text, "Transfer: " + text)
    answer = answer_program_question(
        office.url, "ask_transfer_credit", ProgramMention(entity_values=("software_development",))
    )
    assert answer.reply.response == "utter_transfer_credit"
    office.change(TRANSFER_SD, "", "")  # back to "the page states no transfer policy"
    answer = answer_program_question(
        office.url, "ask_transfer_credit", ProgramMention(entity_values=("software_development",))
    )
    assert answer.reply.response == "utter_transfer_credit_not_stated"


@pytest.mark.parametrize(
    ("key", "value", "quote", "page", "field", "reason"),
    [
        (TUITION, "lots", TUITION_QUOTE, "", "value", "whole number"),
        (TUITION, "0", TUITION_QUOTE, "", "value", "from 1"),
        (TUITION, "4100", "", "", "quote", "Paste the sentence"),
        (TUITION, "4100", "Tuition and fees: $3,920 per term.", "", "quote", "$4,100"),
        (TUITION, "4100", TUITION_QUOTE, "not a page", "page", "known source page"),
        (TUITION, "4100", TUITION_QUOTE * 60, "", "quote", "2000 characters"),
        (TUITION, "3920", "Tuition and fees: $3,920 per 6-month term.", "", "form", "Nothing"),
        ("program:computer_science:term_months", "7", TUITION_QUOTE, "", "quote", "7 months"),
        (SALARY_HIGH, "100000", "$100,000", "", "value", "low <= average <= high"),
        ("career:machine_learning_engineer:job_growth_percent", "35", "by 31%", "", "quote", "35%"),
        ("enrollment:default:start_day_of_month", "31", "the 31st", "", "value", "to 28"),
        (TRANSFER_SD, "", "Transfer: something", "", "quote", "empty"),
        (CERT, "CompTIA Project+", "CompTIA Project+", "", "value", "already lists"),
        ("enrollment:default:contact_role", "x" * 201, "quote", "", "value", "200 characters"),
    ],
)
def test_invalid_changes_are_refused_with_the_reason(
    office: Office, key: str, value: str, quote: str, page: str, field: str, reason: str
) -> None:
    before = facts.get_fact(office.factory, key)
    with pytest.raises(facts.FactRefused) as refused:
        office.change(key, value, quote, page)
    assert reason in refused.value.errors[field]
    assert facts.get_fact(office.factory, key) == before
    assert office.history_count() == 0


def test_unknown_keys_are_not_found(office: Office) -> None:
    for key in ("program:nope:tuition_per_term_usd", "program:computer_science:title", "x"):
        with pytest.raises(facts.FactNotFound):
            office.change(key, "1", "1")


def test_revert_restores_the_previous_value_as_a_new_change(office: Office) -> None:
    first = office.change(TUITION, "4100", TUITION_QUOTE, "https://example.edu/tuition")
    with office.factory() as session:
        page = session.scalars(select(SourcePage).where(SourcePage.title.like("https:%"))).one()
        assert page.publisher == "example.edu"
    assert facts.get_fact(office.factory, TUITION).page == "https://example.edu/tuition"

    second = facts.revert_change(office.factory, first, office.office, BOOKING_NOW)
    assert tuition_answer(office.url) == "$3,920 per 6-month term"
    fact = facts.get_fact(office.factory, TUITION)
    assert fact.page == "ml-engineer-career-guide" and "$3,920" in fact.quote
    newest, oldest = facts.history(office.factory, TUITION)
    assert (newest.id, oldest.id) == (second, first)
    assert newest.reverted_change_id == first
    assert (newest.old_value, newest.new_value) == ("4100", "3920")
    assert newest.new_page == "ml-engineer-career-guide"

    # Reverting the revert brings the change back; a revert is checked like any change.
    facts.revert_change(office.factory, second, office.office, BOOKING_NOW + timedelta(1))
    assert tuition_answer(office.url) == "$4,100 per 6-month term"
    with pytest.raises(facts.FactRefused):
        facts.revert_change(office.factory, second, office.office)  # already at that value


def test_the_seed_overwrites_console_changes(office: Office) -> None:
    """Documented behaviour: catalog.yml wins when `python -m bot db seed` runs again."""
    office.change(TUITION, "4100", TUITION_QUOTE)
    office.change(CERT, "ITIL 4 Foundation", "ITIL 4 Foundation")
    with office.factory() as session:
        seed_from_file(session, CATALOG_PATH)
    assert tuition_answer(office.url) == "$3,920 per 6-month term"
    assert office.value(CERT) == "Axelos ITIL Foundation"
    assert len(facts.history(office.factory, TUITION)) == 1  # the history is kept


# --- the console pages ---------------------------------------------------------------------


def test_office_lists_edits_and_reverts_in_the_console(office: Office) -> None:
    client = sign_in(office.client(), "office@example.org")
    listing = client.get("/console/facts")
    assert listing.status_code == 200
    assert 'href="/console/facts">Facts</a>' in listing.text
    assert "Tuition per term" in listing.text and "$3,920" in listing.text
    assert "python -m bot db seed" in listing.text and "overwrites" in listing.text
    assert f'href="/console/facts/{TUITION}"' in listing.text

    form = client.get(f"/console/facts/{TUITION}")
    assert form.status_code == 200
    assert '<label for="fact-value">' in form.text and '<label for="fact-quote">' in form.text
    assert "No changes made in the console yet." in form.text
    saved = client.post(
        f"/console/facts/{TUITION}",
        data={
            "value": "4,100",
            "quote": TUITION_QUOTE,
            "page": "ml-engineer-career-guide",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"/console/facts/{TUITION}"
    assert tuition_answer(office.url) == "$4,100 per 6-month term"
    page = client.get(f"/console/facts/{TUITION}").text
    assert "Saved (change #" in page and "3920 &rarr;" in page and "Pat" in page

    (entry,) = facts.history(office.factory, TUITION)
    reverted = client.post(
        f"/console/facts/history/{entry.id}/revert", data={"csrf_token": csrf_of(page)}
    )
    assert reverted.status_code == 303
    assert tuition_answer(office.url) == "$3,920 per 6-month term"
    assert f"Change #{entry.id} reverted" in client.get(reverted.headers["location"]).text


def test_a_refused_save_shows_the_reason_next_to_the_field(office: Office) -> None:
    client = sign_in(office.client(), "office@example.org")
    form = client.get(f"/console/facts/{TUITION}")
    answer = client.post(
        f"/console/facts/{TUITION}",
        data={"value": "4100", "quote": "no figure", "page": "", "csrf_token": csrf_of(form.text)},
    )
    assert answer.status_code == 400
    assert "Nothing was saved" in answer.text
    assert 'id="quote-error"' in answer.text and 'aria-invalid="true"' in answer.text
    assert "$4,100 as the page writes it" in answer.text
    assert ">no figure</textarea>" in answer.text  # what was typed is kept
    assert office.value(TUITION) == "3920" and office.history_count() == 0


def test_counselors_get_403_and_every_post_needs_the_csrf_token(office: Office) -> None:
    counselor = sign_in(office.client(), "counselor@example.org")
    assert 'href="/console/facts"' not in counselor.get("/console/appointments").text
    token = csrf_of(counselor.get("/console/appointments").text)
    for answer in (
        counselor.get("/console/facts"),
        counselor.get(f"/console/facts/{TUITION}"),
        counselor.post(
            f"/console/facts/{TUITION}",
            data={"value": "4100", "quote": TUITION_QUOTE, "csrf_token": token},
        ),
    ):
        assert answer.status_code == 403

    client = sign_in(office.client(), "office@example.org")
    missing = client.post(
        f"/console/facts/{TUITION}", data={"value": "4100", "quote": TUITION_QUOTE}
    )
    assert missing.status_code == 403 and "Form expired" in missing.text
    change = office.change(TUITION, "4100", TUITION_QUOTE)
    wrong = client.post(f"/console/facts/history/{change}/revert", data={"csrf_token": "nope"})
    assert wrong.status_code == 403
    assert office.value(TUITION) == "4100" and office.history_count() == 1
    assert client.get("/console/facts/program:nope:tuition_per_term_usd").status_code == 404
    with office.factory() as session:
        assert session.scalars(
            select(Program.tuition_per_term_usd).order_by(Program.position)
        ).all() == [4100, 3920]
