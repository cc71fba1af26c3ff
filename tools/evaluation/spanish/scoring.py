"""Score the bot, end to end, on the Spanish evaluation set (evaluation.tsv beside this module).

Each line goes to the running bot in a fresh conversation, with no page language (a Spanish
speaker on the English page: the hardest case, the message alone must switch the language). A
line is answered right when the reply is the one its label asks for and is in Spanish:

- the label's own answer, told by the custom action or the domain response the bot used (the
  same evidence the English external set is judged on, tools/external_set.py);
- for intents whose answer is a fixed response (greet, thank, bot_challenge, ...), what the bot
  says to the label's own payload ("/greet") in a Spanish conversation: the oracle is the bot,
  so a reworded response needs no change here;
- out_of_scope lines: the real out-of-scope reply (bot.knowledge.reply_kinds), as in English.

The reply's language is read with the same identifiers the bot uses (rasa_plugins/nlu/language.py).
The set is never used for training; tests/test_training_data.py checks that none of its lines is in
data/.
"""

from __future__ import annotations

import csv
import statistics
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.knowledge.intents import UNKNOWN_TOPIC_INTENTS
from bot.knowledge.reply_kinds import reply_kind
from rasa_plugins.nlu.language import fasttext_identifier, langid_identifier, plain_language
from tools.servers import Servers, bot_actions, text_of, uttered_responses

SPANISH_SET = Path(__file__).with_name("evaluation.tsv")

# The answer each label asks for, by the action or response that gives it.
_ACTION_OF: dict[str, tuple[str, ...]] = {
    "ask_start_date": ("action_answer_start_date",),
    "book_counselor": ("action_start_booking",),
    "request_human": ("action_hand_over", "action_start_booking"),
    **{label: ("action_answer_unknown_topic",) for label in UNKNOWN_TOPIC_INTENTS},
}
# Program questions: any response of the topic's family (one program, all of them, or the
# not-offered reply first).
_RESPONSE_FAMILY: dict[str, tuple[str, ...]] = {
    "ask_programs": ("utter_programs_list", "utter_not_offered"),
    "ask_program_overview": ("utter_program_overview", "utter_programs_list"),
    "ask_program_duration": ("utter_program_duration",),
    "ask_tuition": ("utter_tuition",),
    "ask_program_certifications": ("utter_program_certifications",),
    "ask_transfer_credit": ("utter_transfer_credit",),
    "ask_program_careers": ("utter_program_careers",),
    "compare_programs": ("utter_compare_programs",),
    "ask_program_recommendation": ("utter_program_recommendation", "utter_compare_programs"),
    "ask_online_delivery": ("utter_online_delivery",),
}


@dataclass(frozen=True)
class Turn:
    """What the bot did with one message: its text and the turn's actions and responses."""

    text: str
    actions: tuple[str, ...]
    responses: tuple[str, ...]

    @property
    def kind(self) -> str:
        return reply_kind((*self.actions, *self.responses))

    @property
    def spanish(self) -> bool:
        return plain_language(self.text, (fasttext_identifier(), langid_identifier())) == "es"


@dataclass(frozen=True)
class SpanishOutcome:
    text: str
    label: str
    right_content: bool
    spanish: bool
    kind: str
    actions: tuple[str, ...]
    responses: tuple[str, ...]

    @property
    def correct(self) -> bool:
        return self.right_content and self.spanish


def read_spanish_set(path: Path = SPANISH_SET) -> list[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["text"], row["label"]) for row in rows]


def say(servers: Servers, text: str, metadata: dict[str, Any] | None = None) -> Turn:
    """One message in a fresh conversation (with `metadata`, as the widget sends it)."""
    sender = f"spanish-{uuid.uuid4().hex}"
    replies = servers.say_with_metadata(sender, text, metadata or {})
    events = servers.last_turn_events(sender)
    return Turn(text_of(replies), tuple(bot_actions(events)), tuple(uttered_responses(events)))


def right_content(label: str, turn: Turn, oracle: Callable[[str], Turn]) -> bool:
    """Whether `turn` gives the answer `label` asks for (see the module's docstring)."""
    if label == "out_of_scope":
        return turn.kind == "out_of_scope"
    if label in _ACTION_OF:
        return any(action in turn.actions for action in _ACTION_OF[label])
    if label in _RESPONSE_FAMILY:
        return any(r.startswith(_RESPONSE_FAMILY[label]) for r in turn.responses)
    if label.startswith("ask_ml_") or label in {
        "ask_related_roles",
        "ask_salary",
        "ask_job_growth",
        "ask_industries",
    }:
        expected = oracle(label)
        return "action_answer_career_question" in turn.actions and set(expected.responses) <= set(
            turn.responses
        )
    expected = oracle(label)
    return bool(expected.responses) and set(expected.responses) <= set(turn.responses)


def score_spanish(servers: Servers, lines: list[tuple[str, str]]) -> list[SpanishOutcome]:
    oracles: dict[str, Turn] = {}

    def oracle(label: str) -> Turn:
        if label not in oracles:
            oracles[label] = say(servers, f"/{label}", {"language_choice": "es"})
        return oracles[label]

    outcomes = []
    for text, label in lines:
        turn = say(servers, text)
        outcomes.append(
            SpanishOutcome(
                text=text,
                label=label,
                right_content=right_content(label, turn, oracle),
                spanish=turn.spanish,
                kind=turn.kind,
                actions=turn.actions,
                responses=turn.responses,
            )
        )
    return outcomes


def spanish_results(outcomes: list[SpanishOutcome]) -> dict[str, Any]:
    in_scope = [o for o in outcomes if o.label != "out_of_scope"]
    off_topic = [o for o in outcomes if o.label == "out_of_scope"]
    labels = sorted({o.label for o in outcomes})
    return {
        "in_scope_right": _share(in_scope, lambda o: o.correct),
        "in_scope_right_content": _share(in_scope, lambda o: o.right_content),
        "in_scope_total": len(in_scope),
        "replied_in_spanish": _share(outcomes, lambda o: o.spanish),
        "off_topic_out_of_scope": _share(off_topic, lambda o: o.kind == "out_of_scope"),
        "off_topic_total": len(off_topic),
        "off_topic_kinds": dict(Counter(o.kind for o in off_topic)),
        "per_label": {
            label: {
                "right": sum(o.correct for o in outcomes if o.label == label),
                "total": sum(o.label == label for o in outcomes),
            }
            for label in labels
        },
    }


def write_spanish_outcomes(outcomes: list[SpanishOutcome], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["label", "correct", "content", "spanish", "kind", "responses", "text"])
        for o in outcomes:
            writer.writerow(
                [
                    o.label,
                    o.correct,
                    o.right_content,
                    o.spanish,
                    o.kind,
                    "|".join(o.responses),
                    o.text,
                ]
            )


def median_ms(seconds: list[float]) -> float | None:
    return 1000 * statistics.median(seconds) if seconds else None


def _share(rows: list[SpanishOutcome], test: Callable[[SpanishOutcome], bool]) -> float | None:
    return sum(map(test, rows)) / len(rows) if rows else None
