"""Find program names in a message, tolerant of typos: "softwre dev", "comp sci", "B.S. CS".

The names come from the program database (``python -m bot lookups write`` generates the
lookup table and synonyms of data/nlu/lookups/program.yml), so a nickname added to the
catalog is understood without new training examples. Short names ("cs", "sd") must match
exactly: one changed letter turns them into other words. Longer ones may differ by a typo
or two, judged by RapidFuzz's normalised edit similarity.

Pure Python with no Rasa import, so the matching is unit-tested on its own; the Rasa
component is rasa_plugins/nlu/program_extractor.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

# Words of a message as a student types them: "b.s.", "comp-sci", "software".
_WORD = re.compile(r"[^\W_](?:[\w.\-']*\w|\.)?", re.UNICODE)
# Dots inside names are optional to students ("bs" for "b.s."); a hyphen is a space ("bs-cs").
_IGNORED_MARKS = re.compile(r"[.']")
_SPACES = re.compile(r"\s+")

# Names this short must be typed exactly.
MIN_FUZZY_LENGTH = 6
# Similarity (0-100) a longer name needs; 88 admits one typo in "software dev" (12
# letters) or two in "software development" and rejects "software engineer" and
# "software deployment" (87).
DEFAULT_MIN_SIMILARITY = 88.0
# No program name has more words than this ("bs in computer science degree").
MAX_WORDS = 5


@dataclass(frozen=True)
class ProgramMention:
    """A stretch of the message that names a program, and which program it names."""

    start: int
    end: int
    text: str
    value: str
    similarity: float


def normalise(name: str) -> str:
    """The form names are compared in: lower case, no dots or hyphens, single spaces."""
    return _SPACES.sub(" ", _IGNORED_MARKS.sub("", name.lower()).replace("-", " ")).strip()


class ProgramNameMatcher:
    """Matches stretches of a message against the known names of every program."""

    def __init__(
        self, names: Mapping[str, str], min_similarity: float = DEFAULT_MIN_SIMILARITY
    ) -> None:
        """``names`` maps each way of naming a program to the program's value."""
        self.min_similarity = min_similarity
        self._names = {normalise(name): value for name, value in names.items() if normalise(name)}

    def find(self, text: str) -> list[ProgramMention]:
        """Every program named in ``text``, best and longest first, never overlapping."""
        words = [(match.start(), match.end()) for match in _WORD.finditer(text)]
        candidates = [
            mention
            for first in range(len(words))
            for last in range(first, min(first + MAX_WORDS, len(words)))
            for mention in self._match(text, words[first][0], words[last][1])
        ]
        return _non_overlapping(candidates)

    def _match(self, text: str, start: int, end: int) -> list[ProgramMention]:
        stretch = normalise(text[start:end])
        if stretch in self._names:
            return [ProgramMention(start, end, text[start:end], self._names[stretch], 100.0)]
        if len(stretch) < MIN_FUZZY_LENGTH:
            return []
        best_name, best_similarity = None, 0.0
        for name in self._names:
            if len(name) < MIN_FUZZY_LENGTH or name[0] != stretch[0]:
                continue
            similarity = fuzz.ratio(stretch, name, score_cutoff=self.min_similarity)
            if similarity > best_similarity:
                best_name, best_similarity = name, similarity
        if best_name is None:
            return []
        return [
            ProgramMention(start, end, text[start:end], self._names[best_name], best_similarity)
        ]


def _non_overlapping(candidates: list[ProgramMention]) -> list[ProgramMention]:
    """Keep the most similar, then longest, mention wherever two overlap; in text order."""
    chosen: list[ProgramMention] = []
    for mention in sorted(candidates, key=lambda m: (-m.similarity, -(m.end - m.start), m.start)):
        if all(mention.end <= other.start or mention.start >= other.end for other in chosen):
            chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)
