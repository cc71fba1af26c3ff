"""The intent classifier answers every message: classified when it has words, else no intent.

Runs in the Rasa environment on hand-made features (no spaCy model, no training run), so it
checks the classifier itself in a second; that the bot then replies to an empty message is
checked end to end in tests/e2e/test_conversation.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.intent_classifier import LogisticRegressionIntentClassifier

VOCABULARY = ["tuition", "cost", "hello", "hi"]
INTENT_OF_WORD = {"tuition": "ask_tuition", "cost": "ask_tuition", "hello": "greet", "hi": "greet"}


def message(*words: str, dense: bool = True, intent: str | None = None) -> Message:
    """A message featurised like our pipeline does: a bag of words plus a sentence vector.

    A message without words gets no features at all, as the tokenizer leaves it.
    """
    data = {TEXT: " ".join(words), **({INTENT: intent} if intent else {})}
    result = Message(data=data)
    if words:
        counts = np.array([[words.count(word) for word in VOCABULARY]], dtype=float)
        result.add_features(Features(scipy.sparse.coo_matrix(counts), FEATURE_TYPE_SENTENCE,
                                     TEXT, "CountVectorsFeaturizer"))
        if dense:
            vector = np.array([[1.0, 0.0] if INTENT_OF_WORD[words[0]] == "greet" else [0.0, 1.0]])
            result.add_features(Features(vector, FEATURE_TYPE_SENTENCE, TEXT, "SpacyFeaturizer"))
    return result


@pytest.fixture
def context(tmp_path: Path) -> dict:
    return {"model_storage": LocalModelStorage(tmp_path),
            "execution_context": ExecutionContext(GraphSchema({}), "test-model")}


def classifier(context: dict, trained: bool = True) -> LogisticRegressionIntentClassifier:
    component = LogisticRegressionIntentClassifier.create(
        {**LogisticRegressionIntentClassifier.get_default_config()},
        resource=Resource("intent_classifier"), **context)
    if trained:
        examples = [message(word, intent=INTENT_OF_WORD[word]) for word in VOCABULARY for _ in range(3)]
        component.train(TrainingData(examples))
    return component


def test_a_message_with_words_gets_its_intent_and_a_ranking(context: dict) -> None:
    [tuition, greeting] = classifier(context).process([message("tuition", "cost"), message("hello")])
    assert tuition.get(INTENT)["name"] == "ask_tuition"
    assert greeting.get(INTENT)["name"] == "greet"
    assert [entry["name"] for entry in greeting.get(INTENT_RANKING_KEY)] == ["greet", "ask_tuition"]


@pytest.mark.parametrize("featureless", [message(), message("hi", dense=False)],
                         ids=["empty message", "no sentence vector"])
def test_a_message_without_the_trained_features_gets_no_intent(context: dict,
                                                               featureless: Message) -> None:
    """It used to fail the whole batch; now only that message goes without an intent."""
    [classified, unclassified] = classifier(context).process([message("cost"), featureless])
    assert classified.get(INTENT)["name"] == "ask_tuition"
    assert unclassified.get(INTENT) == {"name": None, "confidence": 0.0}
    assert unclassified.get(INTENT_RANKING_KEY) == []


def test_an_untrained_classifier_gives_no_intent_instead_of_failing(context: dict) -> None:
    [result] = classifier(context, trained=False).process([message("hello")])
    assert result.get(INTENT) == {"name": None, "confidence": 0.0}


def test_the_fallback_turns_no_intent_into_a_request_to_rephrase(context: dict) -> None:
    """What the student sees: the two-stage fallback, not silence."""
    fallback = FallbackClassifier.create({**FallbackClassifier.get_default_config(), "threshold": 0.45},
                                         resource=Resource("fallback"), **context)
    [result] = fallback.process(classifier(context).process([message()]))
    assert result.get(INTENT)["name"] == "nlu_fallback"
