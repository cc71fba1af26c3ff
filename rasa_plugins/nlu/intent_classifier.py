"""Intents from a logistic regression over word counts and sentence meaning, each weighed.

Rasa 3.6's `LogisticRegressionClassifier` stacks each message's sentence features as they
come: raw word and character counts next to unit-length vectors. A long message then has
large counts that drown the meaning vector, and a short one the reverse. This subclass
scales each featurizer's sentence features to unit length and weighs the dense ones
(the sentence encoder's meaning vector) by ``dense_weight`` against the sparse ones, so
the two kinds of evidence count the same for a three-word question and a paragraph.
``C`` (inverse regularisation) and ``dense_weight`` were chosen by 5-fold
cross-validation on our own data (see config.yml).

It also answers a message that has no words: its row would be narrower than the ones the
model was trained on, and scikit-learn would raise, leaving the student with no reply.
Such a message gets no intent with confidence 0, so the FallbackClassifier asks the
student to rephrase.

Used from config.yml as `rasa_plugins.nlu.intent_classifier.LogisticRegressionIntentClassifier`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse
import scipy.sparse.linalg
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LogisticRegressionIntentClassifier(LogisticRegressionClassifier):
    """Classifies the messages it has features for; the others get no intent, confidence 0."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # normalise_features False keeps Rasa's own behaviour (raw features stacked as they come).
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "C": 1.0,
            "normalise_features": False,
            "dense_weight": 1.0,
        }

    def __init__(
        self, config: dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))

    def process(self, messages: list[Message]) -> list[Message]:
        classifiable: list[Message] = []
        featureless: list[Message] = []
        for message in messages:
            (classifiable if self._can_classify(message) else featureless).append(message)
        if classifiable:
            super().process(classifiable)
        for message in featureless:
            message.set(
                INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True
            )
            message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages

    def _create_X(self, messages: list[Message]) -> scipy.sparse.csr_matrix:
        if not self.config["normalise_features"]:
            return super()._create_X(messages)
        return scipy.sparse.vstack([self._weighted_row(message) for message in messages]).tocsr()

    def _weighted_row(self, message: Message) -> scipy.sparse.csr_matrix:
        """Each featurizer's sentence features at unit length; dense ones times dense_weight.

        Sparse blocks come first, then dense, each in pipeline order, as in Rasa's own row.
        """
        sentence = [
            f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE
        ]
        blocks = [_unit(scipy.sparse.csr_matrix(f.features)) for f in sentence if f.is_sparse()]
        blocks += [
            _unit(scipy.sparse.csr_matrix(np.asarray(f.features, dtype=np.float64)))
            * float(self.config["dense_weight"])
            for f in sentence
            if f.is_dense()
        ]
        return scipy.sparse.hstack(blocks or [scipy.sparse.csr_matrix((1, 0))]).tocsr()

    def _can_classify(self, message: Message) -> bool:
        """True when the model is trained and the message has as many features as it expects.

        Counted from the features' widths, not by building the row: `process` builds it next,
        and building it twice cost 2% of the server's busy time."""
        expected = getattr(self.clf, "n_features_in_", None)
        if expected is None:
            return False
        if not self.config["normalise_features"]:
            return bool(self._create_X([message]).shape[1] == expected)
        widths: list[int] = [
            f.features.shape[-1]
            for f in message.features
            if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE
        ]
        return sum(widths) == int(expected)


def _unit(row: scipy.sparse.csr_matrix) -> scipy.sparse.csr_matrix:
    norm = scipy.sparse.linalg.norm(row)
    return row / norm if norm > 0 else row
