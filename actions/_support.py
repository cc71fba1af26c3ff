"""What every action shares: sending a Reply, reading the latest message, the settings."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.config import Settings, load_settings
from bot.replies import Reply


class ReplyAction(Action, ABC):
    """An action that sends one Reply and sets no slots: subclasses only say which Reply.

    Abstract (ABC) so that rasa_sdk's executor, which registers every Action subclass it finds,
    skips this base class instead of failing to start."""

    @abstractmethod
    def reply(self, tracker: Tracker) -> Reply:
        """The reply to the latest message."""

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        send(dispatcher, self.reply(tracker))
        return []


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """Utter the domain response `reply.response` filled with `reply.variables`."""
    buttons = [button.as_dict() for button in reply.buttons] or None
    dispatcher.utter_message(response=reply.response, buttons=buttons, **reply.variables)


def log_failure(logger: logging.Logger, what: str, error: BaseException) -> None:
    """Log that `what` failed, naming only the error's type: database errors carry the SQL
    parameters in their message, and those are a student's contact details."""
    logger.warning("%s: %s", what, type(error).__name__)


def latest_intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def entity_values(tracker: Tracker, name: str) -> tuple[str, ...]:
    """The non-empty values of entity `name` in the latest message, as text."""
    return tuple(str(value) for value in tracker.get_latest_entity_values(name) if value)


def asked(tracker: Tracker, slot: str) -> bool:
    """True when the active form's last question was for `slot`."""
    return tracker.get_slot("requested_slot") == slot


def settings() -> Settings:
    """Read per request, so a changed environment (e.g. a new contact) needs no code change."""
    return load_settings()
