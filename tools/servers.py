"""Start the real action server and Rasa server for end-to-end tests, as `make run` does.

Both run as separate processes from their own environments, on free loopback ports, with
a throw-away program database and tracker store, so the tests exercise exactly what a
student's message goes through: REST channel -> NLU -> policies -> action server -> database.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bot.rasa_server.auth import admin_header
from bot.settings import REPO_ROOT
from tools.processes import free_port, stop, wait_until

RASA_PYTHON = REPO_ROOT / ".venv" / "rasa" / "bin" / "python"
ACTIONS_PYTHON = REPO_ROOT / ".venv" / "actions" / "bin" / "python"
MODEL = REPO_ROOT / "models" / "enrollment.tar.gz"
ALWAYS_OPEN_COUNSELORS = Path(__file__).resolve().parent / "always_open_counselors.yml"
STARTUP_TIMEOUT_SECONDS = 240
# The e2e servers' TRACKER_WINDOW_EVENTS: a few turns (`make run` keeps about ten).
E2E_TRACKER_WINDOW_EVENTS = 24


@dataclass
class Servers:
    """The running pair, plus helpers to talk to them like the widget and an admin would."""

    workdir: Path
    model: Path = MODEL
    endpoints: Path = REPO_ROOT / "endpoints.yml"
    # Events a message replays (TRACKER_WINDOW_EVENTS); None keeps the default `make run` uses.
    tracker_window_events: int | None = None
    # The HTTP API's JWT secret, given to the Rasa server and the CLI in their environment only.
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    action_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{self.workdir / 'program.db'}",
            "TRACKER_STORE_URL": f"sqlite:///{self.workdir / 'tracker.db'}",
            "ACTION_SERVER_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "SANIC_HOST": "127.0.0.1",
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            # Every test and benchmark speaks from 127.0.0.1, many turns a second: the public
            # limits are measured on their own (test_public_limits.py, make fuzz), not here.
            "RATE_LIMIT_PER_SENDER": "100000/minute",
            "RATE_LIMIT_PER_ADDRESS": "100000/minute",
            "BOOKING_ATTEMPTS_PER_CLIENT_PER_HOUR": "1000",
            **(
                {"TRACKER_WINDOW_EVENTS": str(self.tracker_window_events)}
                if self.tracker_window_events is not None
                else {}
            ),
        }

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def api_url(self) -> str:
        """Where the HTTP API (/conversations, /model, /status) answers; a cluster keeps it off
        nginx."""
        return self.rasa_url

    def api_headers(self) -> dict[str, str]:
        """A fresh admin token for one call to the HTTP API, as an operator's tool would sign it."""
        return admin_header(self.jwt_secret)

    def seed_database(self, counselors: Path = ALWAYS_OPEN_COUNSELORS) -> None:
        """The catalog, plus counselors and their slots as `make db` seeds them (by default one
        counselor who is always in, so a request for a person is handed over at any hour)."""
        for command in (
            ["db", "seed"],
            ["counselors", "seed", "--file", str(counselors)],
            ["slots", "generate"],
        ):
            self.cli(*command)

    def cli(self, *arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run `python -m bot ...` against this pair (the admin's and counselor's console)."""
        return subprocess.run(
            [str(ACTIONS_PYTHON), "-m", "bot", *arguments],
            cwd=REPO_ROOT,
            env={**self.env, "RASA_URL": self.api_url, "RASA_JWT_SECRET": self.jwt_secret, **env},
            check=True,
            capture_output=True,
            text=True,
        )

    def _spawn(
        self, name: str, command: list[str], env: dict[str, str] | None = None
    ) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.workdir / f"{name}.log"
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env={**self.env, **(env or {})},
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        self.processes[name] = process
        return process, log

    def start_action_server(self, name: str = "actions", port: int | None = None) -> None:
        """Start an action server; a scaled-out set-up starts several under their own names."""
        port = port or self.action_port
        process, log = self._spawn(
            name,
            [str(ACTIONS_PYTHON), "-m", "actions"],
            env={"ACTION_SERVER_HOST": "127.0.0.1", "ACTION_SERVER_PORT": str(port)},
        )
        health = f"http://127.0.0.1:{port}/health"
        wait_until(lambda: requests.get(health, timeout=2).ok, 60, name, process, log)

    def rasa_env(self) -> dict[str, str]:
        """What a Rasa server gets on top of `env`: the API secret (never on its command line)."""
        return {"RASA_JWT_SECRET": self.jwt_secret}

    def start_rasa(self, name: str = "rasa", port: int | None = None) -> None:
        """Start a Rasa server and wait until its model is loaded (several, in a scaled-out
        set-up)."""
        port = port or self.rasa_port
        process, log = self._spawn(
            name,
            [
                str(RASA_PYTHON),
                "-m",
                "rasa_plugins.server",
                "--model",
                str(self.model),
                "--endpoints",
                str(self.endpoints),
                "--credentials",
                "credentials.yml",
                "--interface",
                "127.0.0.1",
                "--port",
                str(port),
                "--enable-api",
            ],
            env=self.rasa_env(),
        )

        def model_loaded() -> bool:
            status = requests.get(
                f"http://127.0.0.1:{port}/status", headers=self.api_headers(), timeout=2
            )
            return status.ok and bool(status.json().get("model_id"))

        wait_until(model_loaded, STARTUP_TIMEOUT_SECONDS, name, process, log)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None:
            stop(process)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def say(self, sender: str, message: Any) -> list[dict[str, Any]]:
        """Send one message over the REST channel, as a client would; return the bot's replies."""
        return self.say_with_metadata(sender, message, {})

    def say_with_metadata(
        self, sender: str, message: Any, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """`say`, with the message metadata a widget sends (its page, its language)."""
        body = {
            "sender": sender,
            "message": message,
            **({"metadata": metadata} if metadata else {}),
        }
        reply = requests.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        assert reply.status_code == 200, f"HTTP {reply.status_code}: {reply.text[:500]}"
        replies: list[dict[str, Any]] = reply.json()
        return replies

    def tracker(self, sender: str) -> dict[str, Any]:
        reply = requests.get(
            f"{self.api_url}/conversations/{sender}/tracker", headers=self.api_headers(), timeout=30
        )
        reply.raise_for_status()
        tracker: dict[str, Any] = reply.json()
        return tracker

    def last_turn_events(self, sender: str) -> list[dict[str, Any]]:
        """The tracker's events from the latest user message on: what the bot did about it."""
        events: list[dict[str, Any]] = self.tracker(sender)["events"]
        last_user = max(i for i, event in enumerate(events) if event["event"] == "user")
        return events[last_user:]

    def last_bot_actions(self, sender: str) -> list[str]:
        """Names of the actions that ran after the latest user message (utterances included)."""
        return bot_actions(self.last_turn_events(sender))


def bot_actions(events: list[dict[str, Any]]) -> list[str]:
    """Names of the actions among ``events``, without the ``action_listen`` that ends a turn."""
    return [
        event["name"]
        for event in events
        if event["event"] == "action" and event["name"] != "action_listen"
    ]


def uttered_responses(events: list[dict[str, Any]]) -> list[str]:
    """The domain responses the bot's messages among ``events`` were made from.

    A custom action's messages are recorded under the action's name only; Rasa keeps the
    response each message came from in its metadata (``utter_action``), which tells, for
    instance, a two-stage fallback that offered topics from one that asked to rephrase.
    """
    return [
        event["metadata"]["utter_action"]
        for event in events
        if event["event"] == "bot" and (event.get("metadata") or {}).get("utter_action")
    ]


def text_of(replies: list[dict[str, Any]]) -> str:
    """All reply text, button titles included, as one string for content checks."""
    parts = []
    for reply in replies:
        parts.append(reply.get("text", ""))
        parts.extend(button.get("title", "") for button in reply.get("buttons", []))
    return "\n".join(parts)
