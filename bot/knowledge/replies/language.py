"""The language a reply is being built in, and the few words the reply code adds to the facts.

Most wording lives in domain.yml, where every response has a Spanish variation, and the facts'
own wording comes from the program database (translated by bot.knowledge.translations). What is
left is what the code composes: money, dates, "a, b, and c", "per 6-month term", button titles.
Those read the language set by `speaking`, a context variable, so the one call that knows the
conversation's language (bot.knowledge.answers) sets it and the reply functions keep their
signatures, as a template engine's active locale does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

ENGLISH = "en"
SPANISH = "es"
LANGUAGES = (ENGLISH, SPANISH)
# How the staff console names each language.
LANGUAGE_NAMES = {ENGLISH: "English", SPANISH: "Spanish"}

_speaking: ContextVar[str] = ContextVar("reply_language", default=ENGLISH)

# The code's own words, by key: each English phrase with its Spanish, {placeholders} alike.
PHRASES: dict[str, dict[str, str]] = {
    "per_term": {
        ENGLISH: "{amount} per {months}-month term",
        SPANISH: "{amount} por período de {months} meses",
    },
    "estimate": {
        ENGLISH: "about {amount} for {terms} term{plural}",
        SPANISH: "unos {amount} por {terms} período{plural}",
    },
    "estimate_if_finished": {
        ENGLISH: "{estimate} if you finish in {months} months",
        SPANISH: "{estimate} si terminas en {months} meses",
    },
    "about_program": {ENGLISH: "About the {program}", SPANISH: "Sobre la {program}"},
    "button_tuition": {ENGLISH: "Tuition", SPANISH: "Matrícula"},
    "button_certifications": {ENGLISH: "Certifications", SPANISH: "Certificaciones"},
    "button_careers": {ENGLISH: "Careers", SPANISH: "Carreras profesionales"},
    "compare_time": {ENGLISH: "Time: {time}", SPANISH: "Tiempo: {time}"},
    "compare_tuition": {
        ENGLISH: "Tuition: {tuition}, {estimate} over the typical time",
        SPANISH: "Matrícula: {tuition}, {estimate} en el tiempo habitual",
    },
    "compare_certifications": {
        ENGLISH: "Certifications: {certifications}",
        SPANISH: "Certificaciones: {certifications}",
    },
    "compare_careers": {ENGLISH: "Careers: {careers}", SPANISH: "Carreras: {careers}"},
    "including": {ENGLISH: "including {names}", SPANISH: "entre ellas: {names}"},
    "growth": {
        ENGLISH: "{percent}% through {year}",
        SPANISH: "un {percent} % hasta {year}",
    },
    "talk_to_counselor": {
        ENGLISH: "Talk to an Enrollment Counselor",
        SPANISH: "Hablar con un asesor de admisiones",
    },
    "yes_book_a_call": {ENGLISH: "Yes, book a call", SPANISH: "Sí, agendar una llamada"},
    "no_thanks": {ENGLISH: "No thanks", SPANISH: "No, gracias"},
    "that_topic": {ENGLISH: "that topic", SPANISH: "ese tema"},
    "and": {ENGLISH: "and", SPANISH: "y"},
    "or": {ENGLISH: "or", SPANISH: "o"},
}

# The topics the catalog does not cover, as the unknown-topic reply names them
# (bot.knowledge.intents gives the English).
TOPIC_NAMES_ES: dict[str, str] = {
    "admission requirements": "los requisitos de admisión",
    "financial aid": "la ayuda financiera",
    "housing": "la vivienda",
}

_MONTHS_ES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


_WEEKDAYS_ES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


def language_name(code: str) -> str:
    """ "Spanish" for "es": a language as the staff console shows it."""
    return LANGUAGE_NAMES.get(code, code)


def current_language() -> str:
    return _speaking.get()


@contextmanager
def speaking(language: str | None) -> Iterator[str]:
    """Build replies in `language` ("en" or "es"; anything else is English) inside the block."""
    chosen = language if language in LANGUAGES else ENGLISH
    token = _speaking.set(chosen)
    try:
        yield chosen
    finally:
        _speaking.reset(token)


def speak(language: object) -> str:
    """Set the language for the rest of the current task, as a request handler does for its
    request (the action server, for each action call): the next request sets it again."""
    chosen = language if isinstance(language, str) and language in LANGUAGES else ENGLISH
    _speaking.set(chosen)
    return chosen


def phrase(key: str, **values: object) -> str:
    """The code's phrase `key` in the current language, filled with `values`."""
    templates = PHRASES[key]
    return templates.get(current_language(), templates[ENGLISH]).format(**values)


def in_current_language(english: str, spanish: str) -> str:
    """One of two wordings of the same thing, for code that has only a word or two to say."""
    return spanish if current_language() == SPANISH else english


def spanish_month(month: int) -> str:
    return _MONTHS_ES[month - 1]


def spanish_weekday(weekday: int) -> str:
    """Monday is 0, as `datetime.weekday()` counts."""
    return _WEEKDAYS_ES[weekday]


def clock_time(moment: datetime) -> str:
    """ "2:00 PM MST", or in Spanish "2:00 p. m. MST" (the RAE's abbreviations)."""
    hour = moment.hour % 12 or 12
    if current_language() == SPANISH:
        half = "a. m." if moment.hour < 12 else "p. m."
    else:
        half = "AM" if moment.hour < 12 else "PM"
    return f"{hour}:{moment:%M} {half} {moment:%Z}".rstrip()
