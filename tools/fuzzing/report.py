"""The fuzz run's numbers, the verdict on the fuzz targets, and the printed table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tools.benchmarks.report import fmt, target_lines, write_report
from tools.benchmarks.stats import ratio, summary
from tools.fuzzing.outcome import Outcome
from tools.fuzzing.visitor import VisitorTurn

EXAMPLES_KEPT = 20
EXAMPLE_CHARS = 240


def by_kind(outcomes: Sequence[Outcome]) -> list[dict[str, Any]]:
    """One row per channel and kind: how the server answered, and what failed."""
    rows: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in outcomes:
        rows.setdefault((outcome.channel, outcome.kind), []).append(outcome)
    table = []
    for (channel, kind), group in sorted(rows.items()):
        statuses = [o.status for o in group if o.status is not None]
        table.append(
            {
                "channel": channel,
                "kind": kind,
                "n": len(group),
                "ok_2xx": sum(200 <= s < 300 for s in statuses),
                "refused_4xx": sum(400 <= s < 500 and s != 429 for s in statuses),
                "limited_429": statuses.count(429),
                "server_5xx": sum(s >= 500 for s in statuses),
                "unanswered": sum(o.unanswered for o in group),
                "answered": sum(bool(o.replies) for o in group),
                "connection_refused": sum(o.refused for o in group),
                "disconnected": sum(o.disconnected for o in group),
                "leaked": sum(o.leaked for o in group),
                "tracebacks": sum(bool(o.traceback) for o in group),
                "p95_ms": summary([o.ms for o in group])["p95_ms"],
            }
        )
    return table


def _clip(text: str) -> str:
    return text if len(text) <= EXAMPLE_CHARS else f"{text[:EXAMPLE_CHARS]}... ({len(text)} chars)"


def example(outcome: Outcome) -> dict[str, Any]:
    """A failure as the report shows it: what was sent and what came back, shortened."""
    return {
        "channel": outcome.channel,
        "kind": outcome.kind,
        "status": outcome.status,
        "error": outcome.error,
        "traceback": outcome.traceback,
        "leaked": outcome.leaked,
        "sender": outcome.sender,
        "sent": _clip(outcome.sent),
        "reply": _clip(" | ".join(outcome.replies)),
    }


def last_unanswered_streak(outcomes: Sequence[Outcome]) -> list[Outcome]:
    """The REST requests that went unanswered in a row at the end of the run (a stalled server)."""
    streak: list[Outcome] = []
    for outcome in (o for o in outcomes if o.channel == "rest"):
        streak = streak + [outcome] if outcome.unanswered else []
    return streak


def bulk_results(
    outcomes: Sequence[Outcome], seconds: float, planned: int | None = None
) -> dict[str, Any]:
    """The bulk run's counts; ``planned`` cases, of which fewer were sent if the server stalled."""
    failed = [outcome for outcome in outcomes if outcome.failed]
    unanswered = [outcome for outcome in outcomes if outcome.unanswered]
    planned = len(outcomes) if planned is None else planned
    stalled = len(outcomes) < planned
    return {
        "messages": len(outcomes),
        "planned": planned,
        "seconds": seconds,
        # The server stopped answering: the run ended early. The first request of the final
        # streak is the likeliest culprit; the others queued behind it.
        "stalled": stalled,
        "stall": [example(o) for o in last_unanswered_streak(outcomes)] if stalled else [],
        "rate_per_s": ratio(len(outcomes), seconds),
        "server_errors": sum(o.server_error for o in outcomes),
        "tracebacks": sum(bool(o.traceback) for o in outcomes),
        "leaked": sum(o.leaked for o in outcomes),
        "limited": sum(o.limited for o in outcomes),
        "unanswered": len(unanswered),
        "by_kind": by_kind(outcomes),
        "failures": [example(o) for o in failed[:EXAMPLES_KEPT]],
        "unanswered_examples": [example(o) for o in unanswered[:5]],
    }


def visitor_results(before: Sequence[VisitorTurn], during: Sequence[VisitorTurn]) -> dict[str, Any]:
    """The normal visitor's turn times (answered turns) alone and under the fuzz."""
    alone, loaded = (summary([t.ms for t in turns if t.answered]) for turns in (before, during))
    return {
        "before": alone,
        "during": loaded,
        "ratio_p95": ratio(loaded["p95_ms"], alone["p95_ms"]),
        "unanswered_before": sum(not t.answered for t in before),
        "unanswered_during": sum(not t.answered for t in during),
    }


