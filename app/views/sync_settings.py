"""Settings → Sync: the server, the password (to the keyring), the online switch, the interval,
"Test connection", "Sync now" and where the sync stands.

Nothing here waits on the network: the connection test and the sync run as jobs
(``jobs.tasks.sync``), and their progress is polled in fragments that exist only while a job is
active. The server URL and user are controlled inputs (a half-typed URL survives a reload); the
password is a plain widget whose value lives only in this browser session until "Save" hands it
to the keyring — it is never written to the store, and a password typed into the URL is cut out
of the draft before that is stored.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import streamlit as st

from app import sync_header, widgets
from app.desktop import runtime as runtime_module
from app.session import Session
from app.slots import md_escape, message
from app.views.jobs import poll_job
from jobs import JobResult, utcnow
from store.core import FieldbookError

log = logging.getLogger(__name__)

SCOPE = "settings:sync"
PASSWORD = "sync_password"  # a plain widget: its value is never persisted
ONLINE = "sync_online"
INTERVAL = "sync_interval"
POLL_S = 0.5
SHOWN_BUSY = "_fbsync_shown_busy"  # whether the last page run drew a sync as running
_MSGS = "_fb_sync_msgs"  # slot → (kind, text), this browser session only
_SECRET_PARAM = re.compile(r"([?&])(?:password|passfile|sslpassword|%70assword)=[^&#]*&?", re.IGNORECASE)
_PORT = re.compile(r"\d*(?:[/?#]|$)")
STORE_LANGUAGE = "en"  # the language of the store's sentences (shown inline only in it; elsewhere as help)


# -- small helpers ----------------------------------------------------------------------------


def _msgs() -> dict[str, tuple[str, str]]:
    return st.session_state.setdefault(_MSGS, {})


def _say(slot: str, kind: str | None = None, text: str | None = None) -> None:
    if kind and text:
        _msgs()[slot] = (kind, text)
    else:
        _msgs().pop(slot, None)


def _slot(slot: str) -> None:
    kind, text = _msgs().get(slot, (None, None))
    message(f"sync-{slot}", kind, text)


def without_password(url: str) -> str:
    """``url`` with any password cut out: the draft of the URL field is stored, a password never.

    Read like ``urlsplit`` reads user and password (up to the LAST @), but without stopping at
    ``/ ? #``, which a password typed unescaped may contain (``u:pa/ss@host`` → ``u@host``). A
    draft with an @ only in its query, or a half-typed ``host:port`` whose port is not a number, is
    cut more than needed — a draft, never a password, is what may be lost; ``?password=…``
    parameters are cut out too.
    """
    text = url or ""
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text
    userinfo, at, after = rest.rpartition("@")
    colon, first_at = rest.find(":"), rest.find("@")
    if at and ":" in userinfo and colon < first_at:
        rest = userinfo.split(":", 1)[0] + "@" + after
    elif not at and not rest.startswith("["):
        head, colon_sep, tail = rest.partition(":")
        if colon_sep and not _PORT.match(tail):  # "user:pass…" typed before its "@": keep the user only
            rest = head
    return scheme + sep + _SECRET_PARAM.sub(r"\1", rest).rstrip("&")


def _typed(key: str) -> str:
    """What the field shows now (a password typed into the URL included), else the stored draft."""
    value = st.session_state.get(widgets.widget_key(SCOPE, key))
    if value is None:
        value = widgets.stored_value(SCOPE, key, "")
    return str(value or "").strip()


def _error_text(session: Session, code: str | None, detail: str | None) -> tuple[str, str | None]:
    """A failure in the user's language (by its code) and its help: the store's plain English
    sentence is added to the line in English, and is only the help (tooltip) in other languages."""
    title = session.t(f"sync.code.{code or 'error'}")
    if title == f"sync.code.{code}":
        title = session.t("sync.code.error")
    if not detail:
        return title, None
    if session.lang == STORE_LANGUAGE:
        text = session.t("sync.code.detail", title=title, detail=detail)
        return text, text if len(text) > 90 else None
    return title, session.t("sync.detail.help", detail=detail)


def _refusal(session: Session, exc: Exception) -> str:
    """Why a setting was not saved, in the user's language (the English sentence goes to the log)."""
    from store.sync import KeyringError, ServerUrlError

    if isinstance(exc, ServerUrlError):
        return session.t(f"sync.url.error.{exc.reason}", **exc.values)
    if isinstance(exc, KeyringError):
        return session.t(f"sync.keyring.failed.{exc.reason if exc.reason in ('unusable', 'remove') else 'store'}")
    log.warning("sync setting not saved: %s", exc)
    return session.t("sync.failed.other")


