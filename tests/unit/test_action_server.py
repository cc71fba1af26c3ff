"""`python -m actions`: binds loopback by default, and no error response carries the tracker or
a traceback (rasa-sdk 3.6 would answer a failed action with the whole action call in its 500
body, which Rasa then logs). Real servers in subprocesses, spoken to over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from actions.server import MalformedActionCall, parse_action_call
from bot.settings import REPO_ROOT, ServerAddress, load_settings
from tools.processes import free_port, running

STUDENT_TEXT = "book me, ada@example.org or 303-555-0199"


def action_call(action: str, text: str = STUDENT_TEXT) -> dict[str, Any]:
    return {
        "next_action": action,
        "sender_id": "student-1",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "student-1",
            "slots": {"email": "ada@example.org"},
            "latest_message": {"text": text, "intent": {"name": "book"}},
            "events": [{"event": "user", "text": text}],
            "paused": False,
            "active_loop": {},
        },
    }


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@dataclass
class Answer:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


def request(
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> Answer:
    req = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return Answer(response.status, response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode("utf-8"))


def post_json(url: str, payload: Any) -> Answer:
    return request(url, json.dumps(payload).encode(), {"Content-Type": "application/json"})


def start(command: list[str], env: dict[str, str], port: int, log_path: Path) -> Iterator[Server]:
    url = f"http://127.0.0.1:{port}"
    with running(
        command,
        ready=lambda: request(f"{url}/health").status == 200,
        what="the action server",
        log=log_path,
        timeout=90,
        env=env,
        cwd=REPO_ROOT,
    ) as process:
        yield Server(url, process, log_path)


def server_env(tmp_path: Path, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ACTION_SERVER")}
    env.update(
        ACTION_SERVER_PORT=str(port),
        DATABASE_URL=f"sqlite:///{tmp_path / 'program.db'}",
        PYTHONPATH=str(REPO_ROOT),
    )
    return env


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`python -m actions` as scripts/run-servers starts it, with ACTION_SERVER_HOST unset."""
    tmp_path = tmp_path_factory.mktemp("action_server")
    port = free_port()
    yield from start(
        [sys.executable, "-m", "actions"], server_env(tmp_path, port), port, tmp_path / "server.log"
    )