def burst_results(
    outcomes: Sequence[Outcome],
    seconds: float,
    visitor: Sequence[VisitorTurn],
    limits: dict[str, str],
) -> dict[str, Any]:
    limited = [o for o in outcomes if o.limited]
    return {
        "messages": len(outcomes),
        "seconds": seconds,
        "limits": limits,
        "answered_200": sum(o.status == 200 for o in outcomes),
        "limited_429": len(limited),
        "limited_with_retry_after": sum(bool((o.retry_after or "").strip()) for o in limited),
        "limited_p95_ms": summary([o.ms for o in limited])[
            "p95_ms"
        ],  # how fast a refusal comes back
        "other_status": sorted({o.status for o in outcomes if o.status not in (200, 429)}, key=str),
        "server_errors": sum(o.server_error for o in outcomes),
        "tracebacks": sum(bool(o.traceback) for o in outcomes),
        "visitor": {
            "turns": len(visitor),
            "answered": sum(t.answered for t in visitor),
            "statuses": sorted({t.status for t in visitor}, key=str),
            **summary([t.ms for t in visitor]),
        },
    }


def _value(results: dict[str, Any], *path: str) -> Any:
    value: Any = results
    for key in path:
        if not isinstance(value, dict) or value.get(key) is None:
            return None
        value = value[key]
    return value


def _row(target: str, value: Any, unit: str, met: bool | None) -> dict[str, Any]:
    if isinstance(value, float) and math.isnan(value):
        value, met = None, None
    return {"target": target, "value": value, "unit": unit, "met": None if value is None else met}


def verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The fuzz targets against this run (n/a where a phase did not run)."""
    bulk, burst = results.get("bulk") or {}, results.get("burst") or {}
    rows = []
    if bulk:
        errors = bulk["server_errors"] + burst.get("server_errors", 0)
        tracebacks = bulk["tracebacks"] + burst.get("tracebacks", 0)
        rows += [
            _row(
                "hostile messages sent >= 10000", bulk["messages"], "", bulk["messages"] >= 10_000
            ),
            _row(
                "the server answered to the end of the run",
                bulk["messages"],
                f"of {bulk['planned']}",
                not bulk["stalled"],
            ),
            _row("server errors (5xx) = 0", errors, "", errors == 0),
            _row("tracebacks in replies = 0", tracebacks, "", tracebacks == 0),
            _row(
                "replies into another visitor's socket.io session = 0",
                bulk["leaked"],
                "",
                bulk["leaked"] == 0,
            ),
        ]
    growth = _value(results, "memory", "rasa_growth_pct")
    rows.append(
        _row(
            "Rasa server RSS growth over the run < 10 %",
            growth,
            "%",
            growth is not None and growth < 10,
        )
    )
    slowdown = _value(results, "visitor", "ratio_p95")
    rows.append(
        _row(
            "visitor p95 during / before <= 2 x",
            slowdown,
            "x",
            slowdown is not None and slowdown <= 2,
        )
    )
    for channel in ("rest", "socketio"):
        long = _value(results, "long_message", channel) or {}
        ms = long.get("ms")  # when not answered, how long it waited in vain
        chars = _value(results, "long_message", "chars") or 30_000
        rows.append(
            _row(
                f"{chars}-char message answered ({channel}) < 1000 ms",
                ms,
                "ms",
                bool(long.get("answered")) and ms is not None and ms < 1000,
            )
        )
    growth_mb = _value(results, "long_message", "rss_growth_mb")
    rows.append(
        _row(
            "long message RSS growth < 50 MB",
            growth_mb,
            "MB",
            growth_mb is not None and growth_mb < 50,
        )
    )
    if burst:
        limited = (
            burst["limited_429"] > 0 and burst["limited_with_retry_after"] == burst["limited_429"]
        )
        rows.append(
            _row(
                f"burst of {burst['messages']}: limited (429 + Retry-After)",
                burst["limited_429"],
                "x 429",
                limited,
            )
        )
        visitor = burst["visitor"]
        in_time = (
            visitor["turns"] > 0
            and visitor["answered"] == visitor["turns"]
            and visitor["max_ms"] < 1000
        )
        rows.append(
            _row(
                "other visitor during the burst: every turn answered < 1000 ms",
                visitor["max_ms"],
                "ms (max)",
                in_time,
            )
        )
    return rows


def kind_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "channel   kind                     n    2xx    4xx    429    5xx  no-ans  replied  "
        "conn-ref  closed  leaked  tb   p95 ms",
        "-" * 124,
    ]
    for row in rows:
        lines.append(
            f"{row['channel']:<9} {row['kind']:<20} {row['n']:>5} {row['ok_2xx']:>6} "
            f"{row['refused_4xx']:>6} {row['limited_429']:>6} {row['server_5xx']:>6} "
            f"{row['unanswered']:>7} {row['answered']:>8} "
            f"{row['connection_refused']:>9} {row['disconnected']:>7} {row['leaked']:>7} "
            f"{row['tracebacks']:>3} {fmt(row['p95_ms']):>8}"
        )
    return lines


def table(results: dict[str, Any]) -> str:
    """The printed summary: the bulk run by kind, what failed, the measurements, the targets."""
    config = results["config"]
    lines = [
        f"make fuzz: {results['started']} to {results.get('finished', '?')} "
        f"({fmt(results.get('duration_s'))} s) "
        f"on {results['machine']['cpus']} cores; seed {config['seed']}"
        + ("" if config["is_default"] else "\n  (NOT the protocol's numbers: a smoke run)")
    ]
    if bulk := results.get("bulk"):
        lines += [
            "",
            f"bulk run: {bulk['messages']} hostile messages in {fmt(bulk['seconds'])} s "
            f"({fmt(bulk['rate_per_s'])}/s), {config['rest_workers']} REST workers + "
            f"{config['socket_workers']} socket.io clients, {config['senders']} REST senders",
            "  limits of the bulk run (generous on purpose: every message comes from 127.0.0.1): "
            + ", ".join(f"{k}={v}" for k, v in results["bulk_limits"].items()),
            "",
        ]
        lines += kind_table(bulk["by_kind"])
        lines.append(
            "  (socket.io rows: 'replied' got a bot_uttered within FUZZ_SOCKET_WAIT; conn-ref: "
            "connection refused; closed: the server closed it)"
        )
        lines.append(
            f"  no HTTP answer at all (connection closed or timed out): {bulk['unanswered']}"
        )
        if bulk["stalled"]:
            lines.append(
                "  STALLED: the server stopped answering; "
                f"the run ended after {bulk['messages']} of {bulk['planned']} messages. "
                "Unanswered in a row at the end (the first is the likeliest cause; "
                "its conversation is in the tracker store under reports/fuzz/servers):"
            )
            lines += [
                f"    {item['kind']} from {item['sender']!r}: {item['sent']!r} ({item['error']})"
                for item in bulk["stall"]
            ]
        for failure in bulk["failures"]:
            lines.append(
                f"  FAILED {failure['channel']}/{failure['kind']} ({failure['sender']}) "
                f"status {failure['status']} "
                f"{failure['traceback'] or ('leaked' if failure['leaked'] else '')}: "
                f"sent {failure['sent']!r} "
                f"-> {failure['reply']!r}"
            )
        for item in bulk["unanswered_examples"]:
            lines.append(f"  no answer {item['kind']}: {item['error']} (sent {item['sent']!r})")
    if memory := results.get("memory"):
        lines += [
            "",
            f"Rasa server RSS before/after the bulk run: {fmt(memory['rasa_before_mb'])} -> "
            f"{fmt(memory['rasa_after_mb'])} MB ({fmt(memory['rasa_growth_pct'])} %)",
        ]
    if visitor := results.get("visitor"):
        before, during = visitor["before"], visitor["during"]
        lines.append(
            f"normal visitor (REST, one question every {config['visitor_interval']} s): "
            f"alone p50 {fmt(before['p50_ms'])} / p95 {fmt(before['p95_ms'])} ms "
            f"(n {before['n']}), "
            f"during the run p50 {fmt(during['p50_ms'])} / p95 {fmt(during['p95_ms'])} ms "
            f"(n {during['n']}), p95 ratio {fmt(visitor['ratio_p95'], 2)}; unanswered "
            f"{visitor['unanswered_before']} / {visitor['unanswered_during']}"
        )
    if long := results.get("long_message"):
        parts = [
            f"{channel} {fmt(long[channel].get('ms'))} ms"
            + (
                ""
                if long[channel].get("answered")
                else f" (NOT answered: {long[channel].get('error', '')})"
            )
            for channel in ("rest", "socketio")
            if channel in long
        ]
        lines.append(
            f"one {long['chars']}-character message: "
            + ", ".join(parts)
            + f"; Rasa RSS {fmt(long['rss_before_mb'])} -> {fmt(long['rss_after_mb'])} MB "
            f"(+{fmt(long['rss_growth_mb'])} MB); reply {long.get('reply', '')!r}"
        )
    if burst := results.get("burst"):
        visitor = burst["visitor"]
        lines += [
            "",
            f"burst: {burst['messages']} messages from one sender "
            f"in {fmt(burst['seconds'], 2)} s, limits "
            + ", ".join(f"{k}={v}" for k, v in burst["limits"].items()),
            f"  answered 200: {burst['answered_200']}, limited 429: {burst['limited_429']} "
            f"({burst['limited_with_retry_after']} with Retry-After, "
            f"p95 {fmt(burst['limited_p95_ms'])} ms), "
            f"other statuses {burst['other_status']}",
            "  another visitor (another address) meanwhile: "
            f"{visitor['answered']} of {visitor['turns']} "
            f"answered, p95 {fmt(visitor['p95_ms'])} ms, max {fmt(visitor['max_ms'])} ms, "
            f"statuses {visitor['statuses']}",
        ]
    if logged := results.get("server_log_exceptions"):
        lines += [
            "",
            f"exceptions in the servers' logs during the run (not shown to users; worth reading): "
            f"{logged['total']}",
        ]
        for server, top in logged["by_server"].items():
            lines += [f"  {server}: {count} x {line}" for line, count in top]
    lines += target_lines(results["targets"], "fuzz", 62)
    return "\n".join(lines)


def write(results: dict[str, Any], out: Path) -> tuple[Path, Path]:
    return write_report(results, table(results), out, "fuzz")
