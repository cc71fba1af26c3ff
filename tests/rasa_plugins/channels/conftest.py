"""A Sanic app serving one of our channels in this process, with an echoing bot behind it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Sanic

from tools.processes import free_port


class EchoBot:
    """Stands in for Rasa's message handler: records each message and answers "echo: <text>"."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")


@asynccontextmanager
async def serving(channel: InputChannel, bot: EchoBot) -> AsyncIterator[str]:
    """Serve `channel` under /webhooks/ as `rasa run` does; yields the base URL."""
    app = Sanic(f"channel_test_{id(channel)}")
    Sanic.test_mode = True  # keeps Sanic from re-writing its own methods once per app
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = (
        0.2  # a long-polling socket.io request would hold it 15 s
    )
    app.blueprint(channel.blueprint(bot), url_prefix=f"/webhooks/{channel.url_prefix()}")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


@pytest.fixture
def run() -> Callable[[Awaitable[Any]], Any]:
    return lambda coroutine: asyncio.run(coroutine)
