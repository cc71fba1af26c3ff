"""A Spanish-speaking student, end to end over REST with the real action server and database:
answers with the database's figures in Spanish conventions, start dates, the comparison, a
person, deleting my data and booking a call to a confirmed reference, and the language switching
when the student writes in the other one or picks it."""

from __future__ import annotations

import re
from typing import Any

from test_booking import REFERENCE, buttons, email_of, leads

from rasa_plugins.nlu.language import fasttext_identifier, langid_identifier, plain_language
from tools.servers import Servers, text_of

MONTHS = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
SPANISH_DATE = re.compile(rf"\b1 de ({MONTHS}) de 20\d\d")


def in_spanish(replies: list[dict[str, Any]]) -> bool:
    text = "\n".join(reply.get("text", "") for reply in replies)
    return plain_language(text, (fasttext_identifier(), langid_identifier())) == "es"


def test_tuition_is_quoted_in_spanish_with_the_catalog_figure(
    servers: Servers, sender: str
) -> None:
    replies = servers.say(sender, "¿cuánto cuesta la matrícula de ciencias de la computación?")
    assert in_spanish(replies), text_of(replies)
    assert "US$3,920" in text_of(replies)


def test_start_dates_are_spanish_dates(servers: Servers, sender: str) -> None:
    replies = servers.say(sender, "¿cuándo puedo empezar las clases?")
    assert in_spanish(replies), text_of(replies)
    assert SPANISH_DATE.search(text_of(replies)), text_of(replies)
    assert "action_answer_start_date" in servers.last_bot_actions(sender)


def test_the_comparison_is_in_spanish(servers: Servers, sender: str) -> None:
    replies = servers.say(sender, "compárame las dos licenciaturas, por favor")
    assert in_spanish(replies), text_of(replies)
    assert "action_compare_programs" in servers.last_bot_actions(sender)
    assert "Licenciatura (B.S.) en Desarrollo de Software" in text_of(replies)


def test_asking_for_a_person_in_spanish_hands_over(servers: Servers, sender: str) -> None:
    replies = servers.say(sender, "necesito hablar con una persona de verdad")
    assert "action_hand_over" in servers.last_bot_actions(sender)
    assert in_spanish(replies), text_of(replies)


def test_delete_my_data_in_spanish(servers: Servers, sender: str) -> None:
    asked = servers.say(sender, "por favor eliminen toda mi información personal")
    assert in_spanish(asked), text_of(asked)
    done = servers.say(sender, "sí")
    assert in_spanish(done), text_of(done)  # the transcript is gone with the data


def test_booking_a_call_in_spanish_to_a_confirmed_reference(servers: Servers, sender: str) -> None:
    def say(message: str) -> list[dict[str, Any]]:
        replies = servers.say(sender, message)
        assert replies, message
        return replies

    asked_name = say("quiero agendar una llamada con un asesor")
    assert in_spanish(asked_name), text_of(asked_name)
    assert in_spanish(say("María López"))
    assert in_spanish(say(email_of(sender)))
    contact = say("303 555 0147")
    program = say(next(b["payload"] for b in buttons(contact) if '"phone"' in b["payload"]))
    times = say(next(b["payload"] for b in buttons(program) if "computer_science" in b["payload"]))
    offered = [b for b in buttons(times) if '"slot_id"' in b["payload"]]
    assert len(offered) == 4, text_of(times)
    summary = say(offered[0]["payload"])
    assert "María López" in text_of(summary) and in_spanish(summary)
    confirmation = say("sí, confírmala")
    assert REFERENCE.search(text_of(confirmation)), text_of(confirmation)
    assert in_spanish(confirmation), text_of(confirmation)
    # The counselor who calls back sees that the student booked in Spanish.
    [lead] = [lead for lead in leads(servers) if lead["email"] == email_of(sender)]
    assert lead["language"] == "es"


def test_the_conversation_follows_the_language_the_student_writes(
    servers: Servers, sender: str
) -> None:
    switched = servers.say(sender, "hola, ¿qué licenciaturas tienen?")
    assert in_spanish(switched) and "Te respondo en español." in text_of(switched)
    again = servers.say(sender, "¿y cuánto cuestan?")
    assert in_spanish(again) and "Te respondo en español." not in text_of(again)  # said once
    assert in_spanish(servers.say(sender, "ok"))  # decides nothing: stays in Spanish
    english = servers.say(sender, "how much is tuition for software development?")
    assert "Switching to English." in text_of(english)
    assert "$3,920" in text_of(english) and "US$" not in text_of(english)


def test_the_widget_greeting_carries_the_page_language(servers: Servers, sender: str) -> None:
    greeting = servers.say(sender, '/greet{"language":"es"}')
    assert in_spanish(greeting), text_of(greeting)
    assert in_spanish(servers.say(sender, "/ask_tuition"))  # a button: still Spanish


def test_a_rest_client_can_choose_the_language(servers: Servers, sender: str) -> None:
    replies = servers.say_with_metadata(sender, "what is the salary?", {"language_choice": "es"})
    assert in_spanish(replies), text_of(replies)
    assert "US$" in text_of(replies)
