"""Sending a plan's cases with a few concurrent workers per channel, and a burst from one sender.

Each worker sends its next case as soon as the previous one is answered (a closed loop), so
the number of workers is the number of hostile requests in flight; that, not the number of
messages, decides how hard the server is pushed.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator

import aiohttp

from tools.fuzzing import rest_client, socketio_client
from tools.fuzzing.cases import Plan, RestCase, SocketCase
from tools.fuzzing.outcome import Outcome
from tools.fuzzing.visitor import QUESTION

Progress = Callable[[int], None]
# REST requests in a row without any HTTP answer (timed out, refused) after which the server is
# taken to have stopped answering, and the run ends rather than wait out every remaining case.
STALL_AFTER_UNANSWERED = 6


class Watch:
    """Whether the server still answers: ends the run once it has stopped."""

    def __init__(self) -> None:
        self.unanswered_in_a_row = 0
        self.stalled = False

    def saw(self, outcome: Outcome) -> None:
        if outcome.channel != "rest":
            return
        self.unanswered_in_a_row = self.unanswered_in_a_row + 1 if outcome.unanswered else 0
        self.stalled = self.stalled or self.unanswered_in_a_row >= STALL_AFTER_UNANSWERED


async def _rest_worker(
    client: aiohttp.ClientSession,
    base_url: str,
    cases: Iterator[RestCase],
    outcomes: list[Outcome],
    progress: Progress | None,
    watch: Watch | None = None,
) -> None:
    for case in cases:
        outcome = await rest_client.send(client, base_url, case)
        outcomes.append(outcome)
        if progress:
            progress(len(outcomes))
        if watch:
            watch.saw(outcome)
            if watch.stalled:
                return


async def _socket_worker(
    base_url: str,
    cases: Iterator[SocketCase],
    reply_wait: float,
    outcomes: list[Outcome],
    progress: Progress | None,
    closing: list[asyncio.Task[None]],
    watch: Watch,
) -> None:
    for case in cases:
        if watch.stalled:
            return
        outcomes.append(await socketio_client.play(base_url, case, reply_wait, closing))
        if progress:
            progress(len(outcomes))


async def run_plan(
    base_url: str,
    plan: Plan,
    rest_workers: int,
    socket_workers: int,
    reply_wait: float,
    progress: Progress | None = None,
) -> list[Outcome]:
    """The cases of ``plan``; the outcomes in the order they finished. All of them, unless the
    server stopped answering (STALL_AFTER_UNANSWERED REST requests in a row without an answer):
    then fewer, ending with those unanswered requests."""
    outcomes: list[Outcome] = []
    closing: list[asyncio.Task[None]] = []
    watch = Watch()
    rest_cases, socket_cases = iter(plan.rest), iter(plan.socketio)  # shared: each case sent once
    async with rest_client.session(connections=rest_workers) as client:
        await asyncio.gather(
            *(
                _rest_worker(client, base_url, rest_cases, outcomes, progress, watch)
                for _ in range(rest_workers)
            ),
            *(
                _socket_worker(
                    base_url, socket_cases, reply_wait, outcomes, progress, closing, watch
                )
                for _ in range(socket_workers)
            ),
        )
    await socketio_client.finish_closing(closing)
    return outcomes


def burst_case(sender: str, question: str = QUESTION) -> RestCase:
    return RestCase(
        "burst",
        json.dumps({"sender": sender, "message": question}).encode(),
        "application/json",
        question,
    )


async def burst(
    base_url: str, sender: str, count: int, concurrency: int, local_address: str | None = None
) -> tuple[list[Outcome], float]:
    """``count`` messages from one sender, ``concurrency`` at a time, as fast as they are
    answered; the outcomes and the seconds the burst took."""
    cases = iter([burst_case(sender)] * count)
    outcomes: list[Outcome] = []
    started = time.perf_counter()
    async with rest_client.session(local_address, connections=concurrency) as client:
        await asyncio.gather(
            *(_rest_worker(client, base_url, cases, outcomes, None) for _ in range(concurrency))
        )
    return outcomes, time.perf_counter() - started
