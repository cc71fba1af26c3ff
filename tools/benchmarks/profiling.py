"""Where a turn's time goes: py-spy samples the Rasa server and the action server.

py-spy (installed into the Rasa environment by bench.mk only) attaches to the running
servers while database questions are answered one by one and writes their collapsed stacks.
`top_frames` turns the stacks into shares of the busy samples: by part of the turn
(NLU, policies, tracker store, ...), by function on the stack, and by innermost function,
so the report can say what limits latency without a flame-graph viewer.
"""

from __future__ import annotations

import collections
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.settings import REPO_ROOT

PY_SPY = REPO_ROOT / ".venv" / "rasa" / "bin" / "py-spy"

# The parts of a turn. A sample belongs to the first part in the list that any frame of its
# stack names, so work is charged to the component that asked for it (SQL run by the tracker
# store is the tracker store; the graph runner's own work is what is left of it once the NLU
# components and policies it runs are counted).
RASA_PARTS = (
    ("tracker store: load and save (SQL, events from JSON)", ("tracker_store.py",)),
    ("lock store", ("lock_store.py",)),
    # py-spy names our own components by their path inside the repository ("nlu/noise.py").
    ("NLU: tokens, featurizers, sentence encoder, classifiers", ("nlu/", "spacy/", "thinc/")),
    ("policies: rules, memoization", ("rasa/core/policies/", "rasa/core/featurizers/")),
    ("custom action call: tracker to JSON, HTTP, response check", ("rasa/core/actions/action.py",)),
    ("tracker updates and events", ("rasa/shared/core/trackers.py", "rasa/shared/core/events.py")),
    ("Rasa's graph runner (dask) around NLU and policies", ("dask/", "rasa/engine/")),
    ("rate limits (limits)", ("limits/",)),
    ("channel and message handling (Rasa's processor, our channels)", ("rasa/core/", "channels/")),
    ("web server (sanic)", ("sanic/",)),
)
ACTION_PARTS = (
    ("program database (SQLAlchemy, driver)", ("sqlalchemy/", "sqlite3", "psycopg")),
    ("reply building (bot, actions)", ("/bot/", "/actions/")),
    ("rasa_sdk (tracker from JSON, dispatch)", ("rasa_sdk/",)),
    ("web server (sanic), JSON", ("sanic/", "json/", "ujson")),
)
# Innermost frames that mean "waiting": uvloop waits inside sanic's serve(), and the
# understanding threads (rasa_plugins/understanding_thread.py) wait for work in `_worker`.
IDLE = (
    "select",
    "epoll",
    "_run_once",
    "run_forever",
    "serve (sanic/server/runners.py)",
    "_worker (concurrent/futures/thread.py)",
)


def available() -> str | None:
    """None when py-spy can run here, else why not."""
    if not PY_SPY.exists() and not shutil.which("py-spy"):
        return "py-spy is not installed (`make bench` installs it into .venv/rasa)"
    return None


def record(pids: dict[str, int], out: Path, workload: Callable[[], Any]) -> dict[str, Path]:
    """Sample each pid while ``workload`` runs; return the collapsed-stack file per name."""
    spy = str(PY_SPY if PY_SPY.exists() else shutil.which("py-spy"))
    recorders, outputs = [], {}
    for name, pid in pids.items():
        outputs[name] = out / f"profile-{name}.txt"
        recorders.append(
            subprocess.Popen(
                [
                    spy,
                    "record",
                    "--pid",
                    str(pid),
                    "--rate",
                    "200",
                    "--format",
                    "raw",
                    "--output",
                    str(outputs[name]),
                    "--nonblocking",
                ],
                stdout=subprocess.DEVNULL,
                stderr=(out / f"profile-{name}.log").open("w"),
            )
        )
    time.sleep(1.0)  # let py-spy attach before the workload starts
    try:
        workload()
    finally:
        for recorder in recorders:
            recorder.send_signal(signal.SIGINT)  # py-spy writes its output and exits
        for recorder in recorders:
            recorder.wait(timeout=60)
    return outputs


def _part(frames: list[str], parts: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    for name, markers in parts:
        if any(marker in frame for frame in frames for marker in markers):
            return name
    return "other (asyncio, serialisation, interpreter)"


def top_frames(
    collapsed: Path, parts: tuple[tuple[str, tuple[str, ...]], ...] = RASA_PARTS, limit: int = 25
) -> dict[str, Any]:
    """Shares of busy samples; samples of the event loop waiting are counted apart as idle."""
    by_part: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    busy = idle = 0
    text = collapsed.read_text() if collapsed.exists() else ""
    for line in text.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
        if any(word in frames[-1] for word in IDLE):
            idle += count
            continue
        busy += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
        by_part[_part(frames, parts)] += count

    def shares(counter: collections.Counter[str]) -> list[dict[str, Any]]:
        return (
            [{"frame": frame, "share": n / busy} for frame, n in counter.most_common(limit)]
            if busy
            else []
        )

    return {
        "busy_samples": busy,
        "idle_samples": idle,
        "categories": shares(by_part),
        "inclusive": shares(inclusive),
        "own": shares(own),
    }
