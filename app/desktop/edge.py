"""The server's edge: what every request meets before Streamlit sees it (ASGI middleware and our
own routes on ``st.App``, ``app.desktop.server``).

- **The launch token, at the door.** The window opens ``/?t=TOKEN``; that request gets an
  HttpOnly, SameSite=Strict session cookie. Every other request — the page, static files, the
  websocket, uploads, media, our routes — needs the cookie or the token, else: 403 and a short
  page "Open Fieldbook from its icon". Another program or local user that finds the port can
  neither drive the app nor read a byte of it. Compared in constant time; a refusal says nothing
  about how close a guess was. (The script's own token check, ``app.shell``, stays as a second gate.)
- **Only our own address and page.** The ``Host`` must be the app's address (DNS rebinding), a
  websocket's ``Origin`` the app's own page, and the cookie counts only for requests of that page
  (another page on another port of this computer is the "same site" to a browser, which would
  send it our cookie).
- **Security headers** on every response: a Content-Security-Policy Streamlit's front end works
  under (nothing may load from or talk to another origin), ``nosniff``, no framing, no referrer.
- **Uploads within a budget.** Streamlit keeps an uploaded file in memory until a script run
  takes it; one window may hold ``max_upload_held_mb`` of them, all together four times that.
  Beyond, the upload is refused (413) with a sentence, so no one can fill the memory with uploads.
- **The first paint is the final layout** (``index.html`` with ``FIRST_PAINT_CSS``).
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)

COOKIE = "fieldbook_session"  # + "_<port>": a browser keeps cookies per host, not per port, and two
# Fieldbooks (two data folders) on one computer must not overwrite each other's

# Streamlit paints its shell centred and without a sidebar, then applies ``layout="wide"`` (the
# main block grows) and the sidebar (the main area moves right by its width) when the first
# script run arrives: a layout shift of 0.23–0.43 on every load. Served in index.html's <head>,
# these rules give the first paint the final geometry. Values are Streamlit 1.67's: the wide
# container's side padding is 1rem below a 864 px wide window and 5rem from there; the sidebar
# (300 px) takes its place in the layout from 768 px (below, it overlays the page when opened):
# until it exists, the block around the main area (the sidebar's sibling) holds that place.
# And a widget whose code has not loaded yet is drawn as a 40 px placeholder ("skeleton"), then
# grows by its label when the code arrives (a radio, a text input: +28 px, moving all below):
# while any placeholder is on the page, the main area stays transparent, so it appears once, in
# its final layout. (Opacity, not visibility: Streamlit's elements set visibility themselves, and
# a layout shift of anything transparent does not count, nor is it seen.)
FIRST_PAINT_CSS = """
[data-testid="stMainBlockContainer"] { max-width: none !important; }
[data-testid="stMainBlockContainer"]:has([data-testid="stSkeleton"]) { opacity: 0; pointer-events: none; }
@media (min-width: 864px) {
  [data-testid="stMainBlockContainer"] { padding-left: 5rem !important; padding-right: 5rem !important; }
}
@media (min-width: 1025px) {
  .stApp:not(:has([data-testid="stSidebar"])) [data-testid="stAppViewContainer"] > div:has(> [data-testid="stMain"]) { margin-left: 300px; }
}
/* a narrow window (up to 1024 px, e.g. 800 × 600): the sidebar takes 220 px, not 300, so that the
   page's buttons and numbers keep room to be read whole; the first paint reserves the same */
