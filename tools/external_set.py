"""Score the bot end to end on the external test set in ../shared/eval/external.

Those lines were written by people outside the team and are never used for training.
Each line goes to the running bot in a fresh conversation; the reply is judged by what
it does for the student (the right figure, an honest counselor offer, a decline), not by
which intent the classifier picked. Every reply is also recorded as one of four kinds
(REPLY_KINDS), so the ways of not answering are counted apart. `make test` and `make eval`
(tools/evaluation/end_to_end.py) both score with this module, so they cannot disagree.
"""

from __future__ import annotations

import csv
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bot.knowledge.intents import UNKNOWN_TOPIC_INTENTS
from bot.knowledge.reply_kinds import ANSWERING_KINDS, CATALOG_FACT_ACTIONS, REPLY_KINDS, ReplyKind
from bot.knowledge.reply_kinds import reply_kind as kinds_of_reply
from bot.settings import SHARED_DIR
from tools.servers import Servers, bot_actions, text_of, uttered_responses

EXTERNAL_DIR = SHARED_DIR / "eval" / "external"

# Labels whose right answer is the counselor offer, so not answering there is no mistake: the
# topics the catalog does not cover (bot.knowledge.intents), the same ones the bot apologises for.
COUNSELOR_LABELS = frozenset(UNKNOWN_TOPIC_INTENTS)


def reply_kind(actions: tuple[str, ...], responses: tuple[str, ...] = ()) -> ReplyKind:
    """Which kind of reply a turn's actions and uttered responses make
    (bot.knowledge.reply_kinds)."""
    return kinds_of_reply((*actions, *responses))


@dataclass(frozen=True)
class Reply:
    """What the bot did with one message: its text (button titles included) and the turn's
    actions and responses, which is all a line is judged on."""

    text: str
    actions: tuple[str, ...]
    responses: tuple[str, ...] = ()

    @property
    def kind(self) -> ReplyKind:
        return reply_kind(self.actions, self.responses)

    @property
    def catalog_fact(self) -> bool:
        return states_a_catalog_fact(self.actions)


def states_a_catalog_fact(actions: tuple[str, ...]) -> bool:
    return bool(CATALOG_FACT_ACTIONS & set(actions))


@dataclass(frozen=True)
class Outcome:
    """One scored line: ``correct`` as ``judge`` decides it, ``kind`` what the reply was."""

    text: str
    label: str
    correct: bool
    kind: ReplyKind
    actions: tuple[str, ...]
    responses: tuple[str, ...] = ()

    @property
    def declined(self) -> bool:
        """Not answered, in any of the three ways ("we don't offer that" answers)."""
        return self.kind not in ANSWERING_KINDS

    @property
    def catalog_fact(self) -> bool:
        return states_a_catalog_fact(self.actions)


def _ran(*names: str) -> Callable[[str, tuple[str, ...]], bool]:
    return lambda reply, actions: any(name in actions for name in names)


def _says(fragment: str) -> Callable[[str, tuple[str, ...]], bool]:
    return lambda reply, actions: fragment in reply


# What a right answer carries, per label of the external set.
RIGHT_CONTENT: dict[str, Callable[[str, tuple[str, ...]], bool]] = {
    "ask_tuition": _says("$3,920"),
    "ask_program_duration": _says("months"),
    "ask_start_date": _ran("action_answer_start_date"),
    # "Is the program offered online?" is a question about the programs, and the page answers
    # it: both degrees are online (issue 23 names it among the questions to answer).
    "ask_programs": _ran(
        "action_answer_program_question", "action_compare_programs", "action_answer_online_delivery"
    ),
    "ask_transfer_credit": _says("coursework"),
    "ask_ml_role": _ran("action_answer_career_question"),
    "ask_ml_skills": _ran("action_answer_career_question"),
    "ask_education_required": _ran(
        "action_answer_career_question", "action_answer_program_question"
    ),
    **{label: _ran("action_answer_unknown_topic") for label in UNKNOWN_TOPIC_INTENTS},
    "human_handoff": _ran("action_hand_over", "action_start_booking"),
    "greet": _ran("utter_greet"),
    "goodbye": _ran("utter_goodbye"),
}


def read_lines(file_name: str) -> list[tuple[str, str]]:
    """(text, label) pairs of one TSV of the external set (unquoted, TAB-separated)."""
    with (EXTERNAL_DIR / file_name).open(newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["text"], row["label"]) for row in rows]


def ask(servers: Servers, text: str, prefix: str = "external") -> Reply:
    """Send one line in a fresh conversation, as a new visitor would, and record the reply."""
    sender = f"{prefix}-{uuid.uuid4().hex}"
    reply = text_of(servers.say(sender, text))
    events = servers.last_turn_events(sender)
    return Reply(reply, tuple(bot_actions(events)), tuple(uttered_responses(events)))


def judge(text: str, label: str, reply: Reply) -> Outcome:
    """Score one reply: the right content for its label, or, for an out_of_scope line, the
    real out-of-scope reply (the counselor offer and "Did you mean" are not that)."""
    if label == "out_of_scope":
        correct = reply.kind == "out_of_scope"
    else:
        correct = RIGHT_CONTENT[label](reply.text, reply.actions)
    return Outcome(text, label, correct, reply.kind, reply.actions, reply.responses)


def score(servers: Servers, lines: list[tuple[str, str]]) -> list[Outcome]:
    return [judge(text, label, ask(servers, text)) for text, label in lines]


def kind_counts(outcomes: list[Outcome]) -> dict[ReplyKind, int]:
    """How many replies were of each kind, every kind listed (a zero is a result too)."""
    counted = Counter(outcome.kind for outcome in outcomes)
    return {kind: counted[kind] for kind in REPLY_KINDS}


def summary(outcomes: list[Outcome]) -> str:
    by_label: Counter[str] = Counter(outcome.label for outcome in outcomes)
    right: Counter[str] = Counter(outcome.label for outcome in outcomes if outcome.correct)
    return "\n".join(
        f"  {label:28} {right[label]:4}/{total:<4} {right[label] / total:6.1%}"
        for label, total in sorted(by_label.items())
    )