@pytest.fixture(scope="module")
def raising_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The same app and logging over tests/unit/raising_actions.py, whose action always fails."""
    tmp_path = tmp_path_factory.mktemp("raising_server")
    port = free_port()
    code = (
        "import logging\n"
        "from bot.privacy.log_masking import install_log_masking\n"
        "install_log_masking()\n"
        "logging.basicConfig(level=logging.INFO)\n"
        "from actions.server import create_action_app\n"
        "app = create_action_app('tests.unit.raising_actions')\n"
        f"app.run('127.0.0.1', {port}, motd=False)\n"
    )
    yield from start(
        [sys.executable, "-c", code], server_env(tmp_path, port), port, tmp_path / "server.log"
    )


def assert_nothing_of_the_tracker(answer: Answer) -> None:
    for leaked in (
        "ada@example.org",
        "555-0199",
        "student-1",
        "tracker",
        "request_body",
        "Traceback",
        'File "',
    ):
        assert leaked not in answer.body, answer.body


# ---- the launcher -------------------------------------------------------------------------


def binding_from_env(environ: dict[str, str]) -> ServerAddress:
    return load_settings(environ).action_server


def test_binding_defaults_to_loopback_and_port_5055() -> None:
    assert binding_from_env({}) == ServerAddress("127.0.0.1", 5055)
    assert binding_from_env({"ACTION_SERVER_HOST": " ", "ACTION_SERVER_PORT": ""}) == ServerAddress(
        "127.0.0.1", 5055
    )
    assert binding_from_env({"ACTION_SERVER_HOST": "0.0.0.0", "ACTION_SERVER_PORT": "6000"}) == (
        ServerAddress("0.0.0.0", 6000)
    )


@pytest.mark.parametrize("port", ["http", "0", "70000", "-1"])
def test_a_bad_port_is_refused(port: str) -> None:
    with pytest.raises(ValueError, match="ACTION_SERVER_PORT"):
        binding_from_env({"ACTION_SERVER_PORT": port})


def test_a_bad_port_stops_the_launcher_with_a_message(tmp_path: Path) -> None:
    env = server_env(tmp_path, 5055)
    env["ACTION_SERVER_PORT"] = "http"
    result = subprocess.run(
        [sys.executable, "-m", "actions"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "ACTION_SERVER_PORT must be a port number" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_server_answers_health_and_lists_the_actions(action_server: Server) -> None:
    assert request(f"{action_server.url}/health").json() == {"status": "ok"}
    names = {entry["name"] for entry in request(f"{action_server.url}/actions").json()}
    assert "action_answer_program_question" in names


def test_the_server_listens_on_loopback_only(action_server: Server) -> None:
    port = int(action_server.url.rsplit(":", 1)[1])
    tcp_table = Path("/proc/net/tcp")
    if not tcp_table.exists():
        pytest.skip("no /proc/net/tcp to read listening sockets from")
    listening = [
        fields[1]
        for fields in (line.split() for line in tcp_table.read_text().splitlines()[1:])
        if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port  # 0A: LISTEN
    ]
    assert listening == [f"0100007F:{port:04X}"]  # 127.0.0.1, not 0.0.0.0


# ---- error responses ------------------------------------------------------------------------


def test_a_failing_action_answers_500_with_only_its_name(raising_server: Server) -> None:
    answer = post_json(f"{raising_server.url}/webhook", action_call("action_that_raises"))
    assert answer.status == 500
    assert answer.json() == {
        "error": "The action failed; the action server's log has the details.",
        "action_name": "action_that_raises",
    }
    assert_nothing_of_the_tracker(answer)


def test_the_failure_is_logged_with_its_traceback_masked(raising_server: Server) -> None:
    post_json(f"{raising_server.url}/webhook", action_call("action_that_raises"))
    time.sleep(0.5)
    log = raising_server.log()
    assert "Action action_that_raises failed" in log
    assert "Traceback" in log and "RuntimeError: could not save book me, [email] or [phone]" in log
    assert "ada@example.org" not in log and "555-0199" not in log


def test_a_real_action_that_fails_on_a_malformed_tracker_answers_500_without_it(
    action_server: Server,
) -> None:
    call = action_call("action_answer_program_question")
    call["tracker"]["slots"] = 5  # rasa-sdk's Tracker.get_slot fails on it
    answer = post_json(f"{action_server.url}/webhook", call)
    assert answer.status == 500
    assert answer.json()["action_name"] == "action_answer_program_question"
    assert_nothing_of_the_tracker(answer)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"tracker": {"sender_id": "student-1"}}',
        b'{"next_action": "action_that_raises", "tracker": "ada@example.org"}',
    ],
)
def test_a_body_that_is_no_action_call_gets_400(raising_server: Server, body: bytes) -> None:
    answer = request(f"{raising_server.url}/webhook", body, {"Content-Type": "application/json"})
    assert answer.status == 400
    assert answer.json() == {"error": "Invalid body request"}


def test_a_deflated_action_call_is_still_run(raising_server: Server) -> None:
    body = zlib.compress(json.dumps(action_call("action_that_raises")).encode())
    answer = request(
        f"{raising_server.url}/webhook",
        body,
        {"Content-Type": "application/json", "Content-Encoding": "deflate"},
    )
    assert answer.status == 500  # it reached the action, which fails
    assert answer.json()["action_name"] == "action_that_raises"


def test_an_unknown_action_gets_404_without_the_tracker(raising_server: Server) -> None:
    answer = post_json(f"{raising_server.url}/webhook", action_call("action_nobody_wrote"))
    assert answer.status == 404
    assert_nothing_of_the_tracker(answer)


def test_http_errors_keep_their_status(raising_server: Server) -> None:
    assert request(f"{raising_server.url}/no-such-page").status == 404
    assert request(f"{raising_server.url}/no-such-page").json() == {"error": "Not Found"}
    assert request(f"{raising_server.url}/webhook").status == 405


# ---- request checks -------------------------------------------------------------------------


def test_parse_action_call_accepts_what_rasa_sends() -> None:
    body = json.dumps(action_call("action_x")).encode()
    assert parse_action_call(body, None)["next_action"] == "action_x"
    assert parse_action_call(zlib.compress(body), "deflate")["next_action"] == "action_x"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\xff\xfe", "not JSON"),
        (b'"text"', "not a JSON object"),
        (b'{"next_action": "", "tracker": {"sender_id": "s"}}', "next_action"),
        (b'{"next_action": "a", "tracker": {"slots": {}}}', "tracker"),
        (b'{"next_action": "a", "tracker": {"sender_id": "s"}, "domain": []}', "domain"),
    ],
)
def test_parse_action_call_names_what_is_wrong(body: bytes, reason: str) -> None:
    with pytest.raises(MalformedActionCall, match=reason):
        parse_action_call(body, None)


def test_a_broken_deflate_body_is_malformed() -> None:
    with pytest.raises(MalformedActionCall, match="not JSON"):
        parse_action_call(b"not deflated", "deflate")