@media (min-width: 768px) and (max-width: 1024px) {
  .stApp:not(:has([data-testid="stSidebar"])) [data-testid="stAppViewContainer"] > div:has(> [data-testid="stMain"]) { margin-left: 220px; }
  section[data-testid="stSidebar"] { width: 220px !important; min-width: 220px !important; max-width: 220px !important; }
}
"""

_REFUSED = """<!doctype html>
<html><head><meta charset="utf-8"><title>Fieldbook</title>
<style>body{font-family:system-ui,sans-serif;margin:3rem;color:#31333f}</style></head>
<body><main><h1>Fieldbook</h1>
<p lang="en">Open Fieldbook from its icon.</p>
<p lang="de">Öffnen Sie Fieldbook über sein Symbol.</p></main></body></html>
"""


def content_security_policy(origin: str) -> str:
    """What the page may load and talk to: itself (Streamlit's bundles, its websocket at
    ``origin``, inline styles and the data:/blob: URLs its widgets make), nothing else."""
    ws = origin.replace("http://", "ws://", 1)
    return "; ".join(
        [
            "default-src 'self'",
            # Streamlit's index.html has an inline script; its charts (Vega) compile expressions.
            "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "media-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src 'self' blob: {ws}",  # blob: the audio recorder reads back its own recording
            "worker-src 'self' blob:",
            "frame-src 'self' blob: data:",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


class Gate:
    """Who may pass: the launch token (``?t=``) or the session cookie it earned."""

    def __init__(self, token: str, address: str, port: int) -> None:
        self._token = token.encode()
        self._cookie = secrets.token_urlsafe(32).encode()  # a new one each start: yesterday's cookie opens nothing
        self.address = address
        self.port = port
        self._lock = threading.Lock()
        self._sockets = 0
        self._left_at = float("-inf")  # time.monotonic() when a page's websocket last closed

    @property
    def host(self) -> str:
        return f"{self.address}:{self.port}"

    @property
    def origin(self) -> str:
        return f"http://{self.host}"

    def token_ok(self, given: str | None) -> bool:
        return given is not None and given != "" and hmac.compare_digest(given.encode(), self._token)

    def cookie_ok(self, given: str | None) -> bool:
        return given is not None and given != "" and hmac.compare_digest(given.encode(), self._cookie)

    @property
    def cookie_name(self) -> str:
        return f"{COOKIE}_{self.port}"

    def set_cookie_header(self) -> bytes:
        return self.cookie_name.encode() + b"=" + self._cookie + b"; Path=/; HttpOnly; SameSite=Strict"

    @property
    def browser_connected(self) -> bool:
        """A page's websocket is open (Streamlit's front end is connected)."""
        with self._lock:
            return self._sockets > 0

    def since_a_page_left(self) -> float:
        """Seconds since a page's websocket last closed (infinite if none has)."""
        with self._lock:
            return time.monotonic() - self._left_at

    def _socket(self, delta: int) -> None:
        with self._lock:
            self._sockets += delta
            if delta < 0:
                self._left_at = time.monotonic()


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", [])}


def _cookie(raw: bytes | None, wanted: str) -> str | None:
    for part in (raw or b"").decode("latin-1").split(";"):
        name, _, value = part.strip().partition("=")
        if name == wanted:
            return value
    return None


UPLOAD_PREFIX = "/_stcore/upload_file/"
_UPLOADS_FULL = (
    "Too many files are waiting to be saved ({mb} MB). Save or remove some, then try again. / "
    "Zu viele Dateien warten darauf, gespeichert zu werden ({mb} MB). Speichern oder entfernen Sie einige und versuchen Sie es erneut."
)


def streamlit_held(session_id: str) -> tuple[int, int]:
    """Bytes of uploaded files Streamlit holds for ``session_id``, and for all sessions. Streamlit
    internals (pinned minor version; tests/launcher/test_http_edge.py covers them): the runtime's
    ``uploaded_file_mgr`` with its ``file_storage`` and ``get_stats``."""
    from streamlit import runtime

    manager = runtime.get_instance().uploaded_file_mgr
    mine = sum(len(rec.data) for rec in list(getattr(manager, "file_storage", {}).get(session_id, {}).values()))
    total = sum(stat.byte_length for stats in manager.get_stats().values() for stat in stats)
    return mine, total


class UploadBudget:
    """How many bytes of uploads may be held, per window (Streamlit session) and in total."""

    def __init__(self, per_session: int, total: int, held: Callable[[str], tuple[int, int]] = streamlit_held) -> None:
        self.per_session = per_session
        self.total = total
        self._held = held
        self._lock = threading.Lock()
        self._arriving: dict[str, int] = {}  # bytes of uploads under way, per session

    def admit(self, session_id: str, size: int) -> bool:
        """Reserve ``size`` bytes for an upload to ``session_id``; False when over budget."""
        with self._lock:
            mine, total = self._held(session_id)
            arriving = self._arriving.get(session_id, 0)
            if mine + arriving + size > self.per_session or total + sum(self._arriving.values()) + size > self.total:
                return False
            self._arriving[session_id] = arriving + size
            return True

    def arrived(self, session_id: str, size: int) -> None:
        """The upload ended (held by Streamlit now, or failed): no longer reserved here."""
        with self._lock:
            left = self._arriving.get(session_id, 0) - size
            if left > 0:
                self._arriving[session_id] = left
            else:
                self._arriving.pop(session_id, None)


