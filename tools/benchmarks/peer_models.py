"""The peers' models: Rasa's default config trained on our data, and the `rasa init` assistant.

Both are trained with the `rasa` command, as a developer would make them, each in a temporary
directory with its own empty Rasa cache, and kept under var/cache/bench/peers/ by a
fingerprint of what they were trained from: the default config's full training takes about
16 minutes on the 2-core machine, so a run pays it only when the data, the domain, the config,
the epochs scale or Rasa changed. A fresh clone has no cache and trains both.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.settings import REPO_ROOT
from tools.benchmarks.training import run_rasa
from tools.evaluation.rasa_steps import CONFIGS, scaled_config

CACHE = REPO_ROOT / "var" / "cache" / "bench" / "peers"
DEFAULT_CONFIG = CONFIGS["default"]
DOMAIN = REPO_ROOT / "domain.yml"
DATA = REPO_ROOT / "data"


@dataclass(frozen=True)
class PeerModel:
    """A peer's trained model, and what it cost: None when it came from the cache."""

    path: Path
    fingerprint: str
    trained_s: float | None


def rasa_version() -> str:
    return importlib.metadata.version("rasa")


def rasa_package() -> Path:
    """Rasa's installed package directory, found without importing Rasa (TensorFlow and all)."""
    spec = importlib.util.find_spec("rasa")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the rasa package is not installed in this environment")
    return Path(next(iter(spec.submodule_search_locations)))


def fingerprint(config: Path, domain: Path, data: Path, epochs_scale: float, rasa: str = "") -> str:
    """sha256 of everything a model trained on our data depends on.

    The config, domain.yml, every data/**/*.yml by its path under data/ (so a renamed or added
    file counts too), the epochs scale and the Rasa version. Each part is length-prefixed, so
    moving text from one file to the next cannot give the same digest.
    """
    digest = hashlib.sha256()

    def add(label: str, content: bytes) -> None:
        digest.update(label.encode() + b"\0" + len(content).to_bytes(8, "big") + content)

    add("config", config.read_bytes())
    add("domain", domain.read_bytes())
    for path in sorted(data.rglob("*.yml")):
        add(f"data/{path.relative_to(data).as_posix()}", path.read_bytes())
    add("epochs_scale", repr(float(epochs_scale)).encode())
    add("rasa", rasa.encode())
    return digest.hexdigest()


def init_fingerprint(epochs_scale: float, rasa: str) -> str:
    """The `rasa init` project is Rasa's own: only its version and our epochs scale change it."""
    return hashlib.sha256(f"rasa init\0{rasa}\0{float(epochs_scale)!r}".encode()).hexdigest()


def cached_model(
    name: str, key: str, train: Callable[[Path], Path], cache: Path = CACHE
) -> PeerModel:
    """``cache/<name>-<key>.tar.gz`` if it exists, else ``train(temporary directory)``'s model,
    timed and copied there (under a temporary name first, so an interrupted copy is never
    reused); other models of the same peer are removed as stale."""
    target = cache / f"{name}-{key[:16]}.tar.gz"
    if target.exists():
        return PeerModel(target, key, None)
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as temp:
        started = time.perf_counter()
        model = train(Path(temp))
        seconds = time.perf_counter() - started
        cache.mkdir(parents=True, exist_ok=True)
        partial = cache / f".{target.name}.partial"
        shutil.copyfile(model, partial)
        partial.replace(target)
    for stale in cache.glob(f"{name}-*.tar.gz"):
        if stale != target:
            stale.unlink()
    return PeerModel(target, key, seconds)


def default_config_model(epochs_scale: float, log: Path) -> PeerModel:
    """tools/evaluation/default_config.yml trained on our domain.yml and data/."""
    key = fingerprint(DEFAULT_CONFIG, DOMAIN, DATA, epochs_scale, rasa_version())

    def train(workdir: Path) -> Path:
        config = scaled_config(DEFAULT_CONFIG, epochs_scale, workdir / "config.yml")
        run_rasa(
            [
                "train",
                "--config",
                config,
                "--domain",
                DOMAIN,
                "--data",
                DATA,
                "--out",
                workdir / "models",
                "--fixed-model-name",
                "default-config",
            ],
            cwd=REPO_ROOT,
            cache=workdir / "cache",
            log=log,
        )
        return workdir / "models" / "default-config.tar.gz"

    return cached_model("default-config", key, train)


def rasa_init_model(epochs_scale: float, log: Path) -> PeerModel:
    """The mood bot `rasa init --no-prompt` writes and trains.

    At the protocol's scale (1) that command itself, which trains the project with Rasa's
    default pipeline and policies (its config.yml leaves both empty). Below 1, the same files
    (`rasa init` copies them from rasa/cli/initial_project) with that default config written
    out with scaled epochs, then `rasa train`: `rasa init` has no option to train less.
    """
    key = init_fingerprint(epochs_scale, rasa_version())

    def train(workdir: Path) -> Path:
        project = workdir / "project"
        if epochs_scale == 1.0:
            project.mkdir()
            run_rasa(
                ["init", "--no-prompt", "--init-dir", project],
                cwd=workdir,
                cache=workdir / "cache",
                log=log,
            )
        else:
            package = rasa_package()
            shutil.copytree(
                package / "cli" / "initial_project",
                project,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
            scaled_config(
                package / "engine" / "recipes" / "config_files" / "default_config.yml",
                epochs_scale,
                project / "config.yml",
            )
            run_rasa(
                ["train", "--out", "models", "--fixed-model-name", "rasa-init"],
                cwd=project,
                cache=workdir / "cache",
                log=log,
            )
        models = sorted((project / "models").glob("*.tar.gz"))
        if len(models) != 1:
            raise RuntimeError(f"expected one model in {project / 'models'}, found {models}")
        return models[0]

    return cached_model("rasa-init", key, train)
