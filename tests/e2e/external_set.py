"""Score the bot end to end on the external test set in ../shared/eval/external.

Those lines were written by people outside the team and are never used for training.
Each line goes to the running bot in a fresh conversation; the reply is judged by what
it does for the student (the right figure, an honest counselor offer, a decline), not by
which intent the classifier picked.
"""

from __future__ import annotations

import csv
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from servers import Servers, text_of

EXTERNAL_DIR = Path(__file__).resolve().parents[3] / "shared" / "eval" / "external"

# Replies that answer nothing: a decline, the counselor offer for an uncovered topic, a request to
# rephrase, or the two-stage fallback's first step ("Sorry, I'm not sure I understood. Did you
# mean ...?" with topic buttons and "Something else"), which states no fact and asks the student
# to choose. The fallback loop runs as one action, so its name is what the tracker records.
DECLINING_ACTIONS = {"utter_out_of_scope", "utter_ask_rephrase", "action_answer_unknown_topic",
                     "action_two_stage_fallback"}


@dataclass(frozen=True)
class Outcome:
    text: str
    label: str
    correct: bool
    declined: bool
    actions: tuple[str, ...]


def _ran(*names: str) -> Callable[[str, tuple[str, ...]], bool]:
    return lambda reply, actions: any(name in actions for name in names)


def _says(fragment: str) -> Callable[[str, tuple[str, ...]], bool]:
    return lambda reply, actions: fragment in reply


# What a right answer carries, per label of the external set.
RIGHT_CONTENT: dict[str, Callable[[str, tuple[str, ...]], bool]] = {
    "ask_tuition": _says("$3,920"),
    "ask_program_duration": _says("months"),
    "ask_start_date": _ran("action_answer_start_date"),
    "ask_programs": _ran("action_answer_program_question", "action_compare_programs"),
    "ask_transfer_credit": _says("coursework"),
    "ask_ml_role": _ran("action_answer_career_question"),
    "ask_ml_skills": _ran("action_answer_career_question"),
    "ask_education_required": _ran("action_answer_career_question", "action_answer_program_question"),
    "ask_admission_requirements": _ran("action_answer_unknown_topic"),
    "ask_financial_aid": _ran("action_answer_unknown_topic"),
    "human_handoff": _ran("action_hand_over", "action_start_booking"),
    "greet": _ran("utter_greet"),
    "goodbye": _ran("utter_goodbye"),
}


def read_lines(file_name: str) -> list[tuple[str, str]]:
    """(text, label) pairs of one TSV of the external set (unquoted, TAB-separated)."""
    with (EXTERNAL_DIR / file_name).open(newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["text"], row["label"]) for row in rows]


def score(servers: Servers, lines: list[tuple[str, str]]) -> list[Outcome]:
    outcomes = []
    for text, label in lines:
        sender = f"external-{uuid.uuid4().hex}"
        reply = text_of(servers.say(sender, text))
        actions = tuple(servers.last_bot_actions(sender))
        declined = bool(DECLINING_ACTIONS & set(actions))
        if label == "out_of_scope":
            correct = declined
        else:
            correct = RIGHT_CONTENT[label](reply, actions)
        outcomes.append(Outcome(text, label, correct, declined, actions))
    return outcomes


def summary(outcomes: list[Outcome]) -> str:
    by_label: Counter[str] = Counter(outcome.label for outcome in outcomes)
    right: Counter[str] = Counter(outcome.label for outcome in outcomes if outcome.correct)
    return "\n".join(f"  {label:28} {right[label]:4}/{total:<4} {right[label] / total:6.1%}"
                     for label, total in sorted(by_label.items()))
