"""Outbox delivery to a CRM webhook that is down while students book, then comes back.

The webhook is a stdlib HTTP server in a thread that records every request and, like a CRM that
honours idempotency keys, stores each key once. It can refuse connections (stopped), answer 500,
or store the message and then answer 500 (the "answer lost" case, which forces a duplicate send).
"""

from __future__ import annotations

import json
import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import cli
from bot.booking import service
from bot.booking.appointment_times import next_free_slots
from bot.booking.crm import outbox
from bot.booking.crm.signing import verify_signature
from bot.booking.crm.webhook import CrmWebhook
from bot.database.models import OutboxEvent
from tests.unit.conftest import BOOKING_NOW
from tests.unit.test_booking import SCHOOL, details


class FakeCrm:
    """Records requests; `mode` is "ok", "error" (500, nothing stored) or "store_then_error".
    Like a real CRM it checks the signature first, and answers 401 to a request it does not sign
    with its secret (counted in `unsigned`)."""

    def __init__(self) -> None:
        self.secret = secrets.token_hex(32)
        self.unsigned = 0
        self.mode = "ok"
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.stored: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/crm/events"

    @property
    def webhook(self) -> CrmWebhook:
        return CrmWebhook(self.url, self.secret)

    def start(self) -> None:
        crm = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                if not verify_signature(crm.secret, dict(self.headers.items()), raw):
                    with crm.lock:
                        crm.unsigned += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                body = json.loads(raw)
                key = self.headers["Idempotency-Key"]
                with crm.lock:
                    crm.requests.append((key, body))
                    if crm.mode in ("ok", "store_then_error"):
                        crm.stored.setdefault(key, body)  # a repeated key is not stored again
                    status = 200 if crm.mode == "ok" else 500
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        # Reuse the port after a restart so the configured URL stays the same.
        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def crm() -> Iterator[FakeCrm]:
    server = FakeCrm()
    server.start()
    yield server
    server.stop()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def book_some(factory: sessionmaker[Session], count: int, first: int = 0) -> list[str]:
    with factory() as session:
        slots = next_free_slots(session, count, SCHOOL, now=BOOKING_NOW)
    return [
        service.book(
            factory,
            details(email=f"s{first + i}@example.org", conversation_id=f"c{first + i}"),
            slot.slot_id,
            now=BOOKING_NOW,
        ).reference
        for i, slot in enumerate(slots)
    ]


def test_every_booking_reaches_the_crm_exactly_once_across_outages(
    booking_factory: sessionmaker[Session], crm: FakeCrm
) -> None:
    clock = Clock(BOOKING_NOW)
    webhook = crm.webhook

    # 1. The CRM is down (connection refused) while the first bookings are made.
    crm.stop()
    references = book_some(booking_factory, 3)
    report = outbox.deliver_due(booking_factory, webhook, now=clock, timeout=2)
    assert (report.delivered, report.failed) == (0, 3)
    assert all("Connection" in failure or "refused" in failure for failure in report.failures)

    # 2. Back, but answering 500: still nothing marked delivered. More bookings arrive meanwhile.
    crm.start()
    crm.mode = "error"
    clock.now += timedelta(hours=1)
    references += book_some(booking_factory, 2, first=3)
    report = outbox.deliver_due(booking_factory, webhook, now=clock, timeout=2)
    assert (report.delivered, report.failed) == (0, 5)

    # 3. It stores the messages but the answer is lost (500): the worker must send them again.
    crm.mode = "store_then_error"
    clock.now += timedelta(hours=1)
    assert outbox.deliver_due(booking_factory, webhook, now=clock, timeout=2).failed == 5

    # Not due yet: back-off keeps the worker from hammering the CRM.
    crm.mode = "ok"
    assert outbox.deliver_due(booking_factory, webhook, now=clock, timeout=2).delivered == 0

    # 4. Healthy again and the back-off has passed: everything is delivered.
    clock.now += timedelta(hours=7)
    report = outbox.deliver_due(booking_factory, webhook, now=clock, timeout=2)
    assert (report.delivered, report.failed) == (5, 0)
    assert outbox.deliver_due(booking_factory, webhook, now=clock, timeout=2).delivered == 0

    # The CRM holds each booking exactly once, though it was sent more than once.
    stored_references = Counter(body["reference"] for body in crm.stored.values())
    assert stored_references == Counter({reference: 1 for reference in references})
    sent_keys = Counter(key for key, _ in crm.requests)
    assert len(crm.requests) > len(crm.stored)  # duplicates did reach the CRM...
    assert set(sent_keys) == set(crm.stored)  # ...always with the same key per booking
    assert all(body["event"] == "appointment.booked" for body in crm.stored.values())
    assert crm.unsigned == 0  # every attempt, retries included, was signed

    with booking_factory() as session:
        events = session.scalars(select(OutboxEvent)).all()
        assert all(e.delivered_at is not None and e.last_error is None for e in events)
        assert {e.attempts for e in events} <= {3, 4}


