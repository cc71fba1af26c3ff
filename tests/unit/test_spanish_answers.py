"""Answers in Spanish: the catalog's reviewed translations, Spanish money and dates, and the
rule that keeps a translation from outliving the fact it translates.

Every figure stays the database's: only the wording around it changes.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml
from sqlalchemy import select

from bot.database.db import session_factory
from bot.database.models import CareerItem, CatalogTranslation
from bot.knowledge import answers, catalog
from bot.knowledge.answers import ProgramMention
from bot.knowledge.replies.base import join_words, long_date, usd
from bot.knowledge.replies.language import speaking
from bot.knowledge.templates import load_response_texts, render_reply
from bot.knowledge.translations import (
    TRANSLATION_FILES,
    TranslationFileError,
    translated,
    translation_pairs,
)
from bot.settings import CATALOG_PATH, REPO_ROOT

SPANISH_RESPONSES = load_response_texts(REPO_ROOT / "domain.yml", "es")


def test_money_dates_and_lists_follow_spanish_conventions() -> None:
    with speaking("es"):
        assert usd(3920) == "US$3,920"
        assert long_date(date(2027, 1, 1)) == "1 de enero de 2027"
        assert join_words(["a", "b", "c"]) == "a, b y c"
        assert join_words(["a", "b"], "or") == "a o b"
    assert usd(3920) == "$3,920"
    assert long_date(date(2027, 1, 1)) == "January 1, 2027"
    assert join_words(["a", "b", "c"]) == "a, b, and c"


def test_an_unknown_language_is_english() -> None:
    with speaking("fr"):
        assert usd(1) == "$1"


def test_every_translated_wording_pairs_with_an_english_one_of_the_catalog() -> None:
    english = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    spanish = yaml.safe_load(TRANSLATION_FILES["es"].read_text(encoding="utf-8"))
    pairs = translation_pairs(english, spanish)
    assert len(pairs) >= 80
    # No figure is translated away: every number of an English wording is in its translation.
    for source, target in pairs.items():
        assert re.findall(r"\d+", source) == re.findall(r"\d+", target), (source, target)


def test_a_translation_file_that_does_not_mirror_the_catalog_is_refused() -> None:
    with pytest.raises(TranslationFileError):
        translation_pairs({"career": {"title": "Engineer"}}, {"career": {"salary": "x"}})
    with pytest.raises(TranslationFileError):
        translation_pairs({"items": ["a", "b"]}, {"items": ["x"]})


def test_translated_leaves_codes_and_figures_alone() -> None:
    program = catalog.Program(
        code="computer_science",
        display_name="B.S. Computer Science",
        tagline="t",
        completion_text="23 months",
        completion_months=23,
        tuition_per_term_usd=3920,
        term_months=6,
        transfer_text=None,
        certifications_note="n",
        certifications=("CompTIA A+",),
        careers_note="c",
        careers=("software engineers",),
    )
    memory = {
        "B.S. Computer Science": "Licenciatura",
        "computer_science": "x",
        "23 months": "23 meses",
    }
    spanish = translated(program, memory)
    assert (spanish.code, spanish.display_name, spanish.completion_text) == (
        "computer_science",
        "Licenciatura",
        "23 meses",
    )
    assert spanish.tuition_per_term_usd == 3920 and spanish.certifications == ("CompTIA A+",)


def test_the_spanish_tuition_answer_has_the_database_figures(bot_env: str) -> None:
    reply = answers.answer_program_question(
        bot_env, "ask_tuition", ProgramMention(entity_values=("computer_science",)), language="es"
    ).reply
    text = render_reply(reply, SPANISH_RESPONSES)
    assert "US$3,920" in text and "Licenciatura (B.S.) en Ciencias de la Computación" in text
    assert "per 6-month term" not in text


def test_the_spanish_start_date_answer_names_spanish_dates(bot_env: str) -> None:
    (reply,) = answers.answer_start_date(bot_env, date(2026, 12, 7), language="es")
    assert reply.variables["next_start"] == "1 de enero de 2027"
    assert "de febrero de 2027" in reply.variables["following_start"]


def test_the_recommendation_still_finds_the_program_in_spanish(bot_env: str) -> None:
    english = answers.answer_comparison(bot_env, "ask_program_recommendation")
    spanish = answers.answer_comparison(bot_env, "ask_program_recommendation", "es")
    assert spanish.response == english.response != "utter_compare_programs"
    assert spanish.variables["recommended"].startswith("Licenciatura")


def test_a_fact_edited_since_its_translation_is_shown_in_english(bot_env: str) -> None:
    """The translation is keyed by the English it translates: an edited duty has none, so the
    Spanish answer gives the office's new English wording, never the old fact in Spanish."""
    factory = session_factory(bot_env)
    with factory() as session:
        duty = session.scalars(
            select(CareerItem).where(CareerItem.kind == "duty").order_by(CareerItem.position)
        ).first()
        assert duty is not None
        old_name = duty.name
        assert session.scalar(
            select(CatalogTranslation.text).where(CatalogTranslation.english == old_name)
        )
        duty.name = "Review model fairness every quarter"
        session.commit()
    with factory() as session:
        duties = catalog.read_career(session, "es").duties
    assert duties[0].name == "Review model fairness every quarter"
    assert all(fact.name != old_name for fact in duties)


def test_booking_times_and_buttons_follow_the_conversation_language() -> None:
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from bot.booking.replies import confirm_buttons, when

    denver = ZoneInfo("America/Denver")
    moment = datetime(2026, 12, 1, 21, 0, tzinfo=timezone.utc)
    assert when(moment, denver) == "Tuesday, December 1 at 2:00 PM MST"
    with speaking("es"):
        assert when(moment, denver) == "martes 1 de diciembre a las 2:00 p. m. MST"
        assert confirm_buttons()[0].title == "Sí, agéndala"
    assert confirm_buttons()[0].title == "Yes, book it"


def test_the_action_server_answers_each_call_in_its_conversations_language() -> None:
    """Its request middleware sets the language from the tracker's slot, so the booking and
    handoff replies, which the answer layer does not build, are in it too."""
    import asyncio
    import json

    from actions.server import _refuse_malformed_action_call
    from bot.knowledge.replies.language import current_language

    class FakeRequest:
        path, method, headers = "/webhook", "POST", {}

        def __init__(self, language: str) -> None:
            tracker = {"sender_id": "s", "slots": {"language": language}}
            self.body = json.dumps({"next_action": "a", "tracker": tracker}).encode()
            self.ctx = type("Ctx", (), {})()

    async def language_after_middleware(language: str) -> str:
        await _refuse_malformed_action_call(FakeRequest(language))  # type: ignore[arg-type]
        return current_language()

    assert asyncio.run(language_after_middleware("es")) == "es"
    assert asyncio.run(language_after_middleware("xx")) == "en"


def test_every_suggested_topic_has_a_spanish_title() -> None:
    from bot.knowledge.fallback import DESCRIPTIONS_ES, did_you_mean
    from bot.knowledge.intents import DESCRIPTIONS

    assert set(DESCRIPTIONS_ES) == set(DESCRIPTIONS)
    with speaking("es"):
        reply = did_you_mean([{"name": "ask_tuition", "confidence": 0.3}])
    assert [b.title for b in reply.buttons] == ["Matrícula y costos", "Otra cosa"]
