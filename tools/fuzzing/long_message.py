"""One very long message over each channel: how long its answer takes, and what it costs in memory.

The protocol asks for the figures of a 30,000-character message: refused before NLU, it should
be answered in well under a second and leave the Rasa server's memory where it was.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any

from tools.fuzzing import rest_client, socketio_client
from tools.fuzzing.cases import RestCase, SocketCase
from tools.fuzzing.visitor import QUESTION

SETTLE_SECONDS = 1.0


def long_text(chars: int) -> str:
    """An in-scope question repeated to ``chars`` characters (the worst case for NLU, if it got
    there)."""
    unit = QUESTION + " "
    return (unit * (chars // len(unit) + 1))[:chars]


async def measure(
    base_url: str,
    chars: int,
    origin: str,
    rss_mb: Callable[[], float],
    closing: list[asyncio.Task[None]],
) -> dict[str, Any]:
    """Send the message once over REST, once over socket.io; time each, and the RSS around both.
    The socket.io client is disconnected in the background, into ``closing``."""
    text = long_text(chars)
    before = rss_mb()
    sender = f"long-{uuid.uuid4().hex[:12]}"
    async with rest_client.session() as client:
        rest = await rest_client.send(
            client,
            base_url,
            RestCase(
                "long_message",
                json.dumps({"sender": sender, "message": text}).encode(),
                "application/json",
                text,
            ),
        )
    session = uuid.uuid4().hex
    socket = await socketio_client.play(
        base_url,
        SocketCase(
            "long_message",
            origin,
            {"session_id": session},
            {"message": text, "session_id": session},
        ),
        reply_wait=30,
        closing=closing,
    )
    await asyncio.sleep(SETTLE_SECONDS)
    after = rss_mb()
    rest_answered = rest.status == 200 and _is_reply_list(rest.replies[0] if rest.replies else "")
    return {
        "chars": chars,
        "rest": {
            "ms": rest.ms,
            "status": rest.status,
            "answered": rest_answered,
            "error": rest.error,
        },
        "socketio": {"ms": socket.ms, "answered": bool(socket.replies), "error": socket.error},
        "reply": (rest.replies[0] if rest.replies else "")[:300],
        "rss_before_mb": before,
        "rss_after_mb": after,
        "rss_growth_mb": after - before,
    }


def _is_reply_list(body: str) -> bool:
    try:
        replies = json.loads(body)
    except ValueError:
        return False
    return isinstance(replies, list) and bool(replies)
