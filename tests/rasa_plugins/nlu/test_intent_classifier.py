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

from rasa_plugins.nlu.intent_classifier import LogisticRegressionIntentClassifier

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
        result.add_features(
            Features(
                scipy.sparse.coo_matrix(counts),
                FEATURE_TYPE_SENTENCE,
                TEXT,
                "CountVectorsFeaturizer",
            )
        )
        if dense:
            vector = np.array([[1.0, 0.0] if INTENT_OF_WORD[words[0]] == "greet" else [0.0, 1.0]])
            result.add_features(Features(vector, FEATURE_TYPE_SENTENCE, TEXT, "SpacyFeaturizer"))
    return result


@pytest.fixture
def context(tmp_path: Path) -> dict:
    return {
        "model_storage": LocalModelStorage(tmp_path),
        "execution_context": ExecutionContext(GraphSchema({}), "test-model"),
    }


def classifier(context: dict, trained: bool = True) -> LogisticRegressionIntentClassifier:
    component = LogisticRegressionIntentClassifier.create(
        {**LogisticRegressionIntentClassifier.get_default_config()},
        resource=Resource("intent_classifier"),
        **context,
    )
    if trained:
        examples = [
            message(word, intent=INTENT_OF_WORD[word]) for word in VOCABULARY for _ in range(3)
        ]
        component.train(TrainingData(examples))
    return component


def test_a_message_with_words_gets_its_intent_and_a_ranking(context: dict) -> None:
    [tuition, greeting] = classifier(context).process(
        [message("tuition", "cost"), message("hello")]
    )
    assert tuition.get(INTENT)["name"] == "ask_tuition"
    assert greeting.get(INTENT)["name"] == "greet"
    assert [entry["name"] for entry in greeting.get(INTENT_RANKING_KEY)] == ["greet", "ask_tuition"]


@pytest.mark.parametrize(
    "featureless",
    [message(), message("hi", dense=False)],
    ids=["empty message", "no sentence vector"],
)
def test_a_message_without_the_trained_features_gets_no_intent(
    context: dict, featureless: Message
) -> None:
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
    fallback = FallbackClassifier.create(
        {**FallbackClassifier.get_default_config(), "threshold": 0.45},
        resource=Resource("fallback"),
        **context,
    )
    [result] = fallback.process(classifier(context).process([message()]))
    assert result.get(INTENT)["name"] == "nlu_fallback"


# ---- normalise_features, C and dense_weight --------------------------------------------------
# With normalise_features, each featurizer's sentence block is scaled to unit length and the
# dense blocks weighed by dense_weight, so a long message's raw counts do not drown its meaning.


def configured(context: dict, **config) -> LogisticRegressionIntentClassifier:
    return LogisticRegressionIntentClassifier.create(
        {**LogisticRegressionIntentClassifier.get_default_config(), **config},
        resource=Resource("intent_classifier"),
        **context,
    )


def two_block_message() -> Message:
    result = Message(data={TEXT: "tuition"})
    result.add_features(
        Features(
            scipy.sparse.coo_matrix([[3.0, 4.0]]),
            FEATURE_TYPE_SENTENCE,
            TEXT,
            "CountVectorsFeaturizer",
        )
    )
    result.add_features(
        Features(np.array([[0.0, 2.0]]), FEATURE_TYPE_SENTENCE, TEXT, "SentenceEncoderFeaturizer")
    )
    return result


def test_normalised_features_are_unit_blocks_with_weighed_dense_ones(context: dict) -> None:
    component = configured(context, normalise_features=True, dense_weight=2)
    row = component._create_X([two_block_message()]).toarray()
    assert np.allclose(row, [[0.6, 0.8, 0.0, 2.0]])


def test_without_normalising_the_row_is_rasas_own(context: dict) -> None:
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    ours = configured(context, normalise_features=False, dense_weight=2)
    rasas = LogisticRegressionClassifier.create(
        LogisticRegressionClassifier.get_default_config(), resource=Resource("rasa"), **context
    )
    messages = [message("tuition", "cost", "cost"), message("hello")]
    assert np.array_equal(ours._create_X(messages).toarray(), rasas._create_X(messages).toarray())
    assert np.array_equal(ours._create_X([two_block_message()]).toarray(), [[3.0, 4.0, 0.0, 2.0]])


def test_the_configured_c_reaches_the_regression(context: dict) -> None:
    assert configured(context, C=10).clf.C == 10.0


def test_a_loaded_model_predicts_as_the_trained_one(context: dict) -> None:
    config = {
        **LogisticRegressionIntentClassifier.get_default_config(),
        "normalise_features": True,
        "C": 10,
        "dense_weight": 2,
    }
    trained = LogisticRegressionIntentClassifier.create(
        config, resource=Resource("intent_classifier"), **context
    )
    trained.train(
        TrainingData(
            [message(word, intent=INTENT_OF_WORD[word]) for word in VOCABULARY for _ in range(3)]
        )
    )
    loaded = LogisticRegressionIntentClassifier.load(
        config, resource=Resource("intent_classifier"), **context
    )
    assert loaded.clf.C == 10.0
    texts = [("tuition", "hello"), ("hi",), ("cost", "cost", "hello")]
    before = trained.process([message(*words) for words in texts])
    after = loaded.process([message(*words) for words in texts])
    assert [m.get(INTENT_RANKING_KEY) for m in after] == [m.get(INTENT_RANKING_KEY) for m in before]
