"""`make fuzz`: the hostile-input run against freshly started servers, then the report.

The servers are started by the end-to-end tests' harness, as `make run` runs them: one action
server and two Rasa servers, one for each phase, since the phases need different rate limits.

1. **Bulk**, with generous rate limits (every request comes from 127.0.0.1, which the
   production limits would throttle to a trickle): a normal visitor alone as the baseline,
   one 30,000-character message over each channel, then FUZZ_MESSAGES hostile messages with
   the visitor still asking, and the Rasa server's memory before and after.
2. **Burst**, on the Rasa server with the limits `make run` uses: one sender fires FUZZ_BURST
   messages while another visitor, from another loopback address, asks.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bot.settings import REPO_ROOT
from tools.benchmarks.harness import MODEL
from tools.benchmarks.stats import ratio
from tools.fuzzing import (
    cases,
    driver,
    long_message,
    report,
    rest_client,
    server_logs,
    socketio_client,
    visitor,
)
from tools.fuzzing.config import (
    BULK_RATE_LIMITS,
    FuzzConfig,
    describe_limits,
    run_limits,
    site_origins,
)
from tools.fuzzing.servers import ConfiguredServers

PROGRESS_EVERY = 1000
BURST_SERVER = "rasa-burst"  # the burst's Rasa server, and its log's name
# Loopback addresses the server sees as other visitors (Linux routes all of 127/8 to lo).
BURST_ADDRESS, VISITOR_ADDRESS, WARM_UP_ADDRESS = "127.0.0.1", "127.0.0.2", "127.0.0.3"
WARM_UP_QUESTIONS = (
    "hello",
    visitor.QUESTION,
    "can an advisor call me?",
    "asdf qwer zxcv",
    "how long does computer science take?",
)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


async def warm_up(base_url: str) -> None:
    """Every code path once (TensorFlow graphs, database connections) before timing anything;
    from an address of its own, so no phase's rate-limit budget is spent on it."""
    async with rest_client.session(WARM_UP_ADDRESS) as client:
        for question in WARM_UP_QUESTIONS * 2:
            await visitor.ask(client, base_url, "warm-up", question)


async def bulk_phase(
    servers: ConfiguredServers,
    config: FuzzConfig,
    plan: cases.Plan,
    origin: str,
    results: dict[str, Any],
) -> None:
    base_url = servers.rasa_url
    await warm_up(base_url)
    log(f"normal visitor alone for {config.visitor_seconds:g} s (the baseline)")
    async with rest_client.session(VISITOR_ADDRESS, connections=1) as client:
        before = await visitor.visit_for(
            client, base_url, config.visitor_interval, config.visitor_seconds
        )
    log(f"one {config.long_message_chars}-character message over REST and over socket.io")
    closing: list[asyncio.Task[None]] = []
    results["long_message"] = await long_message.measure(
        base_url, config.long_message_chars, origin, servers.rasa_rss_mb, closing
    )
    rss_before = servers.rasa_rss_mb()
    log(
        f"bulk run: {len(plan)} hostile messages "
        f"({len(plan.rest)} REST, {len(plan.socketio)} socket.io), "
        f"the visitor still asking"
    )

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            log(f"  {done} of {len(plan)} sent")

    stop = asyncio.Event()
    async with rest_client.session(VISITOR_ADDRESS, connections=1) as client:
        probe = asyncio.create_task(visitor.visit(client, base_url, config.visitor_interval, stop))
        started = time.perf_counter()
        outcomes = await driver.run_plan(
            base_url, plan, config.rest_workers, config.socket_workers, config.reply_wait, progress
        )
        seconds = time.perf_counter() - started
        stop.set()
        during = await probe
    rss_after = servers.rasa_rss_mb()
    await socketio_client.finish_closing(closing)
    results["bulk"] = report.bulk_results(outcomes, seconds, len(plan))
    if results["bulk"]["stalled"]:
        log(f"the server stopped answering: the bulk run ended after {len(outcomes)} messages")
    results["visitor"] = report.visitor_results(before, during)
    results["memory"] = {
        "rasa_before_mb": rss_before,
        "rasa_after_mb": rss_after,
        "rasa_growth_pct": ratio(rss_after - rss_before, rss_before) * 100,
    }


