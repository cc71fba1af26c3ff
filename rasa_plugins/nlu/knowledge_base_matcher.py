"""Rasa graph component: a message close in meaning to a published knowledge-base phrasing gets
that entry's answer (intent ``ask_knowledge_base``, entity ``knowledge_base_entry``).

Who answers what: the catalog's own intents keep every message they claim (a knowledge-base
entry never overrides tuition, durations or start dates), and so do small talk, booking and the
form's answers. Only a message the classifier reads as a topic the catalog does not cover, as
off-topic, or does not trust itself on (``nlu_fallback``) is compared with the entries; it is
answered from one only when it is similar enough (`Thresholds`; the values are chosen on the
project's own tuning data by `python -m tools.evaluation.knowledge_base choose`, never on the
evaluation sets; docs/knowledge-base.md). Anything else keeps today's reply.

The index is built from the program database on a background thread and refreshed when the
office publishes, edits or unpublishes (rasa_plugins/knowledge_base/). The best match is also put
on the parse output as ``knowledge_base_match`` (entry and similarity, answered or not), which the
evaluation reads.

Used from config.yml as ``rasa_plugins.nlu.knowledge_base_matcher.KnowledgeBaseMatcher``; it must
come after the FallbackClassifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.knowledge.intents import BY_NAME, KNOWLEDGE_BASE_ENTITY, KNOWLEDGE_BASE_INTENT, Kind
from bot.settings import load_settings
from rasa_plugins.knowledge_base.refresher import KnowledgeBaseRefresher
from rasa_plugins.knowledge_base.source import KnowledgeBaseSource, engine_for
from rasa_plugins.nlu.sentence_encoder import DIMENSIONS, shared_encoder

MATCH_KEY = "knowledge_base_match"
# Phrasings the refresher embeds at a time in the serving process (see SentenceEncoder.encode).
_REFRESH_BATCH = 4


@dataclass(frozen=True)
class Thresholds:
    """How similar a message must be to an entry to get its answer, by the classifier's reading.

    A message read as an enrollment topic the catalog does not cover is known to be about the
    school, so a looser match will do; one read as off-topic or unsure (``nlu_fallback``) must be
    plainly close to an entry, or "find me a house to rent" would get the housing answer. And the
    entry must be ahead of the next one by `margin`: a message as close to two entries gets
    neither, since a wrong entry's answer is worse than today's counselor offer.
    """

    topic: float
    unsure: float
    margin: float = 0.0

    def required(self, reading: str | None) -> float | None:
        """The similarity `reading` needs, or None when no entry may take the message."""
        if reading == DEFAULT_NLU_FALLBACK_INTENT_NAME:
            return self.unsure
        intent = BY_NAME.get(reading or "")
        if intent is None:
            return None
        return {Kind.UNKNOWN_TOPIC: self.topic, Kind.OUT_OF_SCOPE: self.unsure}.get(intent.kind)

    def answers(self, reading: str | None, similarity: float, runner_up: float) -> bool:
        """True when a match this close, this far ahead, may answer a message read as `reading`."""
        required = self.required(reading)
        return (
            required is not None
            and similarity >= required
            and similarity - runner_up >= self.margin
        )


@lru_cache(maxsize=1)
def shared_refresher() -> KnowledgeBaseRefresher:
    """One index per server process, whichever graph node asks (and the evaluation's)."""
    settings = load_settings()
    return KnowledgeBaseRefresher(
        source=lambda: KnowledgeBaseSource(engine_for(settings.database_url)),
        encode=lambda texts: shared_encoder().encode(texts, batch_size=_REFRESH_BATCH),
        interval=settings.knowledge_base_refresh_ms / 1000,
    )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class KnowledgeBaseMatcher(GraphComponent):
    """Turns an open reading into a knowledge-base answer when an entry is close enough."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"topic_threshold": 0.5, "unsure_threshold": 0.75, "margin": 0.0}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        for key in ("topic_threshold", "unsure_threshold"):
            if not 0.0 < float(config[key]) <= 1.0:
                raise ValueError(f"{key} must be a cosine similarity in (0, 1]")
        if not 0.0 <= float(config["margin"]) < 1.0:
            raise ValueError("margin must be in [0, 1)")

    def __init__(self, config: dict[str, Any], refresher: KnowledgeBaseRefresher) -> None:
        config = {**self.get_default_config(), **config}
        self._thresholds = Thresholds(
            topic=float(config["topic_threshold"]),
            unsure=float(config["unsure_threshold"]),
            margin=float(config["margin"]),
        )
        self._refresher = refresher

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KnowledgeBaseMatcher:
        return cls(config, shared_refresher())

    def process(self, messages: list[Message]) -> list[Message]:
        self._refresher.start()  # at the first message, not at training: no database there
        index = self._refresher.index
        if not len(index):
            return messages
        for message in messages:
            vector = _sentence_vector(message)
            match = index.best_match(vector) if vector is not None else None
            if match is None:
                continue
            message.set(
                MATCH_KEY,
                {
                    "entry_id": match.entry_id,
                    "similarity": round(match.similarity, 4),
                    "runner_up": round(match.runner_up, 4),
                },
                add_to_output=True,
            )
            reading = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if self._thresholds.answers(reading, match.similarity, match.runner_up):
                _answer_from_entry(message, match.entry_id, match.similarity)
        return messages


def _sentence_vector(message: Message) -> NDArray[np.float32] | None:
    """The encoder's vector the featurizer already put on the message (computed once per turn)."""
    for features in message.features:
        if (
            features.attribute == TEXT
            and features.type == FEATURE_TYPE_SENTENCE
            and features.is_dense()
            and features.features.shape[-1] == DIMENSIONS
        ):
            vector: NDArray[np.float32] = np.asarray(features.features, dtype=np.float32)[0]
            return vector
    text = message.get(TEXT)
    return shared_encoder().encode([text])[0] if isinstance(text, str) and text.strip() else None


def _answer_from_entry(message: Message, entry_id: int, similarity: float) -> None:
    confidence = round(similarity, 4)
    reading = {INTENT_NAME_KEY: KNOWLEDGE_BASE_INTENT, PREDICTED_CONFIDENCE_KEY: confidence}
    ranking = [reading, *(message.get(INTENT_RANKING_KEY) or [])]
    message.set(INTENT, reading, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    entity = {
        ENTITY_ATTRIBUTE_TYPE: KNOWLEDGE_BASE_ENTITY,
        ENTITY_ATTRIBUTE_VALUE: str(entry_id),
        ENTITY_ATTRIBUTE_CONFIDENCE: confidence,
        EXTRACTOR: KnowledgeBaseMatcher.__name__,
    }
    message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
