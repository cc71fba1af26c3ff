"""`make bench`: run the measurements that BENCH_STEPS names, then print and write the report.

Order matters on a 2-core machine: the single-process measurements run first on a warm
server with nothing else of ours running, the scaled-out set-up after that one is stopped,
then the two peers (their models trained or taken from the cache first, then each served
alone), and training last, with no server running.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from tools.benchmarks import flatness, knowledge_base, latency, load, peers, profiling, training
from tools.benchmarks.config import BenchConfig
from tools.benchmarks.harness import (
    MODEL,
    Cluster,
    Servers,
    free_port,
    missing_services,
    start_single,
)
from tools.benchmarks.memory import rss_mb
from tools.benchmarks.plot import plot
from tools.benchmarks.report import table, verdicts, write
from tools.benchmarks.stats import ratio
from tools.cluster.nginx import FrontLimits
from tools.cluster.settings import ClusterSettings

SINGLE_SETUP = "1 Rasa + 1 action server, SQLite, in-memory lock (as make run)"
# The steps measured on one Rasa process with our model, and all that serve our model (the
# peers and training need no models/enrollment.tar.gz).
SINGLE_PROCESS = ("latency", "flatness", "profile", "throughput", "soak")
SERVING_OURS = (*SINGLE_PROCESS, "knowledge_base", "cluster")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run_profile(servers: Servers, config: BenchConfig, out: Path) -> dict[str, Any]:
    if problem := profiling.available():
        return {"skipped": problem}
    pids = {"rasa": servers.processes["rasa"].pid, "actions": servers.processes["actions"].pid}
    files = profiling.record(
        pids,
        out,
        lambda: latency.run_conversations(
            servers, "db_answer", config.profile_turns, config.conversation_turns
        ),
    )
    return {
        "rasa": profiling.top_frames(files["rasa"]) | {"collapsed_stacks": str(files["rasa"])},
        "actions": profiling.top_frames(files["actions"], profiling.ACTION_PARTS)
        | {"collapsed_stacks": str(files["actions"])},
    }


def run_soak(servers: Servers, config: BenchConfig) -> dict[str, Any]:
    rasa_pid, actions_pid = servers.processes["rasa"].pid, servers.processes["actions"].pid
    before = rss_mb(rasa_pid), rss_mb(actions_pid)
    soak = load.run(
        servers.rasa_url,
        config.soak_users,
        messages=config.soak_messages,
        conversation_turns=config.conversation_turns,
    ).as_dict()
    after = rss_mb(rasa_pid), rss_mb(actions_pid)
    return {
        "rasa_before_mb": before[0],
        "rasa_after_mb": after[0],
        "rasa_growth_pct": ratio(after[0] - before[0], before[0]) * 100,
        "actions_before_mb": before[1],
        "actions_after_mb": after[1],
        "actions_growth_pct": ratio(after[1] - before[1], before[1]) * 100,
        "soak": soak,
    }


def single_process(config: BenchConfig, results: dict[str, Any], samples: dict[str, Any]) -> None:
    workdir = config.out / "servers"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    log("starting the action server and one Rasa server (cold start is timed)")
    servers, cold = start_single(workdir)
    results["cold_start_s"] = cold
    try:
        latency.warm_up(servers, config.warmup_turns)
        if "latency" in config.steps:
            log(
                f"sequential latency: {config.turns} turns per kind, "
                "then /model/parse for the same messages"
            )
            rows, kind_samples = latency.latency_rows(
                latency.measure(servers, config.turns, config.conversation_turns)
            )
            results["latency"], samples["latency"] = rows, kind_samples
        if "flatness" in config.steps:
            log(
                f"flatness: {config.flat_conversations} conversations "
                f"of {config.flat_turn + 2} turns"
            )
            results["flatness"] = flatness.measure(
                servers, config.flat_conversations, config.flat_turn
            )
        if "profile" in config.steps:
            log(f"profile: py-spy on both servers over {config.profile_turns} DB answers")
            results["profile"] = run_profile(servers, config, config.out)
        if "throughput" in config.steps:
            log("throughput, 1 Rasa process:")
            run = load.step(
                servers.rasa_url,
                config.concurrency,
                config.step_seconds,
                config.p95_limit_ms,
                config.conversation_turns,
            )
            # The Rasa server's RSS after its throughput run, read where each peer's is read.
            run["rasa_rss_mb"] = rss_mb(servers.processes["rasa"].pid)
            results.setdefault("throughput", {})["single"] = {"setup": SINGLE_SETUP, **run}
        if "soak" in config.steps:
            log(
                f"soak: {config.soak_messages} messages from {config.soak_users} students, "
                "RSS before and after"
            )
            results["memory"] = run_soak(servers, config)
    finally:
        servers.stop_all()


def scaled_out(config: BenchConfig) -> dict[str, Any]:
    settings = ClusterSettings(
        rasa_processes=config.cluster_rasa_processes,
        action_processes=config.cluster_action_processes,
        port=free_port(),
        database_prefix="enrollment_bench",
        redis_key_prefix=f"bench{os.getpid()}",
        run_dir=config.out / "cluster",
        # Every simulated student is 127.0.0.1: per-address limits would measure themselves.
        front_limits=FrontLimits(rate="10000r/s", burst=10000, connections=10000),
    )
    if problems := missing_services(settings):
        return {"skipped": "; ".join(problems)}
    setup = (
        f"{settings.rasa_processes} Rasa + {settings.action_processes} "
        "action servers behind nginx, "
        "PostgreSQL, Redis lock"
    )
    log(f"throughput, scaled out: starting {setup}")
    cluster = Cluster(
        workdir=settings.run_dir,
        settings=settings,
        replica_env={"RATE_LIMIT_PER_ADDRESS": "1000000/minute"},
    )
    cluster.forget_data()  # a run that was interrupted may have left its databases
    try:
        cluster.start()
        latency.warm_up(cluster, config.warmup_turns)
        run = load.step(
            cluster.rasa_url,
            config.concurrency,
            config.step_seconds,
            config.p95_limit_ms,
            config.conversation_turns,
        )
        return {"setup": setup, **run}
    finally:
        cluster.stop_all()
        cluster.forget_data()


def main() -> int:
    config = BenchConfig.from_env()
    config.out.mkdir(parents=True, exist_ok=True)
    serves_ours = bool(set(SERVING_OURS) & set(config.steps))
    if serves_ours and not MODEL.exists():
        print(f"{MODEL} is missing: `make bench` trains it first", file=sys.stderr)
        return 1
    results: dict[str, Any] = {
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "config": {**dataclasses.asdict(config), "is_default": config.is_default},
        "machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()},
    }
    if MODEL.exists():
        results["model"] = {"path": str(MODEL), "modified": time.ctime(MODEL.stat().st_mtime)}
    samples: dict[str, Any] = {}
    if set(SINGLE_PROCESS) & set(config.steps):
        single_process(config, results, samples)
    if "knowledge_base" in config.steps:
        log("knowledge base: 0, 1,000 and 10,000 published entries, fresh servers for each")
        results["knowledge_base"] = knowledge_base.measure(config, log)
    if "cluster" in config.steps:
        results.setdefault("throughput", {})["cluster"] = scaled_out(config)
    if "peers" in config.steps:
        log("peers: Rasa's default config on our data, and the rasa init assistant")
        results["peers"] = peers.measure_all(config, log)
    if "training" in config.steps:
        log(
            "training: full rasa train, "
            "then after an NLU-only change (a copy in a temporary directory)"
        )
        results["training"] = training.measure(config.out)
    elif config.skip_training:
        results["training"] = {"skipped": "BENCH_SKIP_TRAINING=1"}
    results["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["targets"] = verdicts(results)
    json_path, table_path = write(results, config.out)
    png = plot(results, samples.get("latency", {}), config.out)
    print()
    print(table(results))
    print(f"\nwritten: {table_path}, {json_path}, {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