def _unexpected(session: Session, slot: str, exc: Exception, what: str) -> None:
    log.exception("%s failed", what)
    _say(slot, "error", session.t("sync.unexpected", error=type(exc).__name__))


# -- the page section ---------------------------------------------------------------------------


def render(session: Session) -> None:
    """The Sync section of the Settings page (always the same elements in the same order)."""
    from store.sync import settings as sync_settings

    st.markdown(f"#### {session.t('sync.section')}")
    st.caption(session.t("sync.intro"))
    rt = session.runtime
    try:
        settings = sync_settings.load(rt.store, rt.config)
    except FieldbookError as exc:
        log.warning("sync settings not readable: %s", exc)
        message("sync-load", "error", session.t("sync.load_failed"))
        return
    _keyring(session)
    _server(session, settings)
    _mode(session, settings)
    job = _active_sync(session)  # read once: the button and the status block must agree
    st.session_state[SHOWN_BUSY] = busy = sync_header.syncing(job, utcnow())
    _sync_now(session, settings, busy)
    _status(session, job)


def _keyring(session: Session) -> None:
    """Which keyring keeps the password — as worked out once per process, off the rerun (asking the
    keyring may wait on D-Bus); until then "being checked", in the same two lines, and a hidden
    fragment reruns the page once it is known. The fragment is drawn in both states, so the page
    keeps its shape (a fragment's block appearing or going would move what follows)."""
    from store.sync import known_keyring_info

    info = known_keyring_info()
    with st.container(key="fbhidden-keyring-poll"):
        st.fragment(_rerun_when_keyring_known, run_every=POLL_S if info is None else None)()
    if info is None:
        st.caption(session.t("sync.keyring.checking"))
        message("sync-keyring")
        return
    # in words; the keyring's technical name is for whoever supports the user (its tooltip)
    kind = "secure" if info.secure else "file" if info.usable else "none"
    st.caption(session.t("sync.keyring.line", name=session.t(f"sync.keyring.kind.{kind}")), help=md_escape(info.name))
    if not info.usable:
        message("sync-keyring", "error", session.t("sync.keyring.unusable"))
    elif not info.secure:
        message("sync-keyring", "warning", session.t("sync.keyring.insecure"))
    else:
        message("sync-keyring")


def _rerun_when_keyring_known() -> None:
    from store.sync import known_keyring_info

    if known_keyring_info() is not None and st.session_state.get("_fb_keyring_waited"):
        st.session_state["_fb_keyring_waited"] = False
        st.rerun()
    st.session_state["_fb_keyring_waited"] = known_keyring_info() is None


def _draft(key: str, saved: str | None) -> None:
    """Keep the field's draft in step with the saved value: when the saved value changed
    elsewhere (first visit, the CLI, another window) and the draft still shows the old one, show
    the new one; a draft the user changed and did not save stays as it is."""
    base = widgets.stored_value(SCOPE, f"{key}_base")
    if base == saved:
        return
    draft = widgets.stored_value(SCOPE, key)
    if draft is None or draft == (base or ""):
        widgets.persist_inputs(SCOPE, {key: saved or "", f"{key}_base": saved})
        st.session_state[widgets.widget_key(SCOPE, key)] = saved or ""  # the widget is not drawn yet in this run
    else:
        widgets.persist_input(SCOPE, f"{key}_base", saved)


