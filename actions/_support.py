"""What every action shares: sending a Reply, reading the latest message, the settings, and
the booking desk."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.booking.desk import BookingDesk
from bot.knowledge.replies import Reply
from bot.knowledge.replies.language import ENGLISH, LANGUAGES
from bot.settings import Settings, load_settings


class ReplyAction(Action, ABC):
    """An action that sends its Replies and sets no slots: subclasses only say which.

    Abstract (ABC) so that rasa_sdk's executor, which registers every Action subclass it finds,
    skips this base class instead of failing to start."""

    @abstractmethod
    def reply(self, tracker: Tracker) -> Reply | Sequence[Reply]:
        """The reply, or replies in order, to the latest message."""

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        replies = self.reply(tracker)
        for reply in (replies,) if isinstance(replies, Reply) else replies:
            send(dispatcher, reply)
        return []


def send(dispatcher: CollectingDispatcher, reply: Reply | None) -> None:
    """Utter the domain response `reply.response` filled with `reply.variables`; None (nothing
    to say) sends nothing. The only place an action utters a response."""
    if reply is None:
        return
    buttons = [button.as_dict() for button in reply.buttons] or None
    dispatcher.utter_message(response=reply.response, buttons=buttons, **reply.variables)


def latest_intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def conversation_language(tracker: Tracker) -> str:
    """The `language` slot ("en" or "es"), which rasa_plugins/nlu/language.py keeps up to date;
    the actions build their replies in it (domain.yml has each response in both)."""
    value = tracker.get_slot("language")
    return value if value in LANGUAGES else ENGLISH


def entity_values(tracker: Tracker, name: str) -> tuple[str, ...]:
    """The non-empty values of entity `name` in the latest message, as text."""
    return tuple(str(value) for value in tracker.get_latest_entity_values(name) if value)


def asked(tracker: Tracker, slot: str) -> bool:
    """True when the active form's last question was for `slot`."""
    return bool(tracker.get_slot("requested_slot") == slot)


def settings() -> Settings:
    """Read per request, so a changed environment (e.g. a new contact) needs no code change."""
    return load_settings()


def booking_desk() -> BookingDesk:
    """The booking façade, configured from the settings of this request."""
    return BookingDesk(settings())
