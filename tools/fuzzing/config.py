"""Fuzz knobs from the environment (FUZZ_*); the defaults are the protocol of docs/fuzzing.md."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.settings import (
    DEFAULT_MAX_MESSAGE_CHARS,
    DEFAULT_MAX_REQUEST_BYTES,
    DEFAULT_RATE_LIMIT_PER_ADDRESS,
    DEFAULT_RATE_LIMIT_PER_SENDER,
    REPO_ROOT,
    load_settings,
)
from tools.settings import env_setting, values_from_env

# The bulk run comes from one address (loopback) and a few hundred senders; with the
# production limits it would mostly measure 429s. These let every message through; the
# burst phase runs with the limits `make run` uses.
BULK_RATE_LIMITS = {
    "RATE_LIMIT_PER_SENDER": "1000000/minute",
    "RATE_LIMIT_PER_ADDRESS": "1000000/minute",
}
# The channels' own defaults, shown when the environment sets none.
CHANNEL_DEFAULTS = {
    "RATE_LIMIT_PER_SENDER": DEFAULT_RATE_LIMIT_PER_SENDER,
    "RATE_LIMIT_PER_ADDRESS": DEFAULT_RATE_LIMIT_PER_ADDRESS,
    "MAX_MESSAGE_CHARS": str(DEFAULT_MAX_MESSAGE_CHARS),
    "MAX_REQUEST_BYTES": str(DEFAULT_MAX_REQUEST_BYTES),
}


@dataclass(frozen=True)
class FuzzConfig:
    """Every knob of a run. Smaller numbers give a quick smoke run, not the protocol's figures."""

    messages: int = env_setting("FUZZ_MESSAGES", 10_000, "hostile messages in the bulk run")
    seed: int = env_setting(
        "FUZZ_SEED", 17, "seed of the generated messages (same seed, same messages)"
    )
    # One hostile client sending as fast as it is answered, over each channel: what one visitor
    # can do; more in flight measures the queue of a single event loop, not the defences.
    rest_workers: int = env_setting("FUZZ_WORKERS", 1, "REST requests in flight at once")
    socket_workers: int = env_setting("FUZZ_SOCKET_WORKERS", 2, "socket.io clients at once")
    senders: int = env_setting("FUZZ_SENDERS", 500, "sender ids the REST messages are spread over")
    reply_wait: float = env_setting(
        "FUZZ_SOCKET_WAIT", 3.0, "seconds a socket.io client waits for a reply"
    )
    visitor_seconds: float = env_setting(
        "FUZZ_VISITOR_SECONDS", 30.0, "the normal visitor alone, before the run"
    )
    visitor_interval: float = env_setting(
        "FUZZ_VISITOR_INTERVAL", 0.5, "seconds between the visitor's questions"
    )
    burst: int = env_setting("FUZZ_BURST", 120, "messages of the one-sender burst")
    burst_concurrency: int = env_setting(
        "FUZZ_BURST_CONCURRENCY", 8, "burst requests in flight at once"
    )
    long_message_chars: int = env_setting(
        "FUZZ_LONG_MESSAGE_CHARS", 30_000, "length of the single long message"
    )
    out: Path = env_setting(
        "FUZZ_OUT", REPO_ROOT / "reports" / "fuzz", "where the report and server logs go"
    )

    @classmethod
    def from_env(cls) -> FuzzConfig:
        return cls(**values_from_env(cls))

    @property
    def is_default(self) -> bool:
        """Whether this run has the protocol's numbers (the report says so when it has not)."""
        return self.messages >= 10_000 and self.burst == 120 and self.long_message_chars == 30_000


def site_origins() -> list[str]:
    """The origins the socket.io channel lets in (RASA_CORS_ORIGINS, or the local site's)."""
    return list(load_settings().rasa.cors_origins)


def run_limits() -> dict[str, str]:
    """The size and rate limits `make run` gives the channels: this environment's, else the
    channels' defaults. Set explicitly on the fuzz's servers, since the end-to-end harness
    lifts the rate limits for its own tests."""
    return {name: os.environ.get(name) or default for name, default in CHANNEL_DEFAULTS.items()}


def describe_limits(settings: dict[str, str]) -> dict[str, str]:
    """The limits among ``settings``, marking the channels' own defaults as such."""
    return {
        name: settings[name]
        + (" (channel default)" if name not in os.environ and settings[name] == default else "")
        for name, default in CHANNEL_DEFAULTS.items()
        if name in settings
    }
