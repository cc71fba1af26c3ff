"""nginx in front of the Rasa servers and in front of the action servers.

One configuration file, written under the cluster's run directory, so the system's nginx
service and its port 80 are never involved:

- the front port balances REST requests over the Rasa processes round-robin (a conversation
  may land on any of them: the Redis lock and the PostgreSQL tracker store make that safe) and
  moves to the next process when one refuses the connection (it was killed or restarts);
- `/socket.io/` upgrades to WebSocket for the widget and sticks a client to one process (the
  polling fallback of socket.io needs every request of a session on the same process);
- a second, loopback-only port balances the Rasa servers' action calls over the action servers.

Each response says which process served it (`X-Upstream`), which the tests use.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATE = """\
# Written by deploy/cluster/nginx.py; regenerated at each start.
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

        location /socket.io/ {{
            proxy_pass http://rasa_socket;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 1h;
        }}

        location / {{
            proxy_pass http://rasa;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # Refused or reset connections move on to the next process; a request already
            # sent (POST) is not repeated, so a message is never handled twice.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
            add_header X-Upstream $upstream_addr always;
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
    return "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports)


def write_config(run_dir: Path, port: int, actions_port: int, rasa_ports: list[int],
                 action_ports: list[int], workers: int = 1) -> Path:
    """Write nginx.conf for these ports; one worker is plenty for loopback on 2 cores."""
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / "nginx-tmp" / temp).mkdir(parents=True, exist_ok=True)
    config = run_dir / "nginx.conf"
    config.write_text(TEMPLATE.format(
        workers=workers, run_dir=run_dir, port=port, actions_port=actions_port,
        rasa_servers=_servers(rasa_ports), action_servers=_servers(action_ports)))
    return config


def command(nginx: str, run_dir: Path, config: Path) -> list[str]:
    """nginx in the foreground as the launcher's child, logging only into the run directory."""
    return [nginx, "-p", str(run_dir), "-c", str(config), "-e", str(run_dir / "nginx-error.log"),
            "-g", "daemon off;"]
