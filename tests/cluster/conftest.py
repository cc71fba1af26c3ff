"""One scaled-out set-up for the whole session: several Rasa and action servers behind nginx.

It uses its own PostgreSQL databases and Redis key prefix (dropped afterwards) and free
ports, so it never meets a running `make cluster` or `make run`. Without PostgreSQL, Redis
or nginx the tests are skipped with the reason.

test_process_failure.py kills a Rasa process; it sorts last so the others see all of them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.cluster.launcher import Cluster, missing_services
from tools.cluster.nginx import FrontLimits
from tools.cluster.settings import ClusterSettings
from tools.processes import free_port

RASA_PROCESSES = int(os.environ.get("CLUSTER_TEST_RASA_PROCESSES", "3"))
# Every test client is 127.0.0.1, so the per-address limits that protect a real deployment would
# throttle the load tests: nginx's are loosened here (test_front_door.py checks the real ones)
# and so are the replicas'. The body size limit stays as deployed.
LOAD_TEST_LIMITS = FrontLimits(rate="1000r/s", burst=1000, connections=1000)
LOAD_TEST_REPLICA_ENV = {"RATE_LIMIT_PER_ADDRESS": "100000/minute"}


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    run = f"{os.getpid()}"
    settings = ClusterSettings(
        rasa_processes=RASA_PROCESSES,
        action_processes=2,
        port=free_port(),
        postgres=os.environ.get("CLUSTER_POSTGRES", ClusterSettings.postgres),
        database_prefix=f"enrollment_test{run}",
        redis_key_prefix=f"test{run}",
        run_dir=Path(tmp_path_factory.mktemp("cluster")),
        front_limits=LOAD_TEST_LIMITS,
    )
    if problems := missing_services(settings):
        pytest.skip("scaled-out set-up not available: " + "; ".join(problems))
    running = Cluster(
        workdir=settings.run_dir, settings=settings, replica_env=LOAD_TEST_REPLICA_ENV
    )
    try:
        running.start()
        yield running
    finally:
        running.stop_all()
        running.forget_data()


@pytest.fixture
def sender() -> str:
    return f"cluster-{uuid.uuid4().hex}"
