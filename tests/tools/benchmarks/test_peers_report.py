"""The peers table and the speed targets, on hand-made results (nothing is trained or served)."""

from __future__ import annotations

from typing import Any

import pytest

from tools.benchmarks.report import peer_lines, peer_rows, table, target_lines, verdicts


def latency(kind: str, turn_p50: float, parse_p50: float) -> dict[str, Any]:
    return {
        kind: {
            "turn": {"n": 20, "p50_ms": turn_p50, "p95_ms": turn_p50 * 1.5, "p99_ms": turn_p50 * 2},
            "parse": {"n": 20, "p50_ms": parse_p50, "p95_ms": parse_p50 * 1.5},
            "ratio_p50": turn_p50 / parse_p50,
            "ratio_p95": turn_p50 / parse_p50,
            "errors": 0,
        }
    }


def throughput(best_rate: float | None, users: int = 4, rss: float = 900.0) -> dict[str, Any]:
    level = {
        "users": users,
        "rate_per_s": best_rate or 3.0,
        "p50_ms": 50.0,
        "p95_ms": 90.0 if best_rate else 900.0,
        "p99_ms": 120.0,
        "errors": 0,
        "load_average_1min": 1.0,
    }
    return {
        "levels": [level],
        "best": level if best_rate else None,
        "best_rate_per_s": best_rate or 0.0,
        "p95_limit_ms": 300.0,
        "rasa_rss_mb": rss,
    }


def results(
    ours_p50: float | None = 40.0,
    ours_rate: float | None = 36.0,
    default_p50: float | None = 60.0,
    init_rate: float | None = 40.0,
    epochs_scale: float = 1.0,
) -> dict[str, Any]:
    """A run's results: ours from the single-process steps, and both peers (None: absent)."""
    run: dict[str, Any] = {
        "started": "2026-12-01T10:00:00+00:00",
        "finished": "2026-12-01T10:40:00+00:00",
        "config": {"is_default": epochs_scale == 1.0},
        "machine": {"cpus": 2, "load_average_at_start": (1.0,), "load_average_at_end": (1.2,)},
        "cold_start_s": 12.5,
    }
    if ours_p50 is not None:
        run["latency"] = latency("db_answer", ours_p50, 16.0)
    if ours_rate is not None:
        run["throughput"] = {"single": {"setup": "1 Rasa", **throughput(ours_rate, rss=1100.0)}}
    assistants: dict[str, Any] = {}
    if default_p50 is not None:
        assistants["default_config"] = {
            "label": "Rasa default config, our data",
            "answer_kind": "db_answer",
            "model": {"path": "var/cache/bench/peers/default-config-x.tar.gz", "trained_s": 960.0},
            "cold_start_s": 20.25,
            "latency": latency("db_answer", default_p50, 8.0),
            "throughput": throughput(25.0, users=2, rss=1500.0),
        }
    assistants["rasa_init"] = (
        {"label": "rasa init assistant", "answer_kind": "mood", "error": "server did not start"}
        if init_rate is None
        else {
            "label": "rasa init assistant",
            "answer_kind": "mood",
            "model": {"path": "var/cache/bench/peers/rasa-init-y.tar.gz", "trained_s": None},
            "cold_start_s": 9.0,
            "latency": latency("mood", 20.0, 7.0),
            "throughput": throughput(init_rate, users=8, rss=700.0),
        }
    )
    run["peers"] = {
        "epochs_scale": epochs_scale,
        "turns": 300,
        "headline": epochs_scale == 1.0,
        "assistants": assistants,
    }
    return run


def verdict(run: dict[str, Any], name: str) -> dict[str, Any]:
    rows = [row for row in verdicts(run) if row["target"].startswith(name)]
    assert len(rows) == 1, [row["target"] for row in verdicts(run)]
    return rows[0]


def test_targets_are_the_issues_list() -> None:
    assert [row["target"] for row in verdicts(results())] == [
        "DB answer / parse (p50) <= 2 x",
        "throughput, 1 Rasa process >= 35 msg/s",
        "Rasa server RSS after soak <= 1000 MB",
        "Rasa RSS growth over soak < 5 %",
        "action server RSS after soak <= 200 MB",
        "action server RSS growth over soak < 5 %",
        "flatness p95 turn 200 / turn 5 <= 1.2 x",
        "cold start to first answer <= 15 s",
        "full training <= 90 s",
        "turn p50 added by 1,000 KB entries <= 3 ms",
        "Rasa RSS added by 1,000 KB entries <= 50 MB",
        "throughput with 10,000 KB entries >= 35 msg/s",
        "DB answer p50 ahead of Rasa default config",
        "throughput, 1 Rasa process >= 80% of rasa init's",
        "scaled out ahead of 1 process",
    ]


@pytest.mark.parametrize(
    ("ours_p50", "default_p50", "met"),
    [(40.0, 60.0, True), (60.0, 60.0, False), (75.0, 60.0, False)],
)
def test_db_answer_ahead_of_the_default_config(
    ours_p50: float, default_p50: float, met: bool
) -> None:
    row = verdict(results(ours_p50=ours_p50, default_p50=default_p50), "DB answer p50 ahead")
    assert (row["met"], row["value"], row["versus"]["value"]) == (met, ours_p50, default_p50)


@pytest.mark.parametrize(
    ("ours_rate", "init_rate", "met"),
    [(32.0, 40.0, True), (31.9, 40.0, False), (50.0, 40.0, True), (0.0, 40.0, False)],
)
def test_throughput_against_80_percent_of_rasa_init(
    ours_rate: float, init_rate: float, met: bool
) -> None:
    row = verdict(
        results(ours_rate=ours_rate, init_rate=init_rate), "throughput, 1 Rasa process >= 80%"
    )
    assert row["met"] is met


