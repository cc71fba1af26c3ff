"""An entry's fields are cleaned and checked before anything is written, each refusal said
beside its field.

The limits are the schema's (bot/database/models/knowledge_base.py, where the CHECK constraints
hold the same numbers), so a refused form never reaches the database's own refusal, whose
message the office could not act on. Text is kept as text: nothing here parses or strips markup,
the console escapes it when it shows it and the widget draws it as text nodes.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from bot.database.models import (
    ANSWER_MAX_CHARACTERS,
    KNOWLEDGE_ENTRY_STATUSES,
    LINK_MAX_CHARACTERS,
    MAX_PHRASINGS_PER_ENTRY,
    PHRASING_MAX_CHARACTERS,
    TITLE_MAX_CHARACTERS,
)
from bot.staff.knowledge_base.records import EntryForm, EntryRefused, EntryValues

LINK_SCHEMES = ("http", "https")
# Bidirectional embeddings, overrides and isolates: invisible, and able to make a phrasing or an
# answer read differently from what is stored.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def checked(form: EntryForm, status: str) -> EntryValues:
    """The form's values cleaned (control characters removed, whitespace trimmed, repeated
    phrasings dropped) and checked; EntryRefused names every field that is wrong at once."""
    errors: dict[str, str] = {}
    title = one_line(form.title)
    if not title:
        errors["title"] = "Give the entry a title (what the office calls it in this list)."
    elif len(title) > TITLE_MAX_CHARACTERS:
        errors["title"] = _too_long("the title", title, TITLE_MAX_CHARACTERS)
    answer = multi_line(form.answer)
    if not answer:
        errors["answer"] = "Write the answer the assistant gives."
    elif len(answer) > ANSWER_MAX_CHARACTERS:
        errors["answer"] = _too_long("the answer", answer, ANSWER_MAX_CHARACTERS)
    link = one_line(form.link) or None
    if link is not None and (problem := link_problem(link)):
        errors["link"] = problem
    phrasings = phrasing_list(form.phrasings)
    if problem := phrasings_problem(phrasings):
        errors["phrasings"] = problem
    if status not in KNOWLEDGE_ENTRY_STATUSES:
        errors["status"] = "The status is draft or published."
    if errors:
        raise EntryRefused(errors)
    return EntryValues(title, answer, link, status, phrasings)


def one_line(text: str) -> str:
    """`text` without control characters, its runs of whitespace made one space."""
    return " ".join(_without_controls(text, keep_newlines=False).split())


def multi_line(text: str) -> str:
    """`text` without control characters but its line breaks, each line's trailing spaces and
    the blank lines around it dropped (the widget draws lines, lists and paragraphs)."""
    lines = _without_controls(text, keep_newlines=True).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n").strip()


def phrasing_list(text: str) -> tuple[str, ...]:
    """One phrasing per line, cleaned; empty lines and repeats (whatever their case or spacing)
    are dropped, the first spelling kept."""
    kept: dict[str, str] = {}
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        phrasing = one_line(line)
        if phrasing:
            kept.setdefault(phrasing.casefold(), phrasing)
    return tuple(kept.values())


def phrasings_problem(phrasings: tuple[str, ...]) -> str:
    if not phrasings:
        return "Give at least one way a student may ask for this, one per line."
    if len(phrasings) > MAX_PHRASINGS_PER_ENTRY:
        return (
            f"Keep to {MAX_PHRASINGS_PER_ENTRY} phrasings; there are {len(phrasings)} "
            "different ones."
        )
    long = [
        number
        for number, phrasing in enumerate(phrasings, start=1)
        if len(phrasing) > PHRASING_MAX_CHARACTERS
    ]
    if long:
        which = ", ".join(str(number) for number in long)
        return (
            f"Keep each phrasing to {PHRASING_MAX_CHARACTERS} characters: phrasing {which} "
            "is longer (a phrasing is a question, not a page)."
        )
    return ""


def link_problem(link: str) -> str:
    """Why `link` cannot be the entry's link, or "" when it can: only a whole http(s) address."""
    if len(link) > LINK_MAX_CHARACTERS:
        return _too_long("the link", link, LINK_MAX_CHARACTERS)
    try:
        parts = urlsplit(link)
        host = parts.hostname
    except ValueError:  # "https://[::1": a bracket left open
        host = None
    if not host or parts.scheme.lower() not in LINK_SCHEMES:
        return "The link must be a whole web address starting with https:// (or http://)."
    if re.search(r"\s", link):
        return "A web address has no spaces; paste it again from the browser's address bar."
    return ""


def _without_controls(text: str, *, keep_newlines: bool) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not keep_newlines:
        text = text.replace("\n", " ")
    return "".join(
        character
        for character in text
        if character == "\n"
        or (unicodedata.category(character) != "Cc" and character not in _BIDI_CONTROLS)
    )


def _too_long(what: str, text: str, limit: int) -> str:
    return f"Keep {what} to {limit:,} characters; it has {len(text):,}."
