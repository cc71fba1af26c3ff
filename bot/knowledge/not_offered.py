"""Notice when a student asks about a program, course or degree level the school does not have.

"How much is the nursing course?" classified as a tuition question would otherwise get our
tuition as if it answered it, and "do you have a master's in AI?" the list of our programs
with no word that the thing asked for is not among them. The answer a student needs first is
"we don't offer that"; bot.knowledge.answers then names the programs the database does have.

The vocabulary (bot/knowledge/not_offered.yml, its Spanish in not_offered_es.yml) is matched on
whole words, accents ignored, in either language whatever the conversation's: students mix them
("¿tienen nursing?"). A subject that also means other things ("law", "english", "derecho",
"diseño") counts only when the message frames it as a program ("a degree in law", "la carrera de
derecho"); a degree level other than the bachelor's counts wherever it is named. What was asked
for is worded in both languages, and the reply picks the conversation's. Standard library and
PyYAML only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

VOCABULARY_FILE = Path(__file__).resolve().parent / "not_offered.yml"
SPANISH_VOCABULARY_FILE = VOCABULARY_FILE.with_name("not_offered_es.yml")

# Words that make a subject a program: "a degree in X", "X course".
_PROGRAM_NOUNS = (
    r"degrees?|programs?|programmes?|majors?|courses?|class(?:es)?|bachelor'?s?|b\.?s\.?|"
    r"b\.?a\.?|diplomas?|certificates?|minors?|studies|school|department|track|"
    r"concentration|specialization|specialisation"
)
# Spanish ones, before the subject: "la carrera de X", "clases de X". Matched without accents.
_PROGRAM_NOUNS_ES = (
    r"carreras?|licenciaturas?|programas?|cursos?|clases?|grados?|titulos?|titulaciones|"
    r"estudios|escuela|facultad|departamento|especialidad(?:es)?|especializacion(?:es)?|"
    r"diplomados?|certificados?|pregrados?"
)
# The few that also take "en" ("licenciatura en X"); "clases en X", "programa en X" more often
# say what the classes are taught in or about.
_PROGRAM_NOUNS_EN_ES = (
    r"licenciaturas?|grados?|titulos?|especialidad(?:es)?|especializacion(?:es)?|"
    r"diplomados?|certificados?"
)
# "quiero estudiar derecho": wanting to study a subject asks for the program.
_WANTING_TO_STUDY_ES = (
    r"quiero|quisiera|queria|me gustaria|me interesa|deseo|busco|pienso|planeo|puedo|podria|"
    r"se puede|para"
)
# "¿tienen derecho?", "¿ofrecen diseño o arte?": asked for on its own; "¿tienen derecho a
# beca?" goes on, so it is not.
_OFFERING_ES = r"ofrecen|ofrece|ofertan|tienen|hay|imparten|dan|manejan|ensenan"
_ALONE_AFTER_ES = (
    r"\s*(?:$|[?.!,;)]|\b(?:o|y|u|e|tambien|aqui|aca|ahi|ustedes|en linea|online|virtual)\b)"
)
# A course named by its level or number: "german stage 2", "biology 101", "inglés nivel 3".
_COURSE_LEVEL = (
    r"(?:(?:stage|level|part|module|unit|grade|year|nivel|parte|modulo)\s+"
    r"(?:\d{1,2}|[ivx]{1,4}|one|two|three|four|five|uno|dos|tres|cuatro|cinco)|\d{3})\b"
)
# "English level 6" is the proficiency an applicant is asked for, not a course.
_PROFICIENCY_LANGUAGES = frozenset({"english"})
# "I have a master's", "my biology degree": what the student already has, not what they ask for.
_BACKGROUND = re.compile(
    r"\b(?:my|i have|i've|ive|i had|i hold|i got|i earned|i completed|i finished|i did|"
    r"already|previous|prior|former|from)\b[^.?!]*$"
)
# "ya tengo una maestría", "mi título de", "estudié biología" (accents off); a Spanish question
# mark opens a new question, so "tengo una duda: ¿tienen enfermería?" still asks.
_BACKGROUND_ES = re.compile(
    r"\b(?:mi|mis|tengo|tuve|tenia|estudie|termine|hice|curse|obtuve|saque|me gradue|egrese|"
    r"egresado|egresada|cuento con|vengo de|anterior|anteriores|previo|previa|previos|previas)"
    r"\b[^.?!¿¡]*$"
)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "-": " ", "_": " "})

# How a subject may be named: on its own, only framed as a program, or, for a language, only
# framed by "de" ("clases de inglés"; "clases en inglés" asks what ours are taught in).
Framing = Literal["alone", "framed", "language"]


@dataclass(frozen=True)
class NotOffered:
    """What was asked for, worded for the reply: "a program in nursing", "a master's degree",
    and in Spanish "un programa de enfermería", "una maestría" (empty when only English is
    known; the reply then falls back to ``phrase``)."""

    phrase: str
    phrase_es: str = ""


@dataclass(frozen=True)
class Term:
    """One word of the vocabulary: ``words`` as matched (lower case, accents off), ``en`` the
    English subject it names, ``es`` how a Spanish reply names that subject."""

    words: str
    en: str
    es: str
    framing: Framing

    @property
    def found(self) -> NotOffered:
        return NotOffered(f"a program in {subject_title(self.en)}", f"un programa de {self.es}")


@dataclass(frozen=True)
class Level:
    """A degree level we do not offer, worded for each language, and every word that names it."""

    phrase: str
    phrase_es: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    terms: tuple[Term, ...]  # longest first, so "software engineering" wins over "engineering"
    degree_levels: tuple[Level, ...]

    @property
    def subjects(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.framing == "alone")

    @property
    def framed_subjects(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.framing != "alone")

    @property
    def every_subject(self) -> tuple[Term, ...]:
        return self.terms


@lru_cache(maxsize=1)
def vocabulary(
    path: Path = VOCABULARY_FILE, spanish_path: Path = SPANISH_VOCABULARY_FILE
) -> Vocabulary:
    english = yaml.safe_load(path.read_text(encoding="utf-8"))
    spanish = yaml.safe_load(spanish_path.read_text(encoding="utf-8"))
    wording = _spanish_wording(spanish)
    terms: dict[str, Term] = {}
    for section, framing in _ENGLISH_SECTIONS:
        for subject in _lowered(english[section]):
            terms[subject] = Term(subject, subject, wording.get(subject, subject), framing)
    for section, framing in _SPANISH_SECTIONS:
        for subject, words in spanish[section].items():
            for word in words:
                # An English spelling already listed keeps its English framing.
                terms.setdefault(match_form(word), Term(match_form(word), subject, word, framing))
    return Vocabulary(
        terms=tuple(sorted(terms.values(), key=lambda term: len(term.words), reverse=True)),
        degree_levels=_levels(english["degree_levels"], spanish["degree_levels"]),
    )


_ENGLISH_SECTIONS: tuple[tuple[str, Framing], ...] = (
    ("subjects", "alone"),
    ("framed_subjects", "framed"),
)
_SPANISH_SECTIONS: tuple[tuple[str, Framing], ...] = (
    ("subjects", "alone"),
    ("framed_subjects", "framed"),
    ("languages", "language"),
)


def _spanish_wording(spanish: Mapping[str, Any]) -> dict[str, str]:
    """The Spanish name of each English subject: the first word listed for it, sections in
    order, unless `wording` names it (for a subject whose Spanish name must not be matched)."""
    wording: dict[str, str] = {}
    for section, _ in _SPANISH_SECTIONS:
        for subject, words in spanish[section].items():
            wording.setdefault(str(subject), str(words[0]))
    wording.update({str(subject): str(word) for subject, word in spanish["wording"].items()})
    return wording


def _levels(
    english: Iterable[Mapping[str, Any]], spanish: Iterable[Mapping[str, Any]]
) -> tuple[Level, ...]:
    """The English levels in their order, each with its Spanish words, then the levels only
    Spanish names ("posgrado"), checked last so "certificado de posgrado" is a certificate."""
    by_phrase = {str(level["level"]): level for level in spanish}
    levels = []
    for level in english:
        phrase = str(level["phrase"])
        es = by_phrase.pop(phrase, {"phrase": "", "words": []})
        words = _lowered(level["words"]) + [match_form(str(word)) for word in es["words"]]
        levels.append(Level(phrase, str(es["phrase"]), tuple(dict.fromkeys(words))))
    for phrase, es in by_phrase.items():
        words = [match_form(str(word)) for word in es["words"]]
        levels.append(Level(phrase, str(es["phrase"]), tuple(dict.fromkeys(words))))
    return tuple(levels)


def find_not_offered(
    text: str, *, framed_only: bool = False, words: Vocabulary | None = None
) -> NotOffered | None:
    """The first degree level or subject the school does not offer named in ``text``, or None.

    A degree level wins over a subject: "a master's in nursing" is answered as the level,
    since no subject is offered at that level. ``framed_only`` is for a message not already
    known to be about programs (an unknown topic, an off-topic one): there a subject counts only
    when framed as a program, so "how much is a german shepherd" stays off-topic.
    """
    words = words or vocabulary()
    message = match_form(text)
    for level in words.degree_levels:
        if any(_names(message, word) for word in level.words):
            return NotOffered(level.phrase, level.phrase_es)
    if not framed_only:
        for term in words.subjects:
            if _names(message, term.words):
                return term.found
    for term in words.every_subject if framed_only else words.framed_subjects:
        if _framed(message, term):
            return term.found
    return None


def subject_title(subject: str) -> str:
    """How the reply writes a subject: languages and acronyms as they are written."""
    return _TITLES.get(subject, subject)


_TITLES = {
    "ai": "AI",
    "english": "English",
    "french": "French",
    "german": "German",
    "italian": "Italian",
    "japanese": "Japanese",
    "mandarin": "Mandarin",
    "spanish": "Spanish",
}


def match_form(text: str) -> str:
    """``text`` as the vocabulary is matched: lower case, single spaces, hyphens and curly
    apostrophes plain, accents off ("Enfermería" and "enfermeria" are one word to a student)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_APOSTROPHES))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.split())