def test_backoff_doubles_up_to_a_cap() -> None:
    base = timedelta(seconds=30)
    assert [outbox.backoff(n, base) for n in (1, 2, 3)] == [base, base * 2, base * 4]
    assert outbox.backoff(50, base) == outbox.MAX_DELAY


def test_changes_are_delivered_in_order_with_their_own_keys(
    booking_factory: sessionmaker[Session], crm: FakeCrm
) -> None:
    with booking_factory() as session:
        first, second = next_free_slots(session, 2, SCHOOL, now=BOOKING_NOW)
    booked = service.book(booking_factory, details(), first.slot_id, now=BOOKING_NOW)
    service.reschedule(booking_factory, booked.reference, second.slot_id, now=BOOKING_NOW)
    service.cancel(booking_factory, booked.reference, now=BOOKING_NOW)
    report = outbox.deliver_due(booking_factory, crm.webhook, now=Clock(BOOKING_NOW), timeout=2)
    assert report.delivered == 3
    assert [body["event"] for _, body in crm.requests] == [
        "appointment.booked",
        "appointment.rescheduled",
        "appointment.cancelled",
    ]
    assert len({key for key, _ in crm.requests}) == 3
    assert crm.requests[1][1]["starts_at"] == second.starts_at.isoformat()


def test_cli_deliver_once(
    booking_factory: sessionmaker[Session],
    crm: FakeCrm,
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with booking_factory() as session:
        slot = next_free_slots(session, 1, SCHOOL, now=BOOKING_NOW)[0]
    # The CLI uses the real clock; a booking made "now" for a future slot is due at once.
    service.book(booking_factory, details(), slot.slot_id)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("CRM_WEBHOOK_URL", raising=False)
    assert cli.main(["outbox", "deliver", "--once"]) == 2  # no webhook: says to export instead
    monkeypatch.setenv("CRM_WEBHOOK_URL", crm.url)
    monkeypatch.setenv("CRM_WEBHOOK_SECRET", crm.secret)
    assert cli.main(["outbox", "deliver", "--once"]) == 0
    assert "Delivered 1, failed 0." in capsys.readouterr().out
    assert len(crm.stored) == 1


def test_two_workers_never_send_the_same_row_on_postgresql(
    booking_factory: sessionmaker[Session], crm: FakeCrm, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("row claims with SKIP LOCKED need PostgreSQL; SQLite runs one worker")
    book_some(booking_factory, 8)
    clock = Clock(BOOKING_NOW)
    reports: list[outbox.DeliveryReport] = []

    def work() -> None:
        reports.append(outbox.deliver_due(booking_factory, crm.webhook, now=clock, timeout=5))

    workers = [threading.Thread(target=work) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sum(r.delivered for r in reports) == 8
    assert len(crm.requests) == 8  # no row was posted twice
