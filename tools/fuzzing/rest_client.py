"""Sending one case to the REST webhook exactly as built: raw bytes, its own content type."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from tools.fuzzing.cases import RestCase
from tools.fuzzing.outcome import Outcome

WEBHOOK_PATH = "/webhooks/rest/webhook"
REQUEST_TIMEOUT_SECONDS = 30
# The part of a reply body kept and searched (a reply is a few hundred bytes; an error page
# with a traceback is a few kilobytes).
BODY_KEPT_CHARS = 100_000


def session(local_address: str | None = None, connections: int = 8) -> aiohttp.ClientSession:
    """An HTTP client; ``local_address`` sends from another loopback address (127.0.0.2, ...),
    which the server's per-address rate limit sees as another visitor."""
    connector = aiohttp.TCPConnector(
        limit=connections, local_addr=(local_address, 0) if local_address else None
    )
    return aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    )


async def send(client: aiohttp.ClientSession, base_url: str, case: RestCase) -> Outcome:
    url = f"{base_url}{WEBHOOK_PATH}" + (f"?{case.query}" if case.query else "")
    headers, skip = {}, ["Content-Type"]
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
        skip = []
    started = time.perf_counter()
    try:
        async with client.post(
            url, data=case.body, headers=headers, skip_auto_headers=skip
        ) as response:
            body = await response.read()
            return Outcome(
                case.kind,
                "rest",
                (time.perf_counter() - started) * 1000,
                status=response.status,
                replies=[body.decode("utf-8", errors="replace")[:BODY_KEPT_CHARS]],
                sent=case.message,
                sender=case.sender,
                retry_after=response.headers.get("Retry-After"),
            )
    # ConnectionError: the server answered (413 to an oversized body) and closed the connection
    # while aiohttp was still writing the body; aiohttp then raises the built-in error.
    except (
        aiohttp.ClientError,
        asyncio.TimeoutError,
        ConnectionError,
        UnicodeError,
        ValueError,
    ) as error:
        return Outcome(
            case.kind,
            "rest",
            (time.perf_counter() - started) * 1000,
            sent=case.message,
            sender=case.sender,
            error=f"{type(error).__name__}: {error}"[:300],
        )
