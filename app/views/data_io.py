"""Export and import of the current project's records, both as background jobs.

Export: pick a format, start; the job's progress bar and, when done, the download are drawn in a
fragment that polls the ledger (only the fragment reruns). Import: the uploaded file is kept in
the data folder, its first rows and the column → field mapping are shown (the mapping is a set
of controlled inputs, so it survives a reload); the import job checks every row and imports all
or nothing. A rejected import shows its report: row, column, field and what is wrong.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path
from typing import Any

import streamlit as st

from app import widgets
from app.desktop import runtime as runtime_module
from app.numbers import format_count
from app.project_context import require_project
from app.session import Session
from app.slots import label_escape, md_escape, message
from app.views.jobs import poll_job
from jobs import JobResult
from jobs.tasks.records import report_lines
from store.core import FieldbookError
from store.exports import FORMATS
from store.fielddata import Preview, Project, TableFileError, load_form, preview
from store.formdef import FormDef

log = logging.getLogger(__name__)

POLL_S = 0.5
IGNORE = "__ignore__"
_MESSAGE = "_fb_data_message"


def scope_of(project_id: str) -> str:
    return f"data:{project_id}"


def _say(kind: str, text: str) -> None:
    st.session_state[_MESSAGE] = (kind, text)


def _enqueue(session: Session, name: str, args: dict[str, Any], scope: str, key: str) -> None:
    service = session.runtime.jobs
    if service is None:
        _say("error", session.t("data.no_jobs"))
        return
    try:
        job_id = service.enqueue(name, args, created_by=session.runtime.user)
    except FieldbookError as exc:
        _say("error", session.say(exc))
        return
    st.session_state.pop(_MESSAGE, None)
    widgets.persist_input(scope, key, job_id)


def _start_export(session: Session, project_id: str) -> None:
    scope = scope_of(project_id)
    fmt = widgets.stored_value(scope, "format", "csv")
    labels = widgets.stored_value(scope, "labels", True)
    _enqueue(session, "records.export", {"project_id": project_id, "format": fmt, "labels": bool(labels)}, scope, "export_job")


@functools.lru_cache(maxsize=8)
def _preview_of(path: str, mtime_ns: int, size: int, form: FormDef) -> Preview:
    return preview(Path(path), form)


def cached_preview(path: Path, form: FormDef) -> Preview:
    """The file's preview, read once per file version and form (not on every rerun)."""
    stat = path.stat()
    return _preview_of(str(path), stat.st_mtime_ns, stat.st_size, form)


def _map_key(index: int, column: str) -> str:
    """The input key of a column's mapping: by position and title (titles may differ only in
    characters a widget key cannot hold)."""
    return f"map:{index}:{hashlib.sha1(column.encode()).hexdigest()[:10]}"


def _mapping(scope: str, header: list[str], auto: dict[str, str | None], form: FormDef) -> dict[str, str | None]:
    """The mapping the screen shows: a stored choice of a field the form no longer has falls
    back to the automatic one, as the select box does."""
    names = {f.name for f in form.value_fields()}
    result: dict[str, str | None] = {}
    for index, column in enumerate(header):
        chosen = widgets.stored_value(scope, _map_key(index, column), auto.get(column) or IGNORE)
        if chosen != IGNORE and chosen not in names:
            chosen = auto.get(column) or IGNORE
        result[column] = None if chosen == IGNORE else chosen
    return result


def _start_import(session: Session, project_id: str) -> None:
    scope = scope_of(project_id)
    path = widgets.stored_value(scope, "import_file")
    if not path or not Path(path).is_file():
        _say("error", session.t("data.need_file"))
        return
    try:
        _, form = load_form(session.runtime.store, project_id)
        shown = cached_preview(Path(path), form)
    except (FieldbookError, OSError) as exc:
        _say("error", session.say(exc))
        return
    args = {
        "project_id": project_id,
        "path": path,
        "mapping": _mapping(scope, shown.header, shown.mapping, form),
        "status": widgets.stored_value(scope, "import_status", "final"),
        "user": session.runtime.user,
    }
    _enqueue(session, "records.import", args, scope, "import_job")


def _keep_upload(session: Session, project_id: str) -> None:
    """Copy the uploaded file into the data folder (named by its content), remember its path."""
    upload = st.session_state.get(f"import_upload_{project_id}")
    if upload is None:
        return
    data = upload.getvalue()
    folder = session.runtime.config.paths.data_dir / "imports"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{hashlib.sha256(data).hexdigest()[:16]}-{Path(upload.name).name}"
        if not target.exists():
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
    except OSError as exc:
        _say("error", session.t("data.upload_failed", reason=exc.strerror or type(exc).__name__))
        return
    widgets.persist_inputs(scope_of(project_id), {"import_file": str(target), "import_job": None})


def _job_panel(session: Session, kind: str, project_id: str) -> None:
    """Progress and outcome of this page's latest export or import job, in a slot of fixed height.

    While the job runs, a fragment polls the ledger (only it reruns); once the job has ended the
    fragment asks for one full run, which draws the outcome without polling — a download button
    that a poll redraws every half second could lose the click.
    """
    with st.container(key=f"fbjobpanel-{kind}", height=130, border=False):
        job = poll_job(session, widgets.stored_value(scope_of(project_id), f"{kind}_job"))
        if job is not None and job.active:
            _poll(kind, project_id, job.id)
        else:
            _outcome(session, kind, job)


