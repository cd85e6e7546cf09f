"""The Jobs page, and the job indicator in the header.

The list polls the ledger inside ``st.fragment(run_every=…)``, so only the list reruns, never the
page. No jumps: every job is drawn in a row of fixed height at a fixed position (``fbjob-<slot>``),
running jobs first; a new job changes what the rows show, and a longer list grows at the bottom.
Cancel and Retry are always there (disabled when they do not apply); Download only when there is
a file, in a row whose height does not change. Task names, attempts and raw results are behind
each row's "Details", for whoever supports the user.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import streamlit as st

from app.desktop import runtime as runtime_module
from app.numbers import format_count
from app.session import Session
from app.slots import EMPTY, header_slot
from jobs import CANCELLED, FAILED, QUEUED, RUNNING, JobResult, JobService, format_duration, utcnow
from store.core import FieldbookError
from store.core.locale import format_percent, format_time

log = logging.getLogger(__name__)

POLL_S = 1.0
INDICATOR_POLL_S = 2.0  # while a job runs or waits
INDICATOR_IDLE_S = 10.0  # while none does (see indicator())
MAX_ROWS = 12
DEMO_ARGS = {"steps": 30, "delay": 0.5}

_MSG = "_fb_jobs_msg"

_CSS = """
<style>
/* fixed sizes; the attribute selector outranks Streamlit's own sizing of containers; min and max, because a flex item ignores `height` */
[data-testid="stVerticalBlock"][class*="st-key-fbjob-"] {
  min-height: 10rem; max-height: 10rem; overflow: hidden; padding: 0.4rem 0; border-bottom: 1px solid rgba(128, 128, 128, 0.2); }
