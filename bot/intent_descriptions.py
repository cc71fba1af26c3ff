"""Human-readable names for intents, and the "Did you mean ...?" choices built from them.

When the classifier is unsure (Rasa's FallbackClassifier predicts ``nlu_fallback``), a student
who is told "sorry, I didn't get that" twice closes the chat. The two-stage fallback instead
offers the two or three topics the classifier thought most likely, as buttons, plus "Something
else". The button titles live here, next to no Rasa code, so they can be tested without a
running bot and so the action that sends them stays a thin adapter (actions/fallback.py).

Only intents named below are ever offered: small talk, ``out_of_scope`` and intents that need
an entity to mean anything (``inform_program``) are left out on purpose, and an intent added to
the domain later is not offered until someone gives it a name a student understands.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.replies import Button, Reply

INTENT_DESCRIPTIONS: dict[str, str] = {
    # the machine learning engineer career
    "ask_ml_role": "What an ML engineer does",
    "ask_ml_duties": "An ML engineer's daily duties",
    "ask_ml_skills": "Skills an ML engineer needs",
    "ask_ml_education": "Education for ML engineers",
    "ask_ml_certifications": "Certifications for ML engineers",
    "ask_related_roles": "Jobs related to ML engineering",
    "ask_salary": "ML engineer salary",
    "ask_job_growth": "Job outlook for ML engineers",
    "ask_industries": "Industries hiring ML engineers",
    # the degree programs
    "ask_programs": "Our degree programs",
    "ask_program_overview": "A program overview",
    "ask_program_duration": "How long a program takes",
    "ask_tuition": "Tuition and fees",
    "ask_program_certifications": "Certifications in the programs",
    "ask_transfer_credit": "Transfer credit",
    "ask_program_careers": "Careers after a program",
    "compare_programs": "Comparing the two programs",
    "ask_program_recommendation": "Which program suits me",
    # enrollment
    "ask_start_date": "Start dates",
    "ask_admission_requirements": "Admission requirements",
    "ask_financial_aid": "Financial aid",
    "ask_housing": "Housing",
    "request_human": "Talk to an Enrollment Counselor",
    "ask_help": "What I can help with",
}

# "Something else" answers the question with Rasa's deny intent for the two-stage fallback
# (out_of_scope): the loop then asks the student to rephrase.
SOMETHING_ELSE = Button("Something else", "/out_of_scope")

# When "off-topic" is the likeliest reading of an unclear message, offering catalog topics
# ("Did you mean tuition?" for a question about a stock price) would look random: the
# student is told what the assistant can help with instead.
OFF_TOPIC = "out_of_scope"
NLU_FALLBACK = "nlu_fallback"

MAX_SUGGESTIONS = 3
# A candidate this unlikely is noise, not a suggestion: offering it would look random.
MIN_CONFIDENCE = 0.05


@dataclass(frozen=True)
class Candidate:
    intent: str
    confidence: float


def candidates(ranking: Iterable[Mapping[str, Any]]) -> list[Candidate]:
    """Intents from Rasa's ``intent_ranking`` that may be offered, most likely first."""
    ranked = sorted(
        (Candidate(str(row.get("name")), float(row.get("confidence") or 0.0)) for row in ranking),
        key=lambda candidate: -candidate.confidence,
    )
    return [
        c for c in ranked if c.intent in INTENT_DESCRIPTIONS and c.confidence >= MIN_CONFIDENCE
    ][:MAX_SUGGESTIONS]


def likeliest_reading(ranking: Iterable[Mapping[str, Any]]) -> str | None:
    """The intent ranked first once ``nlu_fallback`` (Rasa's "unsure" marker) is set aside."""
    readings = [row for row in ranking if row.get("name") != NLU_FALLBACK]
    if not readings:
        return None
    return str(max(readings, key=lambda row: float(row.get("confidence") or 0.0)).get("name"))


def payload(intent: str, program: str | None = None) -> str:
    """A button payload that sends the intent directly, keeping the program the student named
    so that "how long is cs?" → "How long a program takes" still answers for computer science."""
    if program:
        return f"/{intent}{json.dumps({'program': program})}"
    return f"/{intent}"


def did_you_mean(ranking: Sequence[Mapping[str, Any]], program: str | None = None) -> Reply:
    """The first stage of the two-stage fallback: likely topics as buttons; the out-of-scope
    reply when off-topic is the likeliest reading; or, when nothing is likely enough to
    offer, the plain request to rephrase (with its example questions)."""
    if likeliest_reading(ranking) == OFF_TOPIC:
        return Reply("utter_out_of_scope")
    offered = candidates(ranking)
    if not offered:
        return Reply("utter_ask_rephrase")
    buttons = tuple(
        Button(INTENT_DESCRIPTIONS[c.intent], payload(c.intent, program)) for c in offered
    )
    return Reply("utter_did_you_mean", buttons=buttons + (SOMETHING_ELSE,))
