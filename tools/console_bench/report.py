"""The console benchmark's table and its verdicts (tools.benchmarks.report's format and files).

A page meets the target when its p95 is under 300 ms (the median and the slowest request are
shown beside it); the inbox meets it when the slowest of its trials is under 2 s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.benchmarks.report import fmt, target_lines, write_report
from tools.console_bench.measure import INBOX_TARGET_MS, TARGET_MS

INBOX_LABELS = {
    "new_message": "student's new message -> stream event",
    "new_handoff": "new waiting student -> stream event",
}


def verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [
        {
            "target": f"{row['page']}: p95 < {TARGET_MS:g} ms",
            "value": row["p95_ms"],
            "unit": "ms",
            "met": row["p95_ms"] < TARGET_MS and not row["non_200"],
        }
        for row in results["pages"]
    ]
    for key, label in INBOX_LABELS.items():
        measured = results["inbox"][key]
        rows.append(
            {
                "target": f"inbox, {label}: max < {INBOX_TARGET_MS:g} ms",
                "value": measured["max_ms"],
                "unit": "ms",
                "met": None
                if measured["max_ms"] is None
                else measured["max_ms"] < INBOX_TARGET_MS and not measured["missed"],
            }
        )
    return rows


def table(results: dict[str, Any]) -> str:
    machine, data = results["machine"], results["dataset"]
    loads = [machine.get("load_average_at_start"), machine.get("load_average_at_end")]
    width = max(len(row["page"]) for row in results["pages"])
    lines = [
        f"make bench-console: {results['started']} to {results['finished']} on "
        f"{machine['cpus']} cores ({machine['platform']}); 1-minute load average at start/end: "
        + " / ".join(f"{load[0]:.1f}" for load in loads if load),
        f"data: {data['conversations']:,} conversations ({data['events']:,} events) over "
        f"{data['days']} days, {data['bookings']:,} bookings, {len(data['waiting'])} students "
        f"waiting, {data['closed_handoffs']} closed handoffs; generated in "
        f"{data['generated_s']:.0f} s",
        "",
        f"{'page':<{width}}     n  median     p95     max   (ms)  verdict (p95 < {TARGET_MS:g} ms)",
        "-" * (width + 60),
    ]
    for row in results["pages"]:
        verdict = "met" if row["p95_ms"] < TARGET_MS else "MISS"
        if row["non_200"]:
            verdict = f"MISS ({row['non_200']} answers not 200)"
        lines.append(
            f"{row['page']:<{width}} {row['n']:>5} {fmt(row['median_ms']):>7} "
            f"{fmt(row['p95_ms']):>7} {fmt(row['max_ms']):>7}         {verdict}"
        )
    lines += ["", "inbox event stream (ms)                          trials  median     max"]
    for key, label in INBOX_LABELS.items():
        measured = results["inbox"][key]
        missed = f"  ({measured['missed']} never arrived)" if measured["missed"] else ""
        lines.append(
            f"  {label:<46} {measured['trials']:>6} {fmt(measured['median_ms']):>7} "
            f"{fmt(measured['max_ms']):>7}{missed}"
        )
    lines += target_lines(
        results["targets"], "console speed", max(len(row["target"]) for row in results["targets"])
    )
    return "\n".join(lines)


def write(results: dict[str, Any], out: Path) -> tuple[Path, Path]:
    return write_report(results, table(results), out, "console")
