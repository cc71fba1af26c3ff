"""The Rasa CLI steps of the evaluation: configs, training, `rasa test`, and their reports.

Everything goes through the ``rasa`` command rather than Rasa's Python API, so the
numbers are the ones a developer reproduces by hand with the same command line, and a
Rasa upgrade that changes an internal API does not break the evaluation.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]

# The two configurations compared side by side, by the name used in every report path.
CONFIGS = {
    "ours": REPO_ROOT / "config.yml",
    "default": REPO_ROOT / "evaluation" / "default_config.yml",
}


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

    def __call__(self, *args: str | Path) -> None:
        command = [str(self.executable), *map(str, args)]
        print("+", " ".join(command), flush=True)
        subprocess.run(command, cwd=REPO_ROOT, check=True, stdout=sys.stdout, stderr=sys.stderr)

    def train(self, kind: str, config: Path, out: Path, name: str, *data: str | Path) -> Path:
        """Train into ``out/name.tar.gz`` (``kind`` is "nlu" or "" for a full model)."""
        model = out / f"{name}.tar.gz"
        if self.reuse_models and model.exists():
            print(f"reusing {model} (EVAL_REUSE_MODELS is set)", flush=True)
            return model
        self(*(["train", kind] if kind else ["train"]), "--config", config, *data,
             "--out", out, "--fixed-model-name", name)
        return model


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def f1(report: dict[str, Any], average: str = "macro avg") -> float | None:
    """An averaged F1 from a scikit-learn style report Rasa wrote, or None if absent."""
    row = report.get(average) or report.get("micro avg") or report.get("weighted avg")
    return None if row is None else float(row["f1-score"])


def nlu_results(out: Path) -> dict[str, Any]:
    """Headline numbers of one `rasa test nlu` output folder.

    Entity numbers come from DIETClassifier's report (the only extractor in either config);
    they are None when the test data has no entities.
    """
    intents = read_json(out / "intent_report.json")
    entity_file = out / "DIETClassifier_report.json"
    entities = read_json(entity_file) if entity_file.exists() else {}
    return {
        "intent_macro_f1": f1(intents),
        "entity_macro_f1": f1(entities) if entities else None,
        "worst_confusions": worst_confusions(intents),
    }


def worst_confusions(intent_report: dict[str, Any], top: int = 10) -> list[tuple[str, str, int]]:
    """(true intent, predicted intent, count) pairs, most frequent first.

    Rasa's intent report lists, for each label, what it was mistaken for; this flattens
    that into the few pairs worth writing training data for.
    """
    pairs = [(label, other, int(count))
             for label, row in intent_report.items() if isinstance(row, dict)
             for other, count in (row.get("confused_with") or {}).items()]
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
