"""The CRM webhook is signed (HMAC-SHA256 over timestamp and body), verifiable by the CRM, and
never posted in clear to another machine or without a secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot import cli
from bot.booking.crm import outbox
from bot.booking.crm.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature,
    signature_headers,
    verify_signature,
)
from bot.booking.crm.webhook import (
    CrmWebhook,
    WebhookConfigError,
    crm_webhook_from_settings,
    is_loopback,
)
from bot.database.models import OutboxEvent
from bot.settings import REPO_ROOT, load_settings

SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef"
BODY = b'{"event": "appointment.booked", "email": "ada@example.org"}'
NOW = 1_900_000_000.0


# ---- signing and verifying ---------------------------------------------------------------------


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    headers = signature_headers(SECRET, BODY, now=NOW)
    expected = hmac.new(SECRET.encode(), b"1900000000." + BODY, hashlib.sha256).hexdigest()
    assert headers == {TIMESTAMP_HEADER: "1900000000", SIGNATURE_HEADER: f"sha256={expected}"}
    assert signature(SECRET, 1900000000, BODY) == expected


def test_a_signed_request_verifies() -> None:
    headers = signature_headers(SECRET, BODY, now=NOW)
    assert verify_signature(SECRET, headers, BODY, now=NOW + 10)
    lower_cased = {name.lower(): value for name, value in headers.items()}
    assert verify_signature(SECRET, lower_cased, BODY, now=NOW)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h, b: (h, b.replace(b"ada", b"eve")),  # body changed
        lambda h, b: ({**h, TIMESTAMP_HEADER: str(int(NOW) + 1)}, b),  # timestamp changed
        lambda h, b: ({**h, SIGNATURE_HEADER: h[SIGNATURE_HEADER].replace("sha256", "md5")}, b),
        lambda h, b: ({k: v for k, v in h.items() if k != SIGNATURE_HEADER}, b),
        lambda h, b: ({k: v for k, v in h.items() if k != TIMESTAMP_HEADER}, b),
        lambda h, b: ({**h, TIMESTAMP_HEADER: "soon"}, b),
        lambda h, b: ({**h, SIGNATURE_HEADER: "sha256="}, b),
    ],
)
def test_a_tampered_request_does_not_verify(tamper: Any) -> None:
    headers, body = tamper(signature_headers(SECRET, BODY, now=NOW), BODY)
    assert not verify_signature(SECRET, headers, body, now=NOW)


def test_another_secret_does_not_verify() -> None:
    headers = signature_headers(SECRET, BODY, now=NOW)
    assert not verify_signature(SECRET[::-1], headers, BODY, now=NOW)


def test_an_old_or_future_timestamp_is_refused_as_a_replay() -> None:
    headers = signature_headers(SECRET, BODY, now=NOW)
    assert verify_signature(SECRET, headers, BODY, now=NOW + 300)
    assert not verify_signature(SECRET, headers, BODY, now=NOW + 301)
    assert not verify_signature(SECRET, headers, BODY, now=NOW - 301)


# ---- the https rule and the secret ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://crm.example.edu/hooks/enrollment",
        "https://user:pass@crm.example.edu:8443/x",
        "http://127.0.0.1:9000/crm",
        "http://127.8.9.10/crm",
        "http://localhost:9000/crm",
        "http://LOCALHOST/crm",
        "http://[::1]:9000/crm",
    ],
)
def test_https_or_loopback_is_accepted(url: str) -> None:
    assert CrmWebhook(url, SECRET).url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://crm.example.edu/hooks",
        "http://10.0.0.5/crm",
        "http://127.0.0.1.nip.io/crm",
        "http://localhost.example.com/crm",
        "ftp://127.0.0.1/crm",
        "file:///etc/passwd",
        "crm.example.edu/hooks",
        "https:///no-host",
    ],
)
def test_plain_http_to_another_machine_and_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(WebhookConfigError, match="CRM_WEBHOOK_URL"):
        CrmWebhook(url, SECRET)


def test_the_refusal_does_not_repeat_credentials_from_the_url() -> None:
    with pytest.raises(WebhookConfigError) as refused:
        CrmWebhook("http://admin:hunter2@crm.example.edu/hooks", SECRET)
    assert "hunter2" not in str(refused.value)
    assert "crm.example.edu" in str(refused.value)


@pytest.mark.parametrize("secret", ["", "short-secret"])
def test_a_missing_or_short_secret_is_refused(secret: str) -> None:
    with pytest.raises(WebhookConfigError, match="CRM_WEBHOOK_SECRET"):
        CrmWebhook("https://crm.example.edu/hooks", secret)


def test_the_secret_is_not_in_the_repr() -> None:
    assert SECRET not in repr(CrmWebhook("https://crm.example.edu/hooks", SECRET))


def test_loopback_names() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")
    assert not is_loopback("crm.localhost.example")


def webhook_from(environ: dict[str, str]) -> CrmWebhook | None:
    return crm_webhook_from_settings(load_settings(environ).booking)


def test_settings_from_the_environment() -> None:
    assert webhook_from({}) is None
    assert webhook_from({"CRM_WEBHOOK_URL": "  ", "CRM_WEBHOOK_SECRET": SECRET}) is None
    webhook = webhook_from(
        {"CRM_WEBHOOK_URL": "https://crm.example.edu/h", "CRM_WEBHOOK_SECRET": f" {SECRET} "}
    )
    assert webhook == CrmWebhook("https://crm.example.edu/h", SECRET)
    with pytest.raises(WebhookConfigError, match="CRM_WEBHOOK_SECRET is not set"):
        webhook_from({"CRM_WEBHOOK_URL": "https://crm.example.edu/h"})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"CRM_WEBHOOK_URL": "http://crm.example.edu/h", "CRM_WEBHOOK_SECRET": SECRET},
            "must use https://",
        ),
        ({"CRM_WEBHOOK_URL": "https://crm.example.edu/h"}, "CRM_WEBHOOK_SECRET is not set"),
    ],
)
def test_the_worker_refuses_to_start_with_a_clear_message(
    env: dict[str, str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'program.db'}")
    monkeypatch.delenv("CRM_WEBHOOK_SECRET", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["outbox", "deliver"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("Not delivering to the CRM:") and message in error
    assert "Traceback" not in error


# ---- what goes over the wire -------------------------------------------------------------


class RecordingCrm:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        crm = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                crm.requests.append((dict(self.headers.items()), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/crm"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def recording_crm() -> Iterator[RecordingCrm]:
    crm = RecordingCrm()
    yield crm
    crm.server.shutdown()
    crm.server.server_close()


def test_post_event_sends_a_signature_the_crm_can_verify(recording_crm: RecordingCrm) -> None:
    event = OutboxEvent(
        event_type="appointment.booked",
        payload={"event": "appointment.booked", "email": "ada@example.org"},
        idempotency_key="key-1",
        created_at=datetime(2030, 1, 1, tzinfo=timezone.utc),
    )
    outbox.post_event(CrmWebhook(recording_crm.url, SECRET), event, timeout=5)
    ((headers, body),) = recording_crm.requests
    assert json.loads(body)["email"] == "ada@example.org"
    assert verify_signature(SECRET, headers, body)
    assert headers["Idempotency-Key"] == "key-1"
    assert not verify_signature("another secret of the right length, 32+", headers, body)


def test_the_documented_recipe_for_the_crm_verifies_our_requests() -> None:
    readme = (REPO_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    recipe = re.search(
        r"```python\n(def is_from_enrollment_assistant.*?|import hashlib.*?)```", readme, re.DOTALL
    )
    assert recipe, "docs/operations.md has no CRM verification recipe"
    namespace: dict[str, Any] = {}
    exec(recipe.group(1), namespace)  # noqa: S102 (our own documented example)
    check = namespace["is_from_enrollment_assistant"]
    headers = signature_headers(SECRET, BODY)
    assert check(SECRET, headers, BODY)
    assert not check(SECRET, headers, BODY + b" ")
    assert not check(SECRET[::-1], headers, BODY)
