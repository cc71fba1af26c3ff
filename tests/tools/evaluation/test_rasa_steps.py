"""What `make eval` reads from `rasa test nlu` output folders, and how it times training,
on fake report files and a fake ``rasa``: no training needed."""

from __future__ import annotations

import importlib
import json
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.evaluation.rasa_steps import CONFIGS, Rasa, nlu_results


def report(rows: dict[str, float]) -> dict[str, Any]:
    """A report shaped like the scikit-learn dicts Rasa writes (F1 only, what is read)."""
    return {
        label: {"precision": f1, "recall": f1, "f1-score": f1, "support": 10}
        for label, f1 in rows.items()
    }


def write_reports(folder: Path, **reports: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    intents = report({"ask_tuition": 1.0, "ask_start_date": 0.5, "macro avg": 0.75})
    intents["ask_start_date"]["confused_with"] = {"ask_tuition": 4}
    (folder / "intent_report.json").write_text(json.dumps(intents))
    for name, content in reports.items():
        (folder / f"{name}.json").write_text(json.dumps(content))
    return folder


def test_program_f1_per_extractor_with_ours_as_headline(tmp_path: Path) -> None:
    out = write_reports(
        tmp_path,
        DIETClassifier_report=report({"program": 0.9, "contact_method": 0.2, "macro avg": 0.55}),
        ProgramEntityExtractor_report=report({"program": 0.99, "macro avg": 0.99}),
        response_selection_report=report({"macro avg": 0.1}),
    )
    results = nlu_results(out)
    assert results["intent_macro_f1"] == 0.75
    assert results["entity_extractor"] == "ProgramEntityExtractor"
    assert results["program_entity_f1"] == 0.99
    # Not the response selector: only entity extractors' reports.
    assert results["program_entity_f1_by_extractor"] == {
        "DIETClassifier": 0.9,
        "ProgramEntityExtractor": 0.99,
    }
    assert results["worst_confusions"] == [("ask_start_date", "ask_tuition", 4)]


def test_diet_is_the_headline_without_our_extractor_and_macro_avg_without_a_program_row(
    tmp_path: Path,
) -> None:
    out = write_reports(
        tmp_path, DIETClassifier_report=report({"contact_method": 0.6, "macro avg": 0.6})
    )
    results = nlu_results(out)
    assert results["entity_extractor"] == "DIETClassifier"
    assert results["program_entity_f1"] == 0.6


def test_no_entity_reports_means_no_entity_numbers(tmp_path: Path) -> None:
    results = nlu_results(write_reports(tmp_path))
    assert results["entity_extractor"] is None
    assert results["program_entity_f1"] is None
    assert results["program_entity_f1_by_extractor"] == {}


def test_configs_are_compared_in_report_order_and_exist() -> None:
    assert list(CONFIGS) == ["ours", "previous", "default"]
    assert all(path.is_file() for path in CONFIGS.values())


@pytest.fixture
def fake_rasa(tmp_path: Path) -> Path:
    """An executable that stands in for `rasa` and writes nothing."""
    executable = tmp_path / "rasa"
    executable.write_text("#!/bin/sh\nexit 0\n")
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR)
    return executable


def test_training_is_timed(fake_rasa: Path, tmp_path: Path) -> None:
    rasa = Rasa(fake_rasa)
    model = rasa.train("", tmp_path / "config.yml", tmp_path, "full-ours")
    assert model == tmp_path / "full-ours.tar.gz"
    assert rasa.training_seconds["full-ours"] is not None
    assert 0 <= rasa.training_seconds["full-ours"] < 60


def test_a_reused_model_has_no_training_time(fake_rasa: Path, tmp_path: Path) -> None:
    (tmp_path / "full-ours.tar.gz").write_bytes(b"model")
    rasa = Rasa(fake_rasa, reuse_models=True)
    assert (
        rasa.train("", tmp_path / "config.yml", tmp_path, "full-ours")
        == tmp_path / "full-ours.tar.gz"
    )
    assert rasa.training_seconds == {"full-ours": None}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_every_custom_component_a_config_names_can_be_imported(name: str) -> None:
    """`make eval` trains the previous config too, so a custom component it names (our
    intent classifier) must stay importable, or the run fails at that config's training."""
    config = yaml.safe_load(CONFIGS[name].read_text())
    for component in [*(config.get("pipeline") or []), *(config.get("policies") or [])]:
        if "." in component["name"]:
            module, _, class_name = component["name"].rpartition(".")
            assert hasattr(importlib.import_module(module), class_name), component["name"]
