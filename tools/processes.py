"""Start a server process, wait until it answers, and stop it: the one way every test suite and
tool does it (tools/servers.py's end-to-end servers, the unit and plug-in suites' launchers, the
fuzzing and cluster fixtures).

Standard library only, so both environments (Rasa's and the action server's) can import it.
A server that exits or never answers fails with the end of its log, not a bare timeout.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

STOP_GRACE_SECONDS = 20.0
LOG_TAIL_CHARS = 4000


class ServerDidNotStart(RuntimeError):
    """The process exited, or did not answer in time; the message ends with its log."""


def free_port() -> int:
    """A loopback port nothing listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def log_tail(log: Path | None) -> str:
    if log is None or not log.exists():
        return "(no log)"
    return log.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL_CHARS:]


def wait_until(
    check: Callable[[], object],
    timeout: float,
    what: str,
    process: subprocess.Popen[bytes],
    log: Path | None,
    poll_seconds: float = 0.3,
) -> None:
    """Poll `check` until it is true. A connection error (OSError, which requests' errors are)
    counts as "not yet"; the process exiting, or `timeout` passing, fails with its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDidNotStart(f"{what} exited early:\n{log_tail(log)}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(poll_seconds)
    raise ServerDidNotStart(f"{what} did not come up in {timeout:g}s:\n{log_tail(log)}")


def stop(process: subprocess.Popen[bytes], grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `grace` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running(
    command: Sequence[str],
    *,
    ready: Callable[[], object],
    what: str,
    log: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """The process started with its output in `log`, once `ready()` is true; stopped on exit."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(ready, timeout, what, process, log)
        yield process
    finally:
        stop(process)
