"""Talking to the cluster as a client does, noting which Rasa process answered."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import requests


@dataclass
class Answer:
    status: int
    messages: list[dict[str, Any]] = field(default_factory=list)
    upstream: str = ""  # nginx's X-Upstream: the Rasa process that answered
    finished: float = 0.0  # time.monotonic() when the answer arrived

    @property
    def text(self) -> str:
        return "\n".join(message.get("text", "") for message in self.messages)


def post(base_url: str, sender: str, message: str, timeout: float = 60) -> Answer:
    response = requests.post(
        f"{base_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=timeout,
    )
    messages = response.json() if response.status_code == 200 else []
    # When nginx had to skip a dead process, X-Upstream lists every one it tried; the last answered.
    upstream = response.headers.get("X-Upstream", "").split(",")[-1].strip()
    return Answer(response.status_code, messages, upstream, time.monotonic())


def user_texts(tracker: dict[str, Any]) -> list[str]:
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


def turns(tracker: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The events after each user message, up to the next one."""
    grouped: list[list[dict[str, Any]]] = []
    for event in tracker["events"]:
        if event["event"] == "user":
            grouped.append([])
        elif grouped:
            grouped[-1].append(event)
    return grouped
