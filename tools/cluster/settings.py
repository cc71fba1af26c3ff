"""Settings of the scaled-out set-up, all from the environment with loopback-safe defaults.

The defaults match one developer machine (docs/scale-out.md lists them); tests and the
benchmark pass their own values so they never touch a running `make cluster`.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import REPO_ROOT, EnvReader
from tools.cluster.nginx import FrontLimits


def _redis_from_url(url: str) -> dict[str, object]:
    """REDIS_URL (`redis://[[user]:password@]host[:port][/db]`) as ClusterSettings fields."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "redis" or not parts.hostname:
        raise ValueError(
            f"REDIS_URL must look like redis://:password@host:6379/1, not {parts.scheme}://..."
        )
    database = parts.path.strip("/")
    if database and not database.isdigit():
        raise ValueError("REDIS_URL's path must be a database number, such as /1")
    return {
        "redis_host": parts.hostname,
        "redis_port": parts.port or 6379,
        "redis_db": int(database) if database else ClusterSettings.redis_db,
        "redis_username": urllib.parse.unquote(parts.username or ""),
        "redis_password": urllib.parse.unquote(parts.password or ""),
    }


@dataclass
class ClusterSettings:
    """How many processes, where the shared services are, and where the cluster keeps its files."""

    rasa_processes: int = 2
    action_processes: int = 2
    port: int = 5080
    postgres: str = "postgresql://127.0.0.1:5432"
    database_prefix: str = "enrollment_cluster"
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = 1
    redis_username: str = ""
    redis_password: str = field(default="", repr=False)
    redis_key_prefix: str = "enrollment"
    lock_lifetime_seconds: int = 60
    run_dir: Path = field(default_factory=lambda: REPO_ROOT / "var" / "cluster")
    nginx: str = "/usr/sbin/nginx"
    front_limits: FrontLimits = field(default_factory=FrontLimits)

    @classmethod
    def from_env(cls) -> ClusterSettings:
        """`make cluster` reads these; each variable is documented in docs/scale-out.md."""
        read = EnvReader(os.environ)
        default = cls()
        limits = default.front_limits
        redis_url = read.text("REDIS_URL")
        redis = (
            _redis_from_url(redis_url)
            if redis_url
            else {
                "redis_host": (read.text("REDIS_HOST") or default.redis_host),
                "redis_port": read.port("REDIS_PORT", default.redis_port),
                "redis_db": read.whole("REDIS_DB", default.redis_db),
            }
        )
        return cls(
            rasa_processes=read.positive("CLUSTER_RASA_PROCESSES", default.rasa_processes),
            action_processes=read.positive("CLUSTER_ACTION_PROCESSES", default.action_processes),
            port=read.port("CLUSTER_PORT", default.port),
            postgres=(read.text("CLUSTER_POSTGRES") or default.postgres).rstrip("/"),
            database_prefix=(read.text("CLUSTER_DATABASE_PREFIX") or default.database_prefix),
            **redis,  # type: ignore[arg-type]
            redis_key_prefix=(read.text("REDIS_KEY_PREFIX") or default.redis_key_prefix),
            lock_lifetime_seconds=read.positive(
                "TICKET_LOCK_LIFETIME", default.lock_lifetime_seconds
            ),
            run_dir=read.path("CLUSTER_RUN_DIR") or default.run_dir,
            nginx=(read.text("NGINX") or default.nginx),
            front_limits=FrontLimits(
                max_body_bytes=read.positive("MAX_REQUEST_BYTES", limits.max_body_bytes),
                rate=read.text("CLUSTER_NGINX_RATE") or limits.rate,
                burst=read.positive("CLUSTER_NGINX_BURST", limits.burst),
                connections=read.positive("CLUSTER_NGINX_CONNECTIONS", limits.connections),
            ),
        )

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", self.database_prefix):
            raise ValueError(
                f"CLUSTER_DATABASE_PREFIX must be a plain SQL name: {self.database_prefix!r}"
            )
        if not self.redis_key_prefix.isalnum():
            raise ValueError(f"REDIS_KEY_PREFIX must be alphanumeric: {self.redis_key_prefix!r}")
        if self.rasa_processes < 1 or self.action_processes < 1:
            raise ValueError("the cluster needs at least one Rasa and one action server")

    @property
    def redis_url(self) -> str:
        """The Redis server as a URL, credentials included (the replicas' rate-limit storage)."""
        credentials = ""
        if self.redis_username or self.redis_password:
            credentials = (
                f"{urllib.parse.quote(self.redis_username, safe='')}:"
                f"{urllib.parse.quote(self.redis_password, safe='')}@"
            )
        return f"redis://{credentials}{self.redis_host}:{self.redis_port}/{self.redis_db}"

    @property
    def tracker_database(self) -> str:
        return f"{self.database_prefix}_tracker"

    @property
    def program_database(self) -> str:
        return f"{self.database_prefix}_program"

    @property
    def tracker_store_url(self) -> str:
        """Rasa's SQLAlchemy 1.4 with psycopg2 (in the Rasa environment)."""
        return f"{self.postgres}/{self.tracker_database}"

    @property
    def program_database_url(self) -> str:
        """The action server's SQLAlchemy 2 with psycopg 3 (in the actions environment)."""
        scheme, rest = self.postgres.split("://", 1)
        return f"postgresql+psycopg://{rest}/{self.program_database}"
