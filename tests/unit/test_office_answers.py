"""The knowledge-base answer: the chosen entry's text, said as the admissions office's, read at the
moment of answering; anything that keeps it from being said gives today's counselor offer."""

from __future__ import annotations

from datetime import datetime, timezone

import yaml
from sqlalchemy.orm import sessionmaker

from bot.database.db import engine_for
from bot.database.models import KnowledgeEntry, KnowledgePhrasing
from bot.knowledge.office_answers import (
    ANSWER_RESPONSE,
    ANSWER_WITH_LINK_RESPONSE,
    answer_from_knowledge_base,
)
from bot.settings import REPO_ROOT

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


def _entry(url: str, *, status: str = "published", link: str | None = None) -> int:
    with sessionmaker(engine_for(url))() as session, session.begin():
        entry = KnowledgeEntry(
            title="Library",
            answer="Students use the **online library** with their student login.",
            link=link,
            status=status,
            origin="office",
            created_at=NOW,
            updated_at=NOW,
            phrasings=[KnowledgePhrasing(text="is there a library", position=0)],
        )
        session.add(entry)
        session.flush()
        return entry.id


def test_a_published_entry_is_answered_with_its_text(seeded_url: str) -> None:
    entry_id = _entry(seeded_url)
    (reply,) = answer_from_knowledge_base(str(entry_id), seeded_url)
    assert reply.response == ANSWER_RESPONSE
    assert reply.variables == {
        "answer": "Students use the **online library** with their student login."
    }


def test_an_entry_with_a_link_names_it(seeded_url: str) -> None:
    entry_id = _entry(seeded_url, link="https://library.example.edu/")
    (reply,) = answer_from_knowledge_base(str(entry_id), seeded_url)
    assert reply.response == ANSWER_WITH_LINK_RESPONSE
    assert reply.variables["link"] == "https://library.example.edu/"


def test_a_draft_is_never_said(seeded_url: str) -> None:
    entry_id = _entry(seeded_url, status="draft")
    replies = answer_from_knowledge_base(str(entry_id), seeded_url)
    assert [reply.response for reply in replies] == ["utter_unknown_topic"]


def test_an_entry_that_is_gone_or_malformed_gets_the_counselor_offer(seeded_url: str) -> None:
    for entry in ("999999", "", "1; DROP TABLE knowledge_base_entry", "-1"):
        replies = answer_from_knowledge_base(entry, seeded_url)
        assert [reply.response for reply in replies] == ["utter_unknown_topic"], entry


def test_a_database_that_is_down_gets_the_counselor_offer() -> None:
    down = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    replies = answer_from_knowledge_base("1", down)
    assert [reply.response for reply in replies] == ["utter_unknown_topic"]


def test_the_replies_exist_in_the_domain() -> None:
    responses = yaml.safe_load((REPO_ROOT / "domain.yml").read_text())["responses"]
    assert "{answer}" in responses[ANSWER_RESPONSE][0]["text"]
    with_link = responses[ANSWER_WITH_LINK_RESPONSE][0]["text"]
    assert "{answer}" in with_link and "{link}" in with_link
    assert all(
        responses[name][0]["text"].startswith("From the admissions office")
        for name in (ANSWER_RESPONSE, ANSWER_WITH_LINK_RESPONSE)
    )
