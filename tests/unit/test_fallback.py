"""The "Did you mean ...?" step of the two-stage fallback (bot.knowledge.fallback and the
action that sends it): which topics are offered, how, and what happens when none fits."""

from __future__ import annotations

import json
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionAskAffirmation
from bot.knowledge.fallback import (
    DESCRIPTIONS,
    MAX_SUGGESTIONS,
    candidates,
    did_you_mean,
    payload,
    something_else,
)
from bot.knowledge.templates import load_response_texts
from bot.settings import DOMAIN_PATH


def _ranking(*pairs: tuple[str, float]) -> list[dict[str, Any]]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


# What FallbackClassifier leaves in intent_ranking: nlu_fallback first, then the real ranking.
UNSURE = _ranking(
    ("nlu_fallback", 0.55),
    ("ask_tuition", 0.41),
    ("ask_financial_aid", 0.33),
    ("out_of_scope", 0.12),
    ("ask_program_duration", 0.08),
    ("ask_salary", 0.06),
)


def test_offers_the_likeliest_topics_by_name_then_something_else() -> None:
    reply = did_you_mean(UNSURE)
    assert reply.response == "utter_did_you_mean"
    assert [b.title for b in reply.buttons] == [
        "Tuition and fees",
        "Financial aid",
        "How long a program takes",
        "Something else",
    ]
    assert [b.payload for b in reply.buttons] == [
        "/ask_tuition",
        "/ask_financial_aid",
        "/ask_program_duration",
        "/out_of_scope",
    ]


def test_never_offers_fallback_out_of_scope_small_talk_or_unnamed_intents() -> None:
    ranking = _ranking(
        ("nlu_fallback", 0.5),
        ("out_of_scope", 0.4),
        ("greet", 0.3),
        ("inform_program", 0.3),
        ("book_appointment", 0.3),
        ("ask_salary", 0.2),
    )
    assert [c.intent for c in candidates(ranking)] == ["ask_salary"]


def test_at_most_three_suggestions_and_none_that_are_noise() -> None:
    ranking = _ranking(*[(intent, 0.2) for intent in DESCRIPTIONS], ("ask_tuition", 0.01))
    assert len(candidates(ranking)) == MAX_SUGGESTIONS
    assert candidates(_ranking(("ask_tuition", 0.01))) == []


def test_without_a_likely_topic_it_asks_to_rephrase() -> None:
    reply = did_you_mean(_ranking(("nlu_fallback", 0.6), ("greet", 0.3), ("ask_tuition", 0.01)))
    assert reply.response == "utter_ask_rephrase"
    assert reply.buttons == ()


def test_when_off_topic_is_the_likeliest_reading_it_says_what_it_can_help_with() -> None:
    # "how much is a share of tesla": unsure, but more off-topic than tuition.
    ranking = _ranking(("nlu_fallback", 0.45), ("out_of_scope", 0.4), ("ask_tuition", 0.3))
    assert did_you_mean(ranking).response == "utter_out_of_scope"
    assert did_you_mean(ranking).buttons == ()


def test_an_off_topic_runner_up_does_not_hide_the_likely_topics() -> None:
    ranking = _ranking(("nlu_fallback", 0.45), ("ask_tuition", 0.4), ("out_of_scope", 0.3))
    assert did_you_mean(ranking).response == "utter_did_you_mean"


def test_a_named_program_is_kept_in_the_payload() -> None:
    reply = did_you_mean(UNSURE, program="computer_science")
    intent, entities = reply.buttons[0].payload[1:].split("{", 1)
    assert intent == "ask_tuition"
    assert json.loads("{" + entities) == {"program": "computer_science"}
    assert reply.buttons[-1] == something_else()
    assert payload("ask_tuition") == "/ask_tuition"


def test_described_intents_exist_and_responses_are_in_the_domain() -> None:
    domain = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    assert set(DESCRIPTIONS) <= intents
    assert "action_default_ask_affirmation" in domain["actions"]
    responses = load_response_texts(DOMAIN_PATH)
    assert responses.get("utter_did_you_mean") and responses.get("utter_ask_rephrase")
    # every title is short enough for a button
    assert all(len(title) <= 32 for title in DESCRIPTIONS.values())


def test_the_action_reads_the_ranking_and_program_from_the_tracker() -> None:
    tracker = Tracker(
        "student",
        {},
        {
            "text": "how much is cs",
            "intent": {"name": "nlu_fallback"},
            "intent_ranking": UNSURE,
            "entities": [{"entity": "program", "value": "computer_science"}],
        },
        [],
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = ActionAskAffirmation().run(dispatcher, tracker, {})
    assert events == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_did_you_mean"
    assert message["buttons"][0]["payload"] == '/ask_tuition{"program": "computer_science"}'
    assert message["buttons"][-1] == {"title": "Something else", "payload": "/out_of_scope"}