[class*="st-key-fbjob-"] p { margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
[data-testid="stVerticalBlock"].st-key-fbjobs-msg { min-height: 1.6rem; max-height: 1.6rem; overflow: hidden; }
.st-key-fbjobs-msg p { margin: 0; line-height: 1.6rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
</style>
"""


def _service(session: Session) -> JobService | None:
    return session.runtime.jobs


def poll_job(session: Session, job_id: str | None) -> JobResult | None:
    """The job a page started (its id kept in the page's state), or None: no id, no job system,
    or the job is gone (e.g. the data was restored from a snapshot meanwhile)."""
    service = session.runtime.jobs
    if not job_id or service is None:
        return None
    try:
        return service.poll(job_id)
    except FieldbookError:
        return None


def render(session: Session) -> None:
    st.html(_CSS)
    st.subheader(session.t("page.jobs"))
    service = _service(session)
    left, right = st.columns([2, 5], vertical_alignment="center")
    left.button(
        session.t("jobs.start_demo"),
        key="jobs_start_demo",
        icon=":material/play_arrow:",
        on_click=_start_demo,
        args=(session,),
        disabled=service is None,
        width="stretch",
    )
    right.caption(session.t("jobs.intro") if service is not None else session.t("jobs.unavailable"))
    _job_list()


def _current_session() -> Session | None:
    """A fragment's rerun must not use the session of the page run that drew it: a restore
    replaces the runtime (and its store and job service) in between."""
    rt = runtime_module.current()
    return Session(rt) if rt is not None else None


@st.fragment(run_every=POLL_S)
def _job_list() -> None:
    session = _current_session()
    with st.container(key="fbjobs-msg"):
        message = st.session_state.get(_MSG)
        st.caption(message or " ")
    if session is None:
        return
    service = _service(session)
    try:
        jobs = service.list(limit=MAX_ROWS) if service is not None else []
    except Exception:  # the store is being swapped or closed: show the last state at the next poll
        log.exception("reading the job list failed")
        return
    now = utcnow()
    for slot in range(max(1, len(jobs))):
        with st.container(key=f"fbjob-{slot}"):
            if slot < len(jobs):
                _row(session, jobs[slot], slot, now)
            else:
                st.caption(session.t("jobs.none"))


def _row(session: Session, job: JobResult, slot: int, now: dt.datetime) -> None:
    t = session.t
    # One column per part that changes: a part never moves because the one before it got longer.
    title, state, ident, cancel, retry = st.columns([1.9, 2.6, 1.3, 1.5, 1.5], vertical_alignment="center")
    status = t("jobs.status.stopping") if job.status == RUNNING and job.cancel_requested else t(f"jobs.status.{job.status}")
    title.markdown(f"**{_plain(_title(session, job.name))}**")
    # the attempt only once there was more than one: "attempt 1 of 3" tells a person nothing
    again = job.max_attempts > 1 and job.attempts > 1
    state.markdown(status + (f" · {t('jobs.attempt', attempt=job.attempts, max=job.max_attempts)}" if again else ""))
    ident.markdown(f"`{job.id[-12:]}`")  # as "Job … started" names it
    cancel.button(
        t("jobs.cancel"),
        key=f"jobs_cancel_{slot}",
        on_click=_cancel,
        args=(session, job.id),
        disabled=not job.active or job.cancel_requested,
        width="stretch",
    )
    retry.button(
        t("jobs.retry"),
        key=f"jobs_retry_{slot}",
        on_click=_retry,
        args=(session, job.id),
        disabled=not _retryable(job),
        width="stretch",
    )
    st.progress(job.progress, text=_progress_text(session, job))
    note, details, download = st.columns([5, 1.4, 2.4], vertical_alignment="center")
    note.caption(_timing(session, job, now) + _outcome(session, job))
    with details.popover(t("jobs.details"), width="stretch"):  # for whoever supports the user: floats, moves nothing
        st.markdown(_plain(t("jobs.details.text", id=job.id, task=job.name, attempt=max(job.attempts, 1), max=job.max_attempts)))
        if job.error:
            st.code(session.say(job.error), language=None, wrap_lines=True)
        if job.result is not None:
            st.code(json.dumps(job.result, ensure_ascii=False, indent=1)[:4000], language="json", wrap_lines=True)
    path = _result_file(job)
    if path is not None:
        download.download_button(
            t("jobs.download"),
            data=path.read_bytes,
            file_name=path.name,
            key=f"jobs_download_{slot}",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )
    else:  # no file (yet): nothing to offer (the row's height is fixed, so nothing moves when one comes)
        download.markdown(EMPTY)


def _retryable(job: JobResult) -> bool:
    """Cancelled or failed — except an import its check refused: the same file would be refused
    the same way (jobs.tasks.records.refused_for_good)."""
    from jobs.tasks.records import refused_for_good

    return job.status == CANCELLED or (job.status == FAILED and not refused_for_good(job.name, job.error))


_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#~|$"})


def _plain(text: str) -> str:
    """``text`` shown as it is, not as Markdown (task messages and errors are data)."""
    return text.translate(_MARKDOWN)


def _title(session: Session, name: str) -> str:
    label = session.t(f"job.{name}")
    return label if label != f"job.{name}" else name


def _progress_text(session: Session, job: JobResult) -> str:
    text = format_percent(job.progress, session.lang)
    return f"{text} · {_plain(session.say(job.message))}" if job.message else text


def _local_time(value: dt.datetime, lang: str) -> str:
    return format_time(value.astimezone(), lang, seconds=True)


def _timing(session: Session, job: JobResult, now: dt.datetime) -> str:
    t = session.t
    if job.status == RUNNING:
        text = t("jobs.elapsed", elapsed=format_duration(job.elapsed(now)))
        remaining = job.remaining(now)
        return text + (" · " + t("jobs.remaining", remaining=format_duration(remaining)) if remaining is not None else "")
    if job.status == QUEUED:
        if job.run_after is not None and job.run_after > now:
            if job.error and job.attempts:
                return t("jobs.retrying", attempt=job.attempts, max=job.max_attempts, time=_local_time(job.run_after, session.lang))
            return t("jobs.starts_at", time=_local_time(job.run_after, session.lang))
        if job.depends_on and job.queue_ref is None:
            return t("jobs.waiting_for", n=len(job.depends_on))
        return t("jobs.waiting")
    return t("jobs.took", elapsed=format_duration(job.elapsed(now)))


def _outcome(session: Session, job: JobResult) -> str:
    """What came of the job, in words (the raw result is in its details)."""
    if job.status == FAILED and job.error:
        return " · " + session.t("jobs.error", error=_plain(session.say(job.error)))
    result = job.result if isinstance(job.result, dict) else {}
    if job.status != "done":
        return ""
    if isinstance(result.get("records"), int):
        key = "jobs.result.imported" if job.name == "records.import" else "jobs.result.records"
        return " · " + session.t(key, n=format_count(result["records"], session.lang))
    if isinstance(result.get("steps"), int):
        return " · " + session.t("jobs.result.steps", n=format_count(result["steps"], session.lang))
    return ""


def _result_file(job: JobResult) -> Path | None:
    if job.status != "done" or not isinstance(job.result, dict) or not isinstance(job.result.get("path"), str):
        return None
    path = Path(job.result["path"])
    return path if path.is_file() else None


# -- actions (callbacks: they run before the next run of the page or the list) ------------


def _act(session: Session, action: Any, ok_key: str, job_id: str = "") -> None:
    try:
        result = action()
    except FieldbookError as exc:
        st.session_state[_MSG] = session.t("jobs.action_failed", reason=_plain(session.say(exc)))
        return
    except Exception as exc:
        log.exception("jobs action failed")
        st.session_state[_MSG] = session.t("jobs.action_failed", reason=type(exc).__name__)
        return
    st.session_state[_MSG] = session.t(ok_key, id=(job_id or str(result))[-12:])


def _start_demo(session: Session) -> None:
    service = _service(session)
    if service is not None:
        _act(session, lambda: service.enqueue("demo.sleep_steps", DEMO_ARGS, created_by=session.runtime.user), "jobs.started")


def _cancel(session: Session, job_id: str) -> None:
    service = _service(session)
    if service is not None:
        _act(session, lambda: service.cancel(job_id), "jobs.cancel_requested", job_id)


def _retry(session: Session, job_id: str) -> None:
    service = _service(session)
    if service is not None:
        _act(session, lambda: service.retry(job_id), "jobs.retried", job_id)


# -- the header's indicator ---------------------------------------------------------------


def indicator() -> None:
    """"2 running · 45%" in the header; the slot keeps its size when nothing runs.

    It polls every ``INDICATOR_POLL_S`` while a job is running or queued, and only every
    ``INDICATOR_IDLE_S`` while none is (a job started elsewhere — the periodic sync, the CLI —
    shows within that). Each poll is a fragment run, and a fragment run makes Streamlit 1.67
    re-render the page: a select box opened by keyboard at that moment closes again (measured:
    about 1 in 10 keyboard openings with a 2 s poll; none in 25 without one). Polling fast only while there
    is something to show keeps that rare."""
    st.fragment(_indicator_idle, run_every=INDICATOR_IDLE_S)()


def _indicator_idle() -> None:
    with header_slot("fb_jobs_indicator"):
        session = _current_session()
        text, busy = _indicator_text(session)
        if busy:
            st.fragment(_indicator_busy, run_every=INDICATOR_POLL_S)()
        else:
            st.caption(text, wrap=False)


def _indicator_busy() -> None:
    st.caption(_indicator_text(_current_session())[0], wrap=False)


def _indicator_text(session: Session | None) -> tuple[str, bool]:
    """The indicator's line, and whether a job is running or queued."""
    service = _service(session) if session is not None else None
    if session is None or service is None:
        return " ", False
    try:
        running, queued, progress = service.summary()
    except Exception:
        running, queued, progress = 0, 0, 0.0
    if running:
        return ":material/autorenew: " + session.t("jobs.indicator.running", n=running, pct=f"{progress * 100:.0f}"), True
    if queued:
        return ":material/schedule: " + session.t("jobs.indicator.queued", n=queued), True
    return " ", False
