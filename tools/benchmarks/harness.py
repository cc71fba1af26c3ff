"""The servers under test: the end-to-end tests' own harness, not a copy of it.

`Servers` (tests/e2e/servers.py) starts one action server and one Rasa server the way
`make run` does; `Cluster` (deploy/cluster) is the scaled-out set-up built on it.
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path

from benchmarks.config import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "tests" / "e2e"))
from servers import MODEL, Servers, free_port  # noqa: E402,F401  (path above; re-exported)

from deploy.cluster.launcher import Cluster, missing_services  # noqa: E402,F401


def start_single(workdir: Path) -> tuple[Servers, float]:
    """Start the pair on a throw-away database; return it and the cold start to first answer (s).

    Cold start is timed from spawning the Rasa process (the action server already runs, as
    after a deploy of the Rasa server alone) to the first REST answer.
    """
    servers = Servers(workdir=workdir)
    servers.seed_database()
    servers.start_action_server()
    started = time.perf_counter()
    servers.start_rasa()
    servers.say(f"bench-cold-{uuid.uuid4().hex}", "hello")
    return servers, time.perf_counter() - started
