"""Two peers measured beside ours, in the same run on the same machine, served the same way.

Rasa's default config trained on our data shows what our pipeline and plug-ins gain or cost
on the same conversations; the `rasa init` assistant (the mood bot) is Rasa's own floor, the
fastest a Rasa 3.6 server answers anything. Each is served exactly as ours: tools.servers'
`Servers` with the peer's model, so the same launcher (`python -m rasa_plugins.server`), the
same endpoints, channels and tracker store, the same action server beside it (the mood bot
never calls it) and a throw-away database. Each is measured as ours, with the same settings:
cold start to first answer, sequential latency of its answer turns with the `/model/parse`
floor, throughput by stepped load, and the Rasa server's RSS after that load.
"""

from __future__ import annotations

import shutil
import subprocess
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from tools.benchmarks import latency, load
from tools.benchmarks.config import BenchConfig
from tools.benchmarks.conversations import MOOD_BOT, OURS, Scripts
from tools.benchmarks.harness import start_single
from tools.benchmarks.memory import rss_mb
from tools.benchmarks.peer_models import PeerModel, default_config_model, rasa_init_model

# What may go wrong with one peer without costing the rest of the run its numbers: a training
# that fails, a server that does not come up or refuses a request.
PEER_FAILURES = (
    subprocess.CalledProcessError,
    RuntimeError,
    OSError,
    AssertionError,
    requests.RequestException,
)


@dataclass(frozen=True)
class Peer:
    key: str
    label: str
    answer_kind: str  # the kind of turn whose latency is the peer's "answer" in the table
    scripts: Scripts  # what it is told: warm-up and load play all of it
    model: Callable[[float, Path], PeerModel]  # (epochs scale, training log) -> model


PEERS = (
    Peer(
        "default_config",
        "Rasa default config, our data",
        "db_answer",
        OURS,
        default_config_model,
    ),
    Peer("rasa_init", "rasa init assistant", "mood", MOOD_BOT, rasa_init_model),
)


def measure(
    peer: Peer, model: Path, config: BenchConfig, log: Callable[[str], None]
) -> dict[str, Any]:
    """One peer's cold start, latency with its floor, throughput and RSS, as ours are measured."""
    workdir = config.out / "peers" / peer.key / "servers"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    log(f"{peer.label}: starting its Rasa server beside an action server (cold start is timed)")
    servers, cold = start_single(workdir, model)
    try:
        latency.warm_up(servers, config.warmup_turns, peer.scripts)
        log(
            f"{peer.label}: sequential latency, {config.peer_turns} {peer.answer_kind} turns, "
            "then /model/parse for the same messages"
        )
        rows, _ = latency.latency_rows(
            latency.measure(
                servers,
                config.peer_turns,
                config.conversation_turns,
                peer.scripts.only(peer.answer_kind),
            )
        )
        log(f"{peer.label}: throughput, 1 Rasa process:")
        run = load.step(
            servers.rasa_url,
            config.concurrency,
            config.step_seconds,
            config.p95_limit_ms,
            config.conversation_turns,
            peer.scripts,
        )
        run["rasa_rss_mb"] = rss_mb(servers.processes["rasa"].pid)
    finally:
        servers.stop_all()
    return {"cold_start_s": cold, "latency": rows, "throughput": run}


def measure_all(config: BenchConfig, log: Callable[[str], None]) -> dict[str, Any]:
    """Both peers: first their models (trained or from the cache, no server running), then each
    served and measured alone, one after the other."""
    out = config.out / "peers"
    out.mkdir(parents=True, exist_ok=True)
    assistants: dict[str, dict[str, Any]] = {}
    models: dict[str, PeerModel] = {}
    for peer in PEERS:
        entry = assistants[peer.key] = {"label": peer.label, "answer_kind": peer.answer_kind}
        training_log = out / f"{peer.key}-training.log"
        log(f"{peer.label}: model (epochs x{config.peer_epochs_scale:g}; cached when unchanged)")
        try:
            model = models[peer.key] = peer.model(config.peer_epochs_scale, training_log)
        except PEER_FAILURES as error:
            entry["error"] = f"training failed ({error}); see {training_log}"
            continue
        entry["model"] = {
            "path": str(model.path),
            "fingerprint": model.fingerprint,
            "trained_s": model.trained_s,
            "from_cache": model.trained_s is None,
        }
    for peer in PEERS:
        if peer.key not in models:
            continue
        try:
            assistants[peer.key] |= measure(peer, models[peer.key].path, config, log)
        except PEER_FAILURES as error:
            error_log = out / f"{peer.key}-error.log"
            error_log.write_text(traceback.format_exc())
            assistants[peer.key]["error"] = f"{type(error).__name__}: {error}"[:300] + (
                f"; see {error_log}"
            )
    return {
        "epochs_scale": config.peer_epochs_scale,
        "turns": config.peer_turns,
        "headline": config.peer_epochs_scale == 1.0,
        "assistants": assistants,
    }
