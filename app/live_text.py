"""A text area that commits while the user types: Streamlit's own commits only when it is left.

``st.text_area`` sends its text when the field loses the focus or on Ctrl+Enter; a note typed and
never left is lost on a crash, a kill, a reload or a closed window. This is a custom component
(``st.components.v2``: inline HTML, CSS and JS, no build step, no iframe) drawn like Streamlit's
text area — label, help, placeholder, character count, disabled, the theme's colours — that
sends its text after a pause in typing (``PAUSE_MS``), at once on Ctrl+Enter and when it is left,
and, when the page goes away (``pagehide``, or hidden), sends what is still unsent with
``navigator.sendBeacon`` to ``app.desktop.flush`` as well.

The page numbers its commits (``page``, ``seq``); a commit older than one already stored from the
same page is dropped (``app.desktop.flush.newer``), so a slow websocket never overwrites newer
text with older. The text shown comes from the script only when the script changed it (undo,
restore: ``rev`` grows); the echo of what the user typed never replaces the field, so the caret,
the selection and the browser's own Ctrl+Z inside the field stay as they are.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from app.desktop import flush

PAUSE_MS = 250  # one commit — and one undo step — per pause in typing
BOX_PX = 94  # Streamlit's text area: a 94 px box under a 24 px label and 4 px gap (measured, 1.67)
LABEL_PX = 28

_CSS = """
.fb-lt { font-family: var(--st-font); color: var(--st-text-color); }
.fb-lt-label { display: flex; align-items: center; gap: 0.25rem; min-height: 24px; margin: 0 0 4px;
  font-size: 14px; line-height: 22.4px; }
.fb-lt-label.fb-lt-hidden { visibility: hidden; }
.fb-lt-label.fb-lt-collapsed { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); margin: 0; }
.fb-lt-help { display: inline-flex; width: 16px; height: 16px; cursor: help; opacity: 0.6; }
.fb-lt-help:focus-visible, .fb-lt-help:hover { opacity: 1; }
.fb-lt-box { position: relative; box-sizing: border-box; border: 1px solid var(--st-widget-border-color, var(--st-border-color));
  border-radius: var(--st-base-radius); background: var(--st-secondary-background-color); }
.fb-lt-box:focus-within { border-color: var(--st-primary-color); }
.fb-lt textarea { display: block; box-sizing: border-box; width: 100%; height: 100%; margin: 0; padding: 12px;
  border: 0; outline: none; resize: none; background: transparent; color: inherit;
  font: 14px/19.6px var(--st-font); }
.fb-lt textarea::placeholder { color: var(--st-text-color); opacity: 0.5; }
.fb-lt textarea:disabled { cursor: not-allowed; opacity: 0.5; }
.fb-lt-count { position: absolute; right: 8px; bottom: 2px; font-size: 12px; opacity: 0.6; pointer-events: none; }
"""

_JS = r"""
const HELP_ICON = '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d="M11 18h2v-2h-2v2zm1-16C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.41 0-8-3.59-8-8s3.59-8 8-8 8 3.59 8 8-3.59 8-8 8zm0-14c-2.21 0-4 1.79-4 4h2c0-1.1.9-2 2-2s2 .9 2 2c0 2-3 1.75-3 5h2c0-2.25 3-2.5 3-5 0-2.21-1.79-4-4-4z"/></svg>';