def test_a_peer_that_served_nothing_within_the_limit_is_measured_as_zero() -> None:
    run = results()
    run["peers"]["assistants"]["rasa_init"]["throughput"] = throughput(None)
    row = verdict(run, "throughput, 1 Rasa process >= 80%")
    assert (row["met"], row["versus"]["value"]) == (True, 0.0)


def test_a_relative_target_whose_peer_was_not_measured_is_never_met() -> None:
    run = results(default_p50=None, init_rate=None)  # no default peer; rasa init failed
    for name in ("DB answer p50 ahead", "throughput, 1 Rasa process >= 80%"):
        row = verdict(run, name)
        assert row["met"] is None
        assert row["versus"]["value"] is None
    lines = target_lines(verdicts(run), "speed", 50)
    ahead = next(line for line in lines if "ahead of Rasa default config" in line)
    assert ahead.startswith("  [n/a ]")
    assert ahead.endswith("Rasa default config: not measured")


def test_without_the_peers_step_relative_targets_read_not_measured() -> None:
    run = results()
    del run["peers"]
    assert verdict(run, "DB answer p50 ahead")["met"] is None
    assert verdict(run, "throughput, 1 Rasa process >= 80%")["met"] is None


def test_nor_when_ours_was_not_measured() -> None:
    row = verdict(results(ours_p50=None), "DB answer p50 ahead")
    assert (row["met"], row["versus"]["value"]) == (None, 60.0)


def test_relative_lines_show_the_peers_number_and_the_threshold() -> None:
    lines = target_lines(verdicts(results(ours_rate=36.0, init_rate=40.0)), "speed", 50)
    line = next(line for line in lines if "80% of rasa init" in line)
    assert line.startswith("  [met ]")
    assert line.endswith("36.0 msg/s; rasa init: 40.0 msg/s (x0.8 = 32.0)")


def test_a_smoke_trained_peer_is_named_so_in_its_verdict() -> None:
    row = verdict(results(epochs_scale=0.05), "DB answer p50 ahead")
    assert row["versus"]["label"] == "Rasa default config (epochs x0.05, not headline)"
    scaled_out = verdict(results(epochs_scale=0.05), "scaled out ahead")
    assert scaled_out["versus"]["label"] == "1 process"


def test_peer_rows_take_each_assistants_own_answer_turns() -> None:
    ours, default, init = peer_rows(results())
    assert ours == {
        "label": "ours (db_answer)",
        "cold_start_s": 12.5,
        "answer_p50_ms": 40.0,
        "parse_p50_ms": 16.0,
        "ratio_p50": 2.5,
        "best_rate_per_s": 36.0,
        "best_users": 4.0,
        "rasa_rss_mb": 1100.0,
        "error": None,
    }
    assert (default["label"], default["answer_p50_ms"], default["best_users"]) == (
        "Rasa default config, our data (db_answer)",
        60.0,
        2.0,
    )
    assert (init["label"], init["answer_p50_ms"], init["rasa_rss_mb"]) == (
        "rasa init assistant (mood)",
        20.0,
        700.0,
    )


def test_the_peers_table_prints_one_row_each() -> None:
    lines = peer_lines(results())
    rows = {
        line.split(" (")[0]: line for line in lines if "(db_answer)" in line or "(mood)" in line
    }
    assert rows["ours"].split()[2:] == ["12.5", "40.0", "16.0", "2.50", "36.0", "(4)", "1100.0"]
    assert rows["Rasa default config, our data"].split()[6:] == [
        "20.2",
        "60.0",
        "8.0",
        "7.50",
        "25.0",
        "(2)",
        "1500.0",
    ]
    assert rows["rasa init assistant"].split()[4:] == [
        "9.0",
        "20.0",
        "7.0",
        "2.86",
        "40.0",
        "(8)",
        "700.0",
    ]
    text = "\n".join(lines)
    assert "within p95 <= 300 ms" in text
    assert "Rasa default config, our data: model trained in 960 s" in text
    assert "rasa init assistant: model from the cache" in text
    assert "NOT headline" not in text


def test_the_peers_table_says_what_was_not_measured() -> None:
    run = results(ours_p50=None, ours_rate=None, init_rate=None)
    del run["cold_start_s"]
    lines = peer_lines(run)
    ours = next(line for line in lines if line.startswith("ours (db_answer)"))
    assert ours.split()[2:] == ["-"] * 6
    init = next(line for line in lines if line.startswith("rasa init assistant (mood)"))
    assert init.split()[4:] == ["-"] * 6
    assert "    rasa init assistant: not measured: server did not start" in lines


def test_a_peer_with_no_level_within_the_limit_reads_none() -> None:
    run = results()
    run["peers"]["assistants"]["rasa_init"]["throughput"] = throughput(None)
    init = next(line for line in peer_lines(run) if line.startswith("rasa init assistant (mood)"))
    assert init.split()[-2:] == ["none", "900.0"]


def test_smoke_trained_peers_are_not_headline_numbers() -> None:
    text = "\n".join(peer_lines(results(epochs_scale=0.05)))
    assert "NOT headline numbers: the peers were trained with epochs x0.05" in text


def test_the_peers_table_follows_the_throughput_sections() -> None:
    run = results()
    run["targets"] = verdicts(run)
    printed = table(run)
    assert printed.index("throughput, 1 Rasa process (") < printed.index("peers, in this run")
    assert printed.index("peers, in this run") < printed.index("targets (speed)")
    assert "peers, in this run" not in table({**run, "peers": None})
