"""`make cluster`'s settings and recorded state: Redis credentials, limits, and where secrets go."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tools.cluster.launcher import STATE_FILE, Cluster
from tools.cluster.nginx import FrontLimits
from tools.cluster.settings import ClusterSettings

PASSWORD = "p@ss:w/rd"


def test_redis_url_carries_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://locks:p%40ss%3Aw%2Frd@redis.internal:6380/3")
    monkeypatch.setenv("REDIS_HOST", "ignored-when-redis-url-is-set")
    settings = ClusterSettings.from_env()
    assert (settings.redis_host, settings.redis_port, settings.redis_db) == (
        "redis.internal",
        6380,
        3,
    )
    assert (settings.redis_username, settings.redis_password) == ("locks", PASSWORD)
    assert settings.redis_url == "redis://locks:p%40ss%3Aw%2Frd@redis.internal:6380/3"
    assert PASSWORD not in repr(settings)


def test_without_redis_url_the_passwordless_local_redis_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB"):
        monkeypatch.delenv(name, raising=False)
    settings = ClusterSettings.from_env()
    assert settings.redis_url == "redis://127.0.0.1:6379/1"
    assert settings.redis_password == ""


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:6379/1", "redis://127.0.0.1:6379/locks", "redis:///1"]
)
def test_a_malformed_redis_url_is_refused(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("REDIS_URL", url)
    with pytest.raises(ValueError, match="REDIS_URL"):
        ClusterSettings.from_env()


def test_nginx_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_REQUEST_BYTES", "8192")
    monkeypatch.setenv("CLUSTER_NGINX_RATE", "600r/m")
    monkeypatch.setenv("CLUSTER_NGINX_BURST", "10")
    monkeypatch.setenv("CLUSTER_NGINX_CONNECTIONS", "50")
    assert ClusterSettings.from_env().front_limits == FrontLimits(8192, "600r/m", 10, 50)
    with pytest.raises(ValueError, match="10r/s"):
        FrontLimits(rate="10/second")


@pytest.fixture
def cluster(tmp_path: Path) -> Cluster:
    settings = ClusterSettings(run_dir=tmp_path, redis_password=PASSWORD)
    return Cluster(
        workdir=tmp_path, settings=settings, jwt_secret="j" * 40, client_id_salt="s" * 40
    )


def test_only_the_rasa_replicas_get_the_proxy_and_shared_settings(cluster: Cluster) -> None:
    replica = {**cluster.env, **cluster.rasa_env()}
    assert replica["SANIC_REAL_IP_HEADER"] == "x-real-ip"
    assert replica["RATE_LIMIT_STORAGE_URL"] == "redis://:p%40ss%3Aw%2Frd@127.0.0.1:6379/1"
    assert (replica["RASA_JWT_SECRET"], replica["CLIENT_ID_SALT"]) == ("j" * 40, "s" * 40)
    assert replica["MAX_REQUEST_BYTES"] == "65536"
    shared = cluster.env  # what the action servers, nginx and the CLI seeding run with
    for name in (
        "SANIC_REAL_IP_HEADER",
        "RASA_JWT_SECRET",
        "CLIENT_ID_SALT",
        "RATE_LIMIT_STORAGE_URL",
    ):
        assert shared.get(name) != replica[name], name


def test_the_state_file_is_private_from_the_start_and_holds_no_secret(
    cluster: Cluster, tmp_path: Path
) -> None:
    old_umask = os.umask(0o022)
    try:
        (tmp_path / STATE_FILE).write_text("{}")  # a left-over file readable by everyone
        path = cluster.save_state()
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    for secret in ("j" * 40, "s" * 40, PASSWORD):
        assert secret not in text
    state = json.loads(text)
    assert state["url"] == cluster.rasa_url
    assert state["api_urls"] == [f"http://127.0.0.1:{port}" for port in cluster.rasa_ports]
