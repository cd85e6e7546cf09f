"""The Projects page (home): every project with its record count and last activity; create one
from a form file (XLSForm .xlsx or Fieldbook .json) or the tree-survey template; rename, archive,
delete (soft) and restore.

The name typed for a new project is a controlled input (kept across reloads). A form file that
cannot be imported shows its report line by line, and nothing is created.
"""

from __future__ import annotations

import logging
from datetime import datetime

import streamlit as st

from app.numbers import format_count
from app.project_context import open_project
from app.session import Session
from app.slots import md_escape, message
from app.views import records_list
from app.widgets import persist_input, s_radio, s_text, set_widget_value, stored_value, widget_key
from store.core import FieldbookError
from store.core.locale import format_moment
from store.fielddata import projects as proj
from store.formdef import FormDef, FormDefError, ImportResult, Problem, demo_form, form_from_json, form_from_text, import_xlsform
from store.formdef.model import FORM_NOT_UTF8 as NOT_UTF8
from store.formdef.model import FORM_WRONG_KIND as WRONG_KIND

log = logging.getLogger(__name__)

SCOPE = "projects"
RENAME_SCOPE = "projects-rename"  # a rename typed but not applied yet, per project
_REPORT = "_fb_project_report"
_MESSAGE = "_fb_project_message"
_CREATED = "_fb_project_created"  # the project just created, offered to open (when its form had warnings)
_UPLOADS = "_fb_project_uploads"  # bumped after a create: the uploader starts empty again
SOURCES = ("file", "template", "blank")


def _read_form(name: str, data: bytes) -> ImportResult:
    """The form in an uploaded file, or the reasons it cannot be used."""
    lowered = name.lower()
    for kind in (".xlsx", ".xls", ".csv"):
        if lowered.endswith(kind):
            return import_xlsform(data, kind=kind, name=name)
    if lowered.endswith(".json"):
        try:
            return ImportResult(form_from_text(data.decode("utf-8-sig")), [], [])
        except UnicodeDecodeError:
            return ImportResult(None, [Problem(name, NOT_UTF8())], [])
        except FormDefError as exc:
            return ImportResult(None, exc.problems, [])
    return ImportResult(None, [Problem(name, WRONG_KIND())], [])


def _blank_form(name: str) -> FormDef:
    return form_from_json(
        {"title": {"en": name}, "fields": [{"name": "notes", "type": "text", "label": {"en": "Notes", "de": "Notizen"}}]}
    )


def _create(session: Session) -> None:
    rt = session.runtime
    name = stored_value(SCOPE, "new_name", "")
    source = stored_value(SCOPE, "new_source", "file")
    st.session_state.pop(_REPORT, None)
    try:
        if source == "file":
            upload = st.session_state.get(_upload_key())
            if upload is None:
                _say("error", session.t("projects.need_file"))
                return
            result = _read_form(upload.name, upload.getvalue())
            if not result.ok or result.form is None:
                st.session_state[_REPORT] = (result.problems, result.warnings)
                _say("error", session.t("projects.form_bad", n=len(result.problems)))
                return
            form, kind, warnings = result.form, ("xlsform" if upload.name.lower().endswith(".xlsx") else "json"), result.warnings
        elif source == "template":
            form, kind, warnings = demo_form(), "demo", []
        else:
            form, kind, warnings = _blank_form(name or "Form"), "editor", []
        project = proj.create_project(rt.store, name, form, user=rt.user, source=kind)
    except FieldbookError as exc:
        _say("error", session.say(exc))
        return
    except Exception:
        log.exception("creating a project failed")
        _say("error", session.t("error.unexpected"))
        return
    if persist_input(SCOPE, "new_name", ""):
        set_widget_value(SCOPE, "new_name", "")
    st.session_state[_UPLOADS] = st.session_state.get(_UPLOADS, 0) + 1  # a new, empty uploader
    if warnings:  # stay: the report says what was simplified, and the message offers to open it
        st.session_state[_REPORT] = ([], warnings)
        _say("success", session.t("projects.created_read", name=project.name))
        st.session_state[_CREATED] = project.id  # after _say, which drops an earlier offer
        return
    st.session_state.pop(_MESSAGE, None)
    records_list.say(session.t("projects.created_open", name=project.name))
    open_project(session, project.id)


def _say(kind: str, text: str) -> None:
    st.session_state[_MESSAGE] = (kind, text)
    st.session_state.pop(_CREATED, None)


def _upload_key() -> str:
    return f"new_project_file_{st.session_state.get(_UPLOADS, 0)}"


def _act(session: Session, action: str, project_id: str) -> None:
    rt = session.runtime
    try:
        if action == "archive":
            proj.set_archived(rt.store, project_id, True, user=rt.user)
        elif action == "unarchive":
            proj.set_archived(rt.store, project_id, False, user=rt.user)
        elif action == "delete":
            project = proj.delete_project(rt.store, project_id, user=rt.user)
            _say("info", session.t("projects.deleted", name=project.name))
        elif action == "restore":
            proj.restore_project(rt.store, project_id, user=rt.user)
        elif action == "rename":
            new = st.session_state.get(widget_key(RENAME_SCOPE, project_id), "")
            renamed = proj.rename_project(rt.store, project_id, new, user=rt.user)
            persist_input(RENAME_SCOPE, project_id, renamed.name)  # the box shows the name as it now is
            set_widget_value(RENAME_SCOPE, project_id, renamed.name)
    except FieldbookError as exc:
        _say("error", session.say(exc))
    except Exception:
        log.exception("project action %s failed", action)
        _say("error", session.t("error.unexpected"))