class Edge:
    """ASGI middleware (outermost, before Streamlit's own): the gate, the upload budget and the
    security headers."""

    def __init__(self, app: ASGIApp, gate: Gate, uploads: UploadBudget | None = None) -> None:
        self.app = app
        self.gate = gate
        self.uploads = uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        gate = self.gate
        headers = _headers(scope)
        given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("t", [None])[0]
        by_token = gate.token_ok(given)
        by_cookie = gate.cookie_ok(_cookie(headers.get(b"cookie"), gate.cookie_name)) and not _foreign(headers, gate)
        allowed = headers.get(b"host", b"").decode("latin-1") == gate.host and (by_token or by_cookie)
        if kind == "websocket":
            if not allowed or headers.get(b"origin", b"").decode("latin-1") != gate.origin:
                await send({"type": "websocket.close", "code": 1008})  # before accept: the handshake gets 403
                return
            gate._socket(+1)
            try:
                await self.app(scope, receive, send)
            finally:
                gate._socket(-1)
            return
        if not allowed:
            await _refuse(scope, send, gate)
            return
        send = _with_headers(send, gate, set_cookie=by_token)
        path = scope.get("path", "")
        if self.uploads is not None and scope.get("method") == "PUT" and path.startswith(UPLOAD_PREFIX):
            await self._upload(scope, receive, send, headers, path)
            return
        await self.app(scope, receive, send)

    async def _upload(self, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes], path: str) -> None:
        assert self.uploads is not None
        session_id = path[len(UPLOAD_PREFIX) :].split("/", 1)[0]
        try:
            size = int(headers.get(b"content-length", b""))
        except ValueError:
            await _plain(send, 411, "An upload must say its length.")
            return
        if not self.uploads.admit(session_id, size):
            log.warning("upload refused: over the budget of %d bytes per window / %d in all", self.uploads.per_session, self.uploads.total)
            await _plain(send, 413, uploads_full(self.uploads))
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.uploads.arrived(session_id, size)


def _foreign(headers: dict[bytes, bytes], gate: Gate) -> bool:
    """Sent by another page — of any site, or another port of this computer, which a browser
    counts as the same site and so sends our cookie with. Only the app's own page may use the
    cookie; a foreign page cannot know the token."""
    site = headers.get(b"sec-fetch-site", b"").decode("latin-1")
    origin = headers.get(b"origin")
    return site in ("cross-site", "same-site") or (origin is not None and origin.decode("latin-1") != gate.origin)


def _security_headers(gate: Gate) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", content_security_policy(gate.origin).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
    ]


def _with_headers(send: Send, gate: Gate, *, set_cookie: bool) -> Send:
    security = _security_headers(gate)
    ours = {name for name, _ in security}  # ours replace any of the same name; other headers (Streamlit's cookies) stay
    cookie = [(b"set-cookie", gate.set_cookie_header())] if set_cookie else []

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [(k, v) for k, v in message.get("headers", []) if k.lower() not in ours] + security + cookie
        await send(message)

    return wrapped


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _refuse(scope: Scope, send: Send, gate: Gate) -> None:
    body = _REFUSED.encode()
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": 403, "headers": headers + _security_headers(gate)})
    await send({"type": "http.response.body", "body": body if scope.get("method") != "HEAD" else b""})


# Streamlit's uploader shows a refused upload as "AxiosError: Request failed with status code 413"
# (its front end does not read the answer's text): this puts our sentence in its place. Covered
# by tests/e2e/test_inputs.py (a Streamlit upgrade that words it otherwise fails there).
_UPLOAD_MESSAGE_JS = """(() => {
  const said = %s;
  const mend = (el) => {
    for (const leaf of [el, ...el.querySelectorAll('*')]) {
      if (leaf.childElementCount === 0 && (leaf.textContent || '').includes('status code 413')) leaf.textContent = said;
    }
  };
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      const el = n.nodeType === 3 ? n.parentElement : n;
      if (el && el.closest && el.closest('[data-testid="stFileUploader"]')) mend(el);
    }
  }).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
})();"""


