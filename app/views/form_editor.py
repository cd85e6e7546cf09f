"""The Form page: edit the current project's form without writing JSON, then publish it.

The page edits a DRAFT kept in the store (``form_editor_state``); publishing stores it as the
project's next form version, and records keep the version they were recorded under. Layout, top
to bottom, drawn in the same order on every run so nothing jumps: a one-line message slot, the
draft bar (status, Undo, Discard, Publish), then two columns of fixed height — the field list with
the "Add field" area, and the problem box with the edit panel — then the list of versions.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from app.project_context import require_project
from app.session import Session
from app.slots import md_escape, message
from app.views import form_editor_ops as ops
from app.views import form_editor_panel as panel
from app.views import form_editor_state as fes
from app.widgets import stored_value
from store.core import FieldbookError
from store.core.locale import format_moment
from store.fielddata import Project, form_versions, load_form, project_tag
from store.formdef import FormDef

log = logging.getLogger(__name__)

LIST_HEIGHT = 430
VERSIONS_HEIGHT = 220

# Compact icon buttons in the field list, so a row's four buttons fit beside its text.
_CSS = """
<style>
.st-key-fe_fields [data-testid="stBaseButton-secondary"], .st-key-fe_fields [data-testid="stBaseButton-primary"] {
  min-height: 2rem; padding: 0.2rem 0.45rem; }
</style>
"""


def render(session: Session) -> None:
    project = require_project(session)
    if project is None:
        return
    st.html(_CSS)
    st.subheader(session.t("fe.title", name=md_escape(project.name)), anchor=False)
    try:
        version, published = load_form(session.runtime.store, project.id)
    except FieldbookError as exc:
        message("form-editor", "error", session.say(exc))
        return
    form, unreadable = fes.current_draft(project.id, published)
    kind, text = fes.shown_message(project.id)
    if unreadable and not text:
        kind, text = "error", session.t("fe.draft_unreadable")
    message("form-editor", kind, text)
    _draft_bar(session, project, version, published, form)
    left, right = st.columns([5, 4], gap="medium")
    with left:
        with st.container(height=LIST_HEIGHT, key="fe_fields"):
            if form is not None:
                _field_list(session, project.id, form)
        panel.add_area(session, project.id, form)
    with right:
        panel.problem_box(session, fes.shown_problems(project.id) or unreadable)
        panel.edit_panel(session, project.id, form)
    _versions(session, project)


def _draft_bar(session: Session, project: Project, version: int, published: FormDef, form: FormDef | None) -> None:
    pid = project.id
    scope = fes.draft_scope(pid)
    changed = form is None or (fes.draft_json(pid) is not None and not ops.same_form(form, published))
    base = stored_value(scope, "base")
    if not changed:
        status = session.t("fe.status.clean", version=version)
    elif base and base != version:
        status = session.t("fe.status.stale", base=base, version=version)
    else:
        status = session.t("fe.status.draft", version=version)
    info, undo, discard, publish = st.columns([5, 2, 3, 4], vertical_alignment="center")
    info.markdown(md_escape(status))
    undo.button(
        session.t("fe.undo"), key="fe_undo", icon=":material/undo:", width="stretch",
        disabled=not stored_value(scope, "undo"), on_click=fes.undo, args=(session, pid),
    )  # fmt: skip
    discard.button(
        session.t("fe.discard"), key="fe_discard", icon=":material/delete_sweep:", width="stretch",
        disabled=fes.draft_json(pid) is None, on_click=fes.discard, args=(session, pid),
    )  # fmt: skip
    publish.button(
        session.t("fe.publish", n=version + 1), key="fe_publish", type="primary", icon=":material/publish:", width="stretch",
        disabled=form is None or not changed, on_click=fes.publish, args=(session, pid),
    )  # fmt: skip
    st.caption(session.t("fe.publish_note", n=version + 1))


def _flags(session: Session, row: ops.Row) -> str:
    flags = [session.t(f"fe.flag.{name}") for name in ("required", "relevant", "constraint") if getattr(row, name)]
    return f" · {', '.join(flags)}" if flags else ""


def _field_list(session: Session, pid: str, form: FormDef) -> None:
    open_name = fes.editing(pid, form)
    for row in ops.field_rows(form, session.lang):
        text, icons = st.columns([7, 4], vertical_alignment="center", gap="xsmall")
        # the four buttons in one row that wraps when the window is narrow: none overlaps another
        up = down = edit = remove = icons.container(horizontal=True, gap="xsmall", key=f"fe_icons_{row.name}")
        indent = "\u2003" * 2 * row.depth  # children of a group are indented under it
        kind = session.t(f"fe.type.{row.type}")
        text.markdown(f"{indent}**{md_escape(row.label)}** · `{row.name}` · {md_escape(kind)}{md_escape(_flags(session, row))}")
        # icon-only buttons: their names are in the tooltips
        with up:
            _icon("fe_up", row.name, ":material/arrow_upward:", session.t("fe.up"), row.first, fes.move, (session, pid, row.name, -1))
        with down:
            _icon("fe_down", row.name, ":material/arrow_downward:", session.t("fe.down"), row.last, fes.move, (session, pid, row.name, 1))
        with edit:
            _icon("fe_edit", row.name, ":material/edit:", session.t("fe.edit"), False, fes.open_panel, (session, pid, row.name), row.name == open_name)
        with remove:
            _icon("fe_remove", row.name, ":material/delete:", session.t("fe.remove"), False, fes.remove, (session, pid, row.name))


def _icon(prefix: str, name: str, icon: str, text: str, disabled: bool, action: Any, args: tuple[Any, ...], current: bool = False) -> None:
    """An icon button named ``text`` for screen readers (the label, hidden from sight: app/styles.py),
    not "arrow_upward icon"."""
    with st.container(key=f"fbicon-{prefix}-{name}"):
        st.button(
            text, key=f"{prefix}_{name}", icon=icon, help=text, disabled=disabled, on_click=action, args=args,
            type="primary" if current else "secondary", width="content",
        )  # fmt: skip


def _versions(session: Session, project: Project) -> None:
    st.markdown(f"**{session.t('fe.versions')}**")
    try:
        store = session.runtime.store
        # Cached: listing parses every version's definition; a new version invalidates the tag.
        listed = store.cache.get_or_compute(("fe_versions", project.id), lambda: form_versions(store, project.id), tags=[project_tag(project.id)])
        versions = list(reversed(listed))
    except FieldbookError as exc:
        message("form-versions", "error", session.say(exc))
        return
    except Exception:
        log.exception("listing the form versions of %s failed", project.id)
        message("form-versions", "error", session.t("error.unexpected"))
        return
    rows = {
        session.t("fe.col.version"): [v.version for v in versions],
        session.t("fe.col.created"): [format_moment(v.created_at, session.lang) for v in versions],
        session.t("fe.col.by"): [md_escape(v.created_by) for v in versions],  # st.table renders Markdown: a name is data
        session.t("fe.col.source"): [session.t(f"fe.source.{v.source}") for v in versions],
        session.t("fe.col.fields"): [v.field_count for v in versions],
    }
    with st.container(height=VERSIONS_HEIGHT, border=False, key="fe_versions"):
        st.table(rows, hide_index=True)
