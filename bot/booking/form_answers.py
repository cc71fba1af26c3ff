"""Reading one answer of the booking form out of what the student typed.

Students answer in sentences ("my email is jo@example.com", "sure, it's Jordan Lee", "skip"), and
sometimes answer a question with a question ("how much is tuition?"). These functions pull the
value out of the sentence, or say the message is not an answer at all, so the form can hand the
question to the rest of the bot and resume afterwards. Validation of the value itself (is this a
real e-mail address or phone number?) stays in `bot.booking.validation`.

The vocabulary is English and Spanish at once, whatever the conversation's language: a student
may answer a Spanish question with "skip", or type "omitir" in an English conversation. Words are
compared in the form `plain_words` gives (lower case, no accents, no punctuation), so "Teléfono",
"telefono" and "teléfono." are one word; Spanish speakers often type without accents.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from bot.knowledge.intents import InForm, form_intents
from bot.knowledge.programs import normalise_name, programs_in_text

# Form fields in the order the form asks them; also the fields a student can correct.
FORM_FIELDS = (
    "full_name",
    "email",
    "preferred_contact",
    "phone",
    "interested_program",
    "appointment_slot",
)

# What a student calls each field when correcting it ("change my email", "cambiar mi número"),
# as `plain_words` writes it. The first field that matches wins, so "número de teléfono" is the
# phone and "nombre" is never read as anything else.
FIELD_WORDS: Mapping[str, tuple[str, ...]] = {
    "full_name": ("name", "nombre", "apellido"),
    "email": ("email", "e mail", "mail", "address", "correo", "direccion"),
    "phone": ("phone", "number", "mobile", "cell", "telefono", "numero", "celular", "movil"),
    "preferred_contact": (
        "contact method",
        "how you contact",
        "reach me",
        "call me",
        "text me",
        "metodo de contacto",
        "forma de contacto",
        "medio de contacto",
        "como me contactan",
    ),
    "interested_program": (
        "program",
        "programme",
        "major",
        "degree",
        "course",
        "programa",
        "carrera",
        "curso",
    ),
    "appointment_slot": (
        "time",
        "date",
        "day",
        "slot",
        "appointment",
        "when",
        "hora",
        "horario",
        "fecha",
        "dia",
        "cita",
    ),
}

# The slot value for "not sure yet" in `interested_program` (a lead stores it as NULL).
UNDECIDED = "undecided"
# The slot value for "no phone number" in `phone` (a lead stores it as NULL).
NO_PHONE = "none"

# The whole answer, as `plain_words` writes it, that declines the optional phone number
# ("n/a" is written "n a"; "No, gracias." is "no gracias").
SKIP_WORDS = frozenset(
    {
        # English
        *("skip", "no", "nope", "none", "no thanks", "no thank you", "rather not", "pass"),
        *("n a", "na"),
        # Spanish ("omitir" is the button's title)
        *("omitir", "omite", "omitelo", "saltar", "salta", "saltalo", "paso", "siguiente"),
        *("no gracias", "no muchas gracias", "prefiero no", "mejor no", "no quiero"),
        *("ninguno", "ninguna", "nada", "sin telefono", "sin numero", "no tengo"),
    }
)
# How a longer answer that declines the phone number begins ("no tengo teléfono fijo").
SKIP_STARTS = (
    *("i d rather not", "rather not", "no phone"),
    *("prefiero no", "no tengo telefono", "no tengo numero", "no tengo celular"),
    *("sin telefono", "sin numero", "no quiero dar", "no quiero compartir"),
)
# Searched for in the answer to the program question (in `plain_words` form, apostrophes kept).
# A space at either end of a phrase requires a word boundary there: "no se" must not match
# "no seria", and "ambos" stands alone; the English phrases match inside words, as always.
UNDECIDED_WORDS = (
    "not sure",
    "unsure",
    "undecided",
    "don't know",
    "dont know",
    "no idea",
    "either",
    "both",
    "haven't decided",
    "havent decided",
    "not yet",
    # Spanish ("Aún no lo sé" is the button's title)
    " no se ",
    " no lo se ",
    "no estoy segur",  # seguro, segura
    " no sabria ",
    " ni idea ",
    "indecis",  # indeciso, indecisa
    " no he decidido ",
    "sin decidir",
    " aun no ",
    " todavia no ",
    " cualquiera ",
    " los dos ",
    " las dos ",
    " ambos ",
    " ambas ",
)
# The first method whose phrase is in the answer wins, so "mensaje de texto al teléfono" is a
# text. "mensaje" alone is not listed: "mándame un mensaje al correo" is an e-mail; it means a
# text only when no other method is named (see `contact_method_from`).
CONTACT_WORDS: Mapping[str, tuple[str, ...]] = {
    "text": ("text", "sms", "message me", "texting", "texto", "mensaje de texto", "mensajito"),
    "phone": (
        *("phone", "call", "ring", "telephone"),
        *("telefono", "llamada", "llamar", "llamarme", "llamame", "llamen", "llamenme", "celular"),
    ),
    "email": ("email", "e mail", "mail", "correo", "correo electronico"),
}
# A method named only by a word that is also part of other methods' phrases.
_CONTACT_IF_ALONE: Mapping[str, tuple[str, ...]] = {"text": ("mensaje", "mensajes")}

# Intents the rest of the bot answers; asked mid-form they are a digression, not an answer
# (bot.knowledge.intents decides which, so a new question intent is never taken as a name).
# A short answer that merely resembles one of them ("Jordan" as ask_ml_role) is still an answer:
# see `is_digression`.
QUESTION_INTENTS = form_intents(InForm.DIGRESSION)
# Intents that steer the form itself; never taken as an answer.
CONTROL_INTENTS = form_intents(InForm.CONTROL)
# Replies that are no answer to "what's your name?" ("thanks", "ok", "hi").
SMALL_TALK_INTENTS = form_intents(InForm.SMALL_TALK)
# Below this confidence a question intent on a message without a question shape is treated as
# a misread answer (names and times are not in the training data of the question intents).
CONFIDENT_QUESTION = 0.9

_QUESTION_START = re.compile(
    r"^\s*¿?\s*(?:"
    r"(what|how|when|where|which|who|why|is|are|do|does|can|could|will|should|tell me)\b"
    # A written accent marks the Spanish question word ("qué" asks, "que" relates)...
    r"|(?:qué|cómo|cuándo|cuánt[oa]s?|dónde|adónde|cuál(?:es)?|quién(?:es)?|por\s+qué)\b"
    r"|(?:puedo|puedes|pueden|hay|tienen|tienes|dime|cu[ée]ntame)\b"
    # ...but students often type without accents, and then "cuando puedas", "cuanto antes",
    # "como a las 3" and "que me llamen" are answers, not questions.
    r"|(?:que|como|cuando|cuant[oa]s?|donde|adonde|cual(?:es)?|quien(?:es)?|por\s+que)\b"
    r"(?!\s+(?:antes|a\s+las?|a\s+eso|sea|quieras?|puedas?|prefieras?"
    r"|me\s+(?:llamen|escriban|contacten))\b)"
    r")",
    re.IGNORECASE,
)
_NAME_LEAD_IN = re.compile(
    r"^\s*(?:(?:sure|ok(?:ay)?|yes|yeah|hi|hello|s[ií]|claro|hola|buenas|bueno|vale|perfecto)"
    r"[,!.\s]+){0,2}"
    r"(?:my (?:full )?name is|my name's|name is|name:|i am|i'm|im|it's|its|this is|call me"
    r"|(?:yo )?me llamo|mi nombre (?:completo )?es:?|mi nombre:|nombre:|(?:yo )?soy)\s+",
    re.IGNORECASE,
)
_EMAIL_CANDIDATE = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")
_TRAILING_PUNCTUATION = ".,;:!?"


@dataclass(frozen=True)
class MessageIntent:
    """What NLU made of the message: its top intent and that intent's confidence."""

    name: str
    confidence: float


