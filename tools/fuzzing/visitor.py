"""A normal visitor beside the fuzz: one in-scope question every so often, timed.

Its turn times before and during the fuzz tell whether hostile traffic slows everyone else
down; during a burst from one sender, whether the rate limit keeps others answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass

import aiohttp

from tools.fuzzing.rest_client import WEBHOOK_PATH

QUESTION = "how much is tuition for computer science?"
# A visitor's conversation this long, then a fresh one (as the benchmark's students do).
TURNS_PER_CONVERSATION = 10


@dataclass
class VisitorTurn:
    ms: float
    status: int | None
    answered: bool  # HTTP 200 with at least one bot message


async def ask(
    client: aiohttp.ClientSession, base_url: str, sender: str, question: str = QUESTION
) -> VisitorTurn:
    started = time.perf_counter()
    try:
        async with client.post(
            f"{base_url}{WEBHOOK_PATH}", json={"sender": sender, "message": question}
        ) as response:
            body = await response.read()
            status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return VisitorTurn((time.perf_counter() - started) * 1000, None, False)
    ms = (time.perf_counter() - started) * 1000
    try:
        replies = json.loads(body)
    except ValueError:
        replies = None
    return VisitorTurn(ms, status, status == 200 and isinstance(replies, list) and bool(replies))


async def visit(
    client: aiohttp.ClientSession,
    base_url: str,
    interval: float,
    stop: asyncio.Event,
    name: str = "visitor",
    at_least: int = 0,
) -> list[VisitorTurn]:
    """Ask every ``interval`` seconds (start to start) until ``stop`` is set and at least
    ``at_least`` turns were taken."""
    turns: list[VisitorTurn] = []
    sender = ""
    while not stop.is_set() or len(turns) < at_least:
        if len(turns) % TURNS_PER_CONVERSATION == 0:
            sender = f"{name}-{uuid.uuid4().hex[:12]}"
        started = time.monotonic()
        turns.append(await ask(client, base_url, sender))
        pause = interval - (time.monotonic() - started)
        if pause <= 0:
            continue
        if len(turns) < at_least:
            await asyncio.sleep(pause)
        else:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)  # ends the pause early at the stop
    return turns


async def visit_for(
    client: aiohttp.ClientSession,
    base_url: str,
    interval: float,
    seconds: float,
    name: str = "visitor",
) -> list[VisitorTurn]:
    """The visitor alone for ``seconds``: the baseline."""
    stop = asyncio.Event()
    task = asyncio.create_task(visit(client, base_url, interval, stop, name))
    await asyncio.sleep(seconds)
    stop.set()
    return await task
