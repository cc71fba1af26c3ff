"""The multilingual encoder gives stable, unit-length vectors in English and Spanish alike.

The intent classifier reads these beside MiniLM's, so as for MiniLM a vector must not depend on
batching, an empty, huge or malformed message must not raise, and the model file must be the
pinned one. Runs the real ~70 MB ONNX model once per module, no training.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rasa_plugins.nlu import multilingual_encoder
from rasa_plugins.nlu.model_files import ModelFileMismatch, verified_model_file
from rasa_plugins.nlu.multilingual_encoder import (
    DIMENSIONS,
    MultilingualEncoder,
    shared_multilingual_encoder,
)

TUITION = "how much does the computer science degree cost"


@pytest.fixture(scope="module")
def encoder() -> MultilingualEncoder:
    return shared_multilingual_encoder()


def test_many_texts_give_the_vectors_of_single_calls(encoder: MultilingualEncoder) -> None:
    """Training encodes thousands of texts, the server one: both must see the same vector."""
    texts = ["hola", TUITION, "¿Cuándo empiezan las clases del programa de software?" * 3, "ok"]
    singles = np.vstack([encoder.encode([text]) for text in texts])
    assert np.array_equal(encoder.encode(texts), singles)


@pytest.mark.parametrize("blank", ["", "   \n\t"])
def test_an_empty_text_gives_a_zero_row(encoder: MultilingualEncoder, blank: str) -> None:
    vectors = encoder.encode([blank, TUITION])
    assert vectors.shape == (2, DIMENSIONS)
    assert not vectors[0].any()
    assert np.isclose(np.linalg.norm(vectors[1]), 1.0, atol=1e-5)


@pytest.mark.parametrize(
    "text",
    ["matrícula " * 2_000, "\ud83d lone surrogate", "<script>alert(1)</script>", "🎓🎓🎓", "\x00"],
)
def test_malformed_or_huge_text_gives_a_unit_vector(
    encoder: MultilingualEncoder, text: str
) -> None:
    [vector] = encoder.encode([text])
    assert vector.dtype == np.float32
    assert np.isfinite(vector).all()
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-5)


def test_a_spanish_question_is_closer_to_its_english_meaning_than_to_another_topic(
    encoder: MultilingualEncoder,
) -> None:
    spanish, english, other = encoder.encode(
        ["¿cuánto cuesta la carrera de ciencias de la computación?", TUITION, "when can I start"]
    )
    assert spanish @ english > spanish @ other


def test_no_texts_give_an_empty_matrix(encoder: MultilingualEncoder) -> None:
    assert encoder.encode([]).shape == (0, DIMENSIONS)


def test_a_replaced_model_file_is_refused(tmp_path: Path) -> None:
    replaced = tmp_path / multilingual_encoder.MODEL_FILE
    replaced.parent.mkdir(parents=True)
    replaced.write_bytes(b"not the pinned model")
    with pytest.raises(ModelFileMismatch):
        verified_model_file(
            multilingual_encoder.MODEL_FILE, multilingual_encoder.MODEL_SHA256, tmp_path
        )


def test_a_missing_model_file_names_the_command_that_installs_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make setup"):
        verified_model_file(
            multilingual_encoder.MODEL_FILE, multilingual_encoder.MODEL_SHA256, tmp_path
        )