def is_digression(text: str, intent: MessageIntent) -> bool:
    """True when the message is a question for the rest of the bot rather than a form answer."""
    if intent.name in CONTROL_INTENTS:
        return True
    if intent.name == "out_of_scope":
        # Names are often unknown words, so only a question is taken as off-topic.
        return looks_like_question(text)
    if intent.name not in QUESTION_INTENTS:
        return False
    return looks_like_question(text) or intent.confidence >= CONFIDENT_QUESTION


def is_small_talk(intent: MessageIntent) -> bool:
    return intent.name in SMALL_TALK_INTENTS and intent.confidence >= CONFIDENT_QUESTION


def looks_like_question(text: str) -> bool:
    return "?" in text or "¿" in text or bool(_QUESTION_START.match(text))


def name_from(text: str) -> str:
    """ "Sure, my name is Jordan Lee." -> "Jordan Lee" (the rest is kept as typed)."""
    name = _NAME_LEAD_IN.sub("", text, count=1).strip()
    return name.rstrip(_TRAILING_PUNCTUATION).strip() or text.strip()


def email_from(text: str) -> str:
    """The address-like part of "it's jo@example.com", or the whole text so that the validator
    can say what is wrong with it."""
    match = _EMAIL_CANDIDATE.search(text)
    if match is None:
        return text.strip()
    return match.group(0).rstrip(_TRAILING_PUNCTUATION)


