"""The two measurements: each console page's answer time, and the inbox's delay.

Pages: after one untimed request (the site's first use of a page warms its imports and
connections), `requests` GETs of each page one after another, each timed from sending the
request to having read the whole answer. The Insights page is timed twice: uncached (each
request asks for a range not asked before, so the report is built from the tracker store every
time: from 30 + k days ago to today, which covers the same 30 days of conversations) and cached
(the default range again and again, as the office reloading it). Its CSV sections are read
from the cached report.

Inbox: with the inbox's Server-Sent Events stream open, a row is written (a student's new
message in the tracker store for the open waiting conversation; separately a new waiting
handoff in the program database) and the time until the stream sends its next event is taken.
Each trial waits a random part of a second first, so the writes fall anywhere in the stream's
polling interval.
"""

from __future__ import annotations

import http.client
import json
import queue
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa

from tools.benchmarks.stats import percentile
from tools.console_bench.dataset import SCHOOL_ZONE, event_row
from tools.console_bench.site import ConsoleClient

TARGET_MS = 300.0
INBOX_TARGET_MS = 2000.0
SECTIONS = ("per_day", "funnel", "topics", "unanswered", "programs")
EVENT_TIMEOUT_SECONDS = 10.0
_FACT_LINK = re.compile(r'href="/console/facts/([^"/]+)"')


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # "counselor" or "office": who asks
    # The address of each request (several: the uncached Insights page asks for a new range).
    paths: Callable[[int], str]
    warm_up: bool = True


def summary(samples_ms: list[float]) -> dict[str, Any]:
    return {
        "n": len(samples_ms),
        "median_ms": percentile(samples_ms, 50),
        "p95_ms": percentile(samples_ms, 95),
        "max_ms": max(samples_ms) if samples_ms else None,
    }


def pages(today: date, waiting: str, fact_key: str) -> list[Page]:
    """Every console page and export, for the role that uses it."""

    def same(path: str) -> Callable[[int], str]:
        return lambda _: path

    def new_range(k: int) -> str:
        return f"/console/insights?from={today - timedelta(days=30 + k)}&to={today}"

    opened = f"/console/inbox?c={waiting}"
    listed = [
        Page("appointments (counselor)", "counselor", same("/console/appointments")),
        Page("appointments (office)", "office", same("/console/appointments")),
        Page("inbox list (counselor)", "counselor", same("/console/inbox")),
        Page("inbox list (office)", "office", same("/console/inbox")),
        Page("inbox, a conversation open", "counselor", same(opened)),
        Page("insights, uncached", "office", new_range, warm_up=False),
        Page("insights, cached", "office", same("/console/insights")),
        Page("facts list", "office", same("/console/facts")),
        Page("fact edit page", "office", same(f"/console/facts/{fact_key}")),
        Page("staff accounts", "office", same("/console/accounts")),
        Page("appointments.csv (counselor)", "counselor", same("/console/appointments.csv")),
        Page("appointments.csv (office)", "office", same("/console/appointments.csv")),
    ]
    listed += [
        Page(
            f"insights.csv {section} (cached)",
            "office",
            same(f"/console/insights.csv?section={section}"),
        )
        for section in SECTIONS
    ]
    return listed


def first_fact_key(client: ConsoleClient) -> str:
    answer = client.get("/console/facts")
    match = _FACT_LINK.search(answer.body.decode())
    if answer.status != 200 or match is None:
        raise RuntimeError(f"no fact to edit on /console/facts (status {answer.status})")
    return match.group(1)


def time_page(client: ConsoleClient, page: Page, requests: int) -> dict[str, Any]:
    if page.warm_up:
        client.get(page.paths(-1))
    samples, failures, size = [], 0, 0
    for k in range(requests):
        answer = client.get(page.paths(k))
        samples.append(answer.seconds * 1000)
        failures += answer.status != 200
        size = max(size, len(answer.body))
    return {
        "page": page.name,
        "role": page.role,
        "path": page.paths(0),
        **summary(samples),
        "non_200": failures,
        "bytes": size,
    }


