"""Controlled widgets: every value the UI accepts is in the store before the next run starts.

Each ``s_<kind>(key, label, …)`` widget has a stable key scoped to its page (or form), takes its
initial value from the store, and on change calls ``persist_input`` — acknowledged by the
store's writer before the callback returns. ``st.session_state`` is only a cache: Streamlit drops
it on refresh and deletes the state of widgets that leave the screen; the next time a widget is
drawn its value is seeded again from the store (through the per-session input cache).

A value that cannot be saved (disk full, read-only disk) stays in the widget, a banner in the
header's reserved slot says it was NOT saved, and the store retries it with the next write.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from app import live_text, numbers
from app.desktop import flush
from app.desktop import runtime as runtime_module
from app.session import Session
from store.core import FieldbookError, FileRef
from store.core.locale import date_input_format, format_size
from store.fielddata import save_attachment

log = logging.getLogger(__name__)

_CACHE = "_fb_inputs"
_FIELD_ERRORS = "_fb_field_errors"
AfterChange = Callable[[str, Any], None]


def _runtime() -> runtime_module.Runtime:
    rt = runtime_module.current()
    if rt is None:
        raise FieldbookError("Fieldbook's data service is not running.")
    return rt


def _session() -> Session:
    return Session(_runtime())


def widget_key(scope: str, key: str) -> str:
    """The Streamlit key of input ``key`` in ``scope``; the same on every run and session."""
    return f"in__{_safe(scope)}__{_reversible(key)}"


def _reversible(text: str) -> str:
    """``text`` with every character outside ``[A-Za-z0-9_-]`` written as ``~<hex>~``: two
    different keys (``a.b``, ``a_b``) never share a widget key."""
    return re.sub(r"[^A-Za-z0-9_-]", lambda m: f"~{ord(m.group()):x}~", text)


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)


def input_cache() -> dict[tuple[str, str], Any]:
    """This session's copy of the user's stored inputs, loaded once per browser session."""
    if _CACHE not in st.session_state:
        rt = _runtime()
        st.session_state[_CACHE] = rt.inputs.load(rt.user)
    cache: dict[tuple[str, str], Any] = st.session_state[_CACHE]
    return cache


def stored_value(scope: str, key: str, default: Any = None) -> Any:
    return input_cache().get((scope, key), default)


def forget_scope(scope: str, versions: dict[str, int] | None = None) -> None:
    """Drop the inputs of ``scope``: in the store (with ``versions``, only those still at the saved
    version — what another window typed since stays), in this session's cache and its widgets."""
    rt = _runtime()
    rt.inputs.clear_scope(rt.user, scope, versions)
    cache = input_cache()
    for key in [k for k in cache if k[0] == scope]:
        del cache[key]
    prefix = widget_key(scope, "")
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else None


def persist_input(scope: str, key: str, value: Any) -> bool:
    """Store ``value`` (acknowledged = committed); ``False`` and a banner if it was not saved."""
    return persist_inputs(scope, {key: value})


def persist_inputs(scope: str, items: dict[str, Any]) -> bool:
    """Several inputs of one scope in one commit (an undo that restores a whole form)."""
    rt = _runtime()
    session = Session(rt)
    cache = input_cache()
    for key, value in items.items():
        cache[(scope, key)] = value  # the screen shows what the user entered, saved or not
    try:
        rt.inputs.persist_many(rt.user, {(scope, k): v for k, v in items.items()}, _session_id())
    except FieldbookError as exc:
        session.show_banner(session.t("error.not_saved", reason=session.say(exc)))
        return False
    except Exception as exc:
        log.exception("persisting %s/%s failed", scope, list(items))
        session.show_banner(session.t("error.not_saved", reason=type(exc).__name__))
        return False
    session.clear_banner()
    return True


def field_error(scope: str, key: str) -> str | None:
    errors: dict[tuple[str, str], str] = st.session_state.get(_FIELD_ERRORS, {})
    return errors.get((scope, key))


