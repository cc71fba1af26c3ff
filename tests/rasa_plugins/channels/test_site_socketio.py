"""The widget's socket.io channel: a socket speaks only for the session it was confirmed, and
messages pass the same length and rate checks as REST before they reach the bot."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import socketio
from limits import parse_many

from rasa_plugins.channels.guard import GuardSettings, MessageGuard
from rasa_plugins.channels.site_socketio import WRONG_SESSION_REPLY, SiteSocketIOInput
from tests.rasa_plugins.channels.conftest import EchoBot, serving

SITE = "http://localhost:8000"


def channel(**overrides: Any) -> SiteSocketIOInput:
    widget = SiteSocketIOInput("user_uttered", "bot_uttered", session_persistence=True)
    widget.allowed_origins = frozenset({SITE})
    widget.guard = MessageGuard(GuardSettings(client_id_key=b"k" * 32, **overrides))
    return widget


class Visitor:
    """A socket.io client as the widget uses it, collecting the bot's replies."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.replies: asyncio.Queue = asyncio.Queue()
        self.session: str | None = None
        self.client.on("bot_uttered", self.replies.put_nowait)

    async def open(self, base: str, session_id: str | None, origin: str = SITE) -> None:
        confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
        self.client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
        await self.client.connect(base, headers={"Origin": origin}, transports=["polling"])
        if session_id is None:
            await self.client.emit("session_request")  # no payload at all
        else:
            await self.client.emit("session_request", {"session_id": session_id})
        self.session = await asyncio.wait_for(confirmed, 5)

    async def close(self) -> None:
        # Long polling: waiting for the open poll to end would take the ping interval (25 s).
        await self.client.eio.disconnect(abort=True)

    async def say(self, text: str, session_id: str | None = None) -> dict:
        await self.client.emit(
            "user_uttered", {"message": text, "session_id": session_id or self.session}
        )
        return await asyncio.wait_for(self.replies.get(), 5)


def test_a_visitor_is_answered_in_its_own_session_with_the_servers_client_id(run) -> None:
    bot = EchoBot()

    async def scenario() -> dict:
        async with serving(channel(), bot) as base:
            visitor = Visitor()
            await visitor.open(base, "a" * 32)
            reply = await visitor.say("when can I start?")
            await visitor.close()
            return reply

    assert run(scenario())["text"] == "echo: when can I start?"
    [message] = bot.received
    assert message.sender_id == "a" * 32
    assert len(message.metadata["client_id"]) == 16


def test_a_socket_cannot_speak_for_another_session(run) -> None:
    bot = EchoBot()

    async def scenario() -> list[dict]:
        async with serving(channel(), bot) as base:
            owner, intruder = Visitor(), Visitor()
            await owner.open(base, "b" * 32)
            await intruder.open(base, "c" * 32)
            replies = [
                await intruder.say("my e-mail is x@example.com", session_id="b" * 32),
                await intruder.say("hello", session_id="../../etc/passwd"),
                await intruder.say("hello", session_id="d" * 1000),
            ]
            await owner.close()
            await intruder.close()
            return replies

    assert [reply["text"] for reply in run(scenario())] == [WRONG_SESSION_REPLY] * 3
    assert bot.received == []


@pytest.mark.parametrize("requested", ["../../etc/passwd", None])
def test_a_malformed_or_empty_session_request_gets_a_fresh_session(run, requested) -> None:
    async def scenario() -> str:
        async with serving(channel(), EchoBot()) as base:
            visitor = Visitor()
            await visitor.open(base, requested)
            await visitor.close()
            return visitor.session

    session = run(scenario())
    assert session != requested and len(session) == 32


def test_long_messages_and_bursts_are_refused_before_the_bot(run) -> None:
    bot = EchoBot()

    async def scenario() -> tuple[dict, list[dict]]:
        async with serving(
            channel(max_message_chars=100, per_sender=tuple(parse_many("3/minute"))), bot
        ) as base:
            visitor = Visitor()
            await visitor.open(base, "e" * 32)
            too_long = await visitor.say("x" * 30_000)
            burst = [await visitor.say(f"question {n}") for n in range(5)]
            await visitor.close()
            return too_long, burst

    too_long, burst = run(scenario())
    assert "too long" in too_long["text"]
    assert [reply["text"] for reply in burst[:3]] == [f"echo: question {n}" for n in range(3)]
    assert all("wait a moment" in reply["text"] for reply in burst[3:]), burst
    assert len(bot.received) == 3


def test_malformed_events_and_a_failing_bot_get_an_answer_not_a_silent_drop(run) -> None:
    class FailingBot(EchoBot):
        async def __call__(self, message):
            self.received.append(message)
            raise RuntimeError("the tracker store is down")

    bot = FailingBot()

    async def scenario() -> dict:
        async with serving(channel(), bot) as base:
            visitor = Visitor()
            await visitor.open(base, "g" * 32)
            await visitor.client.emit("user_uttered")  # no payload at all
            await visitor.client.emit("user_uttered", ["not", "a", "dict"])
            await visitor.client.emit(
                "user_uttered", {"message": {"nested": 1}, "session_id": "g" * 32}
            )
            reply = await visitor.say("hello \ud83c")
            await visitor.close()
            return reply

    assert "can't answer just now" in run(scenario())["text"]
    [message] = bot.received
    assert message.text == "hello \ufffd"


def test_pages_on_other_sites_cannot_connect(run) -> None:
    async def scenario() -> None:
        async with serving(channel(), EchoBot()) as base:
            with pytest.raises(socketio.exceptions.ConnectionError):
                await Visitor().open(base, "f" * 32, origin="https://evil.example")

    run(scenario())
