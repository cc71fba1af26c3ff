"""The few calls a counselor's console makes to the Rasa server's HTTP API.

A counselor answers a handed-over conversation by appending bot events to its tracker with
`output_channel=latest` and `execute_side_effects=true`, which makes Rasa deliver them to the
student's open chat (the socket.io widget) exactly like the bot's own messages; a `resume` event
hands the conversation back to the bot. The API needs Rasa started with `--enable-api` and a token:
`make run` does that with RASA_AUTH_TOKEN, or a random token it writes to var/rasa-api-token.
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import REPO_ROOT

TOKEN_FILE = REPO_ROOT / "var" / "rasa-api-token"
TIMEOUT_SECONDS = 10.0


class RasaApiError(RuntimeError):
    """The Rasa server refused or could not be reached; the message says what to check."""


@dataclass(frozen=True)
class RasaApi:
    url: str
    token: str


def rasa_api_from_env(environ: Mapping[str, str] = os.environ, token_file: Path = TOKEN_FILE) -> RasaApi:
    host = environ.get("RASA_HOST") or "127.0.0.1"
    port = environ.get("RASA_PORT") or "5005"
    url = (environ.get("RASA_URL") or f"http://{host}:{port}").rstrip("/")
    token = (environ.get("RASA_AUTH_TOKEN") or "").strip()
    if not token and token_file.exists():
        token = token_file.read_text(encoding="utf-8").strip()
    if not token:
        raise RasaApiError(
            "No Rasa API token: set RASA_AUTH_TOKEN, or start the bot with `make run`, "
            f"which writes one to {token_file}."
        )
    return RasaApi(url, token)


def append_events(api: RasaApi, conversation_id: str, events: Sequence[dict[str, Any]]) -> None:
    """Append `events` to the conversation and send any bot messages among them to the student."""
    query = urllib.parse.urlencode(
        {"token": api.token, "output_channel": "latest", "execute_side_effects": "true"}
    )
    path = urllib.parse.quote(conversation_id, safe="")
    request = urllib.request.Request(
        f"{api.url}/conversations/{path}/tracker/events?{query}",
        data=json.dumps(list(events)).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()
    except OSError as error:
        raise RasaApiError(f"The Rasa server at {api.url} did not accept the events: {error}") from None


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
