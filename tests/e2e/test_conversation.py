"""What a prospective student sees over the REST channel, with the real servers and database."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest

from tools.external_set import ask
from tools.servers import Servers, text_of


def next_first_of_month(today: dt.date) -> dt.date:
    return dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)


def test_tuition_is_quoted_from_the_catalog(servers: Servers, sender: str) -> None:
    reply = text_of(servers.say(sender, "how much is tuition?"))
    assert "$3,920" in reply
    assert "6-month term" in reply


def test_start_date_names_the_next_first_of_the_month(servers: Servers, sender: str) -> None:
    today = dt.datetime.now(ZoneInfo(os.environ.get("SCHOOL_TIMEZONE", "America/Denver"))).date()
    next_start = next_first_of_month(today)
    following = next_first_of_month(next_start)
    reply = text_of(servers.say(sender, "when can I start?"))
    assert f"{next_start:%B} 1, {next_start.year}" in reply
    assert f"{following:%B} 1, {following.year}" in reply
    assert "enrollment" in reply.lower()


def test_salary_gives_average_and_range(servers: Servers, sender: str) -> None:
    reply = text_of(servers.say(sender, "how much do ML engineers make?"))
    for figure in ("$114,000", "$78,000", "$150,000"):
        assert figure in reply


def test_program_and_topic_carry_over(servers: Servers, sender: str) -> None:
    overview = text_of(servers.say(sender, "tell me about software development"))
    assert "Software Development" in overview
    duration = text_of(servers.say(sender, "how long does it take?"))
    assert "30 months" in duration and "23 months" not in duration
    certifications = text_of(servers.say(sender, "what certifications come with it?"))
    assert "CompTIA A+" in certifications
    switched = text_of(servers.say(sender, "what about comp sci?"))
    assert "ITIL" in switched and "CompTIA A+" not in switched


def test_unknown_topic_is_not_guessed(servers: Servers, sender: str) -> None:
    reply = text_of(servers.say(sender, "what financial aid can I get?"))
    assert "counselor" in reply.lower()
    assert "$" not in reply


# Off-topic questions shaped like in-scope ones ("how much", "how long", "what time"): the
# reply must say what the assistant is for, not quote tuition or offer a counselor.
@pytest.mark.parametrize(
    "message",
    [
        "what's the weather like in paris tomorrow",
        "how much does a new set of tires cost",
        "how long does it take to get a passport renewed",
        "what time does the pharmacy close tonight",
        "what's bitcoin trading at right now",
    ],
)
def test_unrelated_question_gets_out_of_scope_reply(servers: Servers, message: str) -> None:
    reply = ask(servers, message, prefix="off-topic")
    assert reply.kind == "out_of_scope", (message, reply.actions, reply.responses)
    assert not reply.catalog_fact and "$" not in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "a" * 900,  # longer messages are refused by the channel (test_public_limits.py)
        "asdfghjkl",
        "sdfsdf sdfsdf lkjlkj",
        "!!!!!!!!!!",
    ],
)
def test_noise_never_gets_a_catalog_fact(servers: Servers, message: str) -> None:
    reply = ask(servers, message, prefix="noise")
    assert reply.kind == "out_of_scope", (message[:20], reply.actions, reply.responses)
    assert "$" not in reply.text


def test_bot_says_it_is_a_virtual_assistant(servers: Servers, sender: str) -> None:
    assert "virtual assistant" in text_of(servers.say(sender, "am I talking to a bot?")).lower()


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "tuition " * 700,  # about 5,000 characters
        "🤖🎓💸",
        "¿Cuánto cuesta la matrícula del programa?",
        "<script>alert('x')</script><b>hi</b>",
        "'; DROP TABLE programs; --",
        "SELECT * FROM leads WHERE 1=1",
    ],
)
def test_bad_input_gets_a_sensible_reply(servers: Servers, sender: str, message: str) -> None:
    replies = servers.say(sender, message)
    reply = text_of(replies)
    assert reply.strip(), f"no reply to {message[:40]!r}"
    assert "Traceback" not in reply and "<script>" not in reply
    # The conversation keeps working afterwards.
    assert "$3,920" in text_of(servers.say(sender, "how much is tuition?"))


def test_conversation_survives_a_restart(servers: Servers, sender: str) -> None:
    servers.say(sender, "tell me about computer science")
    servers.stop("rasa")
    servers.start_rasa()
    reply = text_of(servers.say(sender, "how long does it take?"))
    assert "23 months" in reply and "30 months" not in reply
