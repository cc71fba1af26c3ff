"""Rasa's response generator, plus "Te respondo en español." once when the student's words
changed the conversation's language.

The announcement belongs to the first thing the assistant says after such a message, whatever
says it: a custom action's answer, or a fixed reply a rule picks ("¡Hola! ..." for a greeting
in Spanish, the out-of-scope reply). Every response, from either, is filled by the Rasa
server's generator, so this is the one place that sees them all; the actions do not announce.

"Changed by the student's words" is the language identifier's reading of the message
(rasa_plugins/nlu/language.py, source "text"), with the `language` slot now different from
what it was before the message. The widget's control and the page's language never announce:
the student chose them, or expects them. Said once per message: the first response of the turn
carries it, remembered by the message's id (one turn runs on one server, under the
conversation's lock).

Used from endpoints.yml as ``nlg: type: rasa_plugins.nlg.language_switch.LanguageSwitchAnnouncer``.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_plugins.nlu.language import READING_KEY

ANNOUNCEMENT = "utter_language_switched"
LANGUAGE_SLOT = "language"
ENGLISH = "en"
# Turns remembered as announced; far more than the turns one server has in flight at once.
_REMEMBERED_TURNS = 10_000


class LanguageSwitchAnnouncer(TemplatedNaturalLanguageGenerator):
    """Fills responses from the domain; the first one after a switch starts with the notice."""

    def __init__(
        self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self._announced: OrderedDict[tuple[str, str], None] = OrderedDict()

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        message: dict[str, Any] | None = await super().generate(
            utter_action, tracker, output_channel, **kwargs
        )
        if message is None or utter_action == ANNOUNCEMENT or not switched_by_text(tracker):
            return message
        if not self._first_of_turn(tracker):
            return message
        notice: dict[str, Any] | None = await super().generate(
            ANNOUNCEMENT, tracker, output_channel
        )
        if not notice or not notice.get("text"):
            return message
        text = message.get("text")
        message["text"] = f"{notice['text']}\n\n{text}" if text else notice["text"]
        return message

    def _first_of_turn(self, tracker: DialogueStateTracker) -> bool:
        """True once per student message: the first response generated for it."""
        if _bot_spoke_since_latest_message(tracker):
            return False
        turn = (tracker.sender_id, str(tracker.latest_message.message_id))
        if turn in self._announced:
            return False
        self._announced[turn] = None
        while len(self._announced) > _REMEMBERED_TURNS:
            self._announced.popitem(last=False)
        return True


def switched_by_text(tracker: DialogueStateTracker) -> bool:
    """The latest message's own words moved the `language` slot to another language."""
    latest = tracker.latest_message
    reading = (latest.parse_data or {}).get(READING_KEY) if latest else None
    if not isinstance(reading, dict) or reading.get("source") != "text":
        return False
    now = tracker.get_slot(LANGUAGE_SLOT) or ENGLISH
    return bool(now != language_before_latest_message(tracker))


def language_before_latest_message(tracker: DialogueStateTracker) -> str:
    events = list(tracker.events)
    latest = max((i for i, e in enumerate(events) if isinstance(e, UserUttered)), default=0)
    for event in reversed(events[:latest]):
        if isinstance(event, SlotSet) and event.key == LANGUAGE_SLOT:
            return str(event.value or ENGLISH)
    return ENGLISH


def _bot_spoke_since_latest_message(tracker: DialogueStateTracker) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if event.type_name == "bot":
            return True
    return False
