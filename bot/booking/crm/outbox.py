"""Delivering outbox rows to the enrollment CRM's webhook, exactly once from the CRM's view.

Each row is POSTed as JSON with an `Idempotency-Key` header that never changes between attempts,
signed with CRM_WEBHOOK_SECRET (bot/booking/crm/signing.py: HMAC-SHA256 over a timestamp and
the body, signed afresh on each attempt), only over https or to loopback
(bot/booking/crm/webhook.py), and is marked delivered only when the CRM answers 2xx. Anything
else (refused connection, timeout, 5xx, a redirect) counts as a failure and the row is retried
later with exponential back-off. A CRM that may have stored a message whose answer was lost sees
the same key again and drops the copy, which is what makes "at least once" delivery "exactly
once" for the CRM.

Several workers may run against PostgreSQL: each row is claimed with
SELECT ... FOR UPDATE SKIP LOCKED and the lock is held while posting, so two workers never send
the same row at the same time. SQLite has no row locks; run a single worker there.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.booking.appointment_times import utc_now
from bot.booking.crm.signing import signature_headers
from bot.booking.crm.webhook import CrmWebhook
from bot.database.models import OutboxEvent

logger = logging.getLogger(__name__)

BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)
REQUEST_TIMEOUT_SECONDS = 10.0


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is not a 2xx: following it could turn the POST into a GET and "succeed".
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def backoff(attempts: int, base: timedelta = BASE_DELAY, cap: timedelta = MAX_DELAY) -> timedelta:
    """Delay before the next try after `attempts` failures: base, 2x, 4x, ... up to `cap`."""
    # The exponent is capped before multiplying: 2**49 seconds overflows a timedelta.
    exponent = min(max(attempts - 1, 0), 30)
    delay: timedelta = base * (2**exponent)
    return min(delay, cap)


def post_event(
    webhook: CrmWebhook, event: OutboxEvent, timeout: float = REQUEST_TIMEOUT_SECONDS
) -> None:
    """POST one event, signed; raise on anything but a 2xx answer."""
    body = json.dumps(event.payload, sort_keys=True).encode("utf-8")
    request = urllib.request.Request(
        webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Idempotency-Key": event.idempotency_key,
            "X-Event-Type": event.event_type,
            **signature_headers(webhook.secret, body),
        },
    )
    with _opener.open(request, timeout=timeout) as response:
        status = response.status
    if not 200 <= status < 300:
        # urllib already raises HTTPError for 3xx-5xx; this guards anything else that slips by.
        raise ValueError(f"HTTP {status}")


def deliver_due(
    factory: sessionmaker[Session],
    webhook: CrmWebhook,
    now: Callable[[], datetime] | None = None,
    base_delay: timedelta = BASE_DELAY,
    timeout: float = REQUEST_TIMEOUT_SECONDS,
) -> DeliveryReport:
    """Try every row that is due once; return what was delivered and what failed."""
    clock = now or utc_now
    report = DeliveryReport()
    tried: set[int] = set()
    while True:
        with factory() as session, session.begin():
            query = (
                select(OutboxEvent)
                .where(OutboxEvent.delivered_at.is_(None), OutboxEvent.next_attempt_at <= clock())
                .order_by(OutboxEvent.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if tried:
                query = query.where(OutboxEvent.id.not_in(tried))
            event = session.scalars(query).first()
            if event is None:
                return report
            tried.add(event.id)
            event.attempts += 1
            try:
                post_event(webhook, event, timeout)
            except (OSError, urllib.error.URLError, ValueError) as error:
                event.last_error = _describe(error)
                event.next_attempt_at = clock() + backoff(event.attempts, base_delay)
                report.failed += 1
                report.failures.append(event.last_error)
                # Only the id and type: the payload holds contact details.
                logger.warning(
                    "Outbox event %s (%s) not delivered, attempt %d: %s",
                    event.id,
                    event.event_type,
                    event.attempts,
                    event.last_error,
                )
            else:
                event.delivered_at = clock()
                event.last_error = None
                report.delivered += 1
                logger.info("Outbox event %s (%s) delivered", event.id, event.event_type)


def run_worker(
    factory: sessionmaker[Session],
    webhook: CrmWebhook,
    poll_seconds: float = 5.0,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Deliver forever (until `should_stop`), sleeping `poll_seconds` when nothing is due."""
    while not should_stop():
        report = deliver_due(factory, webhook)
        if report.delivered == 0:
            time.sleep(poll_seconds)


def _describe(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code}"
    if isinstance(error, urllib.error.URLError):
        return f"{type(error.reason).__name__}: {error.reason}"[:500]
    return f"{type(error).__name__}: {error}"[:500]


def outbox_event(
    event_type: str, payload: dict[str, Any], lead_id: int | None, now: datetime
) -> OutboxEvent:
    """A CRM message due now, with its own idempotency key; the caller adds it to its session."""
    return OutboxEvent(
        event_type=event_type,
        payload={"event": event_type, **payload},
        idempotency_key=secrets.token_hex(16),
        lead_id=lead_id,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
