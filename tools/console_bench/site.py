"""The site on the benchmark's data, its staff accounts, and a signed-in HTTP client.

The site runs as `make run` runs it (`python -m bot.web`, uvicorn, one process) on a free
loopback port, with DATABASE_URL, TRACKER_STORE_URL and the console's session secret file in the
throw-away directory. The accounts are made with `python -m bot staff add --password-stdin`, as
an administrator would. The client is the standard library's http.client on one kept-alive
connection (the actions environment has no requests/httpx), holding the session cookie and
the CSRF token from the sign-in form, like a browser.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bot.settings import REPO_ROOT
from tools.processes import running

STARTUP_TIMEOUT_SECONDS = 60
COOKIE = "console_session"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_COOKIE = re.compile(rf"{COOKIE}=([^;]*)")


@dataclass(frozen=True)
class Account:
    email: str
    name: str
    role: str
    password: str


def environment(directory: Path, database_url: str, tracker_url: str, port: int) -> dict[str, str]:
    """The site's settings: everything in `directory`, nothing from the caller's DATABASE_URL."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONSOLE_")}
    env.update(
        DATABASE_URL=database_url,
        TRACKER_STORE_URL=tracker_url,
        SITE_HOST="127.0.0.1",
        SITE_PORT=str(port),
        CONSOLE_SESSION_SECRET_FILE=str(directory / "console_session_secret"),
        PYTHONUNBUFFERED="1",
    )
    return env


def add_account(env: dict[str, str], role: str, email: str, name: str) -> Account:
    """`python -m bot staff add` with a random password on standard input."""
    password = secrets.token_urlsafe(18)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "staff",
            "add",
            email,
            "--name",
            name,
            "--role",
            role,
            "--password-stdin",
        ],
        input=password + "\n",
        text=True,
        cwd=REPO_ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return Account(email, name, role, password)


@contextmanager
def running_site(env: dict[str, str], log: Path) -> Iterator[int]:
    """`python -m bot.web` until the block ends; yields its port once it answers."""
    port = int(env["SITE_PORT"])

    def listening() -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True

    with running(
        [sys.executable, "-m", "bot.web"],
        ready=listening,
        what="the site",
        log=log,
        timeout=STARTUP_TIMEOUT_SECONDS,
        env=env,
        cwd=REPO_ROOT,
    ):
        yield port


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    seconds: float


class ConsoleClient:
    """One signed-in staff member's browser, reduced to what the benchmark needs."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def headers(self) -> dict[str, str]:
        return {"Cookie": f"{COOKIE}={self.cookie}"} if self.cookie else {}

    def request(self, method: str, path: str, body: str | None = None) -> Answer:
        """Timed from sending the request to having read the whole answer."""
        headers = self.headers()
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self._connection.request(method, path, body=body, headers=headers)
            response = self._connection.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self._connection.close()  # the server closed a kept-alive connection: once more
            self._connection.request(method, path, body=body, headers=headers)
            response = self._connection.getresponse()
            data = response.read()
        seconds = time.perf_counter() - started
        for value in response.headers.get_all("set-cookie") or []:
            if match := _COOKIE.search(value):
                self.cookie = match.group(1)
        return Answer(response.status, data, seconds)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def sign_in(self, account: Account) -> None:
        form = self.get("/console/login")
        match = _CSRF.search(form.body.decode())
        if form.status != 200 or match is None:
            raise RuntimeError(f"no sign-in form at /console/login (status {form.status})")
        body = urlencode(
            {"email": account.email, "password": account.password, "csrf_token": match.group(1)}
        )
        answer = self.request("POST", "/console/login", body)
        if answer.status != 303:
            raise RuntimeError(f"sign-in as {account.email} refused (status {answer.status})")

    def close(self) -> None:
        self._connection.close()
