"""The benchmark's table, its JSON and the verdict on the speed targets, ours and beside peers."""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable
from pathlib import Path
from typing import Any

# (name, where in the results, comparison, limit, unit)
TARGETS = (
    ("DB answer / parse (p50)", ("latency", "db_answer", "ratio_p50"), "<=", 2.0, "x"),
    # The best rate with p95 within BENCH_P95_LIMIT_MS and no errors (0 when no level was).
    ("throughput, 1 Rasa process", ("throughput", "single", "best_rate_per_s"), ">=", 35, "msg/s"),
    ("Rasa server RSS after soak", ("memory", "rasa_after_mb"), "<=", 1000, "MB"),
    ("Rasa RSS growth over soak", ("memory", "rasa_growth_pct"), "<", 5, "%"),
    ("action server RSS after soak", ("memory", "actions_after_mb"), "<=", 200, "MB"),
    ("action server RSS growth over soak", ("memory", "actions_growth_pct"), "<", 5, "%"),
    ("flatness p95 turn 200 / turn 5", ("flatness", "ratio_p95"), "<=", 1.2, "x"),
    ("cold start to first answer", ("cold_start_s",), "<=", 15, "s"),
    ("full training", ("training", "full_s"), "<=", 90, "s"),
    # The office's knowledge base (tools/benchmarks/knowledge_base.py).
    ("turn p50 added by 1,000 KB entries", ("knowledge_base", "p50_added_ms_1000"), "<=", 3, "ms"),
    ("Rasa RSS added by 1,000 KB entries", ("knowledge_base", "rss_added_mb_1000"), "<=", 50, "MB"),
    (
        "throughput with 10,000 KB entries",
        ("knowledge_base", "best_rate_per_s_10000"),
        ">=",
        35,
        "msg/s",
    ),
)

PEER = ("peers", "assistants")
# Targets relative to another measurement of the same run: (name, ours, the other, comparison,
# factor, unit, what the other is). Met when ours <comparison> factor x the other; "not
# measured" (met None) when either is missing, e.g. a run without the peers step.
RELATIVE = (
    (
        "DB answer p50 ahead of Rasa default config",
        ("latency", "db_answer", "turn", "p50_ms"),
        (*PEER, "default_config", "latency", "db_answer", "turn", "p50_ms"),
        "<",
        1.0,
        "ms",
        "Rasa default config",
    ),
    (
        "throughput, 1 Rasa process >= 80% of rasa init's",
        ("throughput", "single", "best_rate_per_s"),
        (*PEER, "rasa_init", "throughput", "best_rate_per_s"),
        ">=",
        0.8,
        "msg/s",
        "rasa init",
    ),
    (
        "scaled out ahead of 1 process",
        ("throughput", "cluster", "best_rate_per_s"),
        ("throughput", "single", "best_rate_per_s"),
        ">",
        1.0,
        "msg/s",
        "1 process",
    ),
)
COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not math.isnan(value) else None


