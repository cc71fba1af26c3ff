"""The Rasa server keeps jax out (rasa_plugins/lean_imports.py): TensorFlow imports without it,
and Rasa with it, as if jax were not installed."""

from __future__ import annotations

import subprocess
import sys

from bot.settings import REPO_ROOT

CHECK = """
import sys
from rasa_plugins import lean_imports
lean_imports.install()
lean_imports.install()
try:
    import jax
except ModuleNotFoundError as error:
    print("refused:", error.name)
import rasa.core.agent
import tensorflow
print("loaded:", sorted(name for name in ("jax", "jaxlib", "tensorflow") if name in sys.modules))
print("finders:", sum(type(f).__name__ == "UnusedPackages" for f in sys.meta_path))
"""


def test_rasa_and_tensorflow_import_without_jax() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "refused: jax" in result.stdout
    assert "loaded: ['tensorflow']" in result.stdout
    assert "finders: 1" in result.stdout
