"""What the office's knowledge base costs the Rasa server: the turn p50 and resident memory with
0, 1,000 and 10,000 published entries (each with three phrasings and a title, all embedded at
start-up by the matcher's refresher), and the throughput with 10,000.

Every size gets fresh servers on its own seeded database; the entries are synthetic (numbered
questions over a vocabulary of school services), since what is measured is the index's size,
not its wording. Memory is read once the index holds every entry, after the latency turns.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from tools.benchmarks import latency, load
from tools.benchmarks.config import BenchConfig
from tools.benchmarks.harness import MODEL, Servers
from tools.benchmarks.memory import rss_mb
from tools.benchmarks.stats import summary
from tools.evaluation.knowledge_base.fixture import NewEntry, insert_entries

SIZES = (0, 1_000, 10_000)
_THINGS = (
    "library",
    "tutoring",
    "parking",
    "clubs",
    "advising",
    "transcripts",
    "orientation",
    "counseling",
    "textbooks",
    "exams",
    "internships",
    "the help desk",
    "graduation",
)
_ASKS = (
    "Where do I find {thing} for {group}?",
    "How does {thing} work for {group}?",
    "Who do I contact about {thing} as one of the {group}?",
)
_GROUPS = (
    "evening students",
    "veterans",
    "parents",
    "transfer students",
    "part-time students",
    "international students",
    "first-year students",
    "graduates",
)


def add_synthetic_entries(database_url: str, count: int) -> tuple[int, str]:
    """Publish `count` entries; return the last one's id and a phrasing (to tell when the
    index holds it)."""
    combinations = itertools.cycle(itertools.product(_THINGS, _GROUPS))
    entries = []
    for number in range(1, count + 1):
        thing, group = next(combinations)
        phrasings = [f"{ask.format(thing=thing, group=group)} (question {number})" for ask in _ASKS]
        entries.append(
            NewEntry(f"Benchmark entry {number}: {thing}", "A benchmark answer.", phrasings)
        )
    ids = insert_entries(database_url, entries)
    return ids[-1], entries[-1].phrasings[0]


def wait_until_indexed(
    servers: Servers, entry_id: int, phrasing: str, timeout_s: float = 900
) -> float:
    """Seconds until /model/parse of `phrasing` matches its entry (the index holds it)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        response = requests.post(
            f"{servers.api_url}/model/parse",
            json={"text": phrasing},
            headers=servers.api_headers(),
            timeout=60,
        )
        match = response.json().get("knowledge_base_match") or {}
        if match.get("entry_id") == entry_id:
            return time.perf_counter() - started
        time.sleep(1)
    raise RuntimeError(f"the knowledge base was not indexed within {timeout_s:.0f} s")


def measure_size(
    config: BenchConfig, count: int, workdir: Path, log: Callable[[str], None]
) -> dict[str, Any]:
    servers = Servers(workdir=workdir, model=MODEL)
    servers.seed_database()
    last = add_synthetic_entries(servers.env["DATABASE_URL"], count) if count else (0, "")
    result: dict[str, Any] = {"entries": count}
    try:
        servers.start_action_server()
        servers.start_rasa()
        if count:
            result["indexed_after_start_s"] = wait_until_indexed(servers, *last)
        latency.warm_up(servers, config.warmup_turns)
        turns = latency.run_conversations(
            servers, "db_answer", config.turns, config.conversation_turns
        )
        result["turn"] = summary([turn.ms for turn in turns.turns])
        result["rasa_rss_mb"] = rss_mb(servers.processes["rasa"].pid)
        log(
            f"  {count:>6} entries: turn p50 {result['turn']['p50_ms']:.1f} ms, "
            f"Rasa RSS {result['rasa_rss_mb']:.0f} MB"
        )
        if count == max(SIZES):
            result["throughput"] = load.step(
                servers.rasa_url,
                config.concurrency,
                config.step_seconds,
                config.p95_limit_ms,
                config.conversation_turns,
            )
    finally:
        servers.stop_all()
    return result


def measure(config: BenchConfig, log: Callable[[str], None]) -> dict[str, Any]:
    sizes = {
        str(count): measure_size(config, count, config.out / "knowledge_base" / str(count), log)
        for count in SIZES
    }
    none, thousand = sizes["0"], sizes["1000"]
    return {
        "sizes": sizes,
        "p50_added_ms_1000": thousand["turn"]["p50_ms"] - none["turn"]["p50_ms"],
        "rss_added_mb_1000": thousand["rasa_rss_mb"] - none["rasa_rss_mb"],
        "best_rate_per_s_10000": sizes["10000"]["throughput"]["best_rate_per_s"],
    }
