"""The peers' model cache: its fingerprint, and reuse versus training (with a stand-in trainer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.benchmarks.peer_models import cached_model, fingerprint, init_fingerprint


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "stories").mkdir()
    (tmp_path / "config.yml").write_text("pipeline: []\n")
    (tmp_path / "domain.yml").write_text("intents: [greet]\n")
    (tmp_path / "data" / "nlu" / "greet.yml").write_text("nlu:\n- intent: greet\n")
    (tmp_path / "data" / "stories" / "happy.yml").write_text("stories: []\n")
    return tmp_path


def digest(project: Path, scale: float = 1.0, rasa: str = "3.6.21") -> str:
    return fingerprint(
        project / "config.yml", project / "domain.yml", project / "data", scale, rasa
    )


def test_fingerprint_is_stable_for_unchanged_inputs(project: Path) -> None:
    assert digest(project) == digest(project)
    assert len(digest(project)) == 64


def test_fingerprint_changes_when_a_data_file_changes(project: Path) -> None:
    before = digest(project)
    (project / "data" / "nlu" / "greet.yml").write_text("nlu:\n- intent: greet\n  # edited\n")
    assert digest(project) != before


def test_fingerprint_changes_when_a_data_file_is_added_or_renamed(project: Path) -> None:
    before = digest(project)
    story = project / "data" / "stories" / "happy.yml"
    story.rename(project / "data" / "stories" / "sad.yml")
    renamed = digest(project)
    (project / "data" / "nlu" / "more.yml").write_text("nlu: []\n")
    assert len({before, renamed, digest(project)}) == 3


def test_fingerprint_covers_config_domain_scale_and_rasa(project: Path) -> None:
    before = digest(project)
    assert digest(project, scale=0.05) != before
    assert digest(project, rasa="3.6.20") != before
    (project / "domain.yml").write_text("intents: [greet, goodbye]\n")
    after_domain = digest(project)
    (project / "config.yml").write_text("pipeline: [{name: WhitespaceTokenizer}]\n")
    assert len({before, after_domain, digest(project)}) == 3


def test_fingerprint_ignores_files_rasa_does_not_train_on(project: Path) -> None:
    before = digest(project)
    (project / "data" / "README.md").write_text("notes for editors\n")
    assert digest(project) == before


def test_text_moved_between_files_changes_the_fingerprint(project: Path) -> None:
    (project / "data" / "nlu" / "greet.yml").write_text("ab")
    (project / "data" / "stories" / "happy.yml").write_text("c")
    before = digest(project)
    (project / "data" / "nlu" / "greet.yml").write_text("a")
    (project / "data" / "stories" / "happy.yml").write_text("bc")
    assert digest(project) != before


def test_init_fingerprint_depends_on_rasa_and_scale_only() -> None:
    assert init_fingerprint(1.0, "3.6.21") == init_fingerprint(1, "3.6.21")
    assert init_fingerprint(1.0, "3.6.21") != init_fingerprint(0.05, "3.6.21")
    assert init_fingerprint(1.0, "3.6.21") != init_fingerprint(1.0, "3.6.20")


class StandInTrainer:
    """Writes a fake model where `rasa train` would, and counts how often it was asked."""

    def __init__(self, content: bytes) -> None:
        self.content, self.calls = content, 0

    def __call__(self, workdir: Path) -> Path:
        self.calls += 1
        model = workdir / "models" / "model.tar.gz"
        model.parent.mkdir()
        model.write_bytes(self.content)
        return model


def test_a_missing_model_is_trained_timed_and_cached(tmp_path: Path) -> None:
    train = StandInTrainer(b"model one")
    model = cached_model("default-config", "ab" * 32, train, cache=tmp_path)
    assert train.calls == 1
    assert model.path == tmp_path / f"default-config-{'ab' * 8}.tar.gz"
    assert model.path.read_bytes() == b"model one"
    assert model.trained_s is not None and model.trained_s >= 0
    assert [p.name for p in tmp_path.iterdir()] == [model.path.name]  # no partial copy left


def test_a_cached_model_is_reused_when_the_fingerprint_matches(tmp_path: Path) -> None:
    cached_model("default-config", "ab" * 32, StandInTrainer(b"first"), cache=tmp_path)
    train = StandInTrainer(b"second")
    model = cached_model("default-config", "ab" * 32, train, cache=tmp_path)
    assert train.calls == 0
    assert model.trained_s is None
    assert model.path.read_bytes() == b"first"


def test_a_new_fingerprint_trains_again_and_drops_the_stale_model(tmp_path: Path) -> None:
    old = cached_model("default-config", "ab" * 32, StandInTrainer(b"old"), cache=tmp_path)
    other_peer = cached_model("rasa-init", "cd" * 32, StandInTrainer(b"init"), cache=tmp_path)
    new = cached_model("default-config", "ef" * 32, StandInTrainer(b"new"), cache=tmp_path)
    assert new.path.read_bytes() == b"new"
    assert not old.path.exists()
    assert other_peer.path.exists()
