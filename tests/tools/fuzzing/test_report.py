"""The report's counts, the verdict on the fuzz targets, and the printed table."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from tools.fuzzing import report
from tools.fuzzing.outcome import Outcome
from tools.fuzzing.visitor import VisitorTurn

OK = '[{"recipient_id": "a", "text": "Tuition is $3,920."}]'


def outcomes() -> list[Outcome]:
    return [
        Outcome("sql", "rest", 80.0, status=200, replies=[OK], sent="' OR 1=1"),
        Outcome(
            "sql",
            "rest",
            90.0,
            status=200,
            replies=['[{"text": "KeyError: \'x\'"}]'],
            sent="' OR 1=1",
        ),
        Outcome("wrong_shape", "rest", 5.0, status=500, replies=["Internal Server Error"]),
        Outcome("very_long", "rest", 3.0, status=413, replies=["Payload Too Large"]),
        Outcome("very_long", "rest", 3.0, error="ServerDisconnectedError"),
        Outcome("burst", "rest", 3.0, status=429, retry_after="30"),
        Outcome("other_session", "socketio", 3000.0, leaked=True, error="no reply"),
        Outcome(
            "disallowed_origin",
            "socketio",
            2.0,
            status=403,
            refused=True,
            error="Unexpected status code 403",
        ),
        Outcome("emoji", "socketio", 120.0, replies=['{"text": "hi"}']),
    ]


def test_by_kind_counts_each_answer_once() -> None:
    rows = {(row["channel"], row["kind"]): row for row in report.by_kind(outcomes())}
    assert (
        rows["rest", "sql"]["n"],
        rows["rest", "sql"]["ok_2xx"],
        rows["rest", "sql"]["tracebacks"],
    ) == (2, 2, 1)
    assert rows["rest", "wrong_shape"]["server_5xx"] == 1
    assert (rows["rest", "very_long"]["refused_4xx"], rows["rest", "very_long"]["unanswered"]) == (
        1,
        1,
    )
    assert (rows["rest", "burst"]["limited_429"], rows["rest", "burst"]["refused_4xx"]) == (1, 0)
    assert rows["socketio", "other_session"]["leaked"] == 1
    assert rows["socketio", "disallowed_origin"]["connection_refused"] == 1
    assert rows["socketio", "emoji"]["answered"] == 1


def test_bulk_results_list_the_failures_with_what_was_sent() -> None:
    bulk = report.bulk_results(outcomes(), 10.0)
    assert (bulk["messages"], bulk["server_errors"], bulk["tracebacks"], bulk["leaked"]) == (
        9,
        1,
        1,
        1,
    )
    assert bulk["unanswered"] == 1 and bulk["limited"] == 1
    assert [failure["kind"] for failure in bulk["failures"]] == [
        "sql",
        "wrong_shape",
        "other_session",
    ]
    assert (
        bulk["failures"][0]["sent"] == "' OR 1=1"
        and bulk["failures"][0]["traceback"] == "KeyError:"
    )


def test_a_stalled_run_names_the_requests_left_unanswered_at_the_end() -> None:
    hung = Outcome(
        "sql",
        "rest",
        30_000.0,
        sent="1' AND SLEEP(5) -- can an advisor call me?",
        sender="fuzz-17-00410",
        error="TimeoutError: ",
    )
    queued = Outcome("emoji", "rest", 30_000.0, sender="fuzz-17-00011", error="TimeoutError: ")
    early = Outcome("very_long", "rest", 3.0, sender="a", error="ServerDisconnectedError")
    outcomes = [early, Outcome("sql", "rest", 80.0, status=200, replies=[OK]), hung, queued]
    bulk = report.bulk_results(outcomes, 100.0, planned=10_000)
    assert bulk["stalled"] and [item["sender"] for item in bulk["stall"]] == [
        "fuzz-17-00410",
        "fuzz-17-00011",
    ]
    text = report.table(full_results(bulk=bulk))
    assert "STALLED" in text and "fuzz-17-00410" in text
    assert not report.bulk_results(outcomes, 100.0)["stalled"]  # every planned case was sent


def test_visitor_ratio_uses_answered_turns() -> None:
    before = [VisitorTurn(100.0, 200, True)] * 20
    during = [VisitorTurn(150.0, 200, True)] * 19 + [VisitorTurn(30_000.0, None, False)]
    visitor = report.visitor_results(before, during)
    assert math.isclose(visitor["ratio_p95"], 1.5)
    assert visitor["unanswered_during"] == 1


def test_burst_results_count_429s_and_their_retry_after() -> None:
    burst = (
        [Outcome("burst", "rest", 70.0, status=200)] * 20
        + [Outcome("burst", "rest", 3.0, status=429, retry_after="41")] * 99
        + [Outcome("burst", "rest", 3.0, status=429)]
    )
    visitor = [VisitorTurn(90.0, 200, True), VisitorTurn(400.0, 200, True)]
    result = report.burst_results(burst, 2.0, visitor, {"RATE_LIMIT_PER_SENDER": "20/minute"})
    assert (result["answered_200"], result["limited_429"], result["limited_with_retry_after"]) == (
        20,
        100,
        99,
    )
    assert result["visitor"]["max_ms"] == 400.0 and result["visitor"]["answered"] == 2


def full_results(**changes: Any) -> dict[str, Any]:
    results: dict[str, Any] = {
        "started": "2026-12-01T10:00:00+00:00",
        "finished": "2026-12-01T10:12:00+00:00",
        "duration_s": 720.0,
        "config": {
            "seed": 17,
            "is_default": True,
            "rest_workers": 2,
            "socket_workers": 4,
            "senders": 500,
            "visitor_interval": 0.5,
        },
        "machine": {"cpus": 2},
        "bulk_limits": {"RATE_LIMIT_PER_SENDER": "1000000/minute"},
        "bulk": report.bulk_results(
            [Outcome("sql", "rest", 80.0, status=200, replies=[OK])] * 10_000, 600.0
        ),
        "memory": {"rasa_before_mb": 1900.0, "rasa_after_mb": 1950.0, "rasa_growth_pct": 2.6},
        "visitor": report.visitor_results(
            [VisitorTurn(100.0, 200, True)] * 10, [VisitorTurn(180.0, 200, True)] * 10
        ),
        "long_message": {
            "chars": 30_000,
            "rest": {"ms": 12.0, "answered": True},
            "socketio": {"ms": 40.0, "answered": True},
            "reply": "That message is too long.",
            "rss_before_mb": 1900.0,
            "rss_after_mb": 1900.5,
            "rss_growth_mb": 0.5,
        },
        "burst": report.burst_results(
            [Outcome("burst", "rest", 70.0, status=200)] * 20
            + [Outcome("burst", "rest", 3.0, status=429, retry_after="40")] * 100,
            2.0,
            [VisitorTurn(300.0, 200, True)] * 5,
            {"RATE_LIMIT_PER_SENDER": "20/minute"},
        ),
        "server_log_exceptions": {"total": 0, "by_server": {"rasa": [], "actions": []}},
    }
    results.update(changes)
    results["targets"] = report.verdicts(results)
    return results


def marks(results: dict[str, Any]) -> dict[str, bool | None]:
    return {row["target"]: row["met"] for row in results["targets"]}


def test_a_clean_run_meets_every_target() -> None:
    verdict = marks(full_results())
    assert len(verdict) == 12 and all(verdict.values()), verdict


def test_each_target_can_be_missed() -> None:
    bad = report.bulk_results(
        [
            Outcome("sql", "rest", 80.0, status=500),
            Outcome("x", "socketio", 1.0, leaked=True),
            Outcome("x", "rest", 1.0, status=200, replies=["Traceback (most recent call last)"]),
        ],
        1.0,
        planned=10,
    )
    verdict = marks(
        full_results(
            bulk=bad,
            memory={"rasa_growth_pct": 12.0},
            visitor=report.visitor_results(
                [VisitorTurn(100.0, 200, True)] * 10, [VisitorTurn(250.0, 200, True)] * 10
            ),
            long_message={
                "chars": 30_000,
                "rest": {"ms": 1500.0, "answered": True},
                "socketio": {"ms": 30_000.0, "answered": False},
                "rss_growth_mb": 60.0,
            },
            burst=report.burst_results(
                [Outcome("burst", "rest", 70.0, status=200)] * 120,
                8.0,
                [VisitorTurn(1200.0, 200, True)],
                {},
            ),
        )
    )
    assert len(verdict) == 12 and not any(verdict.values()), verdict


def test_missing_phases_are_not_applicable_not_met() -> None:
    results = full_results()
    for key in ("memory", "visitor", "long_message"):
        del results[key]
    verdict = marks(results | {"targets": report.verdicts(results)})
    assert verdict["Rasa server RSS growth over the run < 10 %"] is None
    assert verdict["visitor p95 during / before <= 2 x"] is None


def test_the_table_prints_every_measure_and_the_targets(tmp_path: Path) -> None:
    results = full_results()
    text = report.table(results)
    for expected in (
        "10000 hostile messages",
        "RATE_LIMIT_PER_SENDER=1000000/minute",
        "1900.0 -> 1950.0 MB",
        "p95 ratio 1.80",
        "one 30000-character message: rest 12.0 ms, socketio 40.0 ms",
        "+0.5 MB",
        "limited 429: 100 (100 with Retry-After, p95 3.0 ms)",
        "another visitor",
        "[met ] server errors (5xx) = 0",
    ):
        assert expected in text, expected
    json_path, table_path = report.write(results, tmp_path)
    assert json.loads(json_path.read_text())["bulk"]["messages"] == 10_000
    assert table_path.read_text().strip() == text