def _server(session: Session, settings: Any) -> None:
    from store.sync import password_stored

    t = session.t
    _draft("url", settings.url)
    _draft("user", settings.user)
    url = widgets.s_text("url", t("sync.url"), scope=SCOPE, placeholder=t("sync.url.placeholder"), from_widget=without_password)
    kind, text = _msgs().get("url", (None, None))
    if kind is None and settings.url is not None and url.strip() and url.strip() != settings.url:
        kind, text = "info", t("sync.unsaved")
    message("sync-url", kind, text)
    user_col, password_col = st.columns(2)
    with user_col:
        widgets.s_text("user", t("sync.user"), scope=SCOPE)
    stored = password_stored(session.runtime.store, settings.url) is True  # the flag in the database: no keyring I/O in a rerun
    with password_col:
        # Deliberately not a stored input: a password is never written to the database (it goes to
        # the keyring when saved) and is gone after a reload.
        st.text_input(
            t("sync.password"), key=PASSWORD, type="password", autocomplete="new-password",
            placeholder=t("sync.password.stored") if stored else "", help=t("sync.password.help"),
        )
    message("sync-password", "success" if stored else None, t("sync.password.stored") if stored else None)
    save, test, forget = st.columns(3)
    save.button(t("sync.save"), key="sync_save", type="primary", on_click=_save, args=(session,), width="stretch")
    test.button(t("sync.test"), key="sync_test", on_click=_test, args=(session,), disabled=session.runtime.jobs is None, width="stretch")
    forget.button(t("sync.forget"), key="sync_forget", on_click=_forget, args=(session,), disabled=not stored, width="stretch")
    _slot("save")
    _check_panel(session)


