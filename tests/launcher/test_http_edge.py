"""The server's edge (app/desktop/edge.py; issue 14 part 2, issue 20 item 4): who may talk to the
app at all, the headers every answer carries, and the page that paints the final layout first."""

from __future__ import annotations

import base64
import http.client
import os
import socket
from urllib.parse import urlparse

import pytest


def handshake(url: str, host: str, origin: str | None, path: str = "/_stcore/stream", cookie: str | None = None) -> int:
    """Send a raw websocket upgrade to ``path``; return the HTTP status of the answer."""
    parts = urlparse(url)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        f"GET {path} HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: streamlit",
    ]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    if cookie is not None:
        lines.append(f"Cookie: {cookie}")
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status = sock.recv(4096).split(b"\r\n", 1)[0]
    return int(status.split()[1])


def get(url: str, path: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    parts = urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request(method, path, headers=headers or {})
    resp = conn.getresponse()
    resp.body = resp.read()  # type: ignore[attr-defined]
    conn.close()
    return resp


def ours(resp: http.client.HTTPResponse) -> str | None:
    """The session cookie the edge sets, if this answer sets it."""
    return next((c for c in resp.headers.get_all("set-cookie") or [] if c.startswith("fieldbook_session_")), None)


def static_file(app) -> str:
    """A real bundle of Streamlit's front end, as index.html names it."""
    page = get(app.url, "/?t=" + app.token).body.decode()  # type: ignore[attr-defined]
    src = page.split('src="./', 1)[1].split('"', 1)[0]
    return "/" + src


def test_without_the_token_nothing_answers(start_app):
    app = start_app()
    asset = static_file(app)
    for path in ("/", "/index.html", asset, "/_stcore/health", "/_stcore/host-config", "/media/abc.png", "/favicon.png", "/some/page", "/health", "/metrics"):
        for method in ("GET", "HEAD"):
            resp = get(app.url, path, method=method)
            assert resp.status == 403, (path, method, resp.status)
            assert str(app.home) not in resp.body.decode(errors="replace")  # type: ignore[attr-defined]
    refused = get(app.url, "/")
    assert b"Open Fieldbook from its icon" in refused.body  # type: ignore[attr-defined]
    assert get(app.url, "/_stcore/upload_file/x/y", method="PUT").status == 403
    assert get(app.url, "/_fb/flush", method="POST").status == 403
    wrong = get(app.url, "/?t=" + app.token[:-1] + ("A" if app.token[-1] != "A" else "B"))
    assert wrong.status == 403 and wrong.body == refused.body  # type: ignore[attr-defined]  # nothing says how close a guess was
    own = urlparse(app.url).netloc
    assert handshake(app.url, own, f"http://{own}") == 403


def test_the_token_opens_the_door_and_its_cookie_keeps_it_open(start_app):
    app = start_app()
    first = get(app.url, "/?t=" + app.token)
    assert first.status == 200
    set_cookie = ours(first)
    assert set_cookie and "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
    health = get(app.url, "/_stcore/health?t=" + app.token)
    assert ours(health) and any(c.startswith("_streamlit_xsrf=") for c in health.headers.get_all("set-cookie"))  # Streamlit's own cookie kept
    cookie = set_cookie.split(";", 1)[0]
    for path in ("/", static_file(app), "/_stcore/health", "/favicon.png"):
        resp = get(app.url, path, headers={"Cookie": cookie})
        assert resp.status == 200, path
        assert ours(resp) is None  # the cookie is given for the token, once
    assert get(app.url, "/", headers={"Cookie": cookie[:-2] + "xx"}).status == 403
    own = urlparse(app.url).netloc
    assert handshake(app.url, own, f"http://{own}", cookie=cookie) == 101
    assert handshake(app.url, own, f"http://{own}", path="/_stcore/stream?t=" + app.token) == 101


def test_a_foreign_origin_or_host_is_refused_even_with_the_token(start_app):
    app = start_app()
    own = urlparse(app.url).netloc
    port = urlparse(app.url).port
    stream = "/_stcore/stream?t=" + app.token
    assert handshake(app.url, own, f"http://{own}", path=stream) == 101
    assert handshake(app.url, own, "http://evil.example", path=stream) == 403  # another web page's script
    assert handshake(app.url, own, f"http://localhost:{port}", path=stream) == 403
    assert handshake(app.url, own, None, path=stream) == 403
    # DNS rebinding: evil.example resolves to 127.0.0.1; the browser sends its own name as Host and Origin
    rebound = f"evil.example:{port}"
    assert handshake(app.url, rebound, f"http://{rebound}", path=stream) == 403
    assert get(app.url, "/?t=" + app.token, headers={"Host": rebound}).status == 403


@pytest.mark.parametrize("path", ["/", "/_stcore/health"])
def test_every_answer_carries_the_security_headers(start_app, path):
    app = start_app()
    for resp in (get(app.url, f"{path}?t={app.token}"), get(app.url, path)):
        csp = resp.getheader("content-security-policy") or ""
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert resp.getheader("x-content-type-options") == "nosniff"
        assert resp.getheader("x-frame-options") == "DENY"
        assert resp.getheader("referrer-policy") == "no-referrer"


def test_the_page_comes_with_its_layout_and_is_never_cached(start_app):
    app = start_app()
    for encoding in ("identity", "gzip"):  # Streamlit's gzip middleware sits inside our edge
        resp = get(app.url, "/?t=" + app.token, headers={"Accept-Encoding": encoding})
        body = resp.body  # type: ignore[attr-defined]
        if resp.getheader("content-encoding") == "gzip":
            import gzip

            body = gzip.decompress(body)
        head = body.decode().split("</head>", 1)[0]
        assert 'id="fieldbook-first-paint"' in head and "stMainBlockContainer" in head
        assert resp.getheader("cache-control") == "no-cache"


def test_health_and_metrics_answer_with_the_token(start_app):
    import json

    from prometheus_client.parser import text_string_to_metric_families

    app = start_app()
    health = get(app.url, "/health?t=" + app.token)
    assert health.status == 200 and health.getheader("content-type") == "application/json"
    body = json.loads(health.body)  # type: ignore[attr-defined]
    assert body["status"] == "ok" and body["store"]["writer_running"] is True and body["jobs"]["consumer_running"] is True
    metrics = get(app.url, "/metrics?t=" + app.token)
    assert metrics.status == 200 and metrics.getheader("content-type").startswith("text/plain")
    names = {f.name for f in text_string_to_metric_families(metrics.body.decode())}  # type: ignore[attr-defined]
    assert {"fieldbook_up", "fieldbook_writer_queue_depth", "fieldbook_jobs", "fieldbook_process_resident_bytes"} <= names


def test_the_cookie_counts_only_for_the_app_own_page(start_app):
    """Another web page — a local web app on another port is the "same site" to a browser, which
    then sends our cookie along — cannot use it; only the token (which it cannot know) opens."""
    app = start_app()
    cookie = ours(get(app.url, "/?t=" + app.token)).split(";", 1)[0]
    port = urlparse(app.url).port
    own = {"Cookie": cookie, "Sec-Fetch-Site": "same-origin", "Origin": f"http://127.0.0.1:{port}"}
    assert get(app.url, "/_stcore/health", headers=own).status == 200
    for foreign in ({"Sec-Fetch-Site": "same-site"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://127.0.0.1:8000"}, {"Origin": "null"}):
        assert get(app.url, "/_stcore/health", headers={"Cookie": cookie, **foreign}).status == 403, foreign
    # the window's opener (a file:// page) probes with the token: a cross-site image request
    probe = get(app.url, f"/favicon.png?t={app.token}&_=1", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})
    assert probe.status == 200
