"""Rasa's socket.io channel, as the school's chat widget needs it.

Four fixes over `rasa.core.channels.socketio.SocketIOInput` (Rasa 3.6), everything else unchanged:

1. **Only the school's sites may connect.** Rasa builds its socket.io server with
   ``cors_allowed_origins=[]``, which tells python-engineio to skip its origin check. CORS does
   not protect WebSockets, so any page on any host could open a socket to the bot and talk to it
   in a visitor's name. This channel refuses, before the handshake, every request whose
   ``Origin`` header is not on the allow-list. Requests without an ``Origin`` are not from a web
   page (browsers always send one on WebSocket and cross-origin requests) and pass, as a REST
   client would.

2. **Persistent sessions receive their replies.** With ``session_persistence: true`` Rasa sends
   the bot's messages to a room named after the session id, which the socket joins on
   ``session_request``. Rasa 3.6 calls ``sio.enter_room`` without ``await``; with the
   python-socketio 5.x its lock allows, that is a coroutine, so the socket never joins and the
   student never sees an answer. This channel awaits it. It also refuses session ids that are
   not short opaque tokens, since they become tracker (sender) ids.

3. **A socket speaks only for its own session.** Rasa's handler takes the session id from each
   message unchecked, so any socket could write into any conversation whose id it knew. This
   channel remembers the session each socket was confirmed and refuses messages for any other.

4. **The public-endpoint checks** of `rasa_plugins.channels.guard` (length, rate per sender and
   per address) run before understanding, frames above MAX_REQUEST_BYTES close the socket, and
   the message metadata carries the server's own `client_id`.

credentials.yml::

    rasa_plugins.channels.site_socketio.SiteSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
      # allowed_origins: "https://www.school.example"   # default: $RASA_CORS_ORIGINS

``allowed_origins`` is a list or a space/comma-separated string; without it the channel reads
``RASA_CORS_ORIGINS`` (the variable the Makefile also gives ``rasa run --cors``). With neither,
no web page may connect: a forgotten setting fails closed.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import load_settings
from rasa_plugins.channels.guard import (
    CLIENT_ID_KEY,
    MessageGuard,
    button_payload_checked,
    readable_text,
)
from rasa_plugins.channels.site_rest import SORRY_REPLY, client_address

logger = logging.getLogger(__name__)

ORIGINS_ENV_VAR = "RASA_CORS_ORIGINS"
# What the widget sends (32 hex digits) and what other clients reasonably use.
SESSION_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
WRONG_SESSION_REPLY = "This chat has expired. Please reload the page to start again."


def parse_origins(value: str | Iterable[str] | None) -> frozenset[str]:
    """Normalise configured origins: split strings on spaces/commas, drop trailing slashes."""
    if value is None:
        return frozenset()
    items = re.split(r"[\s,]+", value) if isinstance(value, str) else value
    return frozenset(item.strip().rstrip("/") for item in items if item and item.strip())


def message_metadata(value: Any) -> dict[str, Any]:
    """The widget's metadata as a dict (it may send a JSON string); anything else is dropped,
    and a client's own `client_id` never survives."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    if not isinstance(value, dict):
        return {}
    return {key: item for key, item in value.items() if key != CLIENT_ID_KEY}


def session_id_from(data: Any) -> str:
    """The session id a client asked for, or a fresh one if it asked for none or a malformed one."""
    requested = data.get("session_id") if isinstance(data, dict) else None
    if isinstance(requested, str) and SESSION_ID_PATTERN.fullmatch(requested):
        return requested
    return uuid.uuid4().hex


