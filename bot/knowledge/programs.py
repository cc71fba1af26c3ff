"""Work out which degree program a student means.

Students type "comp sci", "CS", "softwre developement"; NLU may or may not have extracted the
entity. The aliases come from the program database (seeded from catalog.yml), so adding a
nickname needs no code change. Short aliases ("cs", "sd") must match exactly, longer ones may carry
a typo: that keeps "tution" or "class" from being mistaken for a program.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher

# Below this length a one-letter slip turns one word into another ("cs" ~ "as").
MIN_FUZZY_ALIAS_LENGTH = 6
# Each word must be this close: "softwre"~"software" 0.93, "developement"~"development" 0.96,
# while "scientist"~"science" is 0.75 (a career, not the program).
FUZZY_WORD_CUTOFF = 0.85

_NON_WORD = re.compile(r"[^a-z0-9+]+")


def normalise_name(name: str) -> str:
    """Lower-case words separated by single spaces: the form aliases are stored and compared in."""
    return " ".join(_NON_WORD.sub(" ", name.lower()).split())


def resolve_program(
    *,
    entity_values: Iterable[str],
    slot_value: str | None,
    text: str | None,
    aliases: Mapping[str, str],
) -> str | None:
    """The canonical program code the student means, or None for "no single program".

    The latest message wins over the conversation so far: first the extracted entities, then the
    programs named in the raw text (for when NLU missed the entity), and only then the `program`
    slot carried over from earlier turns. A message naming both programs yields None, so the
    answer covers both.
    """
    named = _codes(entity_values, aliases) or programs_in_text(text or "", aliases)
    if len(named) == 1:
        return next(iter(named))
    if named:
        return None
    return canonical_code(slot_value, aliases)


def canonical_code(value: str | None, aliases: Mapping[str, str]) -> str | None:
    """The code for a canonical value or an alias (an entity value NLU did not map), else None
    (also for a value that is not text, as a hand-typed `/intent{"program": 1.5}` can set)."""
    if not value or not isinstance(value, str):
        return None
    key = normalise_name(value)
    known_codes = {normalise_name(code): code for code in aliases.values()}
    return known_codes.get(key) or aliases.get(key)


def programs_in_text(text: str, aliases: Mapping[str, str]) -> set[str]:
    """Codes of every program whose alias appears in `text` as whole words (typos tolerated)."""
    words = normalise_name(text).split()
    found = set()
    for alias, code in aliases.items():
        if any(_alias_matches(alias, window) for window in _windows(words, len(alias.split()))):
            found.add(code)
    return found


def _codes(values: Iterable[str], aliases: Mapping[str, str]) -> set[str]:
    return {code for code in (canonical_code(value, aliases) for value in values) if code}


def _windows(words: list[str], size: int) -> Iterable[str]:
    return (" ".join(words[start : start + size]) for start in range(len(words) - size + 1))


def _alias_matches(alias: str, phrase: str) -> bool:
    if alias == phrase:
        return True
    if len(alias) < MIN_FUZZY_ALIAS_LENGTH:
        return False
    return all(
        SequenceMatcher(None, alias_word, word).ratio() >= FUZZY_WORD_CUTOFF
        for alias_word, word in zip(alias.split(), phrase.split(), strict=False)
    )
