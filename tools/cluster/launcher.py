"""Start and stop the scaled-out set-up: the e2e harness's `Servers`, several times over.

`Cluster` is `tools/servers.py`'s `Servers` (same commands, same readiness checks) with
PostgreSQL instead of SQLite files, the Redis lock store (tools/cluster/endpoints.yml), M
action servers and N Rasa servers on free loopback ports, and nginx in front of both. Its
`rasa_url` is nginx's, so `say()` goes through the balancer as a client would; the HTTP API
(`tracker()`, the counselor CLI) is not on nginx and is called on a running replica's port.

Every process binds loopback. The replicas get what they share from their environment, never
from their command line: the API's JWT secret, the Redis URL (with its password) for the
per-address rate limits, and one CLIENT_ID_SALT so they agree on a client's `client_id`; they
trust nginx's `X-Real-IP` for the client's address (SANIC_REAL_IP_HEADER).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
import requests

from bot.settings import REPO_ROOT
from tools.cluster import nginx, postgres
from tools.cluster.settings import ClusterSettings
from tools.processes import free_port, wait_until
from tools.servers import MODEL, Servers

ENDPOINTS = REPO_ROOT / "tools" / "cluster" / "endpoints.yml"
STATE_FILE = "state.json"


def missing_services(settings: ClusterSettings, model: Path = MODEL) -> list[str]:
    """What the cluster needs and this machine lacks, in words fit for a pytest skip reason."""
    reasons = []
    if problem := postgres.reachable(settings.postgres):
        reasons.append(problem)
    try:
        redis_client(settings, socket_timeout=3, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        reasons.append(
            f"Redis at {settings.redis_host}:{settings.redis_port} is not reachable: {error}"
        )
    if not (os.access(settings.nginx, os.X_OK) or shutil.which(settings.nginx)):
        reasons.append(
            f"nginx is not installed at {settings.nginx} (scripts/install-nginx installs it)"
        )
    if not model.exists():
        reasons.append(f"{model} is missing: run `make train` first")
    return reasons


def redis_client(settings: ClusterSettings, **options: Any) -> redis.Redis:
    return redis.Redis(
        host=settings.redis_host,
        port=settings.redis_port,
        db=settings.redis_db,
        username=settings.redis_username or None,
        password=settings.redis_password or None,
        **options,
    )


@dataclass
class Cluster(Servers):
    """N Rasa servers and M action servers behind nginx, sharing PostgreSQL and Redis."""

    settings: ClusterSettings = field(default_factory=ClusterSettings.from_env)
    endpoints: Path = ENDPOINTS
    actions_balancer_port: int = field(default_factory=free_port)
    rasa_ports: list[int] = field(default_factory=list)
    action_ports: list[int] = field(default_factory=list)
    # One key for every replica's client_id hash: CLIENT_ID_SALT if set, else one per cluster run.
    client_id_salt: str = field(
        default_factory=lambda: os.environ.get("CLIENT_ID_SALT") or secrets.token_urlsafe(32),
        repr=False,
    )
    # Extra environment for the Rasa replicas (tests and benchmarks loosen the rate limits).
    replica_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rasa_port = self.settings.port  # say()/tracker() go through nginx
        self.rasa_ports = self.rasa_ports or [
            free_port() for _ in range(self.settings.rasa_processes)
        ]
        self.action_ports = self.action_ports or [
            free_port() for _ in range(self.settings.action_processes)
        ]
        self.workdir.mkdir(parents=True, exist_ok=True)

    @property
    def env(self) -> dict[str, str]:
        settings = self.settings
        return {
            **super().env,
            "DATABASE_URL": settings.program_database_url,
            "TRACKER_STORE_URL": settings.tracker_store_url,
            "ACTION_SERVER_URL": f"http://127.0.0.1:{self.actions_balancer_port}/webhook",
            "REDIS_HOST": settings.redis_host,
            "REDIS_PORT": str(settings.redis_port),
            "REDIS_DB": str(settings.redis_db),
            "REDIS_USERNAME": settings.redis_username,
            "REDIS_PASSWORD": settings.redis_password,
            "REDIS_KEY_PREFIX": settings.redis_key_prefix,
            "TICKET_LOCK_LIFETIME": str(settings.lock_lifetime_seconds),
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        }

    def rasa_env(self) -> dict[str, str]:
        """The replicas only: behind nginx, sharing rate-limit counts and client ids."""
        settings = self.settings
        return {
            **super().rasa_env(),
            "SANIC_REAL_IP_HEADER": "x-real-ip",
            "RATE_LIMIT_STORAGE_URL": settings.redis_url,
            "CLIENT_ID_SALT": self.client_id_salt,
            "MAX_REQUEST_BYTES": str(settings.front_limits.max_body_bytes),
            **self.replica_env,
        }

    @property
    def api_url(self) -> str:
        """A running replica's own port (the first one's before any runs): nginx does not pass
        the HTTP API on."""
        running = [
            port
            for name, port in zip(self.rasa_names(), self.rasa_ports, strict=True)
            if name in self.processes and self.processes[name].poll() is None
        ]
        return f"http://127.0.0.1:{(running or self.rasa_ports)[0]}"

    def replica_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.rasa_ports]

    def rasa_names(self) -> list[str]:
        return [f"rasa-{index}" for index in range(len(self.rasa_ports))]

    def start(self) -> None:
        """Databases, seed, action servers, nginx, then the Rasa servers, two at a time."""
        settings = self.settings
        for database in (settings.tracker_database, settings.program_database):
            postgres.ensure_database(settings.postgres, database)
        self.seed_database()
        for index, port in enumerate(self.action_ports):
            self.start_action_server(name=f"actions-{index}", port=port)
        self.start_nginx()
        # Loading a model is mostly one core's work: two at a time halve the wait on 2 cores.
        with ThreadPoolExecutor(max_workers=2) as pool:
            for started in [
                pool.submit(self.start_rasa, name=name, port=port)
                for name, port in zip(self.rasa_names(), self.rasa_ports, strict=True)
            ]:
                started.result()
        front = f"{self.rasa_url}/webhooks/rest/"  # the REST channel's health check, via nginx
        wait_until(
            lambda: requests.get(front, timeout=2).ok,
            30,
            "nginx",
            self.processes["nginx"],
            self.workdir / "nginx.log",
        )

    def start_nginx(self) -> None:
        config = nginx.write_config(
            self.workdir,
            self.settings.port,
            self.actions_balancer_port,
            self.rasa_ports,
            self.action_ports,
            limits=self.settings.front_limits,
        )
        process, log = self._spawn(
            "nginx", nginx.command(self.settings.nginx, self.workdir, config)
        )
        health = f"http://127.0.0.1:{self.actions_balancer_port}/health"
        wait_until(lambda: requests.get(health, timeout=2).ok, 30, "nginx", process, log)

    def kill_rasa(self, name: str) -> None:
        """SIGKILL, as a crash or an out-of-memory kill would: no clean-up runs."""
        process = self.processes.pop(name)
        process.kill()
        process.wait()

    def restart_rasa(self, name: str) -> None:
        self.start_rasa(name=name, port=self.rasa_ports[self.rasa_names().index(name)])

    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.processes.items()}

    def forget_data(self) -> None:
        """Drop the databases and lock keys (tests and benchmarks use their own, then remove
        them)."""
        settings = self.settings
        for database in (settings.tracker_database, settings.program_database):
            postgres.drop_database(settings.postgres, database)
        client = redis_client(settings)
        for key in client.scan_iter(f"{settings.redis_key_prefix}:lock:*"):
            client.delete(key)

    # ---- detached use by `make cluster` / `make cluster-down` -------------------------

    def save_state(self) -> Path:
        """Record what runs (pid and start time, so `down` never signals a recycled pid).

        No secret goes in: `status` and the counselor CLI sign their API tokens with the secret
        the replicas were given (RASA_JWT_SECRET or its file). The file is still created mode 600,
        never readable by others even for a moment.
        """
        state = {
            "url": self.rasa_url,
            "api_urls": self.replica_urls(),
            "processes": {name: [pid, _start_time(pid)] for name, pid in self.pids().items()},
        }
        path = self.workdir / STATE_FILE
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # in case an older file with another mode was there
        with os.fdopen(descriptor, "w") as handle:
            handle.write(json.dumps(state, indent=2))
        return path


def _start_time(pid: int) -> str:
    """Field 22 of /proc/PID/stat: the process's start time, unique with its pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]


def load_state(run_dir: Path) -> dict[str, Any] | None:
    path = run_dir / STATE_FILE
    return json.loads(path.read_text()) if path.exists() else None


def stop_recorded(run_dir: Path, timeout: float = 20) -> list[str]:
    """Stop the processes a detached `up` recorded, and only those; return their names."""
    state = load_state(run_dir)
    if not state:
        return []
    alive = {
        name: pid
        for name, (pid, started) in state["processes"].items()
        if started and _start_time(pid) == started
    }
    for pid in alive.values():
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_start_time(pid) for pid in alive.values()):
        time.sleep(0.2)
    for pid in alive.values():
        if _start_time(pid):
            os.kill(pid, signal.SIGKILL)
    (run_dir / STATE_FILE).unlink()
    return sorted(alive)
