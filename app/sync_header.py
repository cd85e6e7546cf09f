"""The sync status in the fixed header: "Offline", "Synced 3 min ago", "Syncing…", "12 waiting",
"Sync failed — retrying in 2 min", "2 conflicts".

What it shows comes from this device's DuckDB file only (``store.sync.state.status`` and the job
ledger): never a network call, a few small reads per run. The line sits in a reserved slot of
fixed height (``fb_sync_indicator``, one line, ellipsis), so a longer or shorter text never moves
the header.

Polling, only when something can change without the user: offline (or no server) it never polls;
online, an outer fragment reruns every ``SLOW_S`` (a periodic sync may have run, "3 min ago" ages),
and only while a sync job is queued or running, or the next attempt is due within ``SOON_S``, a
nested fragment polls every ``FAST_S``. When the outer fragment next finds nothing going on it stops
drawing the nested one, and Streamlit cancels its timer: no polling forever.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import streamlit as st

from app.desktop import runtime as runtime_module
from app.i18n import t
from app.session import Session
from app.slots import header_slot
from jobs import ACTIVE, QUEUED, RUNNING, JobResult, utcnow

log = logging.getLogger(__name__)

FAST_S = 2.0
SLOW_S = 60.0
SOON_S = 90.0
KEY = "fb_sync_indicator"
BUTTON = "fb_sync_status"
SYNC_TASK = "sync.run"  # jobs.tasks.sync.TASK (imported lazily there; the name is part of the ledger)



# -- what to say (pure: tested without Streamlit) -------------------------------------------


def _plural(lang: str, key: str, n: int) -> str:
    return t(lang, f"{key}.one") if n == 1 else t(lang, f"{key}.n", n=n)


def ago(lang: str, when: dt.datetime, now: dt.datetime) -> str:
    """``when`` as "just now", "3 min ago", "2 h ago", "4 days ago"."""
    seconds = max(0.0, (now - _aware(when)).total_seconds())
    if seconds < 60:
        return t(lang, "sync.ago.now")
    if seconds < 3600:
        return t(lang, "sync.ago.min", n=int(seconds // 60))
    if seconds < 86400:
        return t(lang, "sync.ago.h", n=int(seconds // 3600))
    return _plural(lang, "sync.ago.d", int(seconds // 86400))


def until(lang: str, when: dt.datetime, now: dt.datetime) -> str:
    """``when`` (in the future) as "now", "in 40 s", "in 2 min", "in 3 h"."""
    seconds = (_aware(when) - now).total_seconds()
    if seconds < 1:
        return t(lang, "sync.in.now")
    if seconds < 60:
        return t(lang, "sync.in.s", n=int(seconds))
    if seconds < 3600:
        return t(lang, "sync.in.min", n=max(1, round(seconds / 60)))
    if seconds < 86400:
        return t(lang, "sync.in.h", n=round(seconds / 3600))
    return t(lang, "sync.in.d", n=round(seconds / 86400))


def _aware(value: dt.datetime) -> dt.datetime:
    """A time from the store; naive ones are UTC (DuckDB's TIMESTAMP)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Line:
    """One header line: what it says, its icon, the page a click opens, and whether to poll fast."""

    text: str
    icon: str
    target: str
    fast: bool


def syncing(job: JobResult | None, now: dt.datetime) -> bool:
    """A sync job is running, or queued to start now (not a retry waiting for its time)."""
    if job is None:
        return False
    return job.status == RUNNING or (job.status == QUEUED and (job.run_after is None or _aware(job.run_after) <= now))


def describe(lang: str, status: Any, job: JobResult | None, now: dt.datetime) -> Line | None:
    """The header line for ``status`` (``store.sync.state.SyncStatus``); None without a server."""
    if not status.server:
        return None
    conflicts = _plural(lang, "sync.header.conflicts", status.conflicts) if status.conflicts else ""
    retry = _next_attempt(status, job)
    # due soon (or just now): poll fast. Long overdue means nothing runs the periodic sync (no job
    # service): polling would only find the same state again.
    fast = job is not None or (retry is not None and -SOON_S <= (retry - now).total_seconds() <= SOON_S)
    if not status.online:
        main, icon = t(lang, "sync.header.offline"), ":material/cloud_off:"
        if status.pending:
            main += " · " + _plural(lang, "sync.header.waiting", status.pending)
        fast = False  # offline nothing is tried; the next change comes from the user (a full run)
    elif syncing(job, now):
        main, icon = t(lang, "sync.header.syncing"), ":material/sync:"
    elif _failing(status):
        icon = ":material/sync_problem:"
        main = t(lang, "sync.header.failed_retry", when=until(lang, retry, now)) if retry is not None else t(lang, "sync.header.failed")
    elif status.pending:
        main, icon = _plural(lang, "sync.header.waiting", status.pending), ":material/cloud_upload:"
    elif status.last_sync is not None:
        main, icon = t(lang, "sync.header.synced", when=ago(lang, status.last_sync, now)), ":material/cloud_done:"
    else:
        main, icon = t(lang, "sync.header.never"), ":material/cloud:"
    if conflicts:
        # conflicts first: they need the user, and an ellipsis must not hide them
        return Line(f"{conflicts} · {main}", ":material/warning:", "conflicts", fast)
    return Line(main, icon, "settings", fast)


def _failing(status: Any) -> bool:
    """The last sync failed (and none went through since)."""
    return status.failures > 0 and bool(status.last_error_code or status.last_error)


def _next_attempt(status: Any, job: JobResult | None) -> dt.datetime | None:
    """When the periodic sync tries next (after the interval, or the backoff after a failure), or a
    waiting retry job's start."""
    if job is not None and job.status == QUEUED and job.run_after is not None:
        return _aware(job.run_after)
    return _aware(status.next_attempt_at) if status.next_attempt_at is not None else None


# -- reading (cheap, local) -------------------------------------------------------------------


def sync_job(rt: runtime_module.Runtime) -> JobResult | None:
    """The active sync job, if any (one indexed read of the job ledger)."""
    if rt.jobs is None:
        return None
    jobs = rt.jobs.list(statuses=ACTIVE, name=SYNC_TASK, limit=1)
    return jobs[0] if jobs else None


def read_status(rt: runtime_module.Runtime) -> Any:
    from store.sync import status

    return status(rt.store)


def current_line(session: Session, now: dt.datetime | None = None) -> Line | None:
    rt = session.runtime
    try:
        return describe(session.lang, read_status(rt), sync_job(rt), now or utcnow())
    except Exception:  # the store is being swapped or closed (a restore): say nothing until the next run
        log.exception("reading the sync status failed")
        return None


# -- drawing --------------------------------------------------------------------------------


def _session() -> Session | None:
    """A fragment's rerun must not use the session of the page run that drew it: a restore
    replaces the runtime (and its store) in between."""
    rt = runtime_module.current()
    return Session(rt) if rt is not None else None


def indicator() -> None:
    """The header slot; polls only while online (see the module docstring)."""
    session = _session()
    st.fragment(_outer, run_every=SLOW_S if session is not None and _online(session) else None)()


def _online(session: Session) -> bool:
    try:
        status = read_status(session.runtime)
    except Exception:
        return False
    return bool(status.server and status.online)


def _outer() -> None:
    with header_slot(KEY):
        session = _session()
        line = current_line(session) if session is not None else None
        if session is None or line is None:
            st.caption(" ", wrap=False)
        elif line.fast:
            st.fragment(_fast, run_every=FAST_S)()
        else:
            _draw(session, line)


def _fast() -> None:
    session = _session()
    line = current_line(session) if session is not None else None
    if session is None or line is None:
        st.caption(" ", wrap=False)
    else:
        _draw(session, line)


def _draw(session: Session, line: Line) -> None:
    """The line as a quiet button: a click opens the conflicts page, else the sync settings."""
    if st.button(line.text, key=BUTTON, icon=line.icon, type="tertiary", wrap=False, help=session.t("sync.header.help", text=line.text)):
        session.navigate(line.target)
        st.rerun()  # the whole app: the page changes, not only this fragment
