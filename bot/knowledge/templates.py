"""Render a Reply with the response templates in domain.yml, the way Rasa does.

Used by `python -m bot ask` to show an admin the final text, and by the tests to prove every reply
fills its template completely. Unlike Rasa, which silently sends the raw template when a variable
is missing, rendering here fails loudly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import yaml

from bot.knowledge.replies import Reply

# Rasa's interpolator (rasa/core/nlg/interpolator.py) treats {name} as a variable.
_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")


class TemplateError(LookupError):
    """The reply names a response domain.yml lacks, or leaves a placeholder unfilled."""


def load_response_texts(domain_path: Path, language: str = "en") -> dict[str, list[str]]:
    """Response name -> the text of each of its variations in `language`: the Spanish ones are
    those conditioned on the `language` slot being "es", the English ones have no condition."""
    domain = yaml.safe_load(domain_path.read_text(encoding="utf-8"))
    return {
        name: [
            variation["text"]
            for variation in variations
            if "text" in variation and variation_language(variation) == language
        ]
        for name, variations in (domain.get("responses") or {}).items()
    }


def variation_language(variation: Mapping[str, object]) -> str:
    """ "es" for a variation conditioned on the `language` slot being "es", else "en"."""
    for condition in variation.get("condition") or ():  # type: ignore[attr-defined]
        if isinstance(condition, Mapping) and condition.get("name") == "language":
            return str(condition.get("value"))
    return "en"


def placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER.findall(template))


def render(template: str, variables: Mapping[str, str]) -> str:
    missing = placeholders(template) - set(variables)
    if missing:
        raise TemplateError(f"template needs {sorted(missing)}: {template!r}")
    return _PLACEHOLDER.sub(lambda match: variables[match.group(1)], template)


def render_reply(reply: Reply, responses: Mapping[str, list[str]], variation: int = 0) -> str:
    """The text a student would see for `reply` (buttons listed after it)."""
    texts = responses.get(reply.response)
    if not texts:
        raise TemplateError(f"domain.yml has no response {reply.response!r}")
    text = render(texts[variation % len(texts)], reply.variables)
    buttons = "".join(f"\n[{button.title}] ({button.payload})" for button in reply.buttons)
    return text + buttons
