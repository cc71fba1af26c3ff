"""The servers under fuzz: the end-to-end harness's pair, with settings of the run's own.

`Servers` (tools/servers.py, through tools/benchmarks/harness.py) starts the action server and
the Rasa server as `make run` does. A fuzz phase needs a few variables set differently
(generous rate limits for the bulk run, the socket.io origins outside `make`, a second
tracker store), without touching the environment of the process that runs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.benchmarks.harness import Servers
from tools.benchmarks.memory import rss_mb


@dataclass
class ConfiguredServers(Servers):
    """`Servers` whose processes also get ``settings`` on top of the harness's environment."""

    settings: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {**super().env, **self.settings}

    def rasa_rss_mb(self) -> float:
        return rss_mb(self.processes["rasa"].pid)
