"""The Reply value object and the text formatting every reply module shares."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.knowledge.catalog import NamedFact
from bot.knowledge.replies.language import SPANISH, current_language, phrase, spanish_month


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        """The shape Rasa expects in `dispatcher.utter_message(buttons=...)`."""
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Reply:
    """A domain response name plus the values for its {placeholders} (all strings, as Rasa fills
    templates with str.format) and optional buttons."""

    response: str
    variables: dict[str, str] = field(default_factory=dict)
    buttons: tuple[Button, ...] = ()


def usd(amount: int) -> str:
    """ "$114,000": dollar figures are shown the way the source page writes them; in Spanish
    "US$114,000", so that no reader takes them for pesos."""
    prefix = "US$" if current_language() == SPANISH else "$"
    return f"{prefix}{amount:,}"


def long_date(day: date) -> str:
    """ "December 1, 2026", or "1 de diciembre de 2026" (no locale-dependent strftime)."""
    if current_language() == SPANISH:
        return f"{day.day} de {spanish_month(day.month)} de {day.year}"
    return f"{day:%B} {day.day}, {day.year}"


def bullet_list(lines: Iterable[str]) -> str:
    """A Markdown "- " list, one of the few formats every channel renders."""
    return "\n".join(f"- {line}" for line in lines)


def described_list(facts: Iterable[NamedFact]) -> str:
    """ "- **Name** — description" lines; a fact without a description shows its name only."""
    return bullet_list(
        f"**{fact.name}** — {fact.description}" if fact.description else f"**{fact.name}**"
        for fact in facts
    )


def join_words(words: Sequence[str], conjunction: str = "and") -> str:
    """ "a, b, and c" (or "a, b, or c") — with the serial comma the source page uses; Spanish
    writes "a, b y c", without it."""
    word = phrase(conjunction)
    if len(words) <= 2:
        return f" {word} ".join(words)
    if current_language() == SPANISH:
        return f"{', '.join(words[:-1])} {word} {words[-1]}"
    return f"{', '.join(words[:-1])}, {word} {words[-1]}"


def sentence(text: str) -> str:
    """`text` ending in a full stop, so a fact can be dropped into a template as a sentence."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
