"""The featurizer gives each message one meaning vector (MiniLM's 384 wide, the multilingual
encoder's 512), the same in training and serving.

Training featurizes in batches of BATCH_SIZE, the server one message at a time: if the
two differed, the classifier would be trained on vectors it never sees live. Uses the shared
ONNX encoder; no spaCy model, no training run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ACTION_NAME, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_plugins.nlu.multilingual_encoder import DIMENSIONS as MULTILINGUAL_DIMENSIONS
from rasa_plugins.nlu.sentence_encoder import BATCH_SIZE, DIMENSIONS
from rasa_plugins.nlu.sentence_featurizer import SentenceEncoderFeaturizer


@pytest.fixture
def featurizer(tmp_path: Path) -> SentenceEncoderFeaturizer:
    return SentenceEncoderFeaturizer.create(
        SentenceEncoderFeaturizer.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("f"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def sentence_vector(message: Message) -> np.ndarray:
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None
    return sentence.features


def test_each_message_gets_one_sentence_vector(featurizer: SentenceEncoderFeaturizer) -> None:
    messages = [Message(data={TEXT: "how much is tuition?"}), Message(data={TEXT: "hi"})]
    featurizer.process(messages)
    for message in messages:
        assert sentence_vector(message).shape == (1, DIMENSIONS)
        assert len(message.features) == 1
    assert not np.allclose(sentence_vector(messages[0]), sentence_vector(messages[1]))


def test_a_message_without_text_is_left_alone(featurizer: SentenceEncoderFeaturizer) -> None:
    action = Message(data={ACTION_NAME: "utter_greet"})
    featurizer.process([action])
    assert action.features == []
    assert action.get_dense_features(TEXT) == (None, None)


def test_training_batches_give_the_vectors_of_single_messages(
    featurizer: SentenceEncoderFeaturizer,
) -> None:
    """70 examples of very different lengths: two batches, each padded to its longest member."""
    texts = [
        f"question {i} about tuition" + " and the fees for part-time study" * (i % 7)
        for i in range(70)
    ]
    assert len(texts) > BATCH_SIZE
    training = TrainingData([Message(data={TEXT: text, INTENT: "ask_tuition"}) for text in texts])
    featurizer.process_training_data(training)
    for example in training.training_examples:
        alone = Message(data={TEXT: example.get(TEXT)})
        featurizer.process([alone])
        assert np.allclose(sentence_vector(example), sentence_vector(alone), atol=1e-5)


def configured(**settings: object) -> dict[str, object]:
    return {**SentenceEncoderFeaturizer.get_default_config(), **settings}


@pytest.mark.parametrize("max_tokens", [8, 128, 256])
def test_config_accepts_the_models_lengths(max_tokens: int) -> None:
    SentenceEncoderFeaturizer.validate_config(configured(max_tokens=max_tokens))


@pytest.mark.parametrize("max_tokens", [0, 7, 257, 1000])
def test_config_rejects_other_lengths(max_tokens: int) -> None:
    with pytest.raises(ValueError):
        SentenceEncoderFeaturizer.validate_config(configured(max_tokens=max_tokens))


def test_config_rejects_an_unknown_encoder() -> None:
    with pytest.raises(ValueError, match="encoder must be one of"):
        SentenceEncoderFeaturizer.validate_config(configured(encoder="labse"))


def test_the_multilingual_encoder_gives_its_own_vector_beside_minilms(tmp_path: Path) -> None:
    """config.yml runs both featurizers: each message carries both vectors, told apart by width
    (the knowledge base's matcher reads MiniLM's)."""
    both = [
        SentenceEncoderFeaturizer.create(
            configured(encoder=encoder),
            LocalModelStorage(tmp_path),
            Resource(encoder),
            ExecutionContext(GraphSchema({}), encoder),
        )
        for encoder in ("minilm", "multilingual")
    ]
    message = Message(data={TEXT: "¿cuánto cuesta la matrícula?"})
    for featurizer in both:
        featurizer.process([message])
    widths = [feature.features.shape for feature in message.features]
    assert widths == [(1, DIMENSIONS), (1, MULTILINGUAL_DIMENSIONS)]
