"""Rasa's logistic-regression intent classifier, safe for a message that has no words.

Rasa 3.6's `LogisticRegressionClassifier` stacks each message's word and sentence features
into one row. An empty or blank message has no tokens, so its row is narrower than the
ones the model was trained on, scikit-learn raises, and the student gets no reply at all.
DIET, which classified intents before, gives such a message no intent with confidence 0,
so the FallbackClassifier asks the student to rephrase; this subclass does the same.

Used from config.yml as `nlu_components.intent_classifier.LogisticRegressionIntentClassifier`.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class LogisticRegressionIntentClassifier(LogisticRegressionClassifier):
    """Classifies the messages it has features for; the others get no intent, confidence 0."""

    def process(self, messages: List[Message]) -> List[Message]:
        classifiable: List[Message] = []
        featureless: List[Message] = []
        for message in messages:
            (classifiable if self._can_classify(message) else featureless).append(message)
        if classifiable:
            super().process(classifiable)
        for message in featureless:
            message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                        add_to_output=True)
            message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages

    def _can_classify(self, message: Message) -> bool:
        """True when the model is trained and the message has as many features as it expects."""
        expected = getattr(self.clf, "n_features_in_", None)
        return expected is not None and self._create_X([message]).shape[1] == expected