def _mode(session: Session, settings: Any) -> None:
    t = session.t
    online_col, interval_col = st.columns([3, 2], vertical_alignment="bottom")
    st.session_state[ONLINE] = bool(settings.online)  # from the store on every run: a reload shows the truth
    with online_col:
        st.toggle(t("sync.online"), key=ONLINE, on_change=_set_online, args=(session,), disabled=not settings.url, help=t("sync.online.help"))
    st.session_state[INTERVAL] = max(1, settings.interval_s // 60)
    with interval_col:
        st.number_input(t("sync.interval"), key=INTERVAL, min_value=1, max_value=1440, step=1, on_change=_set_interval, args=(session,))
    kind, text = _msgs().get("mode", (None, None))
    if kind is None and not settings.url:
        kind, text = "info", t("sync.online.need_server")
    message("sync-mode", kind, text)


def _sync_now(session: Session, settings: Any, busy: bool) -> None:
    reason = _why_not(session, settings, busy)
    button, why = st.columns([1, 3], vertical_alignment="center")
    button.button(session.t("sync.now"), key="sync_now", icon=":material/sync:", on_click=_start_sync, args=(session,), disabled=reason is not None, width="stretch")
    with why:
        kind, text = _msgs().get("now", (None, None))  # a failure to start; else why it cannot start
        message("sync-now", kind or ("info" if reason else None), text or reason)


def _why_not(session: Session, settings: Any, busy: bool) -> str | None:
    """Why "Sync now" cannot be pressed, or None."""
    if not settings.url:
        return session.t("sync.now.no_server")
    if not settings.online:
        return session.t("sync.now.offline")
    if session.runtime.jobs is None:
        return session.t("sync.now.no_jobs")
    if busy:
        return session.t("sync.now.running")
    return None


def _active_sync(session: Session) -> JobResult | None:
    try:
        return sync_header.sync_job(session.runtime)
    except FieldbookError:
        return None


# -- the status block -----------------------------------------------------------------------


def _status(session: Session, job: JobResult | None) -> None:
    """Where the sync stands; polled (only this block) while a sync job is active."""
    st.caption(session.t("sync.status.title"))
    with st.container(key="fbsync-status", height=190, border=False):
        if job is not None:
            _poll_status()
        else:
            _status_lines(session, None)


@st.fragment(run_every=POLL_S * 2)
def _poll_status() -> None:
    """Reruns the whole page once the job is gone, or once it starts or stops running (a retry
    waiting for its time is still active): "Sync now" was drawn for the state the page run saw."""
    rt = runtime_module.current()
    if rt is None:
        return
    session = Session(rt)
    job = _active_sync(session)
    if page_is_stale(st.session_state.get(SHOWN_BUSY), job, utcnow()):
        st.rerun()  # the whole page: "Sync now" and the header come back in step
    _status_lines(session, job)


def page_is_stale(shown_busy: bool | None, job: JobResult | None, now: dt.datetime) -> bool:
    """Whether the page run that drew "Sync now" saw another state than ``job`` now is: the job
    is gone, or it started or stopped running (a failed sync's retry waits, queued, for its time:
    still active, but no longer running)."""
    return job is None or sync_header.syncing(job, now) != bool(shown_busy)


def _status_lines(session: Session, job: JobResult | None) -> None:
    from store.sync import status as sync_status

    t = session.t
    now = utcnow()
    try:
        status = sync_status(session.runtime.store)
    except FieldbookError as exc:
        log.warning("sync status not readable: %s", exc)
        st.markdown(f":red[{md_escape(t('sync.load_failed'))}]")
        return
    if job is not None and sync_header.syncing(job, now):
        st.markdown(":material/sync: " + t("sync.status.syncing"))
    else:
        when = sync_header.ago(session.lang, status.last_sync, now) if status.last_sync else t("sync.status.never")
        st.markdown(t("sync.status.last_sync", when=when))
    st.markdown(t("sync.status.pending", n=status.pending))
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.markdown(t("sync.status.conflicts", n=status.conflicts))
    if right.button(t("sync.status.open_conflicts"), key="sync_open_conflicts", disabled=not status.conflicts, icon=":material/call_split:"):
        session.navigate("conflicts")
        st.rerun()
    if status.failures and (status.last_error_code or status.last_error):
        text, detail = _error_text(session, status.last_error_code, status.last_error)
        st.markdown(f":red[{md_escape(t('sync.status.last_error', reason=text))}]", help=md_escape(detail) if detail else None)
    else:
        st.markdown(t("sync.status.no_error"))
    st.markdown(_next_line(session, status, now))


def _next_line(session: Session, status: Any, now: dt.datetime) -> str:
    if not status.server or not status.online or status.next_attempt_at is None:
        return session.t("sync.status.next_none")
    when = sync_header.until(session.lang, status.next_attempt_at, now)
    return session.t("sync.status.next" if status.failures else "sync.status.next_periodic", when=when)


# -- the connection test --------------------------------------------------------------------


def _check_job(session: Session) -> JobResult | None:
    return poll_job(session, widgets.stored_value(SCOPE, "check_job"))


def _check_panel(session: Session) -> None:
    """"Testing…", then the outcome, in a box of fixed height."""
    with st.container(key="fbsync-check", height=70, border=False):
        job = _check_job(session)
        if job is not None and job.active:
            _poll_check(job.id)
        else:
            _check_outcome(session, job)


@st.fragment(run_every=POLL_S)
def _poll_check(job_id: str) -> None:
    rt = runtime_module.current()
    if rt is None:
        return
    session = Session(rt)
    job = _check_job(session)
    if job is None or not job.active or job.id != job_id:
        st.rerun()  # the whole page: the outcome is drawn outside this polling fragment
    st.markdown(":material/hourglass_top: " + session.t("sync.testing"))


def _check_outcome(session: Session, job: JobResult | None) -> None:
    if job is None:
        st.caption(session.t("sync.test.idle"))
        return
    result = job.result if isinstance(job.result, dict) else None
    english = session.lang == STORE_LANGUAGE
    if job.status != "done" or result is None:
        why = session.t(f"jobs.status.{job.status}")
        reason = job.error if english and job.error else why
        help_text = session.t("sync.detail.help", detail=job.error) if job.error and not english else None
        st.markdown(f":red[{md_escape(session.t('sync.test.failed_job', reason=reason))}]", help=md_escape(help_text) if help_text else None)
        return
    detail = str(result.get("message") or "")
    help_text = md_escape(session.t("sync.detail.help", detail=detail)) if detail and not english else None
    if result.get("ok"):
        version = result.get("server_version")
        head = session.t("sync.test.connected", version=version) if version else session.t("sync.code.ok")
        st.markdown(f":green[:material/check_circle: {md_escape(head)}]", help=help_text)
    else:
        code = str(result.get("code") or "error")
        st.markdown(f":red[:material/error: {md_escape(_error_text(session, code, None)[0])}]", help=help_text)
    if detail and english:  # the store's sentence is English: shown as such only in English
        st.caption(md_escape(detail), help=md_escape(detail) if len(detail) > 120 else None)


# -- actions (callbacks: they run before the next run) -----------------------------------------


def _save(session: Session) -> None:
    from store.sync import ServerUrlError
    from store.sync import settings as sync_settings

    url, user = _typed("url"), _typed("user")
    password = st.session_state.get(PASSWORD) or None
    _say("url")
    _say("save")
    try:
        saved = sync_settings.configure(session.runtime.store, url, user=user or None, password=password)
    except ServerUrlError as exc:
        _say("url", "error", _refusal(session, exc))
        return
    except FieldbookError as exc:
        _say("save", "error", session.t("sync.failed", reason=_refusal(session, exc)))
        return
    except Exception as exc:
        _unexpected(session, "save", exc, "saving the sync server")
        return
    st.session_state[PASSWORD] = ""  # the keyring has it now; the field says "a password is stored"
    widgets.persist_inputs(SCOPE, {"url": saved.url or "", "url_base": saved.url, "user": saved.user or "", "user_base": saved.user})
    widgets.set_widget_value(SCOPE, "url", saved.url or "")
    widgets.set_widget_value(SCOPE, "user", saved.user or "")
    _say("save", "success", session.t("sync.saved_password" if password else "sync.saved"))


def _forget(session: Session) -> None:
    from store.sync import settings as sync_settings

    current = sync_settings.load(session.runtime.store)
    if not current.url:
        return
    _say("save")
    try:
        sync_settings.configure(session.runtime.store, current.url, password="")
    except FieldbookError as exc:
        _say("save", "error", session.t("sync.failed", reason=_refusal(session, exc)))
        return
    except Exception as exc:
        _unexpected(session, "save", exc, "forgetting the sync password")
        return
    _say("save", "success", session.t("sync.forgotten"))


def _test(session: Session) -> None:
    from jobs.tasks.sync import request_check

    service = session.runtime.jobs
    url, user = _typed("url"), _typed("user")
    password = st.session_state.get(PASSWORD) or None
    _say("save")
    if service is None:
        return
    if not url:
        _say("url", "error", session.t("sync.test.need_url"))
        return
    try:
        job_id = request_check(service, url=url, user=user or None, password=password)
    except FieldbookError as exc:
        log.warning("connection test not started: %s", exc)
        _say("save", "error", session.t("sync.test.not_started"))
        return
    except Exception as exc:
        _unexpected(session, "save", exc, "starting the connection test")
        return
    widgets.persist_input(SCOPE, "check_job", job_id)


def _set_online(session: Session) -> None:
    from store.sync import settings as sync_settings

    _say("mode")
    try:
        sync_settings.set_online(session.runtime.store, bool(st.session_state[ONLINE]))
    except FieldbookError as exc:
        _say("mode", "error", session.t("sync.failed", reason=_refusal(session, exc)))
    except Exception as exc:
        _unexpected(session, "mode", exc, "switching online mode")


def _set_interval(session: Session) -> None:
    from store.sync import settings as sync_settings

    _say("mode")
    try:
        sync_settings.set_interval(session.runtime.store, int(st.session_state[INTERVAL]) * 60)
    except FieldbookError as exc:
        _say("mode", "error", session.t("sync.failed", reason=_refusal(session, exc)))
    except Exception as exc:
        _unexpected(session, "mode", exc, "setting the sync interval")


def _start_sync(session: Session) -> None:
    from jobs.tasks.sync import request_sync

    service = session.runtime.jobs
    _say("now")
    if service is None:
        return
    try:
        request_sync(service, reason="manual")
    except FieldbookError as exc:
        log.warning("sync not started: %s", exc)
        _say("now", "error", session.t("sync.now.not_started"))
        return
    except Exception as exc:
        _unexpected(session, "now", exc, "starting a sync")
