"""The external set's scoring (tools/external_set.py, shared with `make test`) and the
measures `make eval` computes from it, on hand-made replies: no servers needed."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tools.evaluation.end_to_end import external_results, resident_memory_mb
from tools.external_set import (
    COUNSELOR_LABELS,
    Outcome,
    Reply,
    ask,
    judge,
    reply_kind,
)
from tools.servers import Servers


@pytest.mark.parametrize(
    ("actions", "responses", "kind"),
    [
        (("action_answer_program_question",), (), "answer"),
        (("utter_greet",), ("utter_greet",), "answer"),
        (("utter_out_of_scope",), ("utter_out_of_scope",), "out_of_scope"),
        # The core fallback is recorded as action_default_fallback; its message is utter_default.
        (("action_default_fallback",), ("utter_default",), "out_of_scope"),
        (
            ("action_answer_unknown_topic",),
            ("utter_unknown_topic", "utter_counselor_contact"),
            "counselor_offer",
        ),
        (("action_two_stage_fallback",), ("utter_did_you_mean",), "did_you_mean"),
        (("action_two_stage_fallback",), (), "did_you_mean"),
        # With no topic likely enough to offer, the fallback's first step asks to rephrase.
        (("action_two_stage_fallback",), ("utter_ask_rephrase",), "out_of_scope"),
    ],
)
def test_reply_kind(actions: tuple[str, ...], responses: tuple[str, ...], kind: str) -> None:
    assert reply_kind(actions, responses) == kind


@dataclass
class RecordedServers(Servers):
    """Answers like a Rasa server whose tracker shows an earlier turn, then a two-stage fallback
    that found no topic to offer and asked to rephrase (the events as Rasa serialises them)."""

    def say(self, sender: str, message: Any) -> list[dict[str, Any]]:
        return [
            {
                "recipient_id": sender,
                "text": "Could you say it another way?",
                "buttons": [{"title": "How much is tuition?", "payload": "/ask_tuition"}],
            }
        ]

    def tracker(self, sender: str) -> dict[str, Any]:
        return {
            "events": [
                {"event": "user", "text": "hi"},
                {"event": "action", "name": "utter_greet"},
                {"event": "bot", "text": "Hi!", "metadata": {"utter_action": "utter_greet"}},
                {"event": "action", "name": "action_listen"},
                {"event": "user", "text": "blorp"},
                {"event": "action", "name": "action_two_stage_fallback"},
                {
                    "event": "bot",
                    "text": "Could you say it another way?",
                    "metadata": {"utter_action": "utter_ask_rephrase"},
                },
                {"event": "bot", "text": "a message sent without a response", "metadata": {}},
                {"event": "action", "name": "action_listen"},
            ]
        }


def test_ask_records_the_latest_turns_actions_and_responses(tmp_path: Path) -> None:
    reply = ask(RecordedServers(workdir=tmp_path), "blorp")
    assert reply.text == "Could you say it another way?\nHow much is tuition?"
    assert reply.actions == ("action_two_stage_fallback",)
    assert reply.responses == ("utter_ask_rephrase",)
    assert reply.kind == "out_of_scope"


def test_an_out_of_scope_line_is_right_only_with_the_real_out_of_scope_reply() -> None:
    decline = judge(
        "weather?", "out_of_scope", Reply("Sorry, that's outside ...", ("utter_out_of_scope",))
    )
    offer = judge(
        "weather?", "out_of_scope", Reply("A counselor can help", ("action_answer_unknown_topic",))
    )
    buttons = judge(
        "weather?", "out_of_scope", Reply("Did you mean", ("action_two_stage_fallback",))
    )
    assert (decline.correct, decline.declined, decline.kind) == (True, True, "out_of_scope")
    assert (offer.correct, offer.declined, offer.kind) == (False, True, "counselor_offer")
    assert (buttons.correct, buttons.declined, buttons.kind) == (False, True, "did_you_mean")


def test_an_in_scope_line_is_right_with_its_content_and_a_catalog_fact_is_flagged() -> None:
    tuition = judge(
        "cost?",
        "ask_tuition",
        Reply("Tuition is $3,920 per term", ("action_answer_program_question",)),
    )
    wrong = judge(
        "cost?", "ask_tuition", Reply("It takes 36 months", ("action_answer_program_question",))
    )
    greeting = judge("hi", "greet", Reply("Hi!", ("utter_greet",)))
    assert (tuition.correct, tuition.kind, tuition.catalog_fact) == (True, "answer", True)
    assert (wrong.correct, wrong.catalog_fact) == (False, True)
    assert (greeting.correct, greeting.catalog_fact) == (True, False)


def test_the_counselor_offer_is_the_right_answer_to_every_topic_the_catalog_does_not_cover() -> (
    None
):
    """The counselor labels are bot.knowledge.intents' unknown topics, each judged by the honest
    offer."""
    assert {"ask_admission_requirements", "ask_financial_aid"} <= COUNSELOR_LABELS
    offer = Reply("A counselor can help", ("action_answer_unknown_topic",))
    for label in COUNSELOR_LABELS:
        judged = judge("help?", label, offer)
        assert (label, judged.correct, judged.kind) == (label, True, "counselor_offer")


def outcome(label: str, kind: str, correct: bool = False, catalog_fact: bool = False) -> Outcome:
    actions = ("action_answer_program_question",) if catalog_fact else ("utter_greet",)
    return Outcome(f"a {label} line", label, correct, kind, actions)


def test_external_results_count_each_kind_of_not_answering_apart() -> None:
    heldout = [
        outcome("ask_tuition", "answer", correct=True, catalog_fact=True),
        outcome("ask_tuition", "answer", correct=False, catalog_fact=True),
        outcome("ask_tuition", "did_you_mean"),  # declined by mistake
        outcome("ask_start_date", "out_of_scope"),  # declined by mistake
        outcome("ask_financial_aid", "counselor_offer", correct=True),  # the right answer there
        outcome("ask_programs", "not_offered", correct=True),  # an answer, not a decline
        outcome("out_of_scope", "out_of_scope", correct=True),
        outcome("out_of_scope", "counselor_offer"),
    ]
    oos = [outcome("out_of_scope", "out_of_scope", correct=True)] * 5 + [
        outcome("out_of_scope", "counselor_offer"),
        outcome("out_of_scope", "did_you_mean"),
        outcome("out_of_scope", "did_you_mean"),
        outcome("out_of_scope", "answer", catalog_fact=True),
        outcome("out_of_scope", "answer"),
    ]
    results = external_results(heldout, oos)
    assert results["in_scope_total"] == 6
    assert results["in_scope_right"] == pytest.approx(3 / 6)
    # Five in-scope lines outside the counselor labels, two of them not answered.
    assert results["declined_by_mistake"] == pytest.approx(2 / 5)
    assert results["heldout_oos_out_of_scope"] == pytest.approx(1 / 2)
    assert results["oos_total"] == 10
    assert results["oos_out_of_scope"] == pytest.approx(0.5)
    assert results["oos_counselor_offer"] == pytest.approx(0.1)
    assert results["oos_did_you_mean"] == pytest.approx(0.2)
    assert results["oos_catalog_fact"] == pytest.approx(0.1)
    assert results["oos_kinds"] == {
        "answer": 2,
        "out_of_scope": 5,
        "counselor_offer": 1,
        "did_you_mean": 2,
        "not_offered": 0,
    }
    assert results["in_scope_kinds"] == {
        "answer": 2,
        "out_of_scope": 1,
        "counselor_offer": 1,
        "did_you_mean": 1,
        "not_offered": 1,
    }
    assert results["per_label"]["ask_tuition"] == {"right": 1, "total": 3}
    assert results["per_label"]["out_of_scope"] == {"right": 1, "total": 2}


def test_external_results_with_nothing_to_count_are_none_not_zero() -> None:
    results = external_results([outcome("ask_financial_aid", "counselor_offer", correct=True)], [])
    assert results["declined_by_mistake"] is None
    assert results["oos_out_of_scope"] is None and results["oos_catalog_fact"] is None
    assert results["heldout_oos_out_of_scope"] is None
    assert results["oos_kinds"] == {
        "answer": 0,
        "out_of_scope": 0,
        "counselor_offer": 0,
        "did_you_mean": 0,
        "not_offered": 0,
    }


def test_resident_memory_from_proc_status(tmp_path: Path) -> None:
    (tmp_path / "42").mkdir()
    (tmp_path / "42" / "status").write_text("Name:\trasa\nVmPeak:\t 9999 kB\nVmRSS:\t  524288 kB\n")
    assert resident_memory_mb(42, proc=tmp_path) == 512.0
    assert resident_memory_mb(43, proc=tmp_path) is None  # the process is gone


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_resident_memory_of_this_process() -> None:
    assert resident_memory_mb(os.getpid()) > 1
