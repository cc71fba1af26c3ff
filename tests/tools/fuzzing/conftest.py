"""A small stand-in for the Rasa server's two public channels, to test the fuzz client on.

It answers as Rasa 3.6 does where that matters to the fuzz client, and can be told to
misbehave: a message containing "boom" gets a 500 with a traceback, one containing
"leaky-traceback" a 200 whose text shows one, and over socket.io, like Rasa's own channel
(and unlike the site's), a `user_uttered` is answered into the room its `session_id` names,
whoever sent it, unless the server is built with ``bind_sessions``.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import socketio
from aiohttp import web

from tools.processes import free_port

ALLOWED_ORIGIN = "http://localhost:8000"
TRACEBACK_TEXT = (
    "Traceback (most recent call last):\n"
    '  File "/srv/rasa/channel.py", line 12\n'
    "KeyError: 'sender'"
)


def build_app(bind_sessions: bool, peers: list[str]) -> web.Application:
    # A short ping interval answers a closing client's pending poll quickly (Rasa's is 25 s).
    # No origin check of engine.io's own (as in Rasa): the middleware below refuses with 403,
    # as the site's channel does.
    sio = socketio.AsyncServer(
        async_mode="aiohttp", cors_allowed_origins=[], ping_interval=1, ping_timeout=2
    )
    sessions: dict[str, str] = {}  # sid -> the session it asked for

    @sio.on("session_request")
    async def session_request(sid: str, data: Any) -> None:
        session_id = data.get("session_id") if isinstance(data, dict) else None
        if not isinstance(session_id, str) or not session_id:
            return
        sessions[sid] = session_id
        await sio.enter_room(sid, session_id)
        await sio.emit("session_confirm", session_id, room=sid)

    @sio.on("user_uttered")
    async def user_uttered(sid: str, data: Any) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("session_id"), str):
            return
        room = data["session_id"]
        if bind_sessions and sessions.get(sid) != room:
            return
        await sio.emit(
            "bot_uttered", {"text": f"you said {str(data.get('message'))[:20]}"}, room=room
        )

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.remote or "")
        try:
            payload = json.loads(await request.read())
            message = payload["message"]
        except (ValueError, KeyError, TypeError, RecursionError):
            return web.Response(status=400, text="Bad Request")
        if "boom" in str(message):
            return web.Response(status=500, text=TRACEBACK_TEXT)
        if "slow down" in str(message):
            return web.json_response(
                [{"recipient_id": payload["sender"], "text": "please wait"}],
                status=429,
                headers={"Retry-After": "42"},
            )
        text = (
            TRACEBACK_TEXT if "leaky-traceback" in str(message) else "Tuition is $3,920 per term."
        )
        return web.json_response([{"recipient_id": payload.get("sender"), "text": text}])

    @web.middleware
    async def refuse_other_origins(request: web.Request, handler: Any) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if (
            request.path.startswith("/socket.io")
            and origin is not None
            and origin != ALLOWED_ORIGIN
        ):
            return web.Response(status=403, text="Origin not allowed.")
        return await handler(request)

    app = web.Application(client_max_size=65_536, middlewares=[refuse_other_origins])
    app.router.add_post("/webhooks/rest/webhook", webhook)
    sio.attach(app, socketio_path="socket.io")
    return app


class FakeRasa:
    """The stand-in, served from a thread with its own event loop."""

    def __init__(self, bind_sessions: bool) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.peers: list[str] = []  # the client address of each REST request
        self._loop = asyncio.new_event_loop()
        self._runner = web.AppRunner(build_app(bind_sessions, self.peers))
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)

    async def _serve(self) -> None:
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _shutdown(self) -> None:
        await self._runner.cleanup()
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:  # engine.io's ping service and polls still waiting
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)


@pytest.fixture
def rasa_like() -> Iterator[FakeRasa]:
    """The stand-in behaving as Rasa's own socket.io channel: replies go to the named room."""
    server = FakeRasa(bind_sessions=False)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def site_like() -> Iterator[FakeRasa]:
    """The stand-in binding each socket to the session it asked for, as the site's channel must."""
    server = FakeRasa(bind_sessions=True)
    server.start()
    yield server
    server.stop()
