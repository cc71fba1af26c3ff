"""Rasa's REST channel with the checks a public endpoint needs.

Same URL (`POST /webhooks/rest/webhook`), same request and reply shape as Rasa 3.6's `rest`
channel: `{"sender": "...", "message": "...", "metadata": {...}}` in, a JSON list of
`{"recipient_id", "text", ...}` out. What differs:

- a body that is not a JSON object with a string `message` and a well-formed `sender` gets a
  400 with a plain explanation (Rasa's own channel answers those with a 500);
- a message longer than `MAX_MESSAGE_CHARS` gets a reply asking for a shorter one, and a sender
  or address over its rate gets HTTP 429 with `Retry-After`; both before understanding runs
  (see `rasa_plugins.channels.guard`);
- the metadata's `client_id` is always the server's own keyed hash of the client address, never
  what the client sent.

credentials.yml::

    rasa_plugins.channels.site_rest.SiteRestInput:
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from rasa_plugins.channels.guard import (
    CLIENT_ID_KEY,
    MessageGuard,
    button_payload_checked,
    readable_text,
)

logger = logging.getLogger(__name__)

SORRY_REPLY = "Sorry, I can't answer just now. Please try again in a minute."
# Sender ids become tracker keys and appear in URLs of the HTTP API: printable, short, no paths.
SENDER_ID_PATTERN = re.compile(r"[A-Za-z0-9_.:@+-]{1,128}")


def client_address(request: Request) -> str | None:
    """The visitor's address: from the proxy's header where Sanic is told to trust one
    (SANIC_REAL_IP_HEADER / SANIC_PROXIES_COUNT, set only behind nginx), else the socket peer."""
    return request.remote_addr or request.ip or None


class SiteRestInput(RestInput):
    """`RestInput` that validates, length-checks and rate-limits before understanding."""

    def __init__(self, guard: MessageGuard | None = None) -> None:
        self.guard = guard or MessageGuard()

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", type(self).__module__)

        # Sanic 21.12 builds `Blueprint.route` with an untyped helper (`lazy`), so mypy sees
        # an untyped decorator; the handlers themselves are typed.
        @webhook.route("/", methods=["GET"])  # type: ignore[untyped-decorator]
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])  # type: ignore[untyped-decorator]
        async def receive(request: Request) -> ResponseStream | HTTPResponse:
            payload, problem = self._payload(request)
            if problem:
                return response.json({"error": problem}, status=400)
            sender_id, text = (
                payload["sender"],
                button_payload_checked(readable_text(payload["message"])),
            )
            client_id = self.guard.client_id(client_address(request))
            refusal = self.guard.check(text, sender_id, client_id)
            if refusal is not None:
                reply = [{"recipient_id": sender_id, "text": refusal.reply}]
                if refusal.reason == "rate_limited":
                    headers = {"Retry-After": str(refusal.retry_after_seconds)}
                    return response.json(reply, status=429, headers=headers)
                return response.json(reply)
            metadata = {**payload["metadata"], CLIENT_ID_KEY: client_id}
            if client_id is None:
                metadata.pop(CLIENT_ID_KEY)
            input_channel = self.name()
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender_id, input_channel, metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text, collector, sender_id, input_channel=input_channel, metadata=metadata
                    )
                )
            except Exception:  # the student still gets an answer, the log the cause
                logger.exception("rest: the message of %s could not be handled", sender_id)
                if not collector.messages:
                    return response.json(
                        [{"recipient_id": sender_id, "text": SORRY_REPLY}], status=503
                    )
            return response.json(collector.messages)

        return webhook

    @staticmethod
    def _payload(request: Request) -> tuple[dict[str, Any], str | None]:
        """The body's sender, message and metadata, or what is wrong with it."""
        try:
            body = request.json
        except InvalidUsage:
            return {}, "The body is not valid JSON."
        if not isinstance(body, dict):
            return {}, 'Send a JSON object: {"sender": "...", "message": "..."}.'
        sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata")
        if not isinstance(sender, str) or not SENDER_ID_PATTERN.fullmatch(sender):
            return {}, "`sender` must be 1-128 letters, digits or _.:@+-"
        if not isinstance(text, str):
            return {}, "`message` must be a string."
        if metadata is not None and not isinstance(metadata, dict):
            return {}, "`metadata` must be a JSON object."
        return {"sender": sender, "message": text, "metadata": metadata or {}}, None
