"""The response generator says "Te respondo en español." once, on the first response after a
message whose own words switched the language, whether a rule's fixed reply or an action's."""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_plugins.nlg.language_switch import LanguageSwitchAnnouncer
from rasa_plugins.nlu.language import READING_KEY

DOMAIN = Domain.from_file(str(Path(__file__).resolve().parents[2] / "domain.yml"))
NOTICE_ES = "Te respondo en español."
NOTICE_EN = "Switching to English."


def conversation(*turns: tuple[str, str, str, str | None]) -> DialogueStateTracker:
    """Turns of (text, message id, source of the language reading, language slot after it)."""
    tracker = DialogueStateTracker.from_events("student", [], slots=DOMAIN.slots)
    for text, message_id, source, language in turns:
        parse_data = {"text": text, READING_KEY: {"language": language, "source": source}}
        tracker.update(UserUttered(text, parse_data=parse_data, message_id=message_id))
        if language:
            tracker.update(SlotSet("language", language))
    return tracker


def say(generator: LanguageSwitchAnnouncer, tracker: DialogueStateTracker, response: str) -> str:
    message = asyncio.run(generator.generate(response, tracker, "rest"))
    assert message is not None
    return str(message["text"])


def test_a_fixed_reply_after_a_switch_by_the_students_words_starts_with_the_notice() -> None:
    generator = LanguageSwitchAnnouncer(domain=DOMAIN)
    tracker = conversation(("hola, buenas tardes", "m1", "text", "es"))
    greeting = say(generator, tracker, "utter_greet")
    assert greeting.startswith(f"{NOTICE_ES}\n\n¡Hola!")


def test_said_once_per_message_even_when_an_action_sends_several_responses() -> None:
    generator = LanguageSwitchAnnouncer(domain=DOMAIN)
    tracker = conversation(("¿cuánto cuesta la matrícula?", "m1", "text", "es"))
    first = say(generator, tracker, "utter_anything_else")
    second = say(generator, tracker, "utter_anything_else")
    assert first.startswith(NOTICE_ES) and NOTICE_ES not in second


def test_not_said_once_the_bot_has_answered_the_message() -> None:
    tracker = conversation(("¿cuánto cuesta la matrícula?", "m1", "text", "es"))
    tracker.update(ActionExecuted("action_answer_program_question"))
    tracker.update(BotUttered("La matrícula ..."))
    assert NOTICE_ES not in say(LanguageSwitchAnnouncer(domain=DOMAIN), tracker, "utter_goodbye")


def test_nothing_to_explain_when_the_language_stays_or_the_student_chose_it() -> None:
    staying = conversation(("hola", "m1", "text", "es"), ("¿y cuándo empiezo?", "m2", "text", "es"))
    chosen = conversation(('/greet{"language":"es"}', "m1", "choice", "es"))
    paged = conversation(("hola", "m1", "page", "es"))
    for tracker in (staying, chosen, paged):
        reply = say(LanguageSwitchAnnouncer(domain=DOMAIN), tracker, "utter_goodbye")
        assert NOTICE_ES not in reply


def test_back_to_english_says_so_in_english() -> None:
    tracker = conversation(
        ("hola", "m1", "text", "es"), ("how much is tuition?", "m2", "text", "en")
    )
    reply = say(LanguageSwitchAnnouncer(domain=DOMAIN), tracker, "utter_goodbye")
    assert reply.startswith(f"{NOTICE_EN}\n\n")


def test_endpoints_use_the_announcer() -> None:
    endpoints = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "endpoints.yml").read_text(encoding="utf-8")
    )
    assert endpoints["nlg"]["type"] == "rasa_plugins.nlg.language_switch.LanguageSwitchAnnouncer"
