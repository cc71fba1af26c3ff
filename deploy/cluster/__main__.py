"""`python -m deploy.cluster up|down|status`: what `make cluster` and `make cluster-down` run.

`up` starts everything in the background and returns; the processes, their pids and the
API token are recorded in $CLUSTER_RUN_DIR/state.json (var/cluster/ by default) for `down`.
"""

from __future__ import annotations

import argparse
import sys

import requests

from deploy.cluster.launcher import Cluster, load_state, missing_services, stop_recorded
from deploy.cluster.settings import ClusterSettings


def up(settings: ClusterSettings) -> int:
    if load_state(settings.run_dir):
        print(f"a cluster is already recorded in {settings.run_dir}; `make cluster-down` first")
        return 1
    if problems := missing_services(settings):
        print("cannot start the cluster:\n  " + "\n  ".join(problems))
        return 1
    cluster = Cluster(workdir=settings.run_dir, settings=settings)
    try:
        cluster.start()
    except BaseException:
        cluster.stop_all()
        raise
    state = cluster.save_state()
    print(f"{settings.rasa_processes} Rasa and {settings.action_processes} action servers behind "
          f"nginx on {cluster.rasa_url} (REST: POST /webhooks/rest/webhook, widget: /socket.io/)")
    print(f"logs and the HTTP API token: {settings.run_dir} ({state.name}); stop: make cluster-down")
    return 0


def down(settings: ClusterSettings) -> int:
    stopped = stop_recorded(settings.run_dir)
    print(f"stopped: {', '.join(stopped)}" if stopped else "no cluster was running")
    return 0


def status(settings: ClusterSettings) -> int:
    state = load_state(settings.run_dir)
    if not state:
        print("no cluster is recorded")
        return 1
    try:
        reply = requests.get(f"{state['url']}/status", params={"token": state["token"]}, timeout=5)
        print(f"{state['url']}: HTTP {reply.status_code}, model {reply.json().get('model_id')}")
    except (requests.RequestException, ValueError) as error:
        print(f"{state['url']}: not answering ({error})")
        return 1
    print("processes: " + ", ".join(f"{name} ({pid})" for name, (pid, _) in state["processes"].items()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.cluster", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "status"])
    command = parser.parse_args(argv).command
    return {"up": up, "down": down, "status": status}[command](ClusterSettings.from_env())


if __name__ == "__main__":
    sys.exit(main())
