"""``/_fb/flush``: what a closing page had typed and not yet sent, stored before the page goes.

A text field commits after a pause in typing. When the window is closed, the page reloaded or
hidden within that pause, the page's ``pagehide`` / ``visibilitychange`` handler sends what is
still unsent with ``navigator.sendBeacon`` (which the browser delivers even while the page goes
away) to this route, which stores it as the field's input (``Inputs.persist_many``), acknowledged
by the writer like every other input. The route is behind the edge's launch token like every
other request (``app.desktop.edge``).

Only fields a script run has drawn as text fields can be written here (``allow``): the route
cannot be used to set any other input. A flush runs no change callback, so it stores what the
callback would: the text converted as the widget converts it (a number field's number, the sync
address without a password typed into it), and the inputs a first edit adds (``with_first``: the
record version a draft starts from). Two senders, two orders:

- the live text area (``app.live_text``) numbers its commits per page (``page``, ``seq``); a
  commit older than one already stored from the same page is dropped, whichever way it came (the
  websocket's callback or this route), the check and the write under one lock (``in_order``);
- Streamlit's own text input has no numbers; the first-paint page's script (``NATIVE_FLUSH_JS``,
  put in ``index.html`` by ``app.desktop.edge``) finds the field being typed in by its element's
  ``st-key-…`` class (``css_name``), and sends only text typed within the last moments (a field
  merely focused must not write its old text over what a sync brought). Its flush is stored after
  ``NATIVE_DELAY_S``, so that a commit Streamlit sent before it (an older text) is stored first
  and this one last — a delay, not an order: an older commit held up longer than that (behind a
  slow script run) could still land last. The live text area has no such gap.

A flush that arrives after the store stopped is refused (503) and stores nothing: never half.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

PATH = "/_fb/flush"
MAX_BODY = 1_048_576  # bytes: far more than any text a person types between two pauses
NATIVE_DELAY_S = 0.5

_lock = threading.Lock()
_allowed: dict[str, tuple[str, str] | None] = {}  # widget name → (scope, key) of a text field; None: two
_convert: dict[tuple[str, str], Callable[[str], Any]] = {}  # (scope, key) → text to stored value
_first: dict[str, dict[str, Any]] = {}  # scope → inputs a flush into it stores too, if the scope has none of them
_then: dict[str, Callable[[Any], None]] = {}  # scope → what a flush into it does after storing
_last: dict[tuple[str, str], tuple[str, int]] = {}  # (scope, key) → (page, seq) stored last
_field_locks: dict[tuple[str, str], threading.Lock] = {}


def allow(widget: str, scope: str, key: str, convert: Callable[[str], Any] | None = None) -> None:
    """``widget`` names a text field of ``(scope, key)``: its page may flush it here, stored as
    ``convert(text)`` (a number field's number; the text itself by default). A name that two
    fields share is no one's (a flush to it is refused)."""
    with _lock:
        _allowed[widget] = (scope, key) if _allowed.get(widget, (scope, key)) == (scope, key) else None
        if convert is not None:
            _convert[(scope, key)] = convert


def with_first(scope: str, items: dict[str, Any], then: Callable[[Any], None] | None = None) -> None:
    """A flush into ``scope`` also stores ``items`` the scope does not hold yet, and then calls
    ``then(runtime)`` — what a page's change callback would have done with the first edit (store
    the record version a draft starts from; create the new record it is typed into), since a
    flush runs no callback."""
    with _lock:
        _first[scope] = dict(items)
        if then is None:
            _then.pop(scope, None)
        else:
            _then[scope] = then


def in_order(scope: str, key: str, page: str, seq: int, write: Callable[[], None]) -> bool:
    """``write()`` if commit ``seq`` of ``page`` is not older than the one stored last (``newer``),
    the check and the write under one lock per field: a slower write of an older commit cannot
    land after a newer one. Whether it wrote."""
    with _lock:
        field_lock = _field_locks.setdefault((scope, key), threading.Lock())
    with field_lock:
        if not newer(scope, key, page, seq):
            return False
        write()
        return True


def css_name(widget_key: str) -> str:
    """The name Streamlit's front end gives the element of ``widget_key`` (``st-key-<this>``)."""
    return re.sub(r"[^a-zA-Z0-9_-]", "-", widget_key.strip())


def newer(scope: str, key: str, page: str, seq: int) -> bool:
    """Whether commit ``seq`` of ``page`` is not older than what was stored from that page; if so
    it becomes the newest. The same commit twice (by beacon, then by websocket) is stored twice —
    the same text — so the script still takes it in (an undo step, the form's state); a commit
    from another page (a reload, another window) is always taken."""
    with _lock:
        last = _last.get((scope, key))
        if last is not None and last[0] == page and last[1] > seq:
            return False
        _last[(scope, key)] = (page, seq)
        return True


# The focused Streamlit text input of a page going away: its text, by beacon (see the module's text).
NATIVE_FLUSH_JS = """(() => {
  // only a field typed in within the last moments: its commit may not have gone out (a field merely
  // focused must not write its old text over what a sync brought meanwhile)
  document.addEventListener('input', (e) => { e.target.__fbTypedAt = Date.now(); }, true);
  const away = () => {
    const el = document.activeElement;
    if (!el || el.tagName !== 'INPUT' || !el.closest('[data-testid="stTextInput"]')) return;
    if (!el.__fbTypedAt || Date.now() - el.__fbTypedAt > RECENT_MS) return;
    const holder = el.closest('[class*="st-key-in__"]');
    const name = holder && [...holder.classList].find((c) => c.startsWith('st-key-in__'));
    if (!name) return;
    try { navigator.sendBeacon(FLUSH_PATH, JSON.stringify({widget: name.slice(7), text: el.value})); } catch (err) { /* gone */ }
  };
  window.addEventListener('pagehide', away);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') away(); });
})();""".replace("FLUSH_PATH", json.dumps(PATH)).replace("RECENT_MS", "1500")


def _parse(body: bytes) -> tuple[str, str | None, int, str]:
    """(widget key, page, seq, text) of a flush, or ``ValueError``."""
    msg = json.loads(body)
    if not isinstance(msg, dict) or not isinstance(msg.get("widget"), str) or not isinstance(msg.get("text"), str):
        raise ValueError("a flush names a widget and its text")
    page, seq = msg.get("page"), msg.get("seq", 0)
    if page is not None and not isinstance(page, str) or not isinstance(seq, int):
        raise ValueError("page is a string, seq a number")
    return msg["widget"], page, seq, msg["text"]


def routes() -> list[Any]:
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response
    from starlette.routing import Route

    from app.desktop import runtime

    def store(rt: Any, target: tuple[str, str], text: str) -> None:
        scope, _ = target
        with _lock:
            convert, first, then = _convert.get(target), _first.get(scope, {}), _then.get(scope)
        items = {target: convert(text) if convert is not None else text}
        if first:
            held = rt.inputs.load(rt.user, scope)
            items.update({(scope, k): v for k, v in first.items() if (scope, k) not in held})
        rt.inputs.persist_many(rt.user, items, None)
        if then is not None:
            try:
                then(rt)
            except Exception:  # the text is stored; the page's next run does it (app.views.record_edit)
                log.exception("after a flush into %s", scope)

    async def flush(request: Any) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY:
            return Response(status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        try:
            wkey, page, seq, text = _parse(body)
        except ValueError:
            return Response(status_code=400)
        with _lock:
            target = _allowed.get(wkey)
        if target is None:
            return Response(status_code=404)
        if page is None:
            await asyncio.sleep(NATIVE_DELAY_S)
        rt = runtime.peek()
        if rt is None or not rt.store.writer.running:
            return Response(status_code=503)
        try:
            if page is None:
                await run_in_threadpool(store, rt, target, text)
            else:  # not older than what this page's websocket (or an earlier beacon) stored
                await run_in_threadpool(in_order, *target, page, seq, lambda: store(rt, target, text))
        except Exception:
            log.exception("flushing %s failed", target)
            return Response(status_code=503)
        return Response(status_code=204)

    return [Route(PATH, flush, methods=["POST"])]
