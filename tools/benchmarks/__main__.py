"""`make bench`: run the measurements that BENCH_STEPS names, then print and write the report.

Order matters on a 2-core machine: the single-process measurements run first on a warm
server with nothing else of ours running, the scaled-out set-up after that one is stopped,
and training last, with no server running.
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

from tools.benchmarks import flatness, latency, load, profiling, training
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
from tools.benchmarks.stats import ratio, summary
from tools.cluster.nginx import FrontLimits
from tools.cluster.settings import ClusterSettings

SINGLE_SETUP = "1 Rasa + 1 action server, SQLite, in-memory lock (as make run)"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def latency_rows(
    results: list[latency.KindResult],
) -> tuple[dict[str, Any], dict[str, dict[str, list[float]]]]:
    rows, samples = {}, {}
    for result in results:
        pairs = list(zip(result.turns, result.parse_ms, strict=True))  # parse_ms: one per turn
        note = ""
        if result.kind == "form":
            inside = [(turn, parse) for turn, parse in pairs if turn.in_form]
            if inside:
                note = (
                    f"{len(inside)} of {len(pairs)} turns were answered inside the form; "
                    "measured on those"
                )
                pairs = inside
            else:
                note = (
                    "no turn was inside a form (no active_loop in the tracker): the booking form "
                    "is not in this model, so these are the bot's replies to the form's messages, "
                    "e.g. "
                    f"{result.turns[1].reply!r}"
                    if len(result.turns) > 1
                    else "no form"
                )
        turn_ms = [turn.ms for turn, _ in pairs if turn.ok]
        parse_ms = [parse for turn, parse in pairs if turn.ok]
        turn, parse = summary(turn_ms), summary(parse_ms)
        rows[result.kind] = {
            "turn": turn,
            "parse": parse,
            "ratio_p50": ratio(turn["p50_ms"], parse["p50_ms"]),
            "ratio_p95": ratio(turn["p95_ms"], parse["p95_ms"]),
            "errors": sum(not turn.ok for turn, _ in pairs),
            "silent_turns": sum(turn.ok and not turn.reply for turn, _ in pairs),
            "failed_examples": [
                {"message": t.message, "reply": t.reply} for t, _ in pairs if not t.ok
            ][:5],
            "actions_first_conversation": result.actions,
            "note": note,
        }
        samples[result.kind] = {"turn": turn_ms, "parse": parse_ms}
    return rows, samples


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
            rows, kind_samples = latency_rows(
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
    if not MODEL.exists():
        print(f"{MODEL} is missing: `make bench` trains it first", file=sys.stderr)
        return 1
    results: dict[str, Any] = {
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "config": {**dataclasses.asdict(config), "is_default": config.is_default},
        "machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()},
        "model": {"path": str(MODEL), "modified": time.ctime(MODEL.stat().st_mtime)},
    }
    samples: dict[str, Any] = {}
    if {"latency", "flatness", "profile", "throughput", "soak"} & set(config.steps):
        single_process(config, results, samples)
    if "cluster" in config.steps:
        results.setdefault("throughput", {})["cluster"] = scaled_out(config)
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
