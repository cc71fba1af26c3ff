"""The cluster's nginx configuration as the public surface, against a stand-in for the replicas.

nginx runs with the configuration `tools/cluster/nginx.py` writes for `make cluster`, in front
of a small HTTP server that records what reaches it, so these tests need nginx but no model,
database or Redis: only the visitor's paths are passed on, the HTTP API is not, oversized
bodies and floods are refused by nginx itself, and the client address the replicas are told
cannot be forged. (test_exposure.py checks the same against the real cluster.)
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from tools.cluster import nginx
from tools.cluster.nginx import FrontLimits
from tools.cluster.settings import ClusterSettings
from tools.processes import free_port, stop

NGINX = os.environ.get("NGINX", ClusterSettings.nginx)
API_PATHS = [
    "/",
    "/version",
    "/status",
    "/model",
    "/model/parse",
    "/model/train",
    "/conversations/someone/tracker",
    "/conversations/someone/tracker/events",
    "/domain",
    "/auth",
    "/auth/verify",
    "/webhooks/rest/webhook/extra",
    "/webhooks/socketio/webhook",
    "/webhooks/callback/webhook",
]
# Raw request targets that a sloppy proxy might pass on although they resolve to the API.
SNEAKY_TARGETS = [
    "/socket.io/../status",
    "/socket.io/%2e%2e/model",
    "/webhooks/rest/webhook/../../../model",
    "//model",
    "/socket.io/..%2fstatus",
]

pytestmark = pytest.mark.skipif(
    not (os.access(NGINX, os.X_OK) or shutil.which(NGINX)),
    reason=f"nginx is not installed at {NGINX} (scripts/install-nginx)",
)


@dataclass
class Seen:
    """What reached the stand-in replica: request targets and the headers of the last request."""

    targets: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def stand_in_replica(seen: Seen) -> ThreadingHTTPServer:
    class Replica(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            seen.targets.append(self.path)
            seen.headers = {name.lower(): value for name, value in self.headers.items()}
            if self.path.endswith("/slow"):
                time.sleep(2)
            body = json.dumps({"path": self.path}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Replica)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@dataclass
class Front:
    url: str
    port: int
    seen: Seen


@pytest.fixture
def front_door(tmp_path: Path) -> Iterator[Callable[[FrontLimits], Front]]:
    """Start nginx with the cluster's configuration and `limits` before one stand-in replica."""
    started: list[tuple[subprocess.Popen, ThreadingHTTPServer]] = []

    def start(limits: FrontLimits) -> Front:
        seen = Seen()
        replica = stand_in_replica(seen)
        replica_port = replica.server_address[1]
        port, actions_port = free_port(), free_port()
        config = nginx.write_config(
            tmp_path, port, actions_port, [replica_port], [replica_port], limits=limits
        )
        process = subprocess.Popen(
            nginx.command(NGINX, tmp_path, config),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        started.append((process, replica))
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/webhooks/rest/", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            pytest.fail(f"nginx did not start:\n{(tmp_path / 'nginx-error.log').read_text()}")
        seen.targets.clear()
        return Front(url, port, seen)

    yield start
    for process, replica in started:
        stop(process)
        replica.shutdown()


def raw_get(port: int, target: str) -> int:
    """GET `target` exactly as written (no client-side normalisation of dots or escapes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def test_only_the_visitor_paths_reach_the_replicas(
    front_door: Callable[[FrontLimits], Front],
) -> None:
    front = front_door(FrontLimits(rate="1000r/s", burst=1000))
    webhook = requests.post(
        f"{front.url}/webhooks/rest/webhook", json={"sender": "s", "message": "hi"}
    )
    socket = requests.get(f"{front.url}/socket.io/", params={"EIO": "4", "transport": "polling"})
    assert (webhook.status_code, socket.status_code) == (200, 200)
    assert front.seen.targets == ["/webhooks/rest/webhook", "/socket.io/?EIO=4&transport=polling"]
    front.seen.targets.clear()

    for path in API_PATHS:
        for method in (requests.get, requests.post):
            assert method(f"{front.url}{path}", json={}).status_code == 404, path
    for target in SNEAKY_TARGETS:
        assert raw_get(front.port, target) in (400, 404), target
    assert front.seen.targets == [], "nginx passed an API path on to a replica"


def test_a_body_over_the_limit_is_refused_by_nginx(
    front_door: Callable[[FrontLimits], Front],
) -> None:
    front = front_door(FrontLimits(max_body_bytes=4096, rate="1000r/s", burst=1000))
    webhook = f"{front.url}/webhooks/rest/webhook"
    fits = requests.post(webhook, data=b"x" * 4096, headers={"Content-Type": "application/json"})
    too_big = requests.post(webhook, data=b"x" * 4097, headers={"Content-Type": "application/json"})
    assert fits.status_code == 200
    assert too_big.status_code == 413
    assert "4096" in too_big.json()["error"]
    assert front.seen.targets == ["/webhooks/rest/webhook"], "the oversized body reached a replica"


def test_one_address_flooding_gets_429_after_its_burst(
    front_door: Callable[[FrontLimits], Front],
) -> None:
    front = front_door(FrontLimits(rate="1r/s", burst=5))
    time.sleep(1.1)  # the start-up check's request has leaked out of the bucket
    with requests.Session() as session:
        statuses = [
            session.post(f"{front.url}/webhooks/rest/webhook", json={}).status_code
            for _ in range(12)
        ]
        refused = session.post(f"{front.url}/webhooks/rest/webhook", json={})
    # The first request plus the burst pass at once (nodelay); the rest are refused, not queued.
    assert statuses[:6] == [200] * 6
    assert set(statuses[6:]) == {429}
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert len(front.seen.targets) == 6


def test_one_address_gets_a_limited_number_of_connections(
    front_door: Callable[[FrontLimits], Front],
) -> None:
    front = front_door(FrontLimits(rate="1000r/s", burst=1000, connections=3))
    results: list[int] = []

    def slow_request() -> None:
        results.append(requests.get(f"{front.url}/socket.io/slow", timeout=10).status_code)

    threads = [threading.Thread(target=slow_request) for _ in range(3)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while len(front.seen.targets) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    fourth = requests.get(f"{front.url}/socket.io/slow", timeout=10).status_code
    for thread in threads:
        thread.join()
    assert results == [200, 200, 200]
    assert fourth == 429


def test_the_replicas_are_told_the_client_address_nginx_saw(
    front_door: Callable[[FrontLimits], Front],
) -> None:
    front = front_door(FrontLimits(rate="1000r/s", burst=1000))
    for path in ("/webhooks/rest/webhook", "/socket.io/?EIO=4&transport=polling"):
        requests.post(
            f"{front.url}{path}",
            json={},
            headers={"X-Real-IP": "203.0.113.9", "X-Forwarded-For": "203.0.113.9"},
        )
        assert front.seen.headers["x-real-ip"] == "127.0.0.1", path
        # Appended: a replica counting proxies (SANIC_PROXIES_COUNT=1) takes the last entry.
        assert front.seen.headers["x-forwarded-for"].split(",")[-1].strip() == "127.0.0.1", path