def _when(moment: datetime | None, lang: str) -> str:
    return format_moment(moment, lang) if moment else "—"


def _project_row(session: Session, project: proj.Project) -> None:
    with st.container(border=True, key=f"project_{project.id}"):
        name, count, activity, actions = st.columns([4, 2, 3, 3], vertical_alignment="center")
        name.markdown(f"**{md_escape(project.name)}**" + (f"  \n:gray[{session.t('projects.demo')}]" if project.is_demo else ""))
        count.markdown(session.t("list.total", n=format_count(project.record_count, session.lang)))
        activity.caption(f"{session.t('projects.last_activity')}: {_when(project.last_activity, session.lang)}")
        with actions:
            open_col, more = st.columns(2)
            open_col.button(
                session.t("projects.open"), key=f"open_{project.id}", type="primary",
                on_click=open_project, args=(session, project.id), width="stretch",
            )
            with more.popover(session.t("projects.more"), width="stretch"):
                s_text(project.id, session.t("projects.new_name"), scope=RENAME_SCOPE, default=project.name, max_chars=proj.MAX_NAME)
                st.button(session.t("projects.rename"), key=f"do_rename_{project.id}", on_click=_act, args=(session, "rename", project.id))
                st.button(
                    session.t("projects.dashboard"), key=f"dash_{project.id}", on_click=open_project, args=(session, project.id, "dashboard")
                )
                st.button(session.t("projects.form"), key=f"form_{project.id}", on_click=open_project, args=(session, project.id, "form"))
                archive = "unarchive" if project.archived else "archive"
                st.button(session.t(f"projects.{archive}"), key=f"{archive}_{project.id}", on_click=_act, args=(session, archive, project.id))
                st.button(session.t("projects.delete"), key=f"delete_{project.id}", on_click=_act, args=(session, "delete", project.id))


def _report(session: Session) -> None:
    problems, warnings = st.session_state.get(_REPORT, ([], []))
    if not problems and not warnings:
        return
    with st.container(border=True, key="project_report"):
        created = st.session_state.get(_CREATED)
        if created:  # created, with what its form file had simplified: read it, then open it
            st.button(session.t("projects.open_created"), key="open_created", type="primary", on_click=open_project, args=(session, created))
        st.markdown(f"**{session.t('projects.report')}**")
        for problem in problems:
            st.markdown(f":red[✗] {md_escape(session.say(problem))}")
        for warning in warnings:
            st.markdown(f":orange[!] {md_escape(session.say(warning))}")


def _new_project(session: Session) -> None:
    with st.expander(session.t("projects.new"), expanded=not proj.list_projects(session.runtime.store)):
        s_text("new_name", session.t("projects.name"), scope=SCOPE, max_chars=proj.MAX_NAME)
        labels = {s: session.t(f"projects.source.{s}") for s in SOURCES}
        source = s_radio("new_source", session.t("projects.source"), SOURCES, scope=SCOPE, format_func=lambda s: labels.get(s, s), horizontal=True)
        if source == "file":
            # deliberately transient: the form file is read once, when "Create project" is pressed,
            # and kept as the project's form; the uploader starts empty again after a create
            st.file_uploader(session.t("projects.form_file"), type=["xlsx", "xls", "csv", "json"], key=_upload_key())
        st.button(session.t("projects.create"), key="create_project", type="primary", on_click=_create, args=(session,))
        if not st.session_state.get(_CREATED):
            _report(session)


def render(session: Session) -> None:
    store = session.runtime.store
    st.subheader(session.t("page.projects"))
    message("projects", *st.session_state.get(_MESSAGE, (None, None)))
    if st.session_state.get(_CREATED):
        # just created, with what its form file simplified: shown here, not in the "New project"
        # expander, which is closed once a project exists
        _report(session)
    _new_project(session)
    active = proj.list_projects(store, archived=False)
    if not active:
        st.info(session.t("projects.empty"))
    for project in active:
        _project_row(session, project)
    archived = proj.list_projects(store, archived=True)
    with st.expander(session.t("projects.archived", n=len(archived))):
        for project in archived:
            _project_row(session, project)
    deleted = proj.list_projects(store, deleted=True)
    with st.expander(session.t("projects.bin", n=len(deleted))):
        for project in deleted:
            line, button = st.columns([4, 1], vertical_alignment="center")
            line.markdown(f"{md_escape(project.name)} · {session.t('list.total', n=format_count(project.record_count, session.lang))}")
            button.button(session.t("projects.restore"), key=f"restore_{project.id}", on_click=_act, args=(session, "restore", project.id))
    st.caption(f"{session.t('home.data_location')} `{store.path.parent}`")
