"""The REST channel: bad bodies get a 400, long messages a polite reply, fast senders a 429,
all before the message reaches the bot."""

from __future__ import annotations

from typing import Any

import aiohttp
from limits import parse_many

from rasa_plugins.channels.guard import GuardSettings, MessageGuard
from rasa_plugins.channels.site_rest import SiteRestInput
from tests.rasa_plugins.channels.conftest import EchoBot, serving


def channel(**overrides: Any) -> SiteRestInput:
    return SiteRestInput(MessageGuard(GuardSettings(client_id_key=b"k" * 32, **overrides)))


async def post(
    base: str, body: Any = None, *, raw: str | None = None, content_type: str = "application/json"
) -> tuple[int, Any, dict[str, str]]:
    async with aiohttp.ClientSession() as session:
        data = raw if raw is not None else None
        kwargs = (
            {"data": data, "headers": {"Content-Type": content_type}}
            if raw is not None
            else {"json": body}
        )
        async with session.post(f"{base}/webhooks/rest/webhook", **kwargs) as reply:
            text = await reply.text()
            try:
                payload = await reply.json(content_type=None)
            except ValueError:
                payload = text
            return reply.status, payload, dict(reply.headers)


def test_a_normal_message_reaches_the_bot_with_the_servers_client_id(run) -> None:
    bot = EchoBot()

    async def scenario() -> None:
        async with serving(channel(), bot) as base:
            status, reply, _ = await post(
                base,
                {
                    "sender": "student-1",
                    "message": "tuition?",
                    "metadata": {"client_id": "forged", "page": "/cs"},
                },
            )
            assert status == 200
            assert reply == [{"recipient_id": "student-1", "text": "echo: tuition?"}]

    run(scenario())
    [message] = bot.received
    assert message.metadata["page"] == "/cs"
    assert message.metadata["client_id"] != "forged" and len(message.metadata["client_id"]) == 16
    assert message.input_channel == "rest"


def test_bad_bodies_get_a_400_that_says_what_is_wrong(run) -> None:
    bot = EchoBot()

    async def scenario() -> list[tuple[int, Any]]:
        async with serving(channel(), bot) as base:
            answers = [
                await post(base, raw="{not json", content_type="application/json"),
                await post(
                    base, raw="message=hi", content_type="application/x-www-form-urlencoded"
                ),
                await post(base, ["a", "list"]),
                await post(base, {"sender": "s-1"}),
                await post(base, {"sender": "s-1", "message": 42}),
                await post(base, {"message": "hi"}),
                await post(base, {"sender": "../../etc/passwd", "message": "hi"}),
                await post(base, {"sender": "x" * 100_000, "message": "hi"}),
                await post(base, {"sender": "s-1", "message": "hi", "metadata": "oops"}),
            ]
            return [(status, reply) for status, reply, _ in answers]

    for status, reply in run(scenario()):
        assert status == 400, reply
        assert isinstance(reply, dict) and reply["error"]
    assert bot.received == []


def test_a_too_long_message_gets_a_polite_reply_and_never_reaches_the_bot(run) -> None:
    bot = EchoBot()

    async def scenario() -> tuple[int, Any, dict]:
        async with serving(channel(max_message_chars=1000), bot) as base:
            return await post(base, {"sender": "s-1", "message": "a" * 30_000})

    status, reply, _ = run(scenario())
    assert status == 200
    assert "too long" in reply[0]["text"] and reply[0]["recipient_id"] == "s-1"
    assert bot.received == []


def test_a_burst_from_one_sender_is_limited_with_429_while_another_sender_is_answered(run) -> None:
    bot = EchoBot()

    async def scenario() -> tuple[list[int], dict, int]:
        async with serving(channel(per_sender=tuple(parse_many("5/minute"))), bot) as base:
            burst = [await post(base, {"sender": "burst", "message": f"hi {n}"}) for n in range(12)]
            other = await post(base, {"sender": "calm", "message": "hello"})
            return [status for status, _, _ in burst], burst[-1][2], other[0], burst[-1][1]

    statuses, headers, other_status, last_reply = run(scenario())
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    assert 1 <= int(headers["Retry-After"]) <= 60
    assert "wait a moment" in last_reply[0]["text"]
    assert other_status == 200
    assert len(bot.received) == 6
