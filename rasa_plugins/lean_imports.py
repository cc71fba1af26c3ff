"""Packages the Rasa server never uses, kept out of its memory.

Rasa 3.6 imports TensorFlow whatever the config (its policy base classes do), and TensorFlow's
TFLite helpers try `import jax` for an optional converter feature, which loads jax and
jaxlib's XLA library: about 105 MB of the server's resident memory and half a second of its
start, for a converter the server never runs. TensorFlow guards that import
(`except ImportError`), so here it fails at once. Training (`rasa train`) is not affected.

`install()` is the first thing `python -m rasa_plugins.server` does.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

# Top-level packages the Rasa server must not load.
UNUSED = ("jax", "jaxlib")


class UnusedPackages(importlib.abc.MetaPathFinder):
    """Makes `import jax` (and its submodules) fail as if jax were not installed."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] in UNUSED:
            raise ModuleNotFoundError(f"{fullname} is not used by the Rasa server", name=fullname)
        return None


def install() -> None:
    """Keep the unused packages out of this process (once, before Rasa is imported)."""
    if not any(isinstance(finder, UnusedPackages) for finder in sys.meta_path):
        sys.meta_path.insert(0, UnusedPackages())
