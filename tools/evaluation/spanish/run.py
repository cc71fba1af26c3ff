"""Every model on the Spanish set behind one action server and one seeded database, one Rasa
server at a time, as the English external set is run (tools/evaluation/end_to_end.py)."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from tools.evaluation.end_to_end import (
    EvalServers,
    resident_memory_mb,
    served_one_at_a_time,
    spread,
)
from tools.evaluation.spanish.scoring import (
    read_spanish_set,
    score_spanish,
    spanish_results,
    write_spanish_outcomes,
)


def evaluate_spanish(
    models: dict[str, Path], out: Path, limit: int | None = None
) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    servers = EvalServers(workdir=out / "servers")
    (out / "servers").mkdir(exist_ok=True)
    servers.seed_database()
    lines = spread(read_spanish_set(), limit)
    results: dict[str, Any] = {}
    for name in served_one_at_a_time(servers, models, "the Spanish set"):
        try:
            outcomes = score_spanish(servers, lines)
            rss_mb = resident_memory_mb(servers.processes["rasa"].pid)
        finally:
            servers.stop("rasa")
        write_spanish_outcomes(outcomes, out / f"{name}_spanish.tsv")
        results[name] = {
            **spanish_results(outcomes),
            "latency_median_ms": 1000 * statistics.median(servers.turn_seconds),
            "rasa_rss_mb": rss_mb,
        }
    return results
