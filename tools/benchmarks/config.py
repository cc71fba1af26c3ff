"""Benchmark knobs from the environment (BENCH_*); the defaults are the measurement protocol
of docs/benchmarks.md."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from bot.settings import REPO_ROOT
from tools.settings import env_setting, values_from_env

STEPS = (
    "latency",
    "flatness",
    "profile",
    "throughput",
    "soak",
    "knowledge_base",
    "cluster",
    "peers",
    "training",
)


@dataclass(frozen=True)
class BenchConfig:
    """Every knob of a run. Smaller numbers give a quick smoke run, not headline numbers."""

    turns: int = env_setting("BENCH_TURNS", 1000, "sequential turns measured per kind of turn")
    conversation_turns: int = env_setting(
        "BENCH_CONVERSATION_TURNS", 10, "turns before a fresh sender id"
    )
    warmup_turns: int = env_setting(
        "BENCH_WARMUP_TURNS", 30, "turns sent and discarded before measuring"
    )
    flat_conversations: int = env_setting(
        "BENCH_FLAT_CONVERSATIONS", 8, "long conversations for flatness"
    )
    flat_turn: int = env_setting("BENCH_FLAT_TURN", 200, "the late turn compared with turn 5")
    concurrency: tuple[int, ...] = env_setting(
        "BENCH_CONCURRENCY", (1, 2, 4, 8, 16, 32, 64), "load steps (students)"
    )
    step_seconds: float = env_setting("BENCH_STEP_SECONDS", 20.0, "length of each load step")
    p95_limit_ms: float = env_setting("BENCH_P95_LIMIT_MS", 300.0, "the throughput criterion")
    soak_messages: int = env_setting("BENCH_SOAK_MESSAGES", 10_000, "messages of the memory soak")
    soak_users: int = env_setting("BENCH_SOAK_USERS", 8, "students during the soak")
    cluster_rasa_processes: int = env_setting(
        "BENCH_CLUSTER_RASA", 2, "Rasa processes in the scaled-out run"
    )
    cluster_action_processes: int = env_setting(
        "BENCH_CLUSTER_ACTIONS", 2, "action servers in the scaled-out run"
    )
    profile_turns: int = env_setting("BENCH_PROFILE_TURNS", 300, "DB answers sampled by py-spy")
    peer_turns: int = env_setting(
        "BENCH_PEER_TURNS", 300, "sequential answer turns measured on each peer"
    )
    peer_epochs_scale: float = env_setting(
        "BENCH_PEER_EPOCHS_SCALE", 1.0, "peers' training epochs x this; below 1 is a smoke run"
    )
    skip_training: bool = env_setting(
        "BENCH_SKIP_TRAINING", False, "1: leave out training (minutes)"
    )
    steps: tuple[str, ...] = env_setting(
        "BENCH_STEPS", STEPS, "comma-separated subset of the steps"
    )
    out: Path = env_setting("BENCH_OUT", REPO_ROOT / "reports" / "bench", "where the report goes")

    @classmethod
    def from_env(cls) -> BenchConfig:
        config = cls(**values_from_env(cls))
        unknown = set(config.steps) - set(STEPS)
        if unknown:
            raise SystemExit(
                f"BENCH_STEPS: unknown step(s) {sorted(unknown)}; known: {', '.join(STEPS)}"
            )
        if config.peer_epochs_scale <= 0:
            raise SystemExit("BENCH_PEER_EPOCHS_SCALE must be above 0 (1 is the protocol)")
        if config.skip_training:
            config = dataclasses.replace(
                config, steps=tuple(s for s in config.steps if s != "training")
            )
        return config

    @property
    def is_default(self) -> bool:
        """Whether these are the protocol's numbers (the report says so when they are not)."""
        return (
            self.turns,
            self.flat_turn,
            self.soak_messages,
            self.peer_turns,
            self.peer_epochs_scale,
        ) == (1000, 200, 10_000, 300, 1.0)