# What Streamlit's own markup leaves out for keyboard and screen-reader users (WCAG 2.2 AA), added
# as the page changes (a MutationObserver; Streamlit has no options for these):
# - a box of fixed height whose content scrolls (a long list on the dashboard, a wide table in a
#   narrow window) gets tabindex=0 and a name, so it can be scrolled by keyboard (2.1.1);
# - an icon's ligature name ("arrow_upward") inside a button is hidden from screen readers: the
#   button's label names it (app/styles.py hides that label from sight on icon buttons);
# - the sidebar's button of the current page is aria-current="page";
# - the document's language is the user's (3.1.1: a screen reader pronounces German as German),
#   and Streamlit's "Skip to main content" link says so in it; the arrow buttons (header ← →, the
#   list's ◀ ▶) are named in words, not by their symbols, an uploaded file's size has the
#   language's decimal symbol, and Streamlit's own English control names (the uploader's "Add
#   files" and "Remove x.csv", "Link to heading") are said in the language — all from the app's
#   language CSS;
# - after a move to another page, the focus goes to the new page's heading (else the header's
#   title), not to the document's body — 42 Tabs back to where the user was.
_A11Y_JS = """(() => {
  let lastPage = new URLSearchParams(location.search).get('page');
  let moved = false;
  const idle = () => document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]');
  const focusHeading = () => {
    const main = document.querySelector('.st-key-fb_main') || document.querySelector('[data-testid="stMain"]');
    const target = (main && main.querySelector('h1, h2, h3')) || document.querySelector('.st-key-fb_title p');
    if (!target) return false;
    target.setAttribute('tabindex', '-1');
    target.focus({preventScroll: true});
    return true;
  };
  const said = name => {  // a word the app's language CSS gives (app/styles.py language_css)
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value.length > 1 ? value.slice(1, -1).replace(/\\\\(.)/g, '$1') : '';
  };
  const ARROWS = ['nav_back', 'nav_forward', 'list_prev', 'list_next'];
  let words = null;  // read from the CSS only when a style sheet came or went (getComputedStyle costs)
  const styled = records => records.some(r => [...r.addedNodes, ...r.removedNodes].some(
    n => n.nodeName === 'STYLE' || (n.querySelector && n.querySelector('style'))));
  const language = records => {  // at once, in the observer's microtask: no English shown in between
    if (!words || !words.lang || styled(records)) {
      let labels = {};
      try { labels = JSON.parse(said('--fb-labels') || '{}'); } catch (e) { labels = {}; }
      words = {lang: said('--fb-lang'), skip: said('--fb-skip'), decimal: said('--fb-decimal'), labels, upload: said('--fb-upload'),
               names: Object.fromEntries(ARROWS.map(key => [key, said('--fb-name-' + key)]))};
    }
    const {lang, decimal} = words;
    if (lang && document.documentElement.lang !== lang) document.documentElement.lang = lang;
    const skip = document.querySelector('[data-testid="stSkipToContent"]');
    const upload = words.upload;  // the uploader's button: its English label is hidden (app/styles.py)
    if (upload) document.querySelectorAll('[data-testid="stFileUploaderDropzone"] > span > button').forEach(b => {
      if (b.getAttribute('aria-label') !== upload) b.setAttribute('aria-label', upload);
    });
    const skipWords = words.skip;
    if (skip && skipWords && skip.textContent !== skipWords) skip.textContent = skipWords;
    if (decimal && decimal !== '.') {  // an uploaded file's size ("5.6KB"), as the language writes it
      document.querySelectorAll('[data-testid="stFileChip"] *').forEach(el => el.childNodes.forEach(node => {
        const m = node.nodeType === 3 && /^(\\d+)(?:\\.(\\d+))?\\s?(B|KB|MB|GB)$/.exec(node.data.trim());
        const text = m && m[1] + (m[2] ? decimal + m[2] : '') + '\u00a0' + m[3];
        if (text && node.data !== text) node.data = text;
      }));
    }
    // Streamlit's own English names of its controls ("Add files", "Remove x.csv", "Link to
    // heading"), said in the language: whole names, or a name's start ("Remove ") as a prefix
    const labels = words.labels;
    if (Object.keys(labels).length) {
      document.querySelectorAll('[aria-label]').forEach(el => {
        const name = el.getAttribute('aria-label');
        const whole = labels[name];
        const start = !whole && Object.keys(labels).find(k => k.endsWith(' ') && name.startsWith(k));
        const spoken = whole || (start && labels[start] + name.slice(start.length));
        if (spoken && spoken !== name) el.setAttribute('aria-label', spoken);
      });
    }
    for (const key of ARROWS) {  // arrows: a spoken name
      const button = document.querySelector('.st-key-' + key + ' button');
      const name = words.names[key];
      if (button && name && button.getAttribute('aria-label') !== name) button.setAttribute('aria-label', name);
    }
  };
  const mark = () => {
    document.querySelectorAll('button [data-testid="stIconMaterial"]:not([aria-hidden])').forEach(icon => icon.setAttribute('aria-hidden', 'true'));
    document.querySelectorAll('[data-testid="stSidebar"] button').forEach(b => {
      if (b.getAttribute('kind') === 'primary') b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
    });
    document.querySelectorAll('[data-testid="stVerticalBlock"], [data-testid="stTable"] > div, .stTable > div').forEach(box => {
      const style = getComputedStyle(box);
      const scrolls = /(auto|scroll)/.test(style.overflowY + style.overflowX) &&
        (box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1);
      if (scrolls && !box.hasAttribute('tabindex')) {
        box.setAttribute('tabindex', '0');
        box.setAttribute('role', 'region');
        const title = box.querySelector('h1, h2, h3, strong, label, p');
        box.setAttribute('aria-label', (title && title.textContent.trim().slice(0, 80)) || 'scrollable');
      }
    });
    const page = new URLSearchParams(location.search).get('page');
    if (page !== lastPage) { lastPage = page; moved = true; }
    // only where the focus fell to the body: a field the user already went to keeps it
    const lost = !document.activeElement || document.activeElement === document.body;
    if (moved && idle() && (!lost || focusHeading())) moved = false;
  };
  let queued = false;
  const later = () => {
    if (!queued) { queued = true; setTimeout(() => { queued = false; mark(); }, 200); }
  };
  new MutationObserver(records => { language(records); later(); }).observe(document.documentElement, {childList: true, subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
  window.addEventListener('resize', later);  // a narrower window makes a table scroll
})();"""


