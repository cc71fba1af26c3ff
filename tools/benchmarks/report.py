"""The benchmark's table, its JSON and the verdict on the speed targets."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

# (name, where in the results, comparison, limit, unit)
TARGETS = (
    ("DB answer p50", ("latency", "db_answer", "turn", "p50_ms"), "<=", 25, "ms"),
    ("DB answer p95", ("latency", "db_answer", "turn", "p95_ms"), "<=", 50, "ms"),
    ("DB turn / parse (p50)", ("latency", "db_answer", "ratio_p50"), "<=", 2.0, "x"),
    (
        "throughput, 1 Rasa process",
        ("throughput", "single", "best", "rate_per_s"),
        ">=",
        80,
        "msg/s",
    ),
    ("throughput, scaled out", ("throughput", "cluster", "best", "rate_per_s"), ">=", 80, "msg/s"),
    ("flatness p95 turn 200 / turn 5", ("flatness", "ratio_p95"), "<=", 1.2, "x"),
    ("Rasa server RSS after soak", ("memory", "rasa_after_mb"), "<=", 1500, "MB"),
    ("action server RSS after soak", ("memory", "actions_after_mb"), "<=", 200, "MB"),
    ("Rasa RSS growth over soak", ("memory", "rasa_growth_pct"), "<", 5, "%"),
    ("action server RSS growth over soak", ("memory", "actions_growth_pct"), "<", 5, "%"),
    ("full training", ("training", "full_s"), "<=", 180, "s"),
)


def _get(results: dict[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = results
    for key in path:
        if not isinstance(value, dict) or value.get(key) is None:
            return None
        value = value[key]
    return float(value) if isinstance(value, (int, float)) and not math.isnan(value) else None


def verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, path, op, limit, unit in TARGETS:
        value = _get(results, path)
        met = (
            None
            if value is None
            else (value <= limit if op == "<=" else value < limit if op == "<" else value >= limit)
        )
        rows.append(
            {"target": f"{name} {op} {limit:g} {unit}", "value": value, "unit": unit, "met": met}
        )
    single, cluster = (
        _get(results, ("throughput", key, "best", "rate_per_s")) for key in ("single", "cluster")
    )
    rows.append(
        {
            "target": "scaled out ahead of 1 process",
            "value": cluster,
            "unit": "msg/s",
            "met": None if single is None or cluster is None else cluster > single,
        }
    )
    return rows


def fmt(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def table(results: dict[str, Any]) -> str:
    """The printed summary: latencies with their floor, the other measures, then the targets."""
    machine = results["machine"]
    loads = [machine.get("load_average_at_start"), machine.get("load_average_at_end")]
    lines = [
        f"make bench: {results['started']} to {results.get('finished', '?')} "
        f"on {machine['cpus']} cores; "
        "1-minute load average at start/end: "
        + " / ".join(f"{load[0]:.1f}" for load in loads if load)
        + (
            ""
            if results["config"]["is_default"]
            else "\n  (NOT the protocol's default numbers: a smoke run)"
        )
    ]
    if "cold_start_s" in results:
        lines.append(f"cold start to first answer: {results['cold_start_s']:.1f} s")
    if results.get("latency"):
        lines += [
            "",
            "per-turn latency, sequential, REST (ms)      n     p50     p95     p99 "
            "| parse p50  p95 | turn/parse p50  p95",
            "-" * 118,
        ]
        for kind, row in results["latency"].items():
            turn, parse = row["turn"], row["parse"]
            lines.append(
                f"{kind:<40} {turn['n']:>6} {fmt(turn['p50_ms']):>7} {fmt(turn['p95_ms']):>7} "
                f"{fmt(turn['p99_ms']):>7} | {fmt(parse['p50_ms']):>8} {fmt(parse['p95_ms']):>5} | "
                f"{fmt(row['ratio_p50'], 2):>14} {fmt(row['ratio_p95'], 2):>4}   "
                f"errors {row['errors']}"
            )
            if row.get("note"):
                lines.append(f"    note: {row['note']}")
    if flat := results.get("flatness"):
        lines += [
            "",
            f"flatness ({flat['conversations']} conversations): p95 turn {flat['early_turn']} "
            f"{fmt(flat['early']['p95_ms'])} ms, "
            f"turn {flat['late_turn']} {fmt(flat['late']['p95_ms'])} ms, "
            f"ratio {fmt(flat['ratio_p95'], 2)} (p50 ratio {fmt(flat['ratio_p50'], 2)})",
        ]
    for key, label in (("single", "1 Rasa process"), ("cluster", "scaled out")):
        run = results.get("throughput", {}).get(key)
        if not run:
            continue
        if "skipped" in run:
            lines += ["", f"throughput, {label}: skipped ({run['skipped']})"]
            continue
        lines += [
            "",
            f"throughput, {label} ({run.get('setup', '')})",
            "    users   msg/s     p50     p95     p99  errors  load avg",
        ]
        for level in run["levels"]:
            lines.append(
                f"    {level['users']:>5} {level['rate_per_s']:7.1f} {fmt(level['p50_ms']):>7} "
                f"{fmt(level['p95_ms']):>7} {fmt(level['p99_ms']):>7} {level['errors']:>7} "
                f"{level.get('load_average_1min', 0):>9.1f}"
            )
        best = run["best"]
        lines.append(
            f"    best within p95 <= {run['p95_limit_ms']:g} ms and no errors: "
            + (f"{best['rate_per_s']:.1f} msg/s at {best['users']} users" if best else "none")
        )
    if memory := results.get("memory"):
        lines += [
            "",
            f"memory (RSS, MB) before/after a {memory['soak']['messages']}-message soak: "
            f"Rasa {fmt(memory['rasa_before_mb'])} -> {fmt(memory['rasa_after_mb'])} "
            f"({fmt(memory['rasa_growth_pct'])}%), "
            f"action server {fmt(memory['actions_before_mb'])} -> "
            f"{fmt(memory['actions_after_mb'])} ({fmt(memory['actions_growth_pct'])}%); soak "
            f"{memory['soak']['rate_per_s']:.1f} msg/s, p95 {fmt(memory['soak']['p95_ms'])} ms, "
            f"errors {memory['soak']['errors']}",
        ]
    if training := results.get("training"):
        lines += [
            "",
            "training: "
            + (
                f"skipped ({training['skipped']})"
                if "skipped" in training
                else f"full {training['full_s']:.0f} s, "
                f"after an NLU-only change {training['nlu_change_s']:.0f} s"
            ),
        ]
    if profile := results.get("profile"):
        for name, top in profile.items():
            if isinstance(top, dict) and top.get("categories"):
                lines += [
                    "",
                    f"profile of the {name} server "
                    "(share of busy samples while answering DB questions):",
                ]
                lines += [
                    f"    {row['share'] * 100:5.1f}%  {row['frame']}" for row in top["categories"]
                ]
    lines += target_lines(results["targets"], "speed", 48)
    return "\n".join(lines)


def target_lines(targets: list[dict[str, Any]], title: str, width: int) -> list[str]:
    """The closing block of a report: each target, met or missed, with its measured value."""
    lines = ["", f"targets ({title}):"]
    for row in targets:
        mark = {True: "met ", False: "MISS", None: "n/a "}[row["met"]]
        lines.append(f"  [{mark}] {row['target']:<{width}} {fmt(row['value'])} {row['unit']}")
    return lines


def write_report(results: dict[str, Any], printed: str, out: Path, stem: str) -> tuple[Path, Path]:
    """`<stem>.json` with every number and `<stem>.txt` with the printed table, under `out`."""
    out.mkdir(parents=True, exist_ok=True)
    json_path, table_path = out / f"{stem}.json", out / f"{stem}.txt"
    json_path.write_text(json.dumps(results, indent=2, default=str))
    table_path.write_text(printed + "\n")
    return json_path, table_path


def write(results: dict[str, Any], out: Path) -> tuple[Path, Path]:
    return write_report(results, table(results), out, "bench")
