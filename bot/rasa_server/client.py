"""The few calls a counselor's console makes to the Rasa server's HTTP API.

A counselor answers a handed-over conversation by appending bot events to its tracker with
`output_channel=latest` and `execute_side_effects=true`, which makes Rasa deliver them to the
student's open chat (the socket.io widget) exactly like the bot's own messages; a `resume` event
hands the conversation back to the bot.

The API runs in Rasa's JWT mode (`python -m rasa_plugins.server`, which `make run` starts). Each
call signs a fresh token with the shared secret (bot/rasa_server/auth.py: RASA_JWT_SECRET, or the
file var/rasa-jwt-secret the server writes) and sends it in the `Authorization` header, never in
the URL. The token expires within minutes and holds the role "user" for the one conversation it
writes to, so a token that leaks cannot touch other conversations or replace the model.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.rasa_server.auth import authorization_header, mint_token, read_secret, secret_file
from bot.safe_io.secret_files import SecretError
from bot.settings import load_settings

TIMEOUT_SECONDS = 10.0
# Sanic 21.12 hands Rasa the path segment without decoding it, so a conversation id is sent
# as is wherever a path allows (RFC 3986 pchar, but "/", which would split the segment).
PATH_SAFE = ":@!$&'()*+,;="


class RasaApiError(RuntimeError):
    """The Rasa server refused or could not be reached; the message says what to check."""


@dataclass(frozen=True)
class RasaApi:
    url: str
    secret: str = field(repr=False)


def rasa_api_from_env(environ: Mapping[str, str] = os.environ) -> RasaApi:
    url = load_settings(environ).rasa.url
    try:
        secret = read_secret(environ)
    except SecretError as error:
        raise RasaApiError(str(error)) from None
    if not secret:
        raise RasaApiError(
            "No secret for the Rasa HTTP API: set RASA_JWT_SECRET or RASA_JWT_SECRET_FILE, "
            "or start "
            f"the bot with `make run`, which writes one to {secret_file(environ)}."
        )
    return RasaApi(url, secret)


def append_events_request(
    api: RasaApi,
    conversation_id: str,
    events: Sequence[dict[str, Any]],
    now: datetime | None = None,
) -> urllib.request.Request:
    """The POST that appends `events`, signed for this conversation only."""
    query = urllib.parse.urlencode({"output_channel": "latest", "execute_side_effects": "true"})
    path = urllib.parse.quote(conversation_id, safe=PATH_SAFE)
    token = mint_token(api.secret, username=conversation_id, role="user", now=now)
    return urllib.request.Request(
        f"{api.url}/conversations/{path}/tracker/events?{query}",
        data=json.dumps(list(events)).encode("utf-8"),
        headers={"Content-Type": "application/json", **authorization_header(token)},
        method="POST",
    )


def append_events(api: RasaApi, conversation_id: str, events: Sequence[dict[str, Any]]) -> None:
    """Append `events` to the conversation and send any bot messages among them to the student."""
    request = append_events_request(api, conversation_id, events)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as error:
        if error.code == 401:
            raise RasaApiError(
                f"The Rasa server at {api.url} refused the token (HTTP 401): is it started with "
                "`python -m rasa_plugins.server --enable-api` and the same secret?"
            ) from None
        if error.code == 403:
            raise RasaApiError(
                f"The Rasa server at {api.url} did not let the token write to {conversation_id!r} "
                "(HTTP 403): ids with characters a URL path must escape cannot be addressed."
            ) from None
        raise RasaApiError(
            f"The Rasa server at {api.url} did not accept the events: {error}"
        ) from None
    except OSError as error:
        raise RasaApiError(
            f"The Rasa server at {api.url} did not accept the events: {error}"
        ) from None


def counselor_message(text: str) -> dict[str, Any]:
    return {"event": "bot", "text": text, "metadata": {"sender": "counselor"}}


def resume_bot() -> list[dict[str, Any]]:
    """Events that hand a conversation back: resume, then a fresh dialogue session.

    The messages the student typed while a counselor had the chat were never answered by the
    bot; left in the dialogue history they make the next prediction fail (Rasa falls back and
    rewinds into the handoff again). A new session starts the bot clean, while the tracker store
    keeps the whole conversation, counselor messages included.
    """
    return [
        {"event": "resume"},
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
    ]
