"""The intent registry (bot.knowledge.intents) against domain.yml, the NLU data and what is derived
from it.

A new intent must be added to the registry before anything can forget it: a question intent the
bot answers but the booking form does not know would be taken as the student's name.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from bot.booking import form_answers
from bot.knowledge import answers, intents
from bot.knowledge.fallback import DESCRIPTIONS
from bot.knowledge.intents import INTENTS, QUESTION_INTENTS, InForm, Kind
from bot.knowledge.replies import Reply
from bot.settings import DOMAIN_PATH, REPO_ROOT

NLU_DIR = REPO_ROOT / "data" / "nlu"


def _domain_intents() -> set[str]:
    domain = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))
    # An intent is listed as a name, or as a one-key mapping with its options.
    return {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}


def _nlu_intents(nlu_dir: Path) -> dict[str, set[str]]:
    """Each intent with training examples, with the files that have them."""
    found: dict[str, set[str]] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if "intent" in block:
                found.setdefault(block["intent"], set()).add(path.name)
    return found


def test_the_registry_lists_each_intent_once() -> None:
    names = [intent.name for intent in INTENTS]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def test_the_registry_is_the_domains_intents_exactly() -> None:
    domain = _domain_intents()
    registry = set(intents.NAMES)
    assert not domain - registry, (
        f"in domain.yml, missing from bot/knowledge/intents.py: {domain - registry}"
    )
    assert not registry - domain, (
        f"in bot/knowledge/intents.py, missing from domain.yml: {registry - domain}"
    )


def test_every_intent_with_training_examples_is_in_the_registry() -> None:
    nlu = _nlu_intents(NLU_DIR)
    assert nlu, f"no NLU data found in {NLU_DIR}"
    unknown = {name: files for name, files in nlu.items() if name not in intents.BY_NAME}
    assert not unknown, f"intents in data/nlu missing from bot/knowledge/intents.py: {unknown}"


def test_the_answer_routes_are_the_registrys_answered_intents() -> None:
    """answers.py keeps its intent -> reply mappings; their keys must be the registry's."""
    assert set(answers.CAREER_REPLIES) == set(intents.names_of(Kind.CAREER))
    program_routes = (
        set(answers.PROGRAM_TOPIC_BY_INTENT)
        | set(answers.COMPARISON_INTENTS)
        | {answers.ONLINE_DELIVERY_INTENT}
    )
    assert program_routes == set(intents.names_of(Kind.PROGRAM))
    assert {answers.START_DATE_INTENT} == set(intents.names_of(Kind.START_DATE))
    assert {answers.INFORM_PROGRAM_INTENT} == set(intents.names_of(Kind.FOLLOW_UP))
    assert {answers.HANDOFF_INTENT} == set(intents.names_of(Kind.HANDOFF))
    assert set(QUESTION_INTENTS) <= set(answers.ANSWERED_INTENTS)


@pytest.mark.parametrize("intent", answers.ANSWERED_INTENTS)
def test_every_answered_intent_gets_a_reply(intent: str, tmp_path: Path) -> None:
    """answer_intent raises ValueError for an intent it has no route for; with no program
    database every routed intent still gets a reply (the apology), so no database is needed."""
    settings: Any = SimpleNamespace(
        database_url=f"sqlite:///{tmp_path / 'missing' / 'catalog.db'}",
        school_timezone="America/Denver",
        enrollment_contact=None,
    )
    assert isinstance(answers.answer_intent(intent, settings, today=date(2026, 11, 24)), Reply)


def test_every_question_intent_has_a_description() -> None:
    missing = [name for name in QUESTION_INTENTS if name not in DESCRIPTIONS]
    assert not missing, f"question intents the fallback could never offer: {missing}"
    assert all(len(title) <= 32 for title in DESCRIPTIONS.values()), "too long for a button"


def test_the_booking_form_answers_every_question_as_a_digression() -> None:
    missing = set(QUESTION_INTENTS) - form_answers.QUESTION_INTENTS
    assert not missing, f"asked mid-form, these would be taken as the form's answer: {missing}"
    assert set(intents.names_of(Kind.ASSISTANT)) <= form_answers.QUESTION_INTENTS
    assert not form_answers.QUESTION_INTENTS & form_answers.CONTROL_INTENTS
    assert not form_answers.QUESTION_INTENTS & form_answers.SMALL_TALK_INTENTS


def test_a_question_is_a_digression_unless_the_registry_says_otherwise() -> None:
    question = intents.Intent("ask_new_topic", Kind.PROGRAM, "A new topic")
    assert question.form_role is InForm.DIGRESSION
    assert intents.Intent("inform_value", Kind.FORM_CONTROL).form_role is InForm.ANSWER


def test_only_unknown_topics_are_named_in_the_apology() -> None:
    assert set(intents.UNKNOWN_TOPIC_NAMES) <= set(intents.UNKNOWN_TOPIC_INTENTS)
    assert set(answers.UNKNOWN_TOPIC_INTENTS) == set(intents.names_of(Kind.UNKNOWN_TOPIC))
