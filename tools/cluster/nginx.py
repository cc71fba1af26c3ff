"""nginx in front of the Rasa servers and in front of the action servers.

One configuration file, written under the cluster's run directory, so the system's nginx
service and its port 80 are never involved:

- the front port is the public surface, and passes on only what a visitor's browser needs:
  the REST webhook (`/webhooks/rest/webhook`, plus the channel's health check
  `/webhooks/rest/`) and `/socket.io/`. Everything else, Rasa's HTTP API (`/model`,
  `/conversations`, `/status`, `/version`, sanic-jwt's `/auth`) included, gets 404 from nginx;
  operators reach the API on a replica's loopback port. REST requests are balanced over the
  Rasa processes round-robin (a conversation may land on any of them: the Redis lock and the
  PostgreSQL tracker store make that safe), moving to the next process when one refuses the
  connection (it was killed or restarts);
- `/socket.io/` upgrades to WebSocket for the widget and sticks a client to one process (the
  polling fallback of socket.io needs every request of a session on the same process);
- the front port refuses bodies over MAX_REQUEST_BYTES (413, as the Rasa server itself would),
  and limits each client address's request rate and open connections (429; `FrontLimits`);
- it sets `X-Real-IP` to the client's address, overwriting whatever the client sent; the
  replicas read the client address from it (SANIC_REAL_IP_HEADER), for their own per-address
  limits and the `client_id` in message metadata;
- a second, loopback-only port balances the Rasa servers' action calls over the action servers.

Each webhook response says which process served it (`X-Upstream`), which the tests use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FrontLimits:
    """What one client address may send through the front port.

    The defaults leave a student's use far below them and stop one address from flooding the
    replicas. A chatting student sends a message every few seconds (0.2-0.5 requests/s over
    REST); opening the widget costs socket.io 3-5 quick requests (handshake, polling, upgrade).
    10 requests/s per address, with a burst of 40 served at once (`nodelay`: a burst is not
    slowed down, only cut off), lets about a dozen students behind one school NAT address open
    their chats at the same moment and dozens chat at once, while a script gets 429 after 40
    requests. 20 connections per address is one WebSocket per open chat window for 20 windows;
    raise it for a campus that reaches the site from one address. The replicas' own per-sender
    and per-address message limits (RATE_LIMIT_*) are the fine-grained ones.
    """

    max_body_bytes: int = 65536
    rate: str = "10r/s"
    burst: int = 40
    connections: int = 20

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[1-9][0-9]*r/[sm]", self.rate):
            raise ValueError(f"an nginx rate looks like 10r/s or 600r/m, not {self.rate!r}")
        if min(self.max_body_bytes, self.burst + 1, self.connections) < 1:
            raise ValueError(
                "body size and connection limits must be positive, the burst not negative"
            )


TEMPLATE = """\
# Written by tools/cluster/nginx.py; regenerated at each start.
worker_processes {workers};
pid {run_dir}/nginx.pid;
error_log {run_dir}/nginx-error.log warn;

events {{
    worker_connections 4096;
}}

http {{
    access_log off;
    client_body_temp_path {run_dir}/nginx-tmp/body;
    proxy_temp_path {run_dir}/nginx-tmp/proxy;
    fastcgi_temp_path {run_dir}/nginx-tmp/fastcgi;
    uwsgi_temp_path {run_dir}/nginx-tmp/uwsgi;
    scgi_temp_path {run_dir}/nginx-tmp/scgi;
    # Bodies and responses stay in memory: nginx's workers may run as another user that
    # cannot write into the run directory (a pytest temporary directory is private).
    client_max_body_size 1m;
    client_body_buffer_size 1m;
    proxy_max_temp_file_size 0;
    server_tokens off;

    # Per client address (4 bytes for IPv4 in the zone; 10 MB hold some 160,000 addresses).
    limit_req_zone $binary_remote_addr zone=requests_per_address:10m rate={rate};
    limit_conn_zone $binary_remote_addr zone=connections_per_address:10m;
    limit_req_status 429;
    limit_conn_status 429;

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      '';
    }}

    upstream rasa {{
{rasa_servers}
        keepalive 64;
    }}

    upstream rasa_socket {{
        ip_hash;
{rasa_servers}
    }}

    upstream actions {{
{action_servers}
        keepalive 32;
    }}

    server {{
        listen 127.0.0.1:{port};
        client_max_body_size {max_body_bytes};
        client_body_buffer_size {max_body_bytes};
        limit_req zone=requests_per_address burst={burst} nodelay;
        limit_conn connections_per_address {connections};
        # Each location sets X-Real-IP to the client's address as nginx saw it, replacing any
        # value the client sent (nginx inherits no proxy_set_header into a location with its own).
        error_page 413 @too_large;
        error_page 429 @too_many;

        location /socket.io/ {{
            proxy_pass http://rasa_socket;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Host $host;
            proxy_read_timeout 1h;
        }}

        # The REST channel's health check (GET), for a balancer in front and the launcher.
        location = /webhooks/rest/ {{
            proxy_pass http://rasa;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Host $host;
        }}

        location = /webhooks/rest/webhook {{
            proxy_pass http://rasa;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Host $host;
            # Refused or reset connections move on to the next process; a request already
            # sent (POST) is not repeated, so a message is never handled twice.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
            add_header X-Upstream $upstream_addr always;
        }}

        # Rasa's HTTP API and anything else: not on the public port.
        location / {{
            default_type application/json;
            return 404 '{{"error": "not found"}}';
        }}

        location @too_large {{
            default_type application/json;
            return 413 '{{"error": "the request is larger than {max_body_bytes} bytes"}}';
        }}

        location @too_many {{
            default_type application/json;
            add_header Retry-After 1 always;
            return 429 '{{"error": "too many requests from this address; try again in a moment"}}';
        }}
    }}

    server {{
        listen 127.0.0.1:{actions_port};

        location / {{
            proxy_pass http://actions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


def _servers(ports: list[int]) -> str:
    # max_fails=1, fail_timeout=5s: a dead process is skipped for 5 s after one refusal.
    return "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports
    )


def write_config(
    run_dir: Path,
    port: int,
    actions_port: int,
    rasa_ports: list[int],
    action_ports: list[int],
    workers: int = 1,
    limits: FrontLimits = FrontLimits(),
) -> Path:
    """Write nginx.conf for these ports; one worker is plenty for loopback on 2 cores."""
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / "nginx-tmp" / temp).mkdir(parents=True, exist_ok=True)
    config = run_dir / "nginx.conf"
    config.write_text(
        TEMPLATE.format(
            workers=workers,
            run_dir=run_dir,
            port=port,
            actions_port=actions_port,
            rasa_servers=_servers(rasa_ports),
            action_servers=_servers(action_ports),
            max_body_bytes=limits.max_body_bytes,
            rate=limits.rate,
            burst=limits.burst,
            connections=limits.connections,
        )
    )
    return config


def command(nginx: str, run_dir: Path, config: Path) -> list[str]:
    """nginx in the foreground as the launcher's child, logging only into the run directory."""
    return [
        nginx,
        "-p",
        str(run_dir),
        "-c",
        str(config),
        "-e",
        str(run_dir / "nginx-error.log"),
        "-g",
        "daemon off;",
    ]