async def burst_phase(
    base_url: str, config: FuzzConfig, limits: dict[str, str], results: dict[str, Any]
) -> None:
    await warm_up(base_url)
    log(
        f"burst: {config.burst} messages from one sender ({BURST_ADDRESS}), "
        f"a visitor asking from {VISITOR_ADDRESS}"
    )
    stop = asyncio.Event()
    async with rest_client.session(VISITOR_ADDRESS, connections=1) as client:
        probe = asyncio.create_task(
            visitor.visit(
                client, base_url, config.visitor_interval, stop, name="other-visitor", at_least=5
            )
        )
        outcomes, seconds = await driver.burst(
            base_url, f"burst-{os.getpid()}", config.burst, config.burst_concurrency, BURST_ADDRESS
        )
        stop.set()
        turns = await probe
    results["burst"] = report.burst_results(outcomes, seconds, turns, limits)


def start_servers(
    workdir: Path, bulk_settings: dict[str, str], burst_settings: dict[str, str]
) -> tuple[ConfiguredServers, ConfiguredServers]:
    """One action server and two Rasa servers, one per phase, loading their models at once.

    The burst's server waits idle through the bulk run (no CPU, so it changes no measurement)
    instead of being started after it: on 2 cores that saves the minute a model takes to load.
    It shares the action server and program database, and keeps its own tracker store.
    """
    bulk = ConfiguredServers(workdir=workdir, settings=bulk_settings)
    burst = ConfiguredServers(
        workdir=workdir,
        action_port=bulk.action_port,
        settings={
            **burst_settings,
            "TRACKER_STORE_URL": f"sqlite:///{workdir / 'tracker-burst.db'}",
        },
    )
    bulk.seed_database()
    bulk.start_action_server()
    with ThreadPoolExecutor(max_workers=2) as pool:
        loading = [pool.submit(bulk.start_rasa), pool.submit(burst.start_rasa, BURST_SERVER)]
        for started in loading:
            started.result()
    return bulk, burst


def main() -> int:
    config = FuzzConfig.from_env()
    if not MODEL.exists():
        print(f"{MODEL} is missing: `make fuzz` trains it first", file=sys.stderr)
        return 1
    wall = time.perf_counter()
    origins = site_origins()
    burst_settings = {"RASA_CORS_ORIGINS": " ".join(origins), **run_limits()}
    bulk_settings = {**burst_settings, **BULK_RATE_LIMITS}
    results: dict[str, Any] = {
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "config": {**dataclasses.asdict(config), "is_default": config.is_default},
        "machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()},
        "model": {"path": str(MODEL), "modified": time.ctime(MODEL.stat().st_mtime)},
        "bulk_limits": describe_limits(bulk_settings),
    }
    plan = cases.plan(
        config.messages,
        config.seed,
        config.senders,
        origins[0],
        *cases.domain_names(REPO_ROOT / "domain.yml"),
    )
    workdir = config.out / "servers"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    burst_limits = describe_limits(burst_settings)
    log(
        "starting the action server and two Rasa servers: for the bulk run ("
        + ", ".join(f"{k}={v}" for k, v in results["bulk_limits"].items())
        + "), and for the burst, with the limits `make run` uses ("
        + ", ".join(f"{k}={v}" for k, v in burst_limits.items())
        + ")"
    )
    servers: list[ConfiguredServers] = []
    logs = (workdir / "rasa.log", workdir / "actions.log", workdir / f"{BURST_SERVER}.log")
    try:
        servers += start_servers(workdir, bulk_settings, burst_settings)
        bulk, burst = servers
        offsets = {path: server_logs.size(path) for path in logs}
        asyncio.run(bulk_phase(bulk, config, plan, origins[0], results))
        asyncio.run(burst_phase(burst.rasa_url, config, burst_limits, results))
    finally:
        for running in servers:
            running.stop_all()
    exceptions = {
        path.stem: server_logs.exceptions_since(path, offsets.get(path, 0)) for path in logs
    }
    results["server_log_exceptions"] = {
        "total": sum(len(found) for found in exceptions.values()),
        "by_server": {name: server_logs.summary(found) for name, found in exceptions.items()},
    }
    results["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    results["duration_s"] = time.perf_counter() - wall
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["targets"] = report.verdicts(results)
    json_path, table_path = report.write(results, config.out)
    print()
    print(report.table(results))
    print(f"\nwritten: {table_path}, {json_path}, server logs in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