def _set_field_error(scope: str, key: str, message: str | None) -> None:
    errors = st.session_state.setdefault(_FIELD_ERRORS, {})
    if message is None:
        errors.pop((scope, key), None)
    else:
        errors[(scope, key)] = message


def _on_change(scope: str, key: str, wkey: str, from_widget: Callable[[Any], Any], after: AfterChange | None) -> None:
    value = from_widget(st.session_state[wkey])
    if persist_input(scope, key, value) and after is not None:
        after(key, value)


def set_widget_value(scope: str, key: str, value: Any, to_widget: Callable[[Any], Any] = lambda v: v) -> None:
    """Show ``value`` in the widget from now on (undo, restore). Call from a callback, after
    persisting ``value``: a text area (``s_textarea``) shows the stored input."""
    st.session_state[widget_key(scope, key)] = to_widget(value)


def _controlled(
    render: Callable[..., Any],
    key: str,
    label: str,
    *,
    scope: str | None,
    default: Any,
    after: AfterChange | None = None,
    to_widget: Callable[[Any], Any] = lambda v: v,
    from_widget: Callable[[Any], Any] = lambda v: v,
    args: Sequence[Any] = (),
    **kwargs: Any,
) -> Any:
    scope = scope or _session().state.page
    wkey = widget_key(scope, key)
    if wkey not in st.session_state:
        st.session_state[wkey] = to_widget(stored_value(scope, key, default))
    render(label, *args, key=wkey, on_change=_on_change, args=(scope, key, wkey, from_widget, after), **kwargs)
    return from_widget(st.session_state[wkey])


controlled = _controlled  # for widgets a page composes itself (e.g. a yes/no radio that starts empty)


# A text input commits after this pause in typing, not only when the field is left: text typed and
# never left survives a crash, a kill or a reload (Streamlit's ``live``; inside st.form it does
# nothing). One commit per pause is also one undo step per pause. ``True`` is Streamlit's 250 ms;
# a duration string ("250ms") would have Streamlit parse it with pandas, imported for that before
# the first page (tests/launcher/test_startup.py).
LIVE_PAUSE = True


def s_text(key: str, label: str, *, scope: str | None = None, default: str = "", after: AfterChange | None = None, **kw: Any) -> str:
    kw.setdefault("live", LIVE_PAUSE)
    scope = scope or _session().state.page
    # typed within a pause, the page closing: app.desktop.flush, stored as the widget's callback
    # would store it (the sync address without a password typed into it)
    flush.allow(flush.css_name(widget_key(scope, key)), scope, key, kw.get("from_widget"))
    return _controlled(st.text_input, key, label, scope=scope, default=default, after=after, **kw)


def s_textarea(key: str, label: str, *, scope: str | None = None, default: str = "", after: AfterChange | None = None, **kw: Any) -> str:
    """A text area that commits while the user types (``app.live_text``: Streamlit's own commits
    only when the field is left), with the keyword arguments of ``st.text_area`` it supports."""
    scope = scope or _session().state.page
    wkey = widget_key(scope, key)
    # What it shows is always the stored input (this session's copy: what the user typed, an
    # undo, a restore), else the default: unlike a widget's state, a component's copy is never
    # dropped by Streamlit, so a copy kept across runs would show yesterday's text once the draft
    # is forgotten and the record changed (a sync). Kept in st.session_state[wkey] for the code
    # that reads widget values.
    value = stored_value(scope, key, default)
    st.session_state[wkey] = value

    def commit(text: str) -> None:
        if persist_input(scope, key, text) and after is not None:
            after(key, text)

    return live_text.text_area(wkey, scope, key, label, value=value, commit=commit, **kw)


def _read(parse: Callable[[str], Any], text: Any) -> tuple[Any, numbers.NumberTextError | None]:
    """(the value ``parse`` reads, None), or (the text as typed, why it cannot be read)."""
    if not isinstance(text, str):
        return text, None
    try:
        return parse(text), None
    except numbers.NumberTextError as exc:
        return text, exc


