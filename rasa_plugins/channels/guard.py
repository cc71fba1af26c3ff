"""What every public channel checks before a message reaches language understanding.

Understanding runs on the Rasa server's one event loop, so a single visitor who sends a very long
message, or many messages in a row, slows every other student down (a 16,000-character message
took 5.3 s and 1.3 GB before this). The channels therefore refuse, before the message is
parsed, anything over `MAX_MESSAGE_CHARS` and anything over the per-sender and per-address
rates, and answer with a short, polite reply instead.

Rates are counted with the `limits` library: in this process for `make run`, in Redis
(`RATE_LIMIT_STORAGE_URL=redis://...`) when several Rasa replicas must share the counts.
The client address is kept only as `client_id`, a keyed hash, so neither the rate-limit store
nor the tracker (where the channels put it in the message metadata for the booking caps) ever
holds a visitor's IP address.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.strategies import MovingWindowRateLimiter

from bot.settings import (
    DEFAULT_MAX_MESSAGE_CHARS,
    DEFAULT_MAX_REQUEST_BYTES,
    DEFAULT_RATE_LIMIT_PER_ADDRESS,
    DEFAULT_RATE_LIMIT_PER_SENDER,
    DEFAULT_RATE_LIMIT_STORAGE_URL,
    load_settings,
)
from rasa_plugins.channels.rate_counts import rate_storage

logger = logging.getLogger(__name__)


# The metadata key under which the channels record who sent a message (see `client_id`).
CLIENT_ID_KEY = "client_id"

TOO_LONG_REPLY = (
    "That message is too long for me to read: please keep it under {limit:,} characters, "
    "or ask one question at a time."
)
SLOW_DOWN_REPLY = (
    "You're sending messages faster than I can answer them. Please wait a moment "
    "(about {seconds} seconds) and try again."
)


# Button payloads carry program codes, slot ids and field names.
_LONGEST_ENTITY_VALUE = 100
# C0 and C1 control characters other than tab and newline: no student types them, PostgreSQL
# refuses NUL in text, and a terminal acts on the escape sequences they start.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def readable_text(text: str) -> str:
    """The message as understanding and the tracker can take it: lone UTF-16 surrogates (which
    JSON lets a client send, and which no encoder can write) become U+FFFD, and control
    characters go."""
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _CONTROL_CHARACTERS.sub("", text)


def button_payload_checked(text: str) -> str:
    """A `/intent{...}` payload as the widget's buttons send it (every entity value a short
    string), else the same text without its slash, so understanding reads it as words.

    Rasa takes a message starting with "/" as an intent with entities, skipping understanding;
    a hand-typed one can set any slot to any JSON (numbers, lists, nested objects) that the
    actions then meet where they expect a program name or a slot id."""
    if not text.startswith("/") or "{" not in text:
        return text
    try:
        entities = json.loads(text[text.index("{") :])
    except RecursionError:
        return text[1:]  # nested deeper than any button: Rasa's own parse would fail the same way
    except ValueError:
        return text  # Rasa ignores entities it cannot parse
    if isinstance(entities, dict) and all(
        isinstance(value, str) and len(value) <= _LONGEST_ENTITY_VALUE
        for value in entities.values()
    ):
        return text
    return text[1:]


def _rate_limits(name: str, value: str, default: str) -> list[RateLimitItem]:
    try:
        return parse_many(value)
    except ValueError:
        logger.warning("%s=%r is not a rate such as '20/minute'; using %s", name, value, default)
        return parse_many(default)


@dataclass(frozen=True)
class GuardSettings:
    """The public channels' limits, from the environment (see docs/configuration.md)."""

    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    per_sender: tuple[RateLimitItem, ...] = tuple(parse_many(DEFAULT_RATE_LIMIT_PER_SENDER))
    per_address: tuple[RateLimitItem, ...] = tuple(parse_many(DEFAULT_RATE_LIMIT_PER_ADDRESS))
    storage_url: str = DEFAULT_RATE_LIMIT_STORAGE_URL
    client_id_key: bytes = b""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> GuardSettings:
        """From `bot.settings` (MAX_MESSAGE_CHARS, RATE_LIMIT_*, CLIENT_ID_SALT)."""
        limits = load_settings(environ).channels
        salt = limits.client_id_salt.encode()
        if not salt:
            # Per process: per-address counts and booking caps still work within one Rasa
            # server; replicas that must agree on a client are given one CLIENT_ID_SALT.
            salt = secrets.token_bytes(32)
        return cls(
            max_message_chars=limits.max_message_chars,
            max_request_bytes=limits.max_request_bytes,
            per_sender=tuple(
                _rate_limits(
                    "RATE_LIMIT_PER_SENDER",
                    limits.rate_limit_per_sender,
                    DEFAULT_RATE_LIMIT_PER_SENDER,
                )
            ),
            per_address=tuple(
                _rate_limits(
                    "RATE_LIMIT_PER_ADDRESS",
                    limits.rate_limit_per_address,
                    DEFAULT_RATE_LIMIT_PER_ADDRESS,
                )
            ),
            storage_url=limits.rate_limit_storage_url,
            client_id_key=hashlib.sha256(salt).digest(),
        )


@dataclass(frozen=True)
class Refusal:
    """Why a message was not passed on, and what to tell the student."""

    reason: str  # "too_long" or "rate_limited"
    reply: str
    retry_after_seconds: int = 0


class MessageGuard:
    """Length and rate checks shared by the REST and socket.io channels."""

    def __init__(self, settings: GuardSettings | None = None) -> None:
        self.settings = settings or GuardSettings.from_env()
        # The limiter holds its storage only through a weak reference: keep the strong one here.
        self._storage = rate_storage(self.settings.storage_url)
        self._limiter = MovingWindowRateLimiter(self._storage)

    def client_id(self, address: str | None) -> str | None:
        """An opaque, stable id for a client address (16 hex digits), or None without one."""
        if not address:
            return None
        digest = hashlib.blake2b(address.encode(), key=self.settings.client_id_key, digest_size=8)
        return digest.hexdigest()

    def check(self, text: str, sender_id: str, client_id: str | None) -> Refusal | None:
        """None if the message may go on; otherwise the refusal to send back.

        Length is checked first and costs no rate-limit hit, so a student who pasted too much
        can shorten it and send again at once."""
        limit = self.settings.max_message_chars
        if len(text) > limit:
            return Refusal("too_long", TOO_LONG_REPLY.format(limit=limit))
        keys = [("sender", sender_id, self.settings.per_sender)]
        if client_id:
            keys.append(("address", client_id, self.settings.per_address))
        for scope, identity, items in keys:
            for item in items:
                if not self._hit(item, scope, identity):
                    seconds = self._seconds_until_free(item, scope, identity)
                    logger.info("rate limit %s reached for a %s", item, scope)
                    return Refusal("rate_limited", SLOW_DOWN_REPLY.format(seconds=seconds), seconds)
        return None

    def _hit(self, item: RateLimitItem, scope: str, identity: str) -> bool:
        try:
            return self._limiter.hit(item, scope, identity)
        except (
            Exception
        ) as error:  # the shared store is down: serve students rather than refuse all
            logger.warning(
                "rate-limit store unavailable (%s); message let through", type(error).__name__
            )
            return True

    def _seconds_until_free(self, item: RateLimitItem, scope: str, identity: str) -> int:
        try:
            reset_at, _remaining = self._limiter.get_window_stats(item, scope, identity)
        except Exception:
            return item.get_expiry()
        return max(1, math.ceil(reset_at - time.time()))