def first_paint_index(static_dir: Path, uploads: UploadBudget | None = None) -> bytes:
    """Streamlit's ``index.html`` with ``FIRST_PAINT_CSS`` and the app's own CSS in its <head>
    (and the sentence for an upload refused by the budget, and the flush of a text input typed in
    when the page goes away: ``app.desktop.flush``)."""
    import json

    html = (static_dir / "index.html").read_text(encoding="utf-8")
    if "</head>" not in html:
        raise RuntimeError(f"{static_dir / 'index.html'} has no </head>: Streamlit changed its page")
    from app.desktop.flush import NATIVE_FLUSH_JS
    from app.styles import SHELL_CSS

    css = FIRST_PAINT_CSS + SHELL_CSS
    head = f'<style id="fieldbook-first-paint">{css}</style>'
    if uploads is not None:
        said = json.dumps(uploads_full(uploads)).replace("</", "<\\/")
        head += f"<script>{_UPLOAD_MESSAGE_JS % said}</script>"
    head += f"<script>{NATIVE_FLUSH_JS}</script><script>{_A11Y_JS}</script>"
    return html.replace("</head>", head + "</head>", 1).encode()


def uploads_full(uploads: UploadBudget) -> str:
    return _UPLOADS_FULL.format(mb=uploads.per_session // (1024 * 1024))


def index_route(static_dir: Path, uploads: UploadBudget | None = None) -> Any:
    """The routes that serve the first-paint index (``/`` and ``/index.html``), never cached."""
    from starlette.responses import Response
    from starlette.routing import Route

    body = first_paint_index(static_dir, uploads)

    async def index(request: Any) -> Response:
        return Response(body, media_type="text/html", headers={"Cache-Control": "no-cache"})

    return [Route("/", index, methods=["GET", "HEAD"]), Route("/index.html", index, methods=["GET", "HEAD"])]