def _parsed_text(
    key: str, label: str, parse: Callable[[str], Any], show: Callable[[Any], str], *, scope: str | None, default: Any, after: AfterChange | None, **kw: Any
) -> Any:
    """A text field whose text is read as a value (a number, a location) as the user's language
    writes it, committed while typing like every text field. What cannot be read stays in the
    field and in the store as typed, with a sentence in the field's message slot
    (``field_error``), so the form refuses to save it."""
    session = _session()
    scope = scope or session.state.page
    kw.setdefault("live", LIVE_PAUSE)

    def read(text: Any) -> Any:  # the flush route's conversion: no session there, no message
        return _read(parse, text)[0]

    def from_widget(text: Any) -> Any:
        value, problem = _read(parse, text)
        _set_field_error(scope, key, None if problem is None else problem_text(session.t, problem))
        return value

    def to_widget(value: Any) -> str:
        return "" if value is None else value if isinstance(value, str) else show(value)

    flush.allow(flush.css_name(widget_key(scope, key)), scope, key, read)
    return _controlled(st.text_input, key, label, scope=scope, default=default, after=after, to_widget=to_widget, from_widget=from_widget, **kw)


def problem_text(t: Callable[..., str], problem: numbers.NumberTextError) -> str:
    """The sentence for text that is not a number or a location, in the user's language."""
    return t(problem.key, text=problem.text, example=problem.example)


def s_number(
    key: str, label: str, *, scope: str | None = None, default: float | int | None = None, after: AfterChange | None = None, integer: bool = False, **kw: Any
) -> Any:
    """A number typed as the user's language writes it (``app.numbers``)."""
    lang = _session().lang
    return _parsed_text(
        key, label, lambda text: numbers.parse_number(text, lang, integer=integer), lambda v: numbers.format_number(v, lang),
        scope=scope, default=default, after=after, **kw,
    )


def s_geopoint(key: str, label: str, *, scope: str | None = None, default: Any = None, after: AfterChange | None = None, **kw: Any) -> Any:
    """A location typed as "latitude, longitude[, accuracy]" in the user's language (``app.numbers``)."""
    lang = _session().lang
    return _parsed_text(
        key, label, lambda text: numbers.parse_geopoint(text, lang), lambda v: numbers.format_geopoint(v, lang),
        scope=scope, default=default, after=after, **kw,
    )


def _option(options: Sequence[Any], default: Any) -> Callable[[Any], Any]:
    # A stored choice that is no longer offered falls back to the default rather than failing.
    return lambda v: v if v in options else default


def s_select(key: str, label: str, options: Sequence[Any], *, scope: str | None = None, default: Any = None, after: AfterChange | None = None, **kw: Any) -> Any:
    return _controlled(st.selectbox, key, label, scope=scope, default=default, after=after, args=(list(options),), to_widget=_option(options, default), **kw)


def s_radio(key: str, label: str, options: Sequence[Any], *, scope: str | None = None, default: Any = None, after: AfterChange | None = None, **kw: Any) -> Any:
    default = options[0] if default is None and options else default
    return _controlled(st.radio, key, label, scope=scope, default=default, after=after, args=(list(options),), to_widget=_option(options, default), **kw)


def s_multiselect(key: str, label: str, options: Sequence[Any], *, scope: str | None = None, default: Sequence[Any] = (), after: AfterChange | None = None, **kw: Any) -> list[Any]:
    return _controlled(
        st.multiselect, key, label, scope=scope, default=list(default), after=after, args=(list(options),),
        to_widget=lambda v: [x for x in (v or []) if x in options], from_widget=list, **kw,
    )


def s_checkbox(key: str, label: str, *, scope: str | None = None, default: bool = False, after: AfterChange | None = None, **kw: Any) -> bool:
    return _controlled(st.checkbox, key, label, scope=scope, default=default, after=after, from_widget=bool, **kw)