@st.fragment(run_every=POLL_S)
def _poll(kind: str, project_id: str, job_id: str) -> None:
    rt = runtime_module.current()
    if rt is None:
        return
    session = Session(rt)
    job = poll_job(session, job_id)
    if job is None or not job.active:
        st.rerun()  # the whole page: the outcome is drawn outside this polling fragment
    st.progress(job.progress, text=md_escape(session.say(job.message) or session.t(f"jobs.status.{job.status}")))


def _outcome(session: Session, kind: str, job: JobResult | None) -> None:
    if job is None:
        st.caption(session.t(f"data.{kind}.idle"))
        return
    st.progress(job.progress, text=md_escape(session.say(job.message) or session.t(f"jobs.status.{job.status}")))
    if job.status == "done" and isinstance(job.result, dict):
        path = Path(str(job.result.get("path", "")))
        if kind == "export" and path.is_file():
            st.download_button(
                session.t("data.download", name=path.name), data=path.read_bytes, file_name=path.name,
                key=f"download_{kind}", on_click="ignore", icon=":material/download:",
            )
        st.markdown(f":green[{md_escape(session.t(f'data.{kind}.done', n=job.result.get('records', 0)))}]")
    else:
        st.markdown(f":red[{md_escape(session.say(job.error) if job.error else session.t(f'jobs.status.{job.status}'))}]")


def _report_lines(session: Session, job_id: str | None) -> list[str]:
    """The lines of a finished import's report (kept in the job's folder)."""
    if not job_id:
        return []
    return [session.say(line) for line in report_lines(session.runtime.config.paths.data_dir / "jobs" / job_id)]


def _export(session: Session, project: Project) -> None:
    scope = scope_of(project.id)
    st.markdown(f"#### {session.t('data.export')}")
    names = {f: session.t(f"data.format.{f}") for f in FORMATS}
    left, right, go = st.columns([3, 2, 2], vertical_alignment="bottom")
    with left:
        widgets.s_select("format", session.t("data.format"), list(FORMATS), scope=scope, default="csv", format_func=lambda f: names.get(f, f))
    with right:
        widgets.s_checkbox("labels", session.t("data.labels"), scope=scope, default=True)
    go.button(session.t("data.export.start"), key="export_start", type="primary", on_click=_start_export, args=(session, project.id), width="stretch")
    _job_panel(session, "export", project.id)


def _import(session: Session, project: Project, form: FormDef) -> None:
    scope = scope_of(project.id)
    st.markdown(f"#### {session.t('data.import')}")
    st.file_uploader(
        session.t("data.import.file"), type=["csv", "xlsx", "txt", "tsv"], key=f"import_upload_{project.id}",
        on_change=_keep_upload, args=(session, project.id),
    )
    path = widgets.stored_value(scope, "import_file")
    with st.container(key="fbimport-preview", height=420, border=True):
        if not path or not Path(path).is_file():
            st.caption(session.t("data.import.none"))
        else:
            _preview(session, scope, Path(path), form)
    left, go = st.columns([3, 2], vertical_alignment="bottom")
    statuses = {"final": session.t("record.status.final"), "draft": session.t("record.status.draft")}
    with left:
        widgets.s_radio("import_status", session.t("data.import.status"), list(statuses), scope=scope, default="final", format_func=lambda s: statuses.get(s, s), horizontal=True)
    go.button(session.t("data.import.start"), key="import_start", type="primary", on_click=_start_import, args=(session, project.id), disabled=not path, width="stretch")
    _job_panel(session, "import", project.id)
    lines = _report_lines(session, widgets.stored_value(scope, "import_job"))
    with st.expander(session.t("data.import.report"), expanded=bool(lines)):
        for line in lines:
            st.markdown(md_escape(line))


def _preview(session: Session, scope: str, path: Path, form: FormDef) -> None:
    import pandas as pd  # ~0.5 s with numpy: only when a preview is shown, not at start-up

    try:
        shown = cached_preview(path, form)
    except TableFileError as exc:
        st.markdown(f":red[{md_escape(session.say(exc))}]")
        return
    except (FieldbookError, OSError) as exc:
        st.markdown(f":red[{md_escape(session.say(exc))}]")
        return
    st.caption(session.t("data.import.file_is", name=md_escape(path.name.split("-", 1)[-1]), n=len(shown.header)))
    for warning in shown.warnings:
        st.markdown(f":orange[{md_escape(session.say(warning))}]")
    width = len(shown.header)
    rows = [list(r[:width]) + [""] * (width - len(r)) for r in shown.rows]
    st.dataframe(pd.DataFrame(rows, columns=[f"{i + 1}: {h}" for i, h in enumerate(shown.header)]).astype(str), hide_index=True, height=180)
    fields = {IGNORE: session.t("data.import.ignore")} | {f.name: f"{form.label(f, session.lang)} ({f.name})" for f in form.value_fields()}
    columns = st.columns(3)
    for i, column in enumerate(shown.header):
        with columns[i % 3]:
            widgets.s_select(
                _map_key(i, column), session.t("data.import.column", column=label_escape(column)), list(fields), scope=scope,
                default=shown.mapping.get(column) or IGNORE, format_func=lambda f: fields.get(f, f),
            )


def render(session: Session) -> None:
    project = require_project(session)
    if project is None:
        return
    try:
        _, form = load_form(session.runtime.store, project.id)
    except FieldbookError as exc:
        st.warning(session.say(exc))
        return
    st.markdown(f"**{md_escape(project.name)}** · {session.t('list.total', n=format_count(project.record_count, session.lang))}")
    message("data", *st.session_state.get(_MESSAGE, (None, None)))
    _export(session, project)
    st.divider()
    _import(session, project, form)
