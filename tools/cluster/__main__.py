"""`python -m tools.cluster up|down|status`: what `make cluster` and `make cluster-down` run.

`up` starts everything in the background and returns; the processes and their pids are
recorded in $CLUSTER_RUN_DIR/state.json (var/cluster/ by default) for `down`. The replicas'
HTTP API secret is RASA_JWT_SECRET or the file RASA_JWT_SECRET_FILE (var/rasa-jwt-secret),
as for `make run`; it is never written into the run directory.
"""

from __future__ import annotations

import argparse
import sys

import requests

from bot.rasa_server.auth import admin_header, ensure_secret, read_secret
from bot.safe_io.secret_files import SecretError
from tools.cluster.launcher import Cluster, load_state, missing_services, stop_recorded
from tools.cluster.settings import ClusterSettings


def up(settings: ClusterSettings) -> int:
    if load_state(settings.run_dir):
        print(f"a cluster is already recorded in {settings.run_dir}; `make cluster-down` first")
        return 1
    if problems := missing_services(settings):
        print("cannot start the cluster:\n  " + "\n  ".join(problems))
        return 1
    try:
        secret = ensure_secret()
    except (SecretError, OSError) as error:
        print(f"cannot start the cluster: {error}")
        return 1
    cluster = Cluster(workdir=settings.run_dir, settings=settings, jwt_secret=secret)
    try:
        cluster.start()
    except BaseException:
        cluster.stop_all()
        raise
    state = cluster.save_state()
    print(
        f"{settings.rasa_processes} Rasa and {settings.action_processes} action servers behind "
        f"nginx on {cluster.rasa_url} (REST: POST /webhooks/rest/webhook, widget: /socket.io/)"
    )
    print(
        f"HTTP API (not on nginx; JWT signed with RASA_JWT_SECRET or its file): "
        f"{', '.join(cluster.replica_urls())}"
    )
    print(f"logs: {settings.run_dir} ({state.name}); stop: make cluster-down")
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
        secret = read_secret()
    except SecretError as error:
        secret = None
        print(error)
    if not secret:
        print(
            "no Rasa API secret (RASA_JWT_SECRET or RASA_JWT_SECRET_FILE) to ask the replicas with"
        )
        return 1
    answering = 0
    for url in state.get("api_urls", []):
        try:
            reply = requests.get(f"{url}/status", headers=admin_header(secret), timeout=5)
            print(f"{url}: HTTP {reply.status_code}, model {reply.json().get('model_id')}")
            answering += reply.ok
        except (requests.RequestException, ValueError) as error:
            print(f"{url}: not answering ({error})")
    try:
        front = requests.get(f"{state['url']}/webhooks/rest/", timeout=5)
        print(f"{state['url']} (nginx): HTTP {front.status_code}")
    except requests.RequestException as error:
        print(f"{state['url']} (nginx): not answering ({error})")
        return 1
    if not answering:
        return 1
    print(
        "processes: "
        + ", ".join(f"{name} ({pid})" for name, (pid, _) in state["processes"].items())
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.cluster", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "status"])
    command = parser.parse_args(argv).command
    return {"up": up, "down": down, "status": status}[command](ClusterSettings.from_env())


if __name__ == "__main__":
    sys.exit(main())
