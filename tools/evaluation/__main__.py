"""Run the whole evaluation and write reports/eval/ (see evaluation/__init__.py).

Settings come from the environment so `make eval` needs no arguments:

- EVAL_FOLDS (default 5): cross-validation folds.
- EVAL_EPOCHS_SCALE (default 1): multiplies every ``epochs`` in all three configs. Below 1 it
  is a smoke run that checks the pipeline; SUMMARY.md then says its numbers don't count.
- EVAL_SEED (default 2024) and EVAL_TRAINING_FRACTION (default 0.8): the held-out split,
  fixed so that runs before and after a data change are compared on the same lines.
- EVAL_REUSE_MODELS (unset): reuse models a previous run trained, to redo a later step
  (a reused model's training time is not measured and reads "not measured").
- EVAL_STEPS (default all: split,cv,core,external): which parts to run; skipped parts read
  "n/a" in SUMMARY.md. CV is the slowest (Rasa also scores every training fold), so it runs
  for our config only; split, core and external run for all three. The full models (and
  their training times) are trained when core or external runs.
- EVAL_EXTERNAL_LIMIT (unset): score only N lines, spread through each external file, for a
  smoke run; SUMMARY.md marks the run as a smoke run.
- RASA: the rasa executable (the Makefile passes its own).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from evaluation.end_to_end import evaluate_models
from evaluation.rasa_steps import (
    CONFIGS,
    REPO_ROOT,
    Rasa,
    core_results,
    nlu_results,
    scaled_config,
    write_confusions,
)
from evaluation.summary import render

OUT = REPO_ROOT / "reports" / "eval"
STEPS = ("split", "cv", "core", "external")


def settings_from_environment() -> dict[str, Any]:
    return {
        "folds": int(os.environ.get("EVAL_FOLDS", "5")),
        "epochs_scale": float(os.environ.get("EVAL_EPOCHS_SCALE", "1")),
        "seed": int(os.environ.get("EVAL_SEED", "2024")),
        "training_fraction": float(os.environ.get("EVAL_TRAINING_FRACTION", "0.8")),
        "reuse_models": bool(os.environ.get("EVAL_REUSE_MODELS")),
        "steps": set(os.environ.get("EVAL_STEPS", ",".join(STEPS)).split(",")),
        "external_limit": int(os.environ["EVAL_EXTERNAL_LIMIT"])
        if os.environ.get("EVAL_EXTERNAL_LIMIT")
        else None,
        "rasa": Path(os.environ.get("RASA", REPO_ROOT / ".venv/rasa/bin/rasa")),
    }


def main() -> None:
    started = time.monotonic()
    settings = settings_from_environment()
    rasa = Rasa(settings["rasa"], reuse_models=settings["reuse_models"])
    models_dir = OUT / "models"
    steps = settings["steps"]
    for stale in STEPS:
        shutil.rmtree(OUT / stale, ignore_errors=True)
    configs = {
        name: scaled_config(source, settings["epochs_scale"], OUT / "configs" / f"{name}.yml")
        for name, source in CONFIGS.items()
    }
    results: dict[str, dict[str, Any]] = {name: {} for name in configs}

    # A fixed, seeded split of our own NLU data: every config trains on one part, is tested on the other.
    if "split" in steps:
        split_data = OUT / "split" / "data"
        rasa(
            "data",
            "split",
            "nlu",
            "--nlu",
            "data/nlu",
            "--random-seed",
            settings["seed"],
            "--training-fraction",
            settings["training_fraction"],
            "--out",
            split_data,
        )
        for name, config in configs.items():
            model = rasa.train(
                "nlu",
                config,
                models_dir,
                f"split-{name}",
                "--nlu",
                split_data / "training_data.yml",
            )
            report = OUT / "split" / name
            rasa(
                "test",
                "nlu",
                "--model",
                model,
                "--nlu",
                split_data / "test_data.yml",
                "--out",
                report,
            )
            results[name]["split"] = nlu_results(report)
            write_confusions(
                results[name]["split"]["worst_confusions"], report / "worst_confusions.md"
            )

    # Cross-validation of our config only: it is the slowest step and the split already compares.
    if "cv" in steps:
        report = OUT / "cv" / "ours"
        rasa(
            "test",
            "nlu",
            "--nlu",
            "data/nlu",
            "--config",
            configs["ours"],
            "--cross-validation",
            "--folds",
            settings["folds"],
            "--out",
            report,
        )
        results["ours"]["cv"] = nlu_results(report)
        write_confusions(results["ours"]["cv"]["worst_confusions"], report / "worst_confusions.md")

    # Full models on all of data/: test stories, then the external set through the running bot.
    # --force skips Rasa's training cache, so the time is that of a full training, not of
    # components an earlier `make train` or another config already trained.
    full_models = {}
    for name, config in (configs if steps & {"core", "external"} else {}).items():
        full_models[name] = rasa.train(
            "",
            config,
            models_dir,
            f"full-{name}",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--force",
        )
        results[name]["full_train_seconds"] = rasa.training_seconds[f"full-{name}"]
        if "core" in steps:
            report = OUT / "core" / name
            rasa(
                "test",
                "core",
                "--stories",
                "tests/stories",
                "--model",
                full_models[name],
                "--out",
                report,
            )
            results[name]["core"] = core_results(report)

    external = (
        evaluate_models(full_models, OUT / "external", settings["external_limit"])
        if "external" in steps
        else {}
    )
    for name in configs:
        results[name]["external"] = external.get(name, {})

    runtime_minutes = (time.monotonic() - started) / 60
    printable = {
        key: sorted(value)
        if isinstance(value, set)
        else str(value)
        if isinstance(value, Path)
        else value
        for key, value in settings.items()
    }
    (OUT / "results.json").write_text(
        json.dumps(
            {"settings": printable, "runtime_minutes": runtime_minutes, "results": results},
            indent=2,
        )
    )
    summary = render(results, settings, runtime_minutes)
    (OUT / "SUMMARY.md").write_text(summary)
    print(summary)


if __name__ == "__main__":
    main()
