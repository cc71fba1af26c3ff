"""Run the whole evaluation and write reports/eval/ (see tools/evaluation/__init__.py).

Its knobs are `EvalConfig`'s EVAL_* variables (docs/evaluation.md); `make eval` needs none.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.settings import REPO_ROOT
from tools.evaluation.end_to_end import evaluate_models
from tools.evaluation.knowledge_base.__main__ import evaluate_knowledge_base
from tools.evaluation.rasa_steps import (
    CONFIGS,
    Rasa,
    core_results,
    nlu_results,
    scaled_config,
    write_confusions,
)
from tools.evaluation.spanish.run import evaluate_spanish
from tools.evaluation.summary import render
from tools.settings import env_setting, values_from_env

OUT = REPO_ROOT / "reports" / "eval"
STEPS = ("split", "cv", "core", "external", "spanish", "knowledge_base")


@dataclass(frozen=True)
class EvalConfig:
    """Every knob of a run; EVAL_FOLDS=2 EVAL_EPOCHS_SCALE=0.1 is a smoke run of the pipeline."""

    folds: int = env_setting("EVAL_FOLDS", 5, "folds of the cross-validation")
    epochs_scale: float = env_setting("EVAL_EPOCHS_SCALE", 1.0, "training epochs, scaled")
    seed: int = env_setting("EVAL_SEED", 2024, "seed of the split and the folds")
    training_fraction: float = env_setting(
        "EVAL_TRAINING_FRACTION", 0.8, "share of data/nlu trained on in the split"
    )
    reuse_models: bool = env_setting(
        "EVAL_REUSE_MODELS", False, "1: keep models trained by an earlier run"
    )
    steps: tuple[str, ...] = env_setting("EVAL_STEPS", STEPS, "comma-separated subset of steps")
    configs: tuple[str, ...] = env_setting(
        "EVAL_CONFIGS", tuple(CONFIGS), "comma-separated subset of ours,previous,default"
    )
    external_limit: int = env_setting(
        "EVAL_EXTERNAL_LIMIT", 0, "score only this many external lines (0: all)"
    )
    rasa: Path = env_setting("RASA", REPO_ROOT / ".venv" / "rasa" / "bin" / "rasa", "rasa CLI")


def summary_settings(settings: EvalConfig) -> dict[str, Any]:
    """The run's knobs as results.json and SUMMARY.md read them: the steps as a set, and no
    external limit (0) as None, which is what tells the summary this is not a smoke run."""
    values = dataclasses.asdict(settings)
    values["steps"] = set(settings.steps)
    values["external_limit"] = settings.external_limit or None
    return values


def main() -> None:
    started = time.monotonic()
    settings = EvalConfig(**values_from_env(EvalConfig))
    rasa = Rasa(settings.rasa, reuse_models=settings.reuse_models)
    models_dir = OUT / "models"
    steps = set(settings.steps)
    for stale in STEPS:
        shutil.rmtree(OUT / stale, ignore_errors=True)
    unknown = set(settings.configs) - set(CONFIGS)
    if unknown or "ours" not in settings.configs:
        raise SystemExit(f"EVAL_CONFIGS must name ours and only {', '.join(CONFIGS)}")
    configs = {
        name: scaled_config(source, settings.epochs_scale, OUT / "configs" / f"{name}.yml")
        for name, source in CONFIGS.items()
        if name in settings.configs
    }
    # A config left out (EVAL_CONFIGS) reads "n/a" in the summary.
    results: dict[str, dict[str, Any]] = {name: {} for name in CONFIGS}

    # The split and the cross-validation measure English understanding, comparable with the runs
    # before Spanish was added (data/nlu/es/ is left out of them); Spanish is measured end to end
    # by the `spanish` step.
    english_nlu = OUT / "english_nlu"
    shutil.rmtree(english_nlu, ignore_errors=True)
    shutil.copytree(REPO_ROOT / "data" / "nlu", english_nlu, ignore=shutil.ignore_patterns("es"))

    # A fixed, seeded split of our own NLU data: every config trains on one part and is tested
    # on the other.
    if "split" in steps:
        split_data = OUT / "split" / "data"
        rasa(
            "data",
            "split",
            "nlu",
            "--nlu",
            english_nlu,
            "--random-seed",
            settings.seed,
            "--training-fraction",
            settings.training_fraction,
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
            english_nlu,
            "--config",
            configs["ours"],
            "--cross-validation",
            "--folds",
            settings.folds,
            "--out",
            report,
        )
        results["ours"]["cv"] = nlu_results(report)
        write_confusions(results["ours"]["cv"]["worst_confusions"], report / "worst_confusions.md")

    # Full models on all of data/: test stories, then the external set through the running bot.
    # --force skips Rasa's training cache, so the time is that of a full training, not of
    # components an earlier `make train` or another config already trained.
    full_models = {}
    for name, config in (
        configs if steps & {"core", "external", "spanish", "knowledge_base"} else {}
    ).items():
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
        evaluate_models(full_models, OUT / "external", settings.external_limit or None)
        if "external" in steps
        else {}
    )
    for name in configs:
        results[name]["external"] = external.get(name, {})

    # The Spanish set (tools/evaluation/spanish/) through the running bot, every config.
    spanish = (
        evaluate_spanish(full_models, OUT / "spanish", settings.external_limit or None)
        if "spanish" in steps
        else {}
    )
    for name in configs:
        results[name]["spanish"] = spanish.get(name, {})

    # The office's knowledge base, on our config only (the others have no matcher): our held-out
    # phrasings of 24 evaluation entries, our off-topic lines and oos.tsv, our catalog questions.
    if "knowledge_base" in steps:
        results["ours"]["knowledge_base"] = evaluate_knowledge_base(
            full_models["ours"], OUT / "knowledge_base"
        )

    runtime_minutes = (time.monotonic() - started) / 60
    shown = summary_settings(settings)
    printable = {
        key: sorted(value)
        if isinstance(value, set)
        else str(value)
        if isinstance(value, Path)
        else value
        for key, value in shown.items()
    }
    (OUT / "results.json").write_text(
        json.dumps(
            {"settings": printable, "runtime_minutes": runtime_minutes, "results": results},
            indent=2,
        )
    )
    summary = render(results, shown, runtime_minutes)
    (OUT / "SUMMARY.md").write_text(summary)
    print(summary)


if __name__ == "__main__":
    main()
