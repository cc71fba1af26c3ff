"""The servers under test: the end-to-end tests' own harness, not a copy of it.

`Servers` (tools/servers.py) starts one action server and one Rasa server the way
`make run` does; `Cluster` (tools/cluster) is the scaled-out set-up built on it.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from tools.cluster.launcher import Cluster, missing_services
from tools.processes import free_port
from tools.servers import MODEL, Servers

# The benchmarks and the fuzzer take the servers from here, whichever module defines them.
__all__ = ["MODEL", "Cluster", "Servers", "free_port", "missing_services", "start_single"]


def start_single(workdir: Path, model: Path = MODEL) -> tuple[Servers, float]:
    """Start the pair on a throw-away database; return it and the cold start to first answer (s).

    Cold start is timed from spawning the Rasa process (the action server already runs, as
    after a deploy of the Rasa server alone) to the first REST answer. ``model`` is ours unless
    a peer is served the same way, with the same launcher, endpoints and channels.
    """
    servers = Servers(workdir=workdir, model=model)
    servers.seed_database()
    servers.start_action_server()
    started = time.perf_counter()
    servers.start_rasa()
    servers.say(f"bench-cold-{uuid.uuid4().hex}", "hello")
    return servers, time.perf_counter() - started