class SiteSocketIOInput(SocketIOInput):
    """`SocketIOInput` with an origin allow-list and session rooms that are really joined."""

    def __init__(self, *args: Any, allowed_origins: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_origins = frozenset(allowed_origins)
        self.guard = MessageGuard()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        configured = credentials.get("allowed_origins")
        channel.allowed_origins = parse_origins(
            configured if configured is not None else load_settings().rasa.cors_origins
        )
        if not channel.allowed_origins:
            logger.warning(
                "socket.io: no allowed origins configured (allowed_origins or %s); "
                "web pages cannot connect",
                ORIGINS_ENV_VAR,
            )
        return channel

    def is_allowed(self, origin: str | None) -> bool:
        return origin is None or origin.rstrip("/") in self.allowed_origins

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook: Blueprint = super().blueprint(on_new_message)
        # A frame larger than this closes the socket before anything reads it.
        self.sio.eio.max_http_buffer_size = self.guard.settings.max_request_bytes
        self._refuse_other_origins()
        self._remember_clients()
        self._join_session_rooms()
        self._check_messages(on_new_message)
        return socketio_webhook

    def _refuse_other_origins(self) -> None:
        # The parent's SocketBlueprint attaches `sio.eio.handle_request` as the route when the
        # blueprint is registered, which happens after this method returns.
        engine = self.sio.eio
        handle_request = engine.handle_request

        async def handle_request_from_allowed_origins(request: Request, *args: Any) -> HTTPResponse:
            origin = request.headers.get("origin")
            if not self.is_allowed(origin):
                logger.warning("socket.io: refused a connection from origin %s", origin)
                return response.text("Origin not allowed.", status=403)
            handled: HTTPResponse = await handle_request(request, *args)
            return handled

        engine.handle_request = handle_request_from_allowed_origins

    def _remember_clients(self) -> None:
        """Keep each socket's client id (a keyed hash of its address) for the rate limits."""
        sio = self.sio
        parent_connect = sio.handlers[self.namespace or "/"]["connect"]

        async def connect(
            sid: str, environ: dict[str, Any], auth: dict[str, Any] | None = None
        ) -> bool:
            accepted = await parent_connect(sid, environ, auth)  # the parent's optional JWT check
            if accepted is False:
                return False
            request = environ.get("sanic.request")
            address = client_address(request) if request is not None else None
            await sio.save_session(
                sid, {"client_id": self.guard.client_id(address)}, namespace=self.namespace
            )
            return True

        sio.on("connect", connect, namespace=self.namespace)

    def _join_session_rooms(self) -> None:
        sio = self.sio

        async def session_request(sid: str, data: dict[str, Any] | None = None) -> None:
            session_id = session_id_from(data)
            async with sio.session(sid, namespace=self.namespace) as session:
                session["session_id"] = session_id  # the only session this socket may speak for
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):  # python-socketio 5.x; 4.x returned None
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        # Replaces the parent's handler for the same event.
        sio.on("session_request", session_request, namespace=self.namespace)

    def _check_messages(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Replaces the parent's message handler: the socket may only speak for the session it
        was confirmed, and the message passes the guard before understanding runs."""
        sio = self.sio

        async def reply(sid: str, text: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=self.namespace)

        async def handle_message(sid: str, data: Any = None) -> None:
            session = await sio.get_session(sid, namespace=self.namespace)
            if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
                logger.info("socket.io: ignored a malformed message")
                return
            if self.session_persistence:
                confirmed = session.get("session_id")
                if confirmed is None or data.get("session_id") != confirmed:
                    logger.warning(
                        "socket.io: refused a message for a session the socket does not hold"
                    )
                    await reply(sid, WRONG_SESSION_REPLY)
                    return
                sender_id = confirmed
            else:
                sender_id = sid
            text = button_payload_checked(readable_text(data.get("message", "")))
            client_id = session.get("client_id")
            refusal = self.guard.check(text, sender_id, client_id)
            if refusal is not None:
                await reply(sid, refusal.reply)
                return
            metadata = message_metadata(data.get(self.metadata_key))
            if client_id:
                metadata[CLIENT_ID_KEY] = client_id
            output = SocketIOOutput(sio, self.bot_message_evt)
            try:
                await on_new_message(
                    UserMessage(
                        text, output, sender_id, input_channel=self.name(), metadata=metadata
                    )
                )
            except Exception:  # the student still hears something; the log has the cause
                logger.exception("socket.io: a message could not be handled")
                await reply(sid, SORRY_REPLY)

        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
