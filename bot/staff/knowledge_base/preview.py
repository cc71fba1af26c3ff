"""What a student reads when an entry answers: its answer and link in the reply the assistant
sends, for the console's preview.

The reply is domain.yml's template for bot.knowledge.office_answers' two responses (with and
without a link), filled as the action fills it, so the preview changes with the wording and
never drifts from it. A domain.yml that cannot be read gives the same sentence built here, and a
warning in the log: the office's page keeps working.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import yaml

from bot.knowledge.office_answers import ANSWER_RESPONSE, ANSWER_WITH_LINK_RESPONSE
from bot.knowledge.replies import Reply
from bot.knowledge.templates import TemplateError, load_response_texts, render_reply
from bot.settings import DOMAIN_PATH

logger = logging.getLogger(__name__)

SOURCE = "From the admissions office"


def reply_text(answer: str, link: str | None, domain_path: Path = DOMAIN_PATH) -> str:
    """The text the assistant sends for an entry with this answer and link (its first
    variation); the widget then draws it with its markdown subset."""
    if link:
        reply = Reply(ANSWER_WITH_LINK_RESPONSE, {"answer": answer, "link": link})
    else:
        reply = Reply(ANSWER_RESPONSE, {"answer": answer})
    try:
        stamp = domain_path.stat().st_mtime_ns
        return render_reply(reply, _responses(domain_path, stamp))
    except (OSError, yaml.YAMLError, TemplateError) as error:
        logger.warning("Knowledge base preview without domain.yml: %s", type(error).__name__)
        return f"{SOURCE}: {answer}" + (f"\n\nMore: {link}" if link else "")


@lru_cache(maxsize=2)
def _responses(domain_path: Path, stamp: int) -> dict[str, list[str]]:
    """domain.yml's responses, read again only when the file changed (`stamp`)."""
    return load_response_texts(domain_path)
