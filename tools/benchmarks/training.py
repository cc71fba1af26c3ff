"""Training time: a full `rasa train`, then again after an NLU-only change.

Trains a copy of config.yml, domain.yml and data/ in a temporary directory, with its own
empty Rasa cache (so the first run really is full) and its own output directory:
models/enrollment.tar.gz is never touched. The second run adds one training example to an
existing intent, which is what a content editor's change looks like; Rasa's cache then
reuses everything that does not depend on NLU data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.settings import REPO_ROOT

RASA = REPO_ROOT / ".venv" / "rasa" / "bin" / "rasa"
# What `rasa train` reads besides config.yml and domain.yml.
TRAINING_DIRECTORIES = ("data", "rasa_plugins")
CHANGE = """version: "3.1"
nlu:
  - intent: ask_tuition
    examples: |
      - what would the whole degree cost me in tuition, roughly
"""


def run_rasa(arguments: list[str | Path], cwd: Path, cache: Path, log: Path) -> None:
    """One `rasa` command under nice, with its own training cache, its output in ``log``."""
    env = {
        **os.environ,
        "RASA_CACHE_DIRECTORY": str(cache),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        subprocess.run(
            ["nice", "-n", "10", str(RASA), *map(str, arguments)],
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=True,
        )


def _train(workdir: Path, log: Path) -> float:
    started = time.perf_counter()
    run_rasa(
        [
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            "models",
            "--fixed-model-name",
            "bench",
        ],
        cwd=workdir,
        cache=workdir / "cache",
        log=log,
    )
    return time.perf_counter() - started


def measure(log_dir: Path) -> dict[str, Any]:
    log = log_dir / "training.log"
    log.write_text("")
    with tempfile.TemporaryDirectory(prefix="bench-train-") as temp:
        workdir = Path(temp)
        for name in ("config.yml", "domain.yml"):
            shutil.copy(REPO_ROOT / name, workdir / name)
        # config.yml names our own NLU component by module path, so it must be importable there.
        for name in TRAINING_DIRECTORIES:
            shutil.copytree(REPO_ROOT / name, workdir / name)
        full = _train(workdir, log)
        (workdir / "data" / "nlu" / "bench_change.yml").write_text(CHANGE)
        nlu_only = _train(workdir, log)
    return {"full_s": full, "nlu_change_s": nlu_only, "log": str(log)}
