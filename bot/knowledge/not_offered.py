"""Notice when a student asks about a program, course or degree level the school does not have.

"How much is the nursing course?" classified as a tuition question would otherwise get our
tuition as if it answered it, and "do you have a master's in AI?" the list of our programs
with no word that the thing asked for is not among them. The answer a student needs first is
"we don't offer that"; bot.knowledge.answers then names the programs the database does have.

The vocabulary (bot/knowledge/not_offered.yml) is matched on whole words. A subject that also means
other things ("law", "english", "engineering") counts only when the message frames it as a
program ("a degree in law", "the english course"); a degree level other than the bachelor's
counts wherever it is named. Standard library and PyYAML only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

VOCABULARY_FILE = Path(__file__).resolve().parent / "not_offered.yml"

# Words that make a subject a program: "a degree in X", "X course".
_PROGRAM_NOUNS = (
    r"degrees?|programs?|programmes?|majors?|courses?|class(?:es)?|bachelor'?s?|b\.?s\.?|"
    r"b\.?a\.?|diplomas?|certificates?|minors?|studies|school|department|track|"
    r"concentration|specialization|specialisation"
)
# "I have a master's", "my biology degree": what the student already has, not what they ask for.
_BACKGROUND = re.compile(
    r"\b(?:my|i have|i've|ive|i had|i hold|i got|i earned|i completed|i finished|i did|"
    r"already|previous|prior|former|from)\b[^.?!]*$"
)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "-": " ", "_": " "})


@dataclass(frozen=True)
class NotOffered:
    """What was asked for, worded for the reply: "a program in nursing", "a master's degree"."""

    phrase: str


@dataclass(frozen=True)
class Vocabulary:
    subjects: tuple[str, ...]
    framed_subjects: tuple[str, ...]
    degree_levels: tuple[tuple[str, tuple[str, ...]], ...]  # (phrase, words)

    @property
    def every_subject(self) -> tuple[str, ...]:
        return tuple(sorted(self.subjects + self.framed_subjects, key=len, reverse=True))


@lru_cache(maxsize=1)
def vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # Longest first, so "software engineering" is named rather than "engineering".
    return Vocabulary(
        subjects=tuple(sorted(_lowered(data["subjects"]), key=len, reverse=True)),
        framed_subjects=tuple(sorted(_lowered(data["framed_subjects"]), key=len, reverse=True)),
        degree_levels=tuple(
            (str(level["phrase"]), tuple(_lowered(level["words"])))
            for level in data["degree_levels"]
        ),
    )


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
    message = _normalised(text)
    for phrase, level_words in words.degree_levels:
        if any(_names(message, word) for word in level_words):
            return NotOffered(phrase)
    if not framed_only:
        for subject in words.subjects:
            if _names(message, subject):
                return NotOffered(f"a program in {subject_title(subject)}")
    for subject in words.every_subject if framed_only else words.framed_subjects:
        if _framed(message, subject):
            return NotOffered(f"a program in {subject_title(subject)}")
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


def _lowered(values: Iterable[object]) -> list[str]:
    return [str(value).lower().translate(_APOSTROPHES) for value in values]


def _normalised(text: str) -> str:
    return " ".join(text.lower().translate(_APOSTROPHES).split())


def _names(message: str, phrase: str) -> bool:
    return _asked(message, rf"(?<![\w'.]){re.escape(phrase)}(?![\w'])")


def _framed(message: str, subject: str) -> bool:
    name = re.escape(subject)
    before = rf"\b(?:{_PROGRAM_NOUNS})\s+(?:in|of)\s+(?:the\s+)?{name}(?![\w'])"
    after = rf"(?<![\w'.]){name}\s+(?:{_PROGRAM_NOUNS})\b"
    return _asked(message, before) or _asked(message, after)


def _asked(message: str, pattern: str) -> bool:
    """True when ``pattern`` is named as something wanted, not as the student's background."""
    return any(
        _BACKGROUND.search(message[max(0, match.start() - 40) : match.start()]) is None
        for match in re.finditer(pattern, message)
    )
