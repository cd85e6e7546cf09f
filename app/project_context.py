"""Which project the user is working in: a preference in their UI state, so it survives restarts."""

from __future__ import annotations

import streamlit as st

from app.session import Session
from store.core import FieldbookError
from store.fielddata import Project, get_project

PREF = "project"


def current_project(session: Session) -> Project | None:
    """The project of the current page (its ``project`` param, else the remembered one)."""
    project_id = session.state.params.get("project") or session.state.prefs.get(PREF)
    if not project_id:
        return None
    try:
        project = get_project(session.runtime.store, project_id)
    except FieldbookError:
        return None
    return None if project.deleted_at is not None else project


def require_project(session: Session) -> Project | None:
    """The current project, or a plain message (and ``None``) when there is none."""
    project = current_project(session)
    if project is None:
        st.info(session.t("project.none"))
        st.button(session.t("page.projects"), key="goto_projects", on_click=session.navigate, args=("home",))
    return project


def open_project(session: Session, project_id: str, page: str = "records") -> None:
    """Make ``project_id`` the current project and go to one of its pages (a callback)."""
    session.commit(session.state.with_pref(PREF, project_id))
    session.navigate(page, {"project": project_id})
