"""What a visitor can reach through the cluster's nginx, and what only the machine itself can.

The widget's paths (the REST webhook, socket.io) go through; Rasa's HTTP API does not, even with
a valid token, and stays reachable on each replica's loopback port. Oversized bodies stop at
nginx. (test_front_door.py checks the nginx configuration in detail without a model.)
"""

from __future__ import annotations

import requests
from rest import post

from tools.cluster.launcher import Cluster

API_PATHS = [
    "/status",
    "/version",
    "/model/parse",
    "/conversations/{sender}/tracker",
    "/domain",
    "/",
]


def test_the_webhook_answers_through_nginx(cluster: Cluster, sender: str) -> None:
    answer = post(cluster.rasa_url, sender, "hello")
    assert answer.status == 200 and answer.messages
    assert answer.upstream in {f"127.0.0.1:{port}" for port in cluster.rasa_ports}


def test_the_socketio_handshake_answers_through_nginx(cluster: Cluster) -> None:
    reply = requests.get(
        f"{cluster.rasa_url}/socket.io/", params={"EIO": "4", "transport": "polling"}, timeout=10
    )
    assert reply.status_code == 200 and '"sid"' in reply.text


def test_the_http_api_is_not_reachable_through_nginx(cluster: Cluster, sender: str) -> None:
    post(cluster.rasa_url, sender, "hello")
    for path in API_PATHS:
        target = path.format(sender=sender)
        through_nginx = requests.get(
            f"{cluster.rasa_url}{target}", headers=cluster.api_headers(), timeout=10
        )
        assert through_nginx.status_code == 404, target
        assert "X-Upstream" not in through_nginx.headers, f"{target} reached a replica"
    direct = requests.get(
        f"{cluster.api_url}/conversations/{sender}/tracker",
        headers=cluster.api_headers(),
        timeout=30,
    )
    assert direct.status_code == 200 and direct.json()["sender_id"] == sender


def test_the_api_on_a_replica_wants_a_token(cluster: Cluster) -> None:
    assert requests.get(f"{cluster.api_url}/status", timeout=10).status_code == 401
    assert requests.get(f"{cluster.api_url}/status", headers=cluster.api_headers(), timeout=10).ok


def test_a_body_over_the_limit_gets_413_from_nginx(cluster: Cluster, sender: str) -> None:
    limit = cluster.settings.front_limits.max_body_bytes
    message = "x" * limit
    reply = requests.post(
        f"{cluster.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=30,
    )
    assert reply.status_code == 413
    assert "X-Upstream" not in reply.headers, "the oversized body reached a replica"


def client_id_of_last_message(cluster: Cluster, sender: str) -> str | None:
    user_events = [event for event in cluster.tracker(sender)["events"] if event["event"] == "user"]
    return (user_events[-1].get("metadata") or {}).get("client_id")


def test_the_replicas_take_the_client_address_nginx_sets(cluster: Cluster, sender: str) -> None:
    """nginx replaces a forged X-Real-IP with the peer's address, and the replicas use that
    header (SANIC_REAL_IP_HEADER): one client through nginx is one client_id, whatever it claims,
    while two addresses in the header (as nginx would set them for two visitors) are two."""

    def say(base_url: str, who: str, claimed_address: str) -> str | None:
        reply = requests.post(
            f"{base_url}/webhooks/rest/webhook",
            json={"sender": who, "message": "hello"},
            headers={"X-Real-IP": claimed_address},
            timeout=60,
        )
        assert reply.status_code == 200, reply.text
        return client_id_of_last_message(cluster, who)

    through_nginx = {
        say(cluster.rasa_url, f"{sender}-{index}", address)
        for index, address in enumerate(("203.0.113.9", "198.51.100.7"))
    }
    assert len(through_nginx) == 1 and None not in through_nginx
    replica = f"http://127.0.0.1:{cluster.rasa_ports[-1]}"
    direct = {
        say(replica, f"{sender}-direct-{index}", address)
        for index, address in enumerate(("203.0.113.9", "198.51.100.7"))
    }
    assert len(direct) == 2 and None not in direct
    assert through_nginx.isdisjoint(direct)
