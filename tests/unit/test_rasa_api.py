"""The counselor console's calls to the Rasa HTTP API: signed, short-lived, scoped, never in
the URL."""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest

from bot.rasa_server import client as rasa_api
from bot.rasa_server.auth import DEFAULT_LIFETIME, ensure_secret, mint_token, read_secret
from bot.safe_io.secret_files import SecretError

SECRET = "a-test-secret-that-is-long-enough-for-hs256"


class Recorded:
    path = ""
    headers: dict[str, str] = {}
    body: bytes = b""
    status = 200


@pytest.fixture
def rasa_stand_in() -> Iterator[tuple[str, Recorded]]:
    """A local HTTP server in place of Rasa that records the one request it gets."""
    recorded = Recorded()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            recorded.path = self.path
            recorded.headers = {name.lower(): value for name, value in self.headers.items()}
            recorded.body = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(recorded.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", recorded
    server.shutdown()


def decoded(authorization: str, **options: object) -> dict:
    scheme, token = authorization.split(" ", 1)
    assert scheme == "Bearer"
    return jwt.decode(token, SECRET, algorithms=["HS256"], **options)


def test_the_token_goes_in_the_authorization_header_not_the_url(rasa_stand_in) -> None:
    url, recorded = rasa_stand_in
    api = rasa_api.RasaApi(url, SECRET)
    rasa_api.append_events(api, "student-7", [rasa_api.counselor_message("Hi, I'm Sam")])

    assert (
        recorded.path
        == "/conversations/student-7/tracker/events?output_channel=latest&execute_side_effects=true"
    )
    assert "token" not in recorded.path and SECRET not in recorded.path
    claims = decoded(recorded.headers["authorization"])
    assert claims["user"] == {"username": "student-7", "role": "user"}
    assert json.loads(recorded.body)[0]["text"] == "Hi, I'm Sam"
    assert SECRET not in repr(api)


def test_the_token_expires_within_minutes() -> None:
    api = rasa_api.RasaApi("http://127.0.0.1:5005", SECRET)
    request = rasa_api.append_events_request(api, "student-7", [])
    claims = decoded(request.get_header("Authorization"))
    lifetime = datetime.fromtimestamp(claims["exp"], timezone.utc) - datetime.now(timezone.utc)
    assert timedelta(minutes=4) < lifetime <= DEFAULT_LIFETIME

    made_earlier = rasa_api.append_events_request(
        api,
        "student-7",
        [],
        now=datetime.now(timezone.utc) - DEFAULT_LIFETIME - timedelta(seconds=1),
    )
    with pytest.raises(jwt.ExpiredSignatureError):
        decoded(made_earlier.get_header("Authorization"))


def test_a_token_signed_with_another_secret_does_not_verify() -> None:
    token = mint_token("another-secret-that-is-long-enough-for-hs256", username="admin")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, SECRET, algorithms=["HS256"])


def test_a_refused_token_is_reported_without_a_traceback(rasa_stand_in) -> None:
    url, recorded = rasa_stand_in
    recorded.status = 401
    with pytest.raises(rasa_api.RasaApiError, match="refused the token"):
        rasa_api.append_events(rasa_api.RasaApi(url, SECRET), "student-7", [])


def test_the_secret_comes_from_the_environment_or_the_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "rasa-jwt-secret"
    secret_file.write_text(SECRET + "\n")
    secret_file.chmod(0o600)
    from_file = rasa_api.rasa_api_from_env(
        {"RASA_JWT_SECRET_FILE": str(secret_file), "RASA_PORT": "5011"}
    )
    assert (from_file.url, from_file.secret) == ("http://127.0.0.1:5011", SECRET)
    from_env = rasa_api.rasa_api_from_env(
        {"RASA_JWT_SECRET": "e" * 40, "RASA_JWT_SECRET_FILE": str(secret_file)}
    )
    assert from_env.secret == "e" * 40


def test_without_a_secret_the_console_says_where_to_put_one(tmp_path: Path) -> None:
    with pytest.raises(rasa_api.RasaApiError, match="RASA_JWT_SECRET"):
        rasa_api.rasa_api_from_env({"RASA_JWT_SECRET_FILE": str(tmp_path / "missing")})
    with pytest.raises(rasa_api.RasaApiError, match="shorter than 32 bytes"):
        rasa_api.rasa_api_from_env({"RASA_JWT_SECRET": "short"})


def test_the_server_side_secret_file_is_created_private_once(tmp_path: Path) -> None:
    environ = {"RASA_JWT_SECRET_FILE": str(tmp_path / "var" / "rasa-jwt-secret")}
    first = ensure_secret(environ)
    path = tmp_path / "var" / "rasa-jwt-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert ensure_secret(environ) == first == read_secret(environ)
    assert [p.name for p in path.parent.iterdir()] == ["rasa-jwt-secret"]  # no temporary file left


def test_an_empty_secret_file_is_an_error_not_a_new_secret(tmp_path: Path) -> None:
    path = tmp_path / "rasa-jwt-secret"
    path.write_text("")
    with pytest.raises(SecretError, match="empty"):
        ensure_secret({"RASA_JWT_SECRET_FILE": str(path)})
