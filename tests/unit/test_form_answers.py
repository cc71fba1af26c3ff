"""Reading one form answer out of a sentence, and telling answers from questions."""

from __future__ import annotations

import pytest

from bot.booking import form_answers
from bot.booking.form_answers import UNDECIDED, MessageIntent

ALIASES = {
    "computer science": "computer_science",
    "cs": "computer_science",
    "software development": "software_development",
}


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Jordan Lee", "Jordan Lee"),
        ("my name is Priya Natarajan.", "Priya Natarajan"),
        ("Sure, it's Sam O'Connor", "Sam O'Connor"),
        ("i'm Alex", "Alex"),
        ("<b>Bo</b> Smith", "<b>Bo</b> Smith"),  # kept verbatim; escaped where shown
    ],
)
def test_name_from_sentence(typed: str, name: str) -> None:
    assert form_answers.name_from(typed) == name


@pytest.mark.parametrize(
    ("typed", "email"),
    [
        ("jo@example.com", "jo@example.com"),
        ("my email is priya.n@example.org.", "priya.n@example.org"),
        ("it's <sam@example.net>", "sam@example.net"),
        ("jordan at example", "jordan at example"),  # no "@": the validator explains
    ],
)
def test_email_from_sentence(typed: str, email: str) -> None:
    assert form_answers.email_from(typed) == email


@pytest.mark.parametrize(
    ("typed", "method"),
    [
        ("email", "email"),
        ("e-mail please", "email"),
        ("call me", "phone"),
        ("a phone call", "phone"),
        ("text me", "text"),
        ("SMS", "text"),
        ("carrier pigeon", None),
    ],
)
def test_contact_method(typed: str, method: str | None) -> None:
    assert form_answers.contact_method_from(typed) == method


@pytest.mark.parametrize(
    ("typed", "choice"),
    [
        ("computer science", "computer_science"),
        ("the cs one", "computer_science"),
        ("softwre developement", "software_development"),
        ("not sure yet", UNDECIDED),
        ("I don’t know", UNDECIDED),
        ("both cs and software development", UNDECIDED),
        ("underwater basket weaving", None),
    ],
)
def test_program_choice(typed: str, choice: str | None) -> None:
    assert form_answers.program_choice_from(typed, ALIASES) == choice


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ("change my email", "email"),
        ("wrong phone number", "phone"),
        ("fix my name", "full_name"),
        ("pick a different time", "appointment_slot"),
        ("change the program", "interested_program"),
        ("change something", None),
    ],
)
def test_field_named_in_a_correction(typed: str, field: str | None) -> None:
    assert form_answers.field_named_in(typed) == field


@pytest.mark.parametrize("typed", ["skip", "No thanks", "I'd rather not", "no phone"])
def test_skipping_the_phone(typed: str) -> None:
    assert form_answers.wants_to_skip(typed)


def test_a_phone_number_is_not_a_skip() -> None:
    assert not form_answers.wants_to_skip("303 555 0147")
    assert form_answers.has_phone_digits("303 555 0147")
    assert not form_answers.has_phone_digits("call me at 3")


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "digression"),
    [
        ("how much is tuition?", "ask_tuition", 0.6, True),  # question shape
        ("tuition", "ask_tuition", 0.95, True),  # confident question intent
        ("Jordan", "ask_ml_role", 0.5, False),  # a misread name is an answer
        ("Jordan Lee", "inform", 0.99, False),
        ("never mind", "stop_booking", 0.9, True),  # control intents steer the form
        ("i want a person", "request_human", 0.9, True),
        ("asdf qwer", "nlu_fallback", 0.3, False),
        ("what's the weather like?", "out_of_scope", 0.9, True),
        ("Xochitl Quetzal", "out_of_scope", 0.9, False),  # an unusual name
    ],
)
def test_digression_or_answer(text: str, intent: str, confidence: float, digression: bool) -> None:
    assert form_answers.is_digression(text, MessageIntent(intent, confidence)) is digression
