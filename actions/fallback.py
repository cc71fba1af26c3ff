"""The first question of the two-stage fallback: "Did you mean ...?" with the likely topics.

Rasa's own action_default_ask_affirmation asks "Did you mean 'ask_tuition'?", naming the raw
intent; this override (same name, listed in domain.yml) offers the top candidates by their
human-readable names from bot.knowledge.intents (via bot.knowledge.fallback), plus "Something else".
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._support import entity_values, send
from bot.knowledge.fallback import did_you_mean


class ActionAskAffirmation(Action):
    def name(self) -> str:
        return "action_default_ask_affirmation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        send(dispatcher, did_you_mean(ranking, _program(tracker)))
        return []


def _program(tracker: Tracker) -> str | None:
    """The program named in the unclear message, so a chosen suggestion keeps it."""
    values = entity_values(tracker, "program")
    return values[0] if values else None