function build(parent, data) {
  const root = document.createElement('div');
  root.className = 'fb-lt';
  const id = 'fb-lt-' + Math.random().toString(36).slice(2);
  root.innerHTML = '<div class="fb-lt-label"><label></label></div>'
    + '<div class="fb-lt-box"><textarea></textarea><span class="fb-lt-count" aria-hidden="true"></span></div>';
  const ta = root.querySelector('textarea');
  ta.id = id;
  root.querySelector('label').htmlFor = id;
  parent.appendChild(root);
  const s = {ta, page: id, seq: 0, sent: null, rev: null, timer: null, composing: false, data};
  root.__fb = s;
  const pending = () => s.sent !== null && ta.value !== s.sent;
  s.send = () => {
    clearTimeout(s.timer);
    s.timer = null;
    if (!pending()) return false;
    s.seq += 1;
    s.sent = ta.value;
    s.setState('typed', {text: ta.value, seq: s.seq, page: s.page});
    return true;
  };
  const count = () => {
    const max = s.data.max_chars;
    root.querySelector('.fb-lt-count').textContent = max ? `${ta.value.length}/${max}` : '';  // as maxLength counts
  };
  ta.addEventListener('input', () => {
    count();
    clearTimeout(s.timer);
    if (!s.composing) s.timer = setTimeout(s.send, s.data.pause_ms);
  });
  ta.addEventListener('compositionstart', () => { s.composing = true; clearTimeout(s.timer); });
  ta.addEventListener('compositionend', () => { s.composing = false; s.timer = setTimeout(s.send, s.data.pause_ms); });
  ta.addEventListener('blur', () => s.send());
  ta.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); s.send(); }
  });
  // The page goes away (closed, reloaded, navigated) or is hidden: what is unsent goes now, by
  // beacon — because the websocket may not get out of a closing page — and by the websocket.
  s.away = () => {
    if (!pending()) return;
    const body = JSON.stringify({widget: s.data.widget, text: ta.value, seq: s.seq + 1, page: s.page});
    try { navigator.sendBeacon(s.data.flush_url, body); } catch (err) { /* the websocket commit stands */ }
    s.send();
  };
  s.hidden = () => { if (document.visibilityState === 'hidden') s.away(); };
  s.count = count;
  return root;
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const root = parentElement.querySelector('.fb-lt') || build(parentElement, data);
  const s = root.__fb;
  s.data = data;
  s.setState = setStateValue;
  const ta = s.ta, label = root.querySelector('.fb-lt-label');
  label.classList.toggle('fb-lt-hidden', data.label_visibility === 'hidden');
  label.classList.toggle('fb-lt-collapsed', data.label_visibility === 'collapsed');
  label.querySelector('label').textContent = data.label;
  let help = label.querySelector('.fb-lt-help');
  if (data.help && !help) {
    help = document.createElement('span');
    help.className = 'fb-lt-help';
    help.tabIndex = 0;
    help.setAttribute('role', 'img');
    help.innerHTML = HELP_ICON;
    label.appendChild(help);
  } else if (!data.help && help) {
    help.remove();
    help = null;
  }
  if (help) { help.title = data.help; help.setAttribute('aria-label', data.help); }
  if (data.help) ta.setAttribute('aria-description', data.help); else ta.removeAttribute('aria-description');
  ta.placeholder = data.placeholder || '';
  ta.disabled = !!data.disabled;
  if (data.max_chars) ta.maxLength = data.max_chars; else ta.removeAttribute('maxlength');
  root.querySelector('.fb-lt-box').style.height = data.height + 'px';
  if (s.rev !== data.rev) {  // the script changed the text (first draw, undo, restore)
    s.rev = data.rev;
    clearTimeout(s.timer);
    if (ta.value !== data.value) ta.value = data.value;
    s.sent = ta.value;
  }
  s.count();
  if (!s.listening) {  // the page's own events: attached while mounted, removed when it is gone
    window.addEventListener('pagehide', s.away);
    document.addEventListener('visibilitychange', s.hidden);
    s.listening = true;
  }
  // Streamlit calls this when the element goes (another page, a form closed): what is unsent is
  // sent now, and nothing of it stays behind to fire later.
  return () => {
    window.removeEventListener('pagehide', s.away);
    document.removeEventListener('visibilitychange', s.hidden);
    s.listening = false;
    s.send();
  };
}
"""

_component: Any = None


def _live_component() -> Any:
    global _component
    if _component is None:
        _component = st.components.v2.component("fieldbook_live_text", html="", css=_CSS, js=_JS, isolate_styles=False)
    return _component


def plain(text: str | None) -> str:
    """A label or help written for Streamlit's Markdown (``app.slots.label_escape``) as the text
    it shows: the component sets it as text, never as HTML."""
    return re.sub(r"\\([^\w\s])", r"\1", text or "")


def component_key(wkey: str) -> str:
    """The component's key for widget key ``wkey``. It must not hold "__"; widget keys have no "."
    (``app.widgets.widget_key``), so "_." in its place keeps two keys apart — and keeps this key
    and the two below out of ``forget_scope``'s reach, so ``rev`` never repeats in a session."""
    return f"{wkey.replace('__', '_.')}~live"


def _state_keys(wkey: str) -> tuple[str, str, str]:
    live = component_key(wkey)
    return live, f"{live}~echo", f"{live}~rev"


def text_area(
    wkey: str,
    scope: str,
    key: str,
    label: str,
    *,
    value: str | None,
    commit: Callable[[str], None],
    help: str | None = None,
    placeholder: str | None = None,
    max_chars: int | None = None,
    disabled: bool = False,
    height: int | None = None,
    label_visibility: str = "visible",
) -> str:
    """Draw the live text area showing ``value``; ``commit(text)`` stores a new text (in a
    callback, before the next run). Returns the text shown."""
    live, echo, rev = _state_keys(wkey)
    value = value or ""
    if st.session_state.get(echo) != value:  # not what the page last sent: the script changed it
        st.session_state[rev] = st.session_state.get(rev, 0) + 1
        st.session_state[echo] = value
    flush.allow(wkey, scope, key)
    box = height or BOX_PX
    # The element's height is fixed before its script has drawn anything: nothing below it moves.
    total = box + (0 if label_visibility == "collapsed" else LABEL_PX)
    data = {
        "value": value, "rev": st.session_state[rev], "label": plain(label), "help": plain(help),
        "placeholder": placeholder or "", "max_chars": max_chars, "disabled": disabled,
        "height": box, "label_visibility": label_visibility, "pause_ms": PAUSE_MS,
        "widget": wkey, "flush_url": flush.PATH,
    }
    _live_component()(key=live, data=data, height=total, on_typed_change=functools.partial(_changed, wkey, scope, key, commit))
    return value


def _changed(wkey: str, scope: str, key: str, commit: Callable[[str], None]) -> None:
    # The state is {"typed": …}: a state of one key "value" holding a dict would be read by
    # Streamlit as that dict itself (session_state._dispatch_json_change_callbacks).
    live, echo, _ = _state_keys(wkey)
    state = st.session_state.get(live) or {}
    sent = state.get("typed") if hasattr(state, "get") else None
    if not isinstance(sent, dict) or not isinstance(sent.get("text"), str):
        return
    text = sent["text"]

    def write() -> None:
        st.session_state[wkey] = st.session_state[echo] = text
        commit(text)

    # dropped if older than a commit of this page already stored (a beacon came first)
    flush.in_order(scope, key, str(sent.get("page")), int(sent.get("seq") or 0), write)
