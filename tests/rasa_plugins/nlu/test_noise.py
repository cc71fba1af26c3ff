"""Keyboard mash and symbol soup get a request to rephrase; anything a student could mean does not.

The intent classifier always picks an intent (2,000 repeated letters once got the salary
answer), so NoiseFilter overrides it for noise. The opposite mistake is worse: a real message
taken for noise is never answered, and inside the booking form "yes" stops confirming.
"""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_plugins.nlu.noise import NoiseFilter, is_mashed_word, looks_like_noise

NOISE = [
    "a" * 2000,
    "asdfghjkl",
    "sdfsdf sdfsdf",
    "!!!!!",
    "$$$ %%% ###",
    "jkjkjkjkjk",
    "asdasdasdasd",
    "qwerty",
    # Not a question; asking to rephrase is the right answer to an injection attempt.
    "' OR 1=1; --",
]
NOT_NOISE = [
    "how much is tuition for computer science?",
    "whats the tution for sofware developement",
    "BSCS",
    "ok",
    "lol",
    "计算机科学的学费是多少？",
    "¿Cuánto cuesta la matrícula?",
    "?",
    "🙂",
    "<b>tuition</b>?",
    "",
    "   ",
    "Is there a strength program?",
    "rhythm",
]


@pytest.mark.parametrize("text", NOISE)
def test_noise_is_recognised(text: str) -> None:
    assert looks_like_noise(text)


@pytest.mark.parametrize("text", NOT_NOISE)
def test_what_a_student_could_mean_is_not_noise(text: str) -> None:
    assert not looks_like_noise(text)


@pytest.mark.parametrize(
    "text",
    [
        "yes!!!!",
        "no???",
        "hi!!!",
        "CS???",
        "Hello?????????",
        "nooooooo",
        "sessions?",
    ],
)
def test_real_words_said_with_emphasis_are_not_noise(text: str) -> None:
    """FAILS (bug): a short word with repeated punctuation has under half letters; a stretched
    word ("nooooooo") or a word half of one letter ("sessions") trips the one-letter rule."""
    assert not looks_like_noise(text)


@pytest.mark.parametrize(
    "word, mashed",
    [
        ("asdfgh", True),
        ("sdfsdf", True),
        ("bcdfgh", True),
        ("strengths", False),
        ("tuition", False),
        ("qwe", False),
        ("computer", False),
    ],
)
def test_mashed_words(word: str, mashed: bool) -> None:
    assert is_mashed_word(word) is mashed


def test_the_filter_turns_noise_into_a_request_to_rephrase() -> None:
    answered = {"name": "ask_salary", "confidence": 0.9}
    noise, question = [
        Message(data={TEXT: text, INTENT: answered, INTENT_RANKING_KEY: [answered]})
        for text in ("asdfghjkl", "what will I earn?")
    ]
    NoiseFilter().process([noise, question])
    fallback = {"name": "nlu_fallback", "confidence": 1.0}
    assert noise.get(INTENT) == fallback
    assert noise.get(INTENT_RANKING_KEY) == [fallback]
    assert question.get(INTENT) == answered
    assert question.get(INTENT_RANKING_KEY) == [answered]
