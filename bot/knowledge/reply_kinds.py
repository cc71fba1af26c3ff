"""What each of the bot's replies is, for a student: an answer, or one of the ways of not answering.

One definition for the two places that judge replies: the external-set scoring of `make test`
and `make eval` (tools/external_set.py) and the office's insights (bot/staff/insights/). Standard
library only, so both environments import it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

# "answer" and "not_offered" answer; the other three are the kinds of not answering, counted
# apart because they are not equally good: for a question the assistant is not for,
# "out_of_scope" is the right reply, the counselor offer is honest but suggests the school can
# help with it, and "did_you_mean" asks the student to pick a topic and states nothing.
ReplyKind = Literal["answer", "not_offered", "out_of_scope", "counselor_offer", "did_you_mean"]
REPLY_KINDS: tuple[ReplyKind, ...] = (
    "answer",
    "not_offered",
    "out_of_scope",
    "counselor_offer",
    "did_you_mean",
)
# The two kinds that answer: a catalog answer, and "we don't offer that" naming the programs
# the school has (bot.knowledge.not_offered), counted apart so the evaluation shows how often it is
# said.
ANSWERING_KINDS: frozenset[ReplyKind] = frozenset({"answer", "not_offered"})
NOT_OFFERED_RESPONSE = "utter_not_offered"

# The actions and responses (a bot message's ``utter_action``) that mark each way of not
# answering, checked in this order:
# - out_of_scope: the decline that says what the bot can help with, the request to rephrase
#   (also the two-stage fallback's first step when no topic is likely enough to offer), and
#   utter_default (the fallback giving up, or action_default_fallback, which utters it);
# - counselor_offer: "the catalog doesn't cover that; an Enrollment Counselor can help";
# - did_you_mean: the two-stage fallback's "Did you mean ...?" topic buttons. The fallback loop
#   runs as one action, so action_two_stage_fallback is what the tracker records for it.
NOT_ANSWERING: dict[ReplyKind, frozenset[str]] = {
    "out_of_scope": frozenset({"utter_out_of_scope", "utter_ask_rephrase", "utter_default"}),
    "counselor_offer": frozenset({"action_answer_unknown_topic"}),
    "did_you_mean": frozenset({"action_two_stage_fallback", "action_default_ask_affirmation"}),
}

# Replies that state a fact from the catalog: the worst reply to a question we are not for.
CATALOG_FACT_ACTIONS = frozenset(
    {
        "action_answer_career_question",
        "action_answer_program_question",
        "action_answer_online_delivery",
        "action_compare_programs",
        "action_answer_start_date",
    }
)


def reply_kind(names: Iterable[str]) -> ReplyKind:
    """Which kind of reply a turn makes, from its actions and uttered responses."""
    seen = set(names)
    declined = next((kind for kind, marks in NOT_ANSWERING.items() if marks & seen), None)
    if declined is not None:
        return declined
    return "not_offered" if NOT_OFFERED_RESPONSE in seen else "answer"
