"""`python -m rasa_plugins.server`: the Rasa server with no secret on its command line.

The launcher is started for real, as `make run` starts it, but on an empty model directory
(loading a trained model adds a minute and proves nothing here): Rasa's HTTP API then answers
an authenticated request with 409 "no agent loaded" and any other with 401 or 403, which is
exactly the line these tests need.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from bot.rasa_server.auth import admin_header, authorization_header, mint_token
from bot.settings import REPO_ROOT
from rasa_plugins import server as rasa_server
from tools.processes import free_port, running

STARTUP_SECONDS = 180
MAX_REQUEST_BYTES = 4096
AUTHENTICATED_WITHOUT_MODEL = 409  # past requires_auth, stopped by ensure_loaded_agent


@dataclass
class Launched:
    process: subprocess.Popen
    url: str
    secret_file: Path
    log: Path

    @property
    def secret(self) -> str:
        return self.secret_file.read_text().strip()


@pytest.fixture(scope="module")
def launched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launched]:
    work = tmp_path_factory.mktemp("rasa_server")
    (work / "models").mkdir()
    (work / "credentials.yml").write_text("rest:\n")
    (work / "endpoints.yml").write_text("lock_store:\n  type: in_memory\n")
    secret_file = work / "secret" / "rasa-jwt-secret"
    port = free_port()
    environ = {name: value for name, value in os.environ.items() if not name.startswith("RASA_JWT")}
    log = work / "rasa.log"
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "rasa_plugins.server",
        "--model",
        str(work / "models"),
        "--endpoints",
        str(work / "endpoints.yml"),
        "--credentials",
        str(work / "credentials.yml"),
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
        "--enable-api",
    ]
    env = {
        **environ,
        "RASA_JWT_SECRET_FILE": str(secret_file),
        "RASA_TELEMETRY_ENABLED": "false",
        "MAX_REQUEST_BYTES": str(MAX_REQUEST_BYTES),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    with running(
        command,
        ready=lambda: requests.get(f"{url}/version", timeout=2).ok,
        what="the launcher",
        log=log,
        timeout=STARTUP_SECONDS,
        env=env,
        cwd=REPO_ROOT,
    ) as process:
        yield Launched(process, url, secret_file, log)


def test_the_secret_is_made_private_and_never_on_the_command_line(launched: Launched) -> None:
    assert stat.S_IMODE(launched.secret_file.stat().st_mode) == 0o600
    assert len(launched.secret) >= 32
    command_line = Path(f"/proc/{launched.process.pid}/cmdline").read_bytes().decode()
    assert "rasa_plugins.server" in command_line
    assert launched.secret not in command_line
    assert "token" not in command_line and "jwt" not in command_line


def test_a_token_signed_with_the_secret_opens_the_api(launched: Launched) -> None:
    reply = requests.get(
        f"{launched.url}/status", headers=admin_header(launched.secret), timeout=10
    )
    assert reply.status_code == AUTHENTICATED_WITHOUT_MODEL, reply.text


def test_missing_wrong_and_query_tokens_are_refused(launched: Launched) -> None:
    status = f"{launched.url}/status"
    assert requests.get(status, timeout=10).status_code == 401
    assert (
        requests.get(
            status, headers=admin_header("another secret of at least 32 bytes!"), timeout=10
        ).status_code
        == 401
    )
    # Plain `--auth-token` mode is off: the secret itself in the URL opens nothing.
    assert requests.get(status, params={"token": launched.secret}, timeout=10).status_code == 401
    signed = mint_token(launched.secret, username="admin")
    assert requests.get(status, params={"token": signed}, timeout=10).status_code == 401


def test_an_expired_token_is_refused(launched: Launched) -> None:
    issued = datetime.now(timezone.utc) - timedelta(minutes=5, seconds=30)
    expired = mint_token(launched.secret, username="admin", now=issued)  # expired 30 s ago
    reply = requests.get(
        f"{launched.url}/status", headers=authorization_header(expired), timeout=10
    )
    assert reply.status_code == 401


def test_a_conversation_token_reaches_its_conversation_only(launched: Launched) -> None:
    token = authorization_header(mint_token(launched.secret, username="student-1", role="user"))
    own = requests.post(
        f"{launched.url}/conversations/student-1/tracker/events", json=[], headers=token, timeout=10
    )
    other = requests.post(
        f"{launched.url}/conversations/student-2/tracker/events", json=[], headers=token, timeout=10
    )
    model = requests.get(f"{launched.url}/status", headers=token, timeout=10)
    assert own.status_code == AUTHENTICATED_WITHOUT_MODEL
    assert (other.status_code, model.status_code) == (403, 403)


def test_a_body_over_max_request_bytes_gets_413(launched: Launched) -> None:
    webhook = f"{launched.url}/webhooks/rest/webhook"
    headers = {"Content-Type": "application/json"}
    too_big = requests.post(
        webhook, data=b"x" * (MAX_REQUEST_BYTES + 1), headers=headers, timeout=10
    )
    fits = requests.post(
        webhook, data=b'{"sender": "s", "message": "hi"}', headers=headers, timeout=10
    )
    assert too_big.status_code == 413
    assert fits.status_code != 413


def test_the_secret_never_reaches_the_log(launched: Launched) -> None:
    requests.get(f"{launched.url}/status", headers=admin_header(launched.secret), timeout=10)
    assert launched.secret not in launched.log.read_text(errors="replace")


# ---- the argument building, without starting anything ----------------------------------------


def parsed(*argv: str):
    return rasa_server.build_parser().parse_args(["--model", "models/x.tar.gz", *argv])


def test_the_api_runs_in_jwt_mode_with_the_secret_from_the_environment() -> None:
    secret = "s" * 40
    arguments = rasa_server.run_arguments(
        parsed("--enable-api", "--port", "5011"), {"RASA_JWT_SECRET": secret}
    )
    assert (arguments.jwt_secret, arguments.jwt_method, arguments.auth_token) == (
        secret,
        "HS256",
        None,
    )
    assert (arguments.model, arguments.port, arguments.enable_api) == (
        "models/x.tar.gz",
        5011,
        True,
    )


def test_without_the_api_no_secret_is_read_or_made(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    arguments = rasa_server.run_arguments(parsed(), {"RASA_JWT_SECRET_FILE": str(secret_file)})
    assert arguments.jwt_secret is None and arguments.auth_token is None
    assert not secret_file.exists()


def test_no_option_takes_a_secret() -> None:
    for option in ("--auth-token", "--jwt-secret"):
        with pytest.raises(SystemExit):
            parsed(option, "x" * 40)


def test_the_request_size_limit_comes_from_max_request_bytes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    environ: dict[str, str] = {"MAX_REQUEST_BYTES": "2048"}
    rasa_server.configure_sanic(environ)
    assert environ["SANIC_REQUEST_MAX_SIZE"] == "2048"
    assert rasa_server.max_request_bytes({}) == 65536
    # bot/settings.py's policy: a misspelt limit keeps the default and says so in the log.
    for bad in ("0", "-5", "lots"):
        caplog.clear()
        assert rasa_server.max_request_bytes({"MAX_REQUEST_BYTES": bad}) == 65536
        assert "MAX_REQUEST_BYTES" in caplog.text


def test_endpoints_yml_gets_the_urls_from_bot_settings_unless_they_are_set() -> None:
    # endpoints.yml reads ${ACTION_SERVER_URL} and ${TRACKER_STORE_URL}; YAML cannot import the
    # settings, so the launcher fills them, treating a blank value as unset.
    environ: dict[str, str] = {"ACTION_SERVER_PORT": "6055", "TRACKER_STORE_URL": "  "}
    rasa_server.configure_sanic(environ)
    assert environ["ACTION_SERVER_URL"] == "http://127.0.0.1:6055/webhook"
    assert (
        environ["TRACKER_STORE_URL"].startswith("sqlite:///")
        and "tracker.db" in environ["TRACKER_STORE_URL"]
    )
    chosen = {"ACTION_SERVER_URL": "http://actions:5055/webhook"}
    rasa_server.configure_sanic(chosen)
    assert chosen["ACTION_SERVER_URL"] == "http://actions:5055/webhook"
