"""One PNG: latency distributions, throughput against concurrency, latency along a long
conversation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no screen on CI or servers
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"db_answer": "tab:blue", "form": "tab:green", "fallback": "tab:purple"}
SETUPS = {"single": ("1 Rasa process", "tab:blue"), "cluster": ("scaled out", "tab:orange")}


def _cdf(axis: Any, samples: list[float], label: str, colour: str, style: str = "-") -> None:
    if not samples:
        return
    ordered = sorted(samples)
    axis.plot(
        ordered,
        [(i + 1) / len(ordered) for i in range(len(ordered))],
        style,
        color=colour,
        label=label,
    )


def plot(results: dict[str, Any], samples: dict[str, dict[str, list[float]]], out: Path) -> Path:
    figure, (latency, throughput, flat) = plt.subplots(1, 3, figsize=(18, 5.5))

    for kind, series in samples.items():
        colour = COLOURS.get(kind, "tab:grey")
        _cdf(latency, series["turn"], f"{kind}: whole turn", colour)
        _cdf(latency, series["parse"], f"{kind}: /model/parse only", colour, ":")
    latency.set(
        xscale="log",
        xlabel="latency (ms, log)",
        ylabel="fraction of turns",
        title="Per-turn latency, sequential (CDF)",
    )
    latency.grid(True, which="both", alpha=0.3)
    if samples:  # a run without the latency step (e.g. the peers alone) has nothing to label
        latency.legend(fontsize=8)

    rate_axis = throughput
    p95_axis = throughput.twinx()
    for key, (name, colour) in SETUPS.items():
        run = results.get("throughput", {}).get(key) or {}
        levels = run.get("levels") or []
        if not levels:
            continue
        users = [level["users"] for level in levels]
        rate_axis.plot(
            users,
            [level["rate_per_s"] for level in levels],
            "o-",
            color=colour,
            label=f"{name}: msg/s",
        )
        p95_axis.plot(
            users,
            [level["p95_ms"] for level in levels],
            "s--",
            color=colour,
            alpha=0.6,
            label=f"{name}: p95 ms",
        )
    limit = (results.get("throughput", {}).get("single") or {}).get("p95_limit_ms", 300)
    p95_axis.axhline(limit, color="grey", linestyle=":", label=f"p95 limit {limit:g} ms")
    rate_axis.set(
        xscale="log",
        xlabel="simulated students (concurrent conversations)",
        ylabel="answered messages / s",
        title="Throughput against concurrency",
    )
    p95_axis.set(ylabel="p95 latency (ms)")
    p95_axis.set_ylim(bottom=0)
    rate_axis.set_ylim(bottom=0)
    handles = rate_axis.get_legend_handles_labels()
    more = p95_axis.get_legend_handles_labels()
    rate_axis.legend(handles[0] + more[0], handles[1] + more[1], fontsize=8, loc="upper left")
    rate_axis.grid(True, alpha=0.3)

    if flatness := results.get("flatness"):
        by_turn = flatness["p50_by_turn"]
        flat.plot(range(1, len(by_turn) + 1), by_turn, ".", markersize=3)
        for turn in (flatness["early_turn"], flatness["late_turn"]):
            flat.axvline(turn, color="grey", linestyle=":")
        flat.set(
            xlabel="turn in the conversation",
            ylabel="median latency (ms)",
            title=f"Long conversations (p95 ratio {flatness['ratio_p95']:.2f})",
        )
        flat.grid(True, alpha=0.3)
    else:
        flat.set_axis_off()

    figure.tight_layout()
    path = out / "bench.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
