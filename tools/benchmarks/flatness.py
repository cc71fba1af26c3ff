"""Does a long conversation get slower? p95 at turn 200 over p95 at turn 5.

Several long conversations of database questions; the latency of the turns around turn 5
and around turn 200 (a window of 5 turns each, over every conversation) is compared. The
questions cycle with period 5, so both windows ask exactly the same questions.
"""

from __future__ import annotations

import uuid
from typing import Any

import requests

from tools.benchmarks.conversations import DB_ANSWERS
from tools.benchmarks.latency import reply_text, timed_post
from tools.benchmarks.stats import percentile, ratio, summary

EARLY_TURN = 5
WINDOW = 5  # turns, centred on the compared turn; equal to the question cycle


def measure(servers: Any, conversations: int, late_turn: int) -> dict[str, Any]:
    cycle = DB_ANSWERS[:WINDOW]
    last_turn = late_turn + WINDOW // 2
    url = f"{servers.rasa_url}/webhooks/rest/webhook"
    by_turn: dict[int, list[float]] = {turn: [] for turn in range(1, last_turn + 1)}
    errors = 0
    with requests.Session() as session:
        for _ in range(conversations):
            sender = f"bench-long-{uuid.uuid4().hex[:12]}"
            for turn in range(1, last_turn + 1):
                ms, response = timed_post(
                    session, url, {"sender": sender, "message": cycle[(turn - 1) % WINDOW]}
                )
                errors += not reply_text(response)[0]
                by_turn[turn].append(ms)

    def window(centre: int) -> list[float]:
        return [
            ms
            for turn in range(centre - WINDOW // 2, centre + WINDOW // 2 + 1)
            for ms in by_turn[turn]
        ]

    early, late = window(EARLY_TURN), window(late_turn)
    return {
        "conversations": conversations,
        "early_turn": EARLY_TURN,
        "late_turn": late_turn,
        "early": summary(early),
        "late": summary(late),
        "ratio_p95": ratio(percentile(late, 95), percentile(early, 95)),
        "ratio_p50": ratio(percentile(late, 50), percentile(early, 50)),
        "errors": errors,
        "p50_by_turn": [percentile(by_turn[turn], 50) for turn in range(1, last_turn + 1)],
    }
