"""The "Did you mean ...?" choices of the two-stage fallback, built from the intents' names.

When the classifier is unsure (Rasa's FallbackClassifier predicts ``nlu_fallback``), a student
who is told "sorry, I didn't get that" twice closes the chat. The two-stage fallback instead
offers the two or three topics the classifier thought most likely, as buttons, plus "Something
else". This lives apart from any Rasa code so it can be tested without a running bot and so the
action that sends it stays a thin adapter (actions/fallback.py).

The button titles are the registry's descriptions (bot.knowledge.intents). Only intents with one
are ever offered: small talk, ``out_of_scope`` and intents that need an entity to mean anything
(``inform_program``) have none on purpose, and an intent added to the domain later is not
offered until someone gives it a name a student understands.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.knowledge.intents import DESCRIPTIONS
from bot.knowledge.replies import Button, Reply
from bot.knowledge.replies.language import SPANISH, current_language, in_current_language

# The registry's descriptions in Spanish, for a Spanish conversation's "¿Te referías a ...?".
DESCRIPTIONS_ES: dict[str, str] = {
    "ask_help": "En qué puedo ayudarte",
    "request_human": "Hablar con una persona",
    "ask_ml_role": "Qué hace un ingeniero de machine learning",
    "ask_ml_duties": "Las tareas diarias de un ingeniero de ML",
    "ask_ml_skills": "Habilidades que necesita un ingeniero de ML",
    "ask_ml_education": "Estudios para ser ingeniero de ML",
    "ask_ml_certifications": "Certificaciones para ingenieros de ML",
    "ask_related_roles": "Trabajos relacionados con el machine learning",
    "ask_salary": "Salario de un ingeniero de ML",
    "ask_job_growth": "Perspectivas laborales de los ingenieros de ML",
    "ask_industries": "Industrias que contratan ingenieros de ML",
    "ask_programs": "Nuestros programas de licenciatura",
    "ask_program_overview": "Un programa en detalle",
    "ask_program_duration": "Cuánto dura un programa",
    "ask_tuition": "Matrícula y costos",
    "ask_program_certifications": "Certificaciones incluidas en los programas",
    "ask_transfer_credit": "Transferencia de créditos",
    "ask_program_careers": "Carreras después de un programa",
    "compare_programs": "Comparar los dos programas",
    "ask_program_recommendation": "Qué programa me conviene",
    "ask_online_delivery": "Estudiar en línea",
    "ask_start_date": "Fechas de inicio",
    "ask_admission_requirements": "Requisitos de admisión",
    "ask_financial_aid": "Ayuda financiera",
    "ask_housing": "Vivienda",
    "ask_other_enrollment_topic": "Otras preguntas sobre la inscripción",
}


def something_else() -> Button:
    """ "Something else" answers the question with Rasa's deny intent for the two-stage
    fallback (out_of_scope): the loop then asks the student to rephrase."""
    return Button(in_current_language("Something else", "Otra cosa"), "/out_of_scope")


def description(intent: str) -> str:
    if current_language() == SPANISH:
        return DESCRIPTIONS_ES.get(intent, DESCRIPTIONS[intent])
    return DESCRIPTIONS[intent]


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
    return [c for c in ranked if c.intent in DESCRIPTIONS and c.confidence >= MIN_CONFIDENCE][
        :MAX_SUGGESTIONS
    ]


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
    buttons = tuple(Button(description(c.intent), payload(c.intent, program)) for c in offered)
    return Reply("utter_did_you_mean", buttons=(*buttons, something_else()))
