"""An action package for tests/unit/test_action_server.py: one action that always fails, with
a student's contact details in its exception message, as a real bug might."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionThatRaises(Action):
    def name(self) -> str:
        return "action_that_raises"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        raise RuntimeError(f"could not save {tracker.latest_message.get('text')}")
