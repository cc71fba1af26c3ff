"""The Rasa CLI steps of the evaluation: configs, training, `rasa test`, and their reports.

Everything goes through the ``rasa`` command rather than Rasa's Python API, so the
numbers are the ones a developer reproduces by hand with the same command line, and a
Rasa upgrade that changes an internal API does not break the evaluation.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from bot.settings import REPO_ROOT

# The configurations compared side by side, in report order, by the name used in every
# report path: ours, the pipeline it replaced (to show what the change gained), and Rasa's default.
CONFIGS = {
    "ours": REPO_ROOT / "config.yml",
    "previous": REPO_ROOT / "tools" / "evaluation" / "previous_config.yml",
    "default": REPO_ROOT / "tools" / "evaluation" / "default_config.yml",
}

# `rasa test nlu` writes these reports besides one ``<extractor>_report.json`` per entity extractor.
NON_ENTITY_REPORTS = {"intent_report.json", "response_selection_report.json"}
# The extractor a config relies on for program names: ours when the config has it, else DIET's.
HEADLINE_EXTRACTORS = ("ProgramEntityExtractor", "DIETClassifier")


def scaled_config(source: Path, scale: float, out: Path) -> Path:
    """Write ``source`` with every ``epochs`` multiplied by ``scale`` (at least 1).

    A scale below 1 makes a smoke run of the whole pipeline take minutes instead of an
    hour; its numbers say the pipeline works, not how good the assistant is.
    """
    config = yaml.safe_load(source.read_text())
    if scale != 1.0:
        for component in [*(config.get("pipeline") or []), *(config.get("policies") or [])]:
            if "epochs" in component:
                component["epochs"] = max(1, round(component["epochs"] * scale))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(config, sort_keys=False))
    return out


class Rasa:
    """Runs the ``rasa`` executable from the repository root, one command at a time.

    Commands run strictly one after another: the machine this runs on has two cores and a
    second concurrent training would only make both slower and the latencies meaningless.
    """

    def __init__(self, executable: Path, reuse_models: bool = False) -> None:
        self.executable = executable
        self.reuse_models = reuse_models
        # Wall time of each training by model name; None for a reused model (nothing trained).
        self.training_seconds: dict[str, float | None] = {}

    def __call__(self, *args: str | Path | int | float) -> None:
        command = [str(self.executable), *map(str, args)]
        print("+", " ".join(command), flush=True)
        subprocess.run(command, cwd=REPO_ROOT, check=True, stdout=sys.stdout, stderr=sys.stderr)

    def train(self, kind: str, config: Path, out: Path, name: str, *data: str | Path) -> Path:
        """Train into ``out/name.tar.gz`` (``kind`` is "nlu" or "" for a full model), timed.

        The wall time is what a developer waits for `rasa train`, so it is one of the costs
        the configs are compared on; a reused model was not trained and has no time.
        """
        model = out / f"{name}.tar.gz"
        if self.reuse_models and model.exists():
            print(f"reusing {model} (EVAL_REUSE_MODELS is set)", flush=True)
            self.training_seconds[name] = None
            return model
        started = time.monotonic()
        self(
            *(["train", kind] if kind else ["train"]),
            "--config",
            config,
            *data,
            "--out",
            out,
            "--fixed-model-name",
            name,
        )
        self.training_seconds[name] = time.monotonic() - started
        return model


def read_json(path: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(path.read_text())
    return report


def f1(report: dict[str, Any], average: str = "macro avg") -> float | None:
    """An averaged F1 from a scikit-learn style report Rasa wrote, or None if absent."""
    row = report.get(average) or report.get("micro avg") or report.get("weighted avg")
    return None if row is None else float(row["f1-score"])


def program_f1(entity_report: dict[str, Any]) -> float | None:
    """The F1 of the ``program`` entity: its own row, or the macro average if it has none."""
    row = entity_report.get("program")
    return float(row["f1-score"]) if isinstance(row, dict) else f1(entity_report)


def entity_reports(out: Path) -> dict[str, dict[str, Any]]:
    """Every entity extractor's report in a `rasa test nlu` output folder, by extractor name."""
    return {
        path.name.removesuffix("_report.json"): read_json(path)
        for path in sorted(out.glob("*_report.json"))
        if path.name not in NON_ENTITY_REPORTS
    }


def nlu_results(out: Path) -> dict[str, Any]:
    """Headline numbers of one `rasa test nlu` output folder.

    The program entity F1 is reported for every extractor Rasa scored, so DIET and our
    lookup extraction can be compared on the same lines; the headline one is the extractor
    the config relies on (HEADLINE_EXTRACTORS). Entity numbers are None when the test data
    has no entities.
    """
    intents = read_json(out / "intent_report.json")
    by_extractor = {name: program_f1(report) for name, report in entity_reports(out).items()}
    headline = next((name for name in HEADLINE_EXTRACTORS if name in by_extractor), None)
    return {
        "intent_macro_f1": f1(intents),
        "entity_extractor": headline,
        "program_entity_f1": by_extractor.get(headline) if headline else None,
        "program_entity_f1_by_extractor": by_extractor,
        "worst_confusions": worst_confusions(intents),
    }


def worst_confusions(intent_report: dict[str, Any], top: int = 10) -> list[tuple[str, str, int]]:
    """(true intent, predicted intent, count) pairs, most frequent first.

    Rasa's intent report lists, for each label, what it was mistaken for; this flattens
    that into the few pairs worth writing training data for.
    """
    pairs = [
        (label, other, int(count))
        for label, row in intent_report.items()
        if isinstance(row, dict)
        for other, count in (row.get("confused_with") or {}).items()
    ]
    return sorted(pairs, key=lambda pair: -pair[2])[:top]


def write_confusions(pairs: list[tuple[str, str, int]], path: Path) -> None:
    lines = ["| intent | mistaken for | times |", "| --- | --- | --- |"]
    lines += [f"| {label} | {other} | {count} |" for label, other, count in pairs]
    path.write_text("\n".join(lines) + "\n")


def core_results(out: Path) -> dict[str, Any]:
    """Conversation accuracy and action-level macro-F1 from `rasa test core`'s story report."""
    report = read_json(out / "story_report.json")
    conversations = report.get("conversation_accuracy", {})
    return {
        "conversation_accuracy": conversations.get("accuracy"),
        "conversations_correct": conversations.get("correct"),
        "conversations_total": conversations.get("total"),
        "action_macro_f1": f1(report),
    }