def plain_words(text: str) -> str:
    """ "¿Teléfono?" -> "telefono": the form the vocabulary above is written in.

    Accents are taken off first, because `normalise_name` turns every letter outside a-z into a
    space ("teléfono" would be "tel fono"); then words are lower case, split by single spaces."""
    return normalise_name(without_accents(text))


def without_accents(text: str) -> str:
    """ "Mañana, miércoles" -> "Manana, miercoles" (ñ is read as n, as when typed without it)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def wants_to_skip(text: str) -> bool:
    """ "skip", "no thanks", "I'd rather not", "omitir", "no tengo teléfono" for the optional
    phone number."""
    words = plain_words(text)
    return words in SKIP_WORDS or words.startswith(SKIP_STARTS)


def has_phone_digits(text: str) -> bool:
    """Seven or more digits: a phone number, whatever NLU made of the message."""
    return sum(ch.isdigit() for ch in text) >= 7


def contact_method_from(text: str) -> str | None:
    """ "call me please", "por correo" -> the method; None when no method is named."""
    words = f" {plain_words(text)} "
    for vocabulary in (CONTACT_WORDS, _CONTACT_IF_ALONE):
        for method, phrases in vocabulary.items():
            if any(f" {phrase} " in words or f" {phrase}s " in words for phrase in phrases):
                return method
    return None


def program_choice_from(text: str, aliases: Mapping[str, str]) -> str | None:
    """A program code, UNDECIDED for "not sure yet", or None when the text names neither."""
    lowered = " " + " ".join(re.split(r"[^\w']+", without_accents(text.lower().replace("’", "'"))))
    if any(phrase in lowered + " " for phrase in UNDECIDED_WORDS):
        return UNDECIDED
    named = programs_in_text(text, aliases)
    if len(named) == 1:
        return next(iter(named))
    return UNDECIDED if len(named) > 1 else None


def field_named_in(text: str) -> str | None:
    """Which form field "change my email" / "cambiar el teléfono" is about, if any."""
    words = f" {plain_words(text)} "
    for field, phrases in FIELD_WORDS.items():
        if any(f" {phrase} " in words for phrase in phrases):
            return field
    return None


def catalog_code(value: str, aliases: Mapping[str, str]) -> str | None:
    """The program code an `interested_program` answer stands for: a code (a button's payload)
    as it is, else the program or UNDECIDED named in the text; None when it names no program."""
    if value == UNDECIDED:
        return UNDECIDED
    if value in aliases.values():
        return value
    return program_choice_from(value, aliases)
