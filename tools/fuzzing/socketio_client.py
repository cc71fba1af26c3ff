"""Playing one socket.io case as the chat widget's protocol goes, or deliberately not.

The widget connects to `/socket.io`, sends `session_request` with its session id, waits for
`session_confirm`, then sends each message as `user_uttered` {"message", "session_id"}; the
bot answers with `bot_uttered` events into the session's room. A case may skip or garble any
step; for `other_session`, a second client holds the session the hostile one writes for, and
anything it hears is a reply delivered into someone else's conversation.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import socketio

from tools.fuzzing.cases import NO_SESSION_REQUEST, SocketCase
from tools.fuzzing.outcome import Outcome, status_from_error

SOCKETIO_PATH = "/socket.io"
# Long polling only: python-engineio's WebSocket client needs aiohttp 3.10 (ClientWSTimeout),
# and the Rasa environment has 3.9 (Rasa 3.6's pin). The server applies the same origin check,
# size limit and handlers to both transports.
TRANSPORTS = ["polling"]
CONNECT_TIMEOUT_SECONDS = 10
CONFIRM_TIMEOUT_SECONDS = 5
# After the first reply, further messages of the same turn are collected this long.
LINGER_SECONDS = 0.3


class Listener:
    """A connected client and what it has heard."""

    def __init__(self) -> None:
        # Our own HTTP session: python-engineio closes a session of its own before it reads a
        # refused handshake's body, and then waits its full timeout for it, now and then.
        self.http = aiohttp.ClientSession()
        self.client = socketio.AsyncClient(
            reconnection=False, handle_sigint=False, http_session=self.http
        )
        self.replies: list[Any] = []
        self.confirmed = asyncio.Event()
        self.replied = asyncio.Event()
        self.disconnected = False
        self.client.on("bot_uttered", self._on_reply)
        self.client.on("session_confirm", self._on_confirm)
        self.client.on("disconnect", self._on_disconnect)

    async def _on_reply(self, data: Any) -> None:
        self.replies.append(data)
        self.replied.set()

    async def _on_confirm(self, data: Any = None) -> None:
        self.confirmed.set()

    async def _on_disconnect(self, *reason: Any) -> None:
        self.disconnected = True
        self.replied.set()  # nothing more will come

    async def connect(self, base_url: str, origin: str | None) -> None:
        await self.client.connect(
            base_url,
            headers={"Origin": origin} if origin else {},
            transports=TRANSPORTS,
            socketio_path=SOCKETIO_PATH,
            wait_timeout=CONNECT_TIMEOUT_SECONDS,
        )

    async def request_session(self, payload: Any) -> None:
        await self.client.emit("session_request", payload)
        try:
            await asyncio.wait_for(self.confirmed.wait(), CONFIRM_TIMEOUT_SECONDS)
        except asyncio.TimeoutError:
            pass  # an unknown sender may well be refused a session

    def close(self, closing: list[asyncio.Task[None]]) -> None:
        """Disconnect in the background: over long polling the server answers the client's
        pending poll only at its next ping (up to 25 s), and the next case need not wait."""
        closing.append(asyncio.create_task(self._disconnect()))

    async def _disconnect(self) -> None:
        try:
            await self.client.disconnect()
        except Exception:  # noqa: BLE001 - a client the server already dropped
            pass
        await self.http.close()


async def finish_closing(closing: list[asyncio.Task[None]]) -> None:
    """Wait until the clients closed in the background are disconnected."""
    await asyncio.gather(*closing)
    closing.clear()


def _text(reply: Any) -> str:
    """A `bot_uttered` payload as text, buttons and attachments included, for the search."""
    return json.dumps(reply, ensure_ascii=False) if isinstance(reply, (dict, list)) else str(reply)


async def play(
    base_url: str, case: SocketCase, reply_wait: float, closing: list[asyncio.Task[None]]
) -> Outcome:
    """Run ``case`` and wait up to ``reply_wait`` seconds for the first reply; its clients are
    disconnected in the background, into ``closing`` (see `finish_closing`)."""
    victim = Listener() if case.victim_session else None
    client = Listener()
    started = time.perf_counter()
    try:
        if victim:
            await victim.connect(base_url, case.origin)
            await victim.request_session({"session_id": case.victim_session})
        try:
            await client.connect(base_url, case.origin)
        except socketio.exceptions.ConnectionError as error:
            message = " ".join(str(arg) for arg in error.args)
            return Outcome(
                case.kind,
                "socketio",
                (time.perf_counter() - started) * 1000,
                status=status_from_error(message),
                sent=case.message,
                sender=case.session,
                refused=True,
                error=message[:300],
            )
        if case.session_request != NO_SESSION_REQUEST:
            await client.request_session(case.session_request)
        started = time.perf_counter()
        await client.client.emit("user_uttered", case.payload)
        try:
            await asyncio.wait_for(client.replied.wait(), reply_wait)
            await asyncio.sleep(LINGER_SECONDS)
        except asyncio.TimeoutError:
            pass
        elapsed = (time.perf_counter() - started) * 1000
        if victim and not victim.replies:
            await asyncio.sleep(max(0.0, reply_wait - elapsed / 1000))  # let a leak arrive
        return Outcome(
            case.kind,
            "socketio",
            elapsed,
            sent=case.message,
            sender=case.session,
            replies=[_text(reply) for reply in client.replies],
            disconnected=client.disconnected,
            leaked=bool(victim and victim.replies),
            error="" if client.replies else "no reply",
        )
    except (socketio.exceptions.SocketIOError, OSError, asyncio.TimeoutError) as error:
        return Outcome(
            case.kind,
            "socketio",
            (time.perf_counter() - started) * 1000,
            sent=case.message,
            sender=case.session,
            error=f"{type(error).__name__}: {error}"[:300],
            disconnected=True,
        )
    finally:
        client.close(closing)
        if victim:
            victim.close(closing)
