"""rasa-sdk's action server app, with error responses that carry no tracker and no traceback.

rasa-sdk 3.6 answers any exception with HTTP 500 and the body
`{"error": str(exception), "request_body": <the whole action call>}`: the tracker, with every
message, e-mail address and phone number the student typed. Rasa puts that body into its
exception ("Failed to execute custom action", `ClientResponseError ... body='...'`) and logs it.
Its handler also catches Sanic's own 404/405/400 and turns them into 500s. Here the handler is
replaced: HTTP errors keep their status with only the status phrase, a failed action gives 500
with only the action's name, and the traceback goes to the server's (masked) log alone. A
request that is not an action call at all gets 400 before it reaches the executor, so bad input
is never a 500.
"""

from __future__ import annotations

import json
import logging
import zlib
from http import HTTPStatus
from typing import Any

from rasa_sdk.endpoint import create_app
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.knowledge.replies.language import speak
from bot.privacy.log_masking import install_log_masking

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhook"
ACTION_FAILED = "The action failed; the action server's log has the details."
INVALID_ACTION_CALL = "Invalid body request"


def create_action_app(package: str = "actions") -> Sanic:
    """rasa-sdk's app for the actions in `package`, with the safe error handling, no CORS (only
    the Rasa server calls it) and rasa-sdk's plugins attached as `rasa_sdk.endpoint.run` does."""
    app: Sanic = create_app(package, cors_origins=None)
    app.exception(Exception)(_answer_error)  # type: ignore[no-untyped-call]  # Sanic 21.12: untyped
    app.register_middleware(_refuse_malformed_action_call, "request")
    # Sanic workers are forked from this process and keep the masking; this covers any other start.
    app.register_listener(lambda *_: install_log_masking(), "before_server_start")
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    return app


class MalformedActionCall(ValueError):
    """The request body is not an action call rasa-sdk can run."""


def parse_action_call(body: bytes, content_encoding: str | None) -> dict[str, Any]:
    """The action call in `body`, decoded as rasa-sdk decodes it; MalformedActionCall (with the
    reason) when it lacks what the executor reads without checking."""
    try:
        if content_encoding == "deflate":
            body = zlib.decompress(body)
        call = json.loads(body)
    except (zlib.error, ValueError):
        raise MalformedActionCall("the body is not JSON") from None
    if not isinstance(call, dict):
        raise MalformedActionCall("the body is not a JSON object")
    if not isinstance(call.get("next_action"), str) or not call["next_action"]:
        raise MalformedActionCall("next_action is missing")
    tracker = call.get("tracker")
    if not isinstance(tracker, dict) or not isinstance(tracker.get("sender_id"), str):
        raise MalformedActionCall("tracker is missing")
    if not isinstance(call.get("domain", {}), dict):
        raise MalformedActionCall("domain is not an object")
    return call


async def _refuse_malformed_action_call(request: Request) -> HTTPResponse | None:
    if request.path != WEBHOOK_PATH or request.method != "POST":
        return None
    try:
        call = parse_action_call(request.body, request.headers.get("Content-Encoding"))
    except MalformedActionCall as problem:
        logger.warning("Refused a webhook request: %s", problem)
        return response.json({"error": INVALID_ACTION_CALL}, status=400)
    request.ctx.action_name = call["next_action"]
    # Every reply the action builds is in the conversation's language (docs/spanish.md); the
    # answer layer also sets it explicitly, this covers the booking and handoff replies.
    speak((call["tracker"].get("slots") or {}).get("language"))
    return None


def _answer_error(request: Request, exception: Exception) -> HTTPResponse:
    if isinstance(exception, SanicException):
        status = exception.status_code
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        return response.json({"error": phrase}, status=status)
    action_name = getattr(request.ctx, "action_name", None) if request is not None else None
    # The traceback (masked like every record) helps whoever runs the server; the caller, and
    # Rasa's log through it, gets nothing of the tracker.
    logger.error("Action %s failed", action_name or "(unknown)", exc_info=exception)
    body: dict[str, Any] = {"error": ACTION_FAILED}
    if action_name:
        body["action_name"] = action_name
    return response.json(body, status=500)
