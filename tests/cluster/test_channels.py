"""The widget's channel through the balancer: socket.io upgrades to WebSocket via nginx."""

from __future__ import annotations

import base64
import os
import socket

from tools.cluster.launcher import Cluster


def test_socketio_upgrades_to_websocket_through_nginx(cluster: Cluster) -> None:
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{cluster.settings.port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", cluster.settings.port), timeout=20) as connection:
        connection.sendall(request.encode())
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(4096)
            if not chunk:
                break
            received += chunk
        head, _, rest = received.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head.decode(errors="replace")
        # Engine.IO's first WebSocket frame is its "open" packet: 0{"sid": ...}.
        frame = rest or connection.recv(4096)
        assert b'0{"sid"' in frame, frame
