"""The peers' knobs and step, and the scripts each assistant is measured with."""

from __future__ import annotations

import pytest

from tools.benchmarks.config import STEPS, BenchConfig
from tools.benchmarks.conversations import MOOD_BOT, OURS


def test_peers_run_after_ours_and_the_cluster_and_before_training() -> None:
    assert STEPS.index("cluster") < STEPS.index("peers") < STEPS.index("training")


def test_peer_knobs_default_to_the_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BENCH_PEER_TURNS", "BENCH_PEER_EPOCHS_SCALE", "BENCH_STEPS"):
        monkeypatch.delenv(name, raising=False)
    config = BenchConfig.from_env()
    assert (config.peer_turns, config.peer_epochs_scale) == (300, 1.0)
    assert "peers" in config.steps
    assert config.is_default


def test_a_smoke_scale_is_read_and_is_not_the_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_PEER_EPOCHS_SCALE", "0.05")
    monkeypatch.setenv("BENCH_PEER_TURNS", "20")
    monkeypatch.setenv("BENCH_STEPS", "peers")
    config = BenchConfig.from_env()
    assert (config.peer_epochs_scale, config.peer_turns, config.steps) == (0.05, 20, ("peers",))
    assert not config.is_default


def test_a_scale_of_zero_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_PEER_EPOCHS_SCALE", "0")
    with pytest.raises(SystemExit, match="BENCH_PEER_EPOCHS_SCALE"):
        BenchConfig.from_env()


def test_the_mood_bot_conversation_is_as_long_as_ours() -> None:
    assert len(MOOD_BOT.kinds["mood"]) == len(OURS.kinds["db_answer"]) == 10
    assert MOOD_BOT.script("mood", 12)[10:] == ["hello", "I am feeling sad"]


def test_load_plays_each_assistants_own_mix() -> None:
    ours = OURS.load_scripts(3)
    assert [next(ours)[0] for _ in range(6)] == [*OURS.mix, OURS.mix[0]]
    mood = MOOD_BOT.load_scripts(3)
    assert next(mood) == ("mood", ["hello", "I am feeling sad", "yes"])


def test_only_keeps_the_answer_turns_for_latency() -> None:
    answers = OURS.only("db_answer")
    assert list(answers.kinds) == ["db_answer"]
    assert answers.script("db_answer", 2) == OURS.script("db_answer", 2)
