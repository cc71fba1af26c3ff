"""Rasa graph component: keyboard mash, one letter repeated, or mostly symbols is not a question.

A linear classifier always picks some intent: 2,000 repeated letters once got the salary
answer. Such a message gets the request to rephrase instead (intent ``nlu_fallback`` with
no candidates, so the two-stage fallback's first step has no topic to offer and says
"could you say it another way?"). It runs after the FallbackClassifier and overrides it.

The test is deliberately narrow: real words, typos, other alphabets, a single emoji or a
short acronym pass through to the classifier.

Used from config.yml as ``rasa_plugins.nlu.noise.NoiseFilter``.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

_LETTER_RUN = re.compile(r"[^\W\d_]+")
_STRETCH = re.compile(r"(.)\1{2,}")
_VOWELS = set("aeiouy")
_CONSONANT_RUN = re.compile(r"[b-df-hj-np-tv-xz]{6,}")
# Five or more keys in a row on a QWERTY keyboard, typed left to right or right to left.
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_RUN_LENGTH = 5
# No English word a student types is this long; a run of letters this long is pasted or mashed.
_LONGEST_WORD = 30


def _keyboard_run(word: str) -> bool:
    for row in _KEYBOARD_ROWS:
        for line in (row, row[::-1]):
            if any(
                line[i : i + _KEY_RUN_LENGTH] in word
                for i in range(len(line) - _KEY_RUN_LENGTH + 1)
            ):
                return True
    return False


def is_mashed_word(word: str) -> bool:
    """A run of Latin letters no one would type as a word: "asdfgh", "sdfsdf", "asdasdasd"."""
    word = word.lower()
    if len(word) < 5 or not word.isascii():
        return False
    return (
        not _VOWELS & set(word)
        or bool(_CONSONANT_RUN.search(word))
        or _keyboard_run(word)
        or len(word) >= _LONGEST_WORD
        or (len(word) >= 8 and len(set(word)) <= 3)
    )


def looks_like_noise(text: str) -> bool:
    """True for a message with nothing a reader could take as words."""
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return False  # an empty message is the classifier's: it has no features and no intent
    letters = [c.lower() for c in visible if c.isalpha()]
    if not letters:
        return len(visible) > 1  # "?" or one emoji may be a reaction; "!!!!" or "1234" is not
    if len(letters) >= 5 and len(set(letters)) == 1:
        return True  # "aaaaaaaa..."
    # Emphasis is not noise: "yes!!!!", "nooooo", "CS???" are read as "yes!!", "noo", "CS??".
    text = _STRETCH.sub(r"\1\1", text)
    visible = [c for c in text if not c.isspace()]
    letters = [c.lower() for c in visible if c.isalpha()]
    if len(visible) >= 4 and len(letters) / len(visible) < 0.5:
        return True
    if (
        len(letters) >= 8
        and len(set(letters)) <= 3
        and Counter(letters).most_common(1)[0][1] / len(letters) >= 0.5
    ):
        return True
    words = _LETTER_RUN.findall(text)
    mashed = sum(len(word) for word in words if is_mashed_word(word))
    return mashed >= 5 and mashed / sum(len(word) for word in words) >= 0.5


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NoiseFilter(GraphComponent):
    """Turns the intent of a noise message into a request to rephrase."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NoiseFilter:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and looks_like_noise(text):
                fallback = {
                    INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                    PREDICTED_CONFIDENCE_KEY: 1.0,
                }
                message.set(INTENT, fallback, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [fallback], add_to_output=True)
        return messages