def s_date(key: str, label: str, *, scope: str | None = None, default: dt.date | None = None, after: AfterChange | None = None, **kw: Any) -> dt.date | None:
    kw.setdefault("format", date_input_format(_session().lang))  # 31.05.2024 in German, not 2024/05/31
    return _controlled(st.date_input, key, label, scope=scope, default=default, after=after, **kw)


def s_time(key: str, label: str, *, scope: str | None = None, default: dt.time | None = None, after: AfterChange | None = None, **kw: Any) -> dt.time | None:
    return _controlled(st.time_input, key, label, scope=scope, default=default, after=after, **kw)


def s_slider(key: str, label: str, min_value: Any, max_value: Any, *, scope: str | None = None, default: Any = None, after: AfterChange | None = None, **kw: Any) -> Any:
    default = min_value if default is None else default
    return _controlled(st.slider, key, label, scope=scope, default=default, after=after, min_value=min_value, max_value=max_value, **kw)


def s_file(
    key: str,
    label: str,
    *,
    scope: str | None = None,
    default: FileRef | None = None,
    after: AfterChange | None = None,
    type: Sequence[str] | None = None,
    record: str | None = None,
    **kw: Any,
) -> FileRef | None:
    """A file stored as an attachment; the widget shows the stored file, even after a restart.

    The uploader itself cannot be refilled after a refresh, so the stored file is shown in a line
    below it (name, size, remove). Too large or unreadable files get a message next to the field.
    ``record``: the label of a microphone recorder offered beside the uploader (an audio field);
    a recording is stored as the field's file like an upload.
    """
    session = _session()
    scope = scope or session.state.page
    wkey = widget_key(scope, key)
    st.file_uploader(label, key=wkey, type=list(type) if type else None, on_change=_file_changed, args=(scope, key, wkey, after), **kw)
    if record is not None:
        rkey = f"{wkey}~record"
        st.audio_input(record, key=rkey, on_change=_file_changed, args=(scope, key, rkey, after), disabled=kw.get("disabled", False))
    ref = stored_value(scope, key, default)
    with st.container(key=f"fbfile-{wkey}"):  # a reserved slot: the same height with or without a file
        if isinstance(ref, FileRef):
            line, remove = st.columns([6, 1], vertical_alignment="center")
            line.caption(f":material/attach_file: {ref.name} · {format_size(ref.size, session.lang)}")
            remove.button(session.t("file.remove"), key=f"{wkey}~remove", on_click=_file_removed, args=(scope, key, after))
        else:
            st.markdown("\u200b")
    return ref if isinstance(ref, FileRef) else None


def _file_changed(scope: str, key: str, wkey: str, after: AfterChange | None) -> None:
    upload = st.session_state.get(wkey)
    if upload is None:
        return  # the uploader was cleared; the stored file stays until "Remove"
    rt = _runtime()
    session = Session(rt)
    limit = rt.config.max_upload_mb * 1_048_576
    try:
        data = upload.getvalue()
        if len(data) > limit:
            _set_field_error(scope, key, session.t("file.too_big", name=upload.name, size=format_size(len(data), session.lang), limit=format_size(limit, session.lang)))
            return
        name = f"{key}-{dt.datetime.now():%Y%m%d-%H%M%S}.wav" if wkey.endswith("~record") else upload.name  # not "audio.wav"
        ref = save_attachment(rt.store, rt.config.paths.attachments_dir, name, data, upload.type, limit)
    except FieldbookError as exc:
        _set_field_error(scope, key, session.say(exc))
        return
    except OSError as exc:
        log.exception("reading upload %s failed", upload.name)
        _set_field_error(scope, key, session.t("file.unreadable", reason=exc.strerror or type(exc).__name__))
        return
    _set_field_error(scope, key, None)
    if persist_input(scope, key, ref) and after is not None:
        after(key, ref)


def _file_removed(scope: str, key: str, after: AfterChange | None) -> None:
    _set_field_error(scope, key, None)
    if persist_input(scope, key, None) and after is not None:
        after(key, None)
