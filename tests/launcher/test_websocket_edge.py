"""Who may open the app's websocket (issue 20, item 4): its own address, not a rebound host name."""

from __future__ import annotations

import base64
import os
import socket
from urllib.parse import urlparse


def handshake(url: str, host: str, origin: str | None) -> int:
    """Send a raw websocket upgrade to /_stcore/stream; return the HTTP status of the answer."""
    parts = urlparse(url)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        "GET /_stcore/stream HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: streamlit",
    ]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status = sock.recv(4096).split(b"\r\n", 1)[0]
    return int(status.split()[1])


def test_a_rebound_host_name_is_refused_and_the_app_own_address_works(start_app):
    app = start_app()
    own = urlparse(app.url).netloc
    assert handshake(app.url, own, f"http://{own}") == 101
    # DNS rebinding: evil.example resolves to 127.0.0.1; the browser sends its own name as Host and Origin
    rebound = f"evil.example:{urlparse(app.url).port}"
    assert handshake(app.url, rebound, f"http://{rebound}") != 101
    assert handshake(app.url, rebound, None) != 101
