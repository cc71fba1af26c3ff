"""Signing the CRM webhook's requests, and the check the CRM makes (also used by the tests).

Each POST carries `X-Enrollment-Timestamp: <unix seconds>` and
`X-Enrollment-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" under the shared
secret>`. The signature proves the request comes from us and that the body was not changed;
signing the timestamp with it lets the CRM refuse a captured request replayed later (it accepts
only a few minutes of clock difference, and a retry is signed afresh). Comparison is in constant
time so the signature cannot be guessed byte by byte.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

TIMESTAMP_HEADER = "X-Enrollment-Timestamp"
SIGNATURE_HEADER = "X-Enrollment-Signature"
SIGNATURE_SCHEME = "sha256"
# How far the CRM lets the timestamp differ from its clock.
DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `"<timestamp>.".encode() + body` under `secret` (UTF-8)."""
    message = f"{timestamp}.".encode("ascii") + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The two headers that sign `body` at `now` (default: the current time)."""
    timestamp = int(time.time() if now is None else now)
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: f"{SIGNATURE_SCHEME}={signature(secret, timestamp, body)}",
    }


def verify_signature(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float | None = None,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """True when `headers` sign exactly `body` with `secret` and the timestamp is within
    `tolerance_seconds` of `now`: what a CRM checks before trusting a request. `headers` is
    looked up case-insensitively, as HTTP header names are."""
    lowered = {name.lower(): value for name, value in headers.items()}
    raw_timestamp = lowered.get(TIMESTAMP_HEADER.lower(), "").strip()
    scheme, _, given = lowered.get(SIGNATURE_HEADER.lower(), "").strip().partition("=")
    if not raw_timestamp.isdigit() or scheme != SIGNATURE_SCHEME or not given:
        return False
    timestamp = int(raw_timestamp)
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), given.lower())