def _lowered(values: Iterable[object]) -> list[str]:
    return [match_form(str(value)) for value in values]


def _names(message: str, phrase: str) -> bool:
    # The plain substring test first: most words are not in a message at all, and a regular
    # expression per word of the vocabulary for every message would be slow.
    return phrase in message and _asked(message, (_named_pattern(phrase),))


def _framed(message: str, term: Term) -> bool:
    return term.words in message and _asked(message, _framed_patterns(term))


@cache
def _named_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w'.]){re.escape(phrase)}(?![\w'])")


@cache
def _framed_patterns(term: Term) -> tuple[re.Pattern[str], ...]:
    name = rf"{re.escape(term.words)}(?![\w'])"
    article = r"(?:(?:la|el|los|las)\s+)?"
    patterns = [
        rf"\b(?:{_PROGRAM_NOUNS})\s+(?:in|of)\s+(?:the\s+)?{name}",
        rf"(?<![\w'.]){re.escape(term.words)}\s+(?:{_PROGRAM_NOUNS})\b",
        rf"\b(?:{_PROGRAM_NOUNS_ES})\s+de\s+{article}{name}",
        rf"\b(?:{_WANTING_TO_STUDY_ES})\s+estudiar\s+{name}",
    ]
    if term.en not in _PROFICIENCY_LANGUAGES:
        patterns.append(rf"(?<![\w'.]){re.escape(term.words)}\s+{_COURSE_LEVEL}")
    if term.framing != "language":
        patterns += [
            rf"\b(?:{_PROGRAM_NOUNS_EN_ES})\s+en\s+{article}{name}",
            rf"\b(?:{_OFFERING_ES})\s+(?:(?:algo\s+de|alguna?|algun|un|una)\s+)?{name}"
            rf"(?={_ALONE_AFTER_ES})",
        ]
    return tuple(re.compile(pattern) for pattern in patterns)


def _asked(message: str, patterns: Iterable[re.Pattern[str]]) -> bool:
    """True when a pattern is named as something wanted, not as the student's background."""
    for pattern in patterns:
        for match in pattern.finditer(message):
            before = message[max(0, match.start() - 40) : match.start()]
            if _BACKGROUND.search(before) is None and _BACKGROUND_ES.search(before) is None:
                return True
    return False