def school_today() -> date:
    return datetime.now(SCHOOL_ZONE).date()


# ---- the inbox's event stream ------------------------------------------------------------------


class EventStream:
    """GET /console/inbox/events read in a thread: each `inbox` event with when it arrived."""

    def __init__(self, port: int, cookie_header: dict[str, str], path: str) -> None:
        self.events: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self._connection.request(
            "GET", path, headers={"Accept": "text/event-stream", **cookie_header}
        )
        self._response = self._connection.getresponse()
        if self._response.status != 200:
            raise RuntimeError(f"{path} answered {self._response.status}")
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        kind = ""
        try:
            while line := self._response.readline():
                text = line.decode().rstrip("\r\n")
                if text.startswith("event: "):
                    kind = text.removeprefix("event: ")
                elif text.startswith("data: ") and kind == "inbox":
                    self.events.put((time.perf_counter(), json.loads(text.removeprefix("data: "))))
                    kind = ""
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            return  # closed (http.client's chunked reader raises AttributeError then)

    def next(self, timeout: float = EVENT_TIMEOUT_SECONDS) -> tuple[float, dict[str, Any]]:
        return self.events.get(timeout=timeout)

    def drain(self) -> None:
        while not self.events.empty():
            self.events.get_nowait()

    def close(self) -> None:
        self._connection.close()


@contextmanager
def event_stream(port: int, client: ConsoleClient, path: str) -> Iterator[EventStream]:
    stream = EventStream(port, client.headers(), path)
    try:
        stream.next()  # the current version, sent at once
        yield stream
    finally:
        stream.close()


def _trials(
    stream: EventStream, write: Callable[[int], None], expect: str, trials: int
) -> dict[str, Any]:
    samples, missed = [], 0
    for trial in range(trials):
        time.sleep(random.uniform(0.2, 1.2))
        stream.drain()
        write(trial)
        written = time.perf_counter()
        try:
            while True:
                arrived, event = stream.next()
                if expect in event.get("changed", []):
                    samples.append((arrived - written) * 1000)
                    break
        except queue.Empty:
            missed += 1
    return {
        **summary(samples),
        "trials": trials,
        "missed": missed,
        "samples_ms": [round(s, 1) for s in samples],
    }


def inbox_latency(
    port: int,
    client: ConsoleClient,
    database_url: str,
    tracker_url: str,
    conversation_id: str,
    trials: int,
) -> dict[str, Any]:
    """A student's new message in the open conversation, and a new waiting student."""
    tracker = sa.create_engine(tracker_url)
    program = sa.create_engine(database_url)
    events = sa.Table("events", sa.MetaData(), autoload_with=tracker)
    handoffs = sa.Table("handoff", sa.MetaData(), autoload_with=program)

    def new_message(trial: int) -> None:
        event = {"event": "user", "text": f"are you still there? ({trial})", "metadata": {}}
        row = event_row(conversation_id, "user", time.time(), event, "greet")
        with tracker.begin() as connection:
            connection.execute(sa.insert(events), row)

    def new_handoff(trial: int) -> None:
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        with program.begin() as connection:
            connection.execute(
                sa.insert(handoffs).values(
                    conversation_id=f"bench-latency-{trial:02d}-{random.getrandbits(32):08x}",
                    status="waiting",
                    transcript=[{"from": "student", "text": "can I talk to a person"}],
                    requested_at=now,
                )
            )

    try:
        with event_stream(port, client, f"/console/inbox/events?c={conversation_id}") as stream:
            message = _trials(stream, new_message, "messages", trials)
        with event_stream(port, client, "/console/inbox/events") as stream:
            waiting = _trials(stream, new_handoff, "waiting", trials)
    finally:
        tracker.dispose()
        program.dispose()
    return {"new_message": message, "new_handoff": waiting}
