"""Rasa graph component: understanding reads at most the first `max_characters` of a message.

The public channels already refuse messages over MAX_MESSAGE_CHARS before they are parsed
(`rasa_plugins.channels.guard`). This is the second line of defence for every other way a text
reaches the pipeline (the HTTP API's `/model/parse` and `/conversations/<id>/messages`, a
channel added later): the tokenizer, the count vectors and the regexes cost time and memory
that grow with the length, and faster than it (a 32,000-character message once took 8.4 s and
1.9 GB). No question a student asks needs more than the first 2,000 characters to be understood.

Only the text that understanding reads is cut: the conversation keeps what the student wrote.
It must be the first component of the pipeline. Used from config.yml as
``rasa_plugins.nlu.text_limit.TextLimit``.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

DEFAULT_MAX_CHARACTERS = 2000


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TextLimit(GraphComponent):
    """Cuts the text that the rest of the pipeline reads to `max_characters`."""

    def __init__(self, max_characters: int) -> None:
        self.max_characters = max_characters

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"max_characters": DEFAULT_MAX_CHARACTERS}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TextLimit:
        return cls(int(config["max_characters"]))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and len(text) > self.max_characters:
                message.set(TEXT, text[: self.max_characters])
        return messages