def _get(results: dict[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = results
    for key in path:
        if not isinstance(value, dict) or value.get(key) is None:
            return None
        value = value[key]
    return _number(value)


def verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it was met (None: not measured)."""
    rows: list[dict[str, Any]] = []
    for name, path, op, limit, unit in TARGETS:
        value = _get(results, path)
        rows.append(
            {
                "target": f"{name} {op} {limit:g} {unit}",
                "value": value,
                "unit": unit,
                "met": None if value is None else COMPARE[op](value, limit),
            }
        )
    peers = results.get("peers") or {}
    for name, ours_path, other_path, op, factor, unit, label in RELATIVE:
        value, other = _get(results, ours_path), _get(results, other_path)
        if other_path[: len(PEER)] == PEER and peers and not peers.get("headline"):
            label += f" (epochs x{peers['epochs_scale']:g}, not headline)"
        rows.append(
            {
                "target": name,
                "value": value,
                "unit": unit,
                "met": COMPARE[op](value, factor * other)
                if value is not None and other is not None
                else None,
                "versus": {"label": label, "value": other, "factor": factor},
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
    if results.get("peers"):
        lines += peer_lines(results)
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
    lines += target_lines(results["targets"], "speed", 50)
    return "\n".join(lines)


def target_lines(targets: list[dict[str, Any]], title: str, width: int) -> list[str]:
    """The closing block of a report: each target, met or missed, with its measured value."""
    lines = ["", f"targets ({title}):"]
    for row in targets:
        mark = {True: "met ", False: "MISS", None: "n/a "}[row["met"]]
        line = f"  [{mark}] {row['target']:<{width}} {fmt(row['value'])} {row['unit']}"
        if versus := row.get("versus"):
            other, factor = versus["value"], versus.get("factor", 1.0)
            line += f"; {versus['label']}: " + (
                "not measured"
                if other is None
                else f"{fmt(other)} {row['unit']}"
                + ("" if factor == 1.0 else f" (x{factor:g} = {fmt(factor * other)})")
            )
        lines.append(line)
    return lines


def _assistant_row(
    label: str,
    kind: str,
    cold_start_s: Any,
    latency: dict[str, Any] | None,
    throughput: dict[str, Any] | None,
    error: str | None = None,
) -> dict[str, Any]:
    answer = (latency or {}).get(kind) or {}
    run = throughput if throughput and "skipped" not in throughput else {}
    return {
        "label": f"{label} ({kind})",
        "cold_start_s": _number(cold_start_s),
        "answer_p50_ms": _get(answer, ("turn", "p50_ms")),
        "parse_p50_ms": _get(answer, ("parse", "p50_ms")),
        "ratio_p50": _get(answer, ("ratio_p50",)),
        "best_rate_per_s": _get(run, ("best_rate_per_s",)),
        "best_users": _get(run, ("best", "users")),
        "rasa_rss_mb": _get(run, ("rasa_rss_mb",)),
        "error": error,
    }


def peer_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The peers table's rows: ours (one Rasa process, as `make run`), then each peer; a number
    that was not measured is None."""
    rows = [
        _assistant_row(
            "ours",
            "db_answer",
            results.get("cold_start_s"),
            results.get("latency"),
            (results.get("throughput") or {}).get("single"),
        )
    ]
    for peer in ((results.get("peers") or {}).get("assistants") or {}).values():
        rows.append(
            _assistant_row(
                peer["label"],
                peer["answer_kind"],
                peer.get("cold_start_s"),
                peer.get("latency"),
                peer.get("throughput"),
                peer.get("error"),
            )
        )
    return rows


def peer_lines(results: dict[str, Any]) -> list[str]:
    """Ours beside Rasa's default config on our data and the `rasa init` assistant."""
    peers = results["peers"]
    limit = next(
        (
            run["p95_limit_ms"]
            for run in [
                (results.get("throughput") or {}).get("single") or {},
                *((p.get("throughput") or {}) for p in peers["assistants"].values()),
            ]
            if "p95_limit_ms" in run
        ),
        None,
    )
    lines = [
        "",
        "peers, in this run on this machine, each served as ours (python -m rasa_plugins.server, "
        "our endpoints, channels and tracker store)",
        f"{'assistant (answer turns)':<42} {'cold s':>7} {'answer p50':>11} {'parse p50':>10} "
        f"{'turn/parse':>11} {'best msg/s (users)':>19} {'Rasa RSS MB':>12}",
        "-" * 118,
    ]
    for row in peer_rows(results):
        best = (
            "-"
            if row["best_rate_per_s"] is None
            else "none"
            if row["best_users"] is None
            else f"{row['best_rate_per_s']:.1f} ({row['best_users']:.0f})"
        )
        lines.append(
            f"{row['label']:<42} {fmt(row['cold_start_s']):>7} {fmt(row['answer_p50_ms']):>11} "
            f"{fmt(row['parse_p50_ms']):>10} {fmt(row['ratio_p50'], 2):>11} {best:>19} "
            f"{fmt(row['rasa_rss_mb']):>12}"
        )
    lines.append(
        "    answer/parse: p50 ms of sequential answer turns and of /model/parse for the same "
        "messages; best: msg/s"
        + (f" within p95 <= {limit:g} ms" if limit is not None else "")
        + " and no errors; RSS after the throughput run"
    )
    for peer in peers["assistants"].values():
        if error := peer.get("error"):
            lines.append(f"    {peer['label']}: not measured: {error}")
        elif model := peer.get("model"):
            lines.append(
                f"    {peer['label']}: model "
                + (
                    "from the cache"
                    if model["trained_s"] is None
                    else f"trained in {model['trained_s']:.0f} s"
                )
                + f" ({model['path']})"
            )
    if not peers.get("headline"):
        lines.append(
            f"    NOT headline numbers: the peers were trained with epochs x"
            f"{peers['epochs_scale']:g} (BENCH_PEER_EPOCHS_SCALE), a smoke run"
        )
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
