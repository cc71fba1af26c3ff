"""A bounded asyncio load generator: N simulated students, one sender id each, on loopback.

Each simulated student plays whole conversations (a fresh sender id for each) one message
at a time, waiting for the answer before the next: a closed loop, so N is the number of
messages in flight. Stepping N up finds the highest rate that keeps p95 under the limit
with no errors. Every run is bounded in time or in messages and stops by itself.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tools.benchmarks.conversations import OURS, Scripts
from tools.benchmarks.stats import summary

REQUEST_TIMEOUT_SECONDS = 30
RAMP_FRACTION = 0.15  # the first part of a timed step is the ramp; not measured


@dataclass
class Sample:
    started: float
    ms: float
    ok: bool
    upstream: str = ""


@dataclass
class LevelResult:
    users: int
    seconds: float
    samples: list[Sample] = field(default_factory=list)

    @property
    def measured(self) -> list[Sample]:
        start = self.samples[0].started if self.samples else 0.0
        ramp_end = start + self.seconds * RAMP_FRACTION
        return [s for s in self.samples if s.started >= ramp_end] or self.samples

    def as_dict(self) -> dict[str, Any]:
        measured = self.measured
        ok = [s for s in measured if s.ok]
        span = (
            max(s.started + s.ms / 1000 for s in measured) - min(s.started for s in measured)
            if measured
            else 0.0
        )
        return {
            "users": self.users,
            "messages": len(measured),
            "errors": len(measured) - len(ok),
            "rate_per_s": len(ok) / span if span else 0.0,
            **summary([s.ms for s in ok]),
            "upstreams": sorted({s.upstream for s in measured if s.upstream}),
            # The machine may be shared: a load average far above its cores explains slow steps.
            "load_average_1min": os.getloadavg()[0],
        }


async def _student(
    session: aiohttp.ClientSession,
    url: str,
    name: str,
    deadline: float,
    budget: list[int],
    samples: list[Sample],
    conversation_turns: int,
    scripts: Scripts,
) -> None:
    for _, messages in scripts.load_scripts(conversation_turns):
        sender = f"load-{name}-{uuid.uuid4().hex[:10]}"
        for message in messages:
            if time.monotonic() >= deadline or budget[0] <= 0:
                return
            budget[0] -= 1
            started = time.monotonic()
            ok, upstream = False, ""
            try:
                async with session.post(
                    url, json={"sender": sender, "message": message}
                ) as response:
                    body = await response.json(content_type=None)
                    ok = response.status == 200 and isinstance(body, list)
                    upstream = response.headers.get("X-Upstream", "")
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                pass
            samples.append(Sample(started, (time.monotonic() - started) * 1000, ok, upstream))


async def _run(
    base_url: str,
    users: int,
    seconds: float,
    messages: int,
    conversation_turns: int,
    scripts: Scripts,
) -> LevelResult:
    result = LevelResult(users, seconds)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    connector = aiohttp.TCPConnector(limit=users)
    deadline = time.monotonic() + seconds
    budget = [messages]
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(
            *(
                _student(
                    session,
                    f"{base_url}/webhooks/rest/webhook",
                    f"u{index}",
                    deadline,
                    budget,
                    result.samples,
                    conversation_turns,
                    scripts,
                )
                for index in range(users)
            )
        )
    result.samples.sort(key=lambda s: s.started)
    return result


def run(
    base_url: str,
    users: int,
    seconds: float = float("inf"),
    messages: int = 10**12,
    conversation_turns: int = 10,
    scripts: Scripts = OURS,
) -> LevelResult:
    """One load level: ``users`` students until ``seconds`` pass or ``messages`` are sent,
    each playing the conversations of ``scripts`` (ours unless a peer is measured)."""
    if seconds == float("inf") and messages >= 10**12:
        raise ValueError("a load run needs a time or a message bound")
    return asyncio.run(_run(base_url, users, seconds, messages, conversation_turns, scripts))


def step(
    base_url: str,
    levels: tuple[int, ...],
    seconds: float,
    p95_limit_ms: float,
    conversation_turns: int = 10,
    scripts: Scripts = OURS,
) -> dict[str, Any]:
    """Raise concurrency until p95 is far past the limit; report the best rate within it.

    ``best_rate_per_s`` is that rate, or 0 when no level kept within the limit: a measured
    set-up that never met the criterion served nothing by it, which a target must see as a
    miss, not as a number that is missing.
    """
    results = []
    for users in levels:
        level = run(
            base_url,
            users,
            seconds=seconds,
            conversation_turns=conversation_turns,
            scripts=scripts,
        ).as_dict()
        level["within_limit"] = level["errors"] == 0 and level["p95_ms"] <= p95_limit_ms
        results.append(level)
        print(
            f"  {users:>3} users: {level['rate_per_s']:6.1f} msg/s, p95 {level['p95_ms']:7.1f} ms, "
            f"errors {level['errors']}",
            flush=True,
        )
        if level["p95_ms"] > 3 * p95_limit_ms or level["errors"] > 0:
            break  # saturated: more users only queue longer
    good = [level for level in results if level["within_limit"]]
    best = max(good, key=lambda level: level["rate_per_s"]) if good else None
    return {
        "levels": results,
        "best": best,
        "best_rate_per_s": best["rate_per_s"] if best else 0.0,
        "p95_limit_ms": p95_limit_ms,
    }
