"""The sentence encoder gives stable, unit-length meaning vectors, whatever the student types.

The intent classifier reads these vectors beside word counts, so a vector must not depend on
batching or padding (training encodes in batches, the server one message at a time), an empty
or huge message must not raise, and the installed model file must be the pinned one. Runs the
real ~23 MB ONNX model once per module (shared_encoder), no spaCy, no training.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from rasa_plugins.nlu import sentence_encoder
from rasa_plugins.nlu.sentence_encoder import (
    DIMENSIONS,
    MAX_CHARACTERS,
    ModelFileMismatch,
    SentenceEncoder,
    shared_encoder,
    verified_model_path,
)

QUESTION = "how much do machine learning engineers earn"


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return shared_encoder()


def test_the_same_text_gives_the_same_vector(encoder: SentenceEncoder) -> None:
    assert np.array_equal(encoder.encode([QUESTION]), encoder.encode([QUESTION]))


def test_a_batch_gives_the_vectors_of_single_calls(encoder: SentenceEncoder) -> None:
    """Padding to the longest member must not change the shorter members' vectors."""
    texts = [
        "hi",
        QUESTION,
        "what is the tuition for the software development program, "
        "and does it change if I study part time while working in the evenings? " * 3,
        "ok?",
    ]
    singles = np.vstack([encoder.encode([text]) for text in texts])
    assert np.allclose(encoder.encode(texts), singles, atol=1e-5)


@pytest.mark.parametrize("blank", ["", "   \n\t"])
def test_an_empty_text_gives_a_zero_row(encoder: SentenceEncoder, blank: str) -> None:
    vectors = encoder.encode([blank, QUESTION])
    assert vectors.shape == (2, DIMENSIONS)
    assert not vectors[0].any()
    assert np.isclose(np.linalg.norm(vectors[1]), 1.0, atol=1e-5)


class TokenizerSpy:
    """Passes calls to the real tokenizer and records the lengths of the texts it was given."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer, self.lengths = tokenizer, []

    def encode_batch(self, texts):
        self.lengths += [len(text) for text in texts]
        return self.tokenizer.encode_batch(texts)


def test_a_very_long_text_is_truncated_not_an_error(
    encoder: SentenceEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = ("tuition " * 1250)[:10_000]
    spy = TokenizerSpy(encoder._tokenizer)
    monkeypatch.setattr(encoder, "_tokenizer", spy)
    [vector] = encoder.encode([text])
    assert spy.lengths == [MAX_CHARACTERS]  # not 10,000 characters tokenized
    assert vector.shape == (DIMENSIONS,)
    assert np.isfinite(vector).all()
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-5)
    # It costs what its first MAX_CHARACTERS characters cost, which fill the model's 128 pieces.
    assert np.array_equal(vector, encoder.encode([text[:MAX_CHARACTERS]])[0])
    assert len(spy.tokenizer.encode(text[:MAX_CHARACTERS]).ids) == encoder.max_tokens


def test_vectors_have_unit_length(encoder: SentenceEncoder) -> None:
    vectors = encoder.encode(["hi", QUESTION, "¿Cuánto cuesta la matrícula?", "!!!"])
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_paraphrases_are_closer_than_unrelated_questions(encoder: SentenceEncoder) -> None:
    question, paraphrase, unrelated = encoder.encode(
        [QUESTION, "what is the salary of an ML engineer", "what's the weather like in Denver"]
    )
    assert question @ paraphrase > question @ unrelated


def test_no_texts_give_an_empty_matrix(encoder: SentenceEncoder) -> None:
    assert encoder.encode([]).shape == (0, DIMENSIONS)


def _package_with(path: Path, sha256: str) -> SimpleNamespace:
    return SimpleNamespace(model_path=lambda: str(path), SHA256=sha256)


def test_a_replaced_model_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "model.onnx"
    model.write_bytes(b"not the pinned model")
    expected = hashlib.sha256(b"the pinned model").hexdigest()
    monkeypatch.setattr(sentence_encoder, "_model_package", lambda: _package_with(model, expected))
    with pytest.raises(ModelFileMismatch):
        verified_model_path()


def test_the_pinned_model_file_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "model.onnx"
    model.write_bytes(b"the pinned model")
    expected = hashlib.sha256(b"the pinned model").hexdigest()
    monkeypatch.setattr(sentence_encoder, "_model_package", lambda: _package_with(model, expected))
    assert verified_model_path() == model
