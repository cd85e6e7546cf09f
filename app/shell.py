"""The app shell: gate, session bootstrap, fixed header, sidebar, one main container.

Everything is created in the same order on every run, so nothing above the user's position
appears or disappears: the header holds a reserved message slot whether or not it has a message.
"""

from __future__ import annotations

import hmac
import time

import streamlit as st
from streamlit import config as st_config

from app import styles, sync_header
from app.desktop import runtime as runtime_module
from app.generation import drop_stale_state
from app.i18n import t
from app.metrics import RUNS
from app.router import Route, Router
from app.session import Session, bootstrap_session
from app.slots import HEADER_PX, header_slot
from app.views import (
    conflicts,
    dashboard,
    data_io,
    form_editor,
    inputs,
    jobs,
    projects,
    record_edit,
    records_list,
    settings,
    snapshots,
)
from store.core.locale import symbols

# The page's icon: an emoji is drawn by the page itself. A ":material/…:" icon is fetched from
# fonts.gstatic.com (offline: never; the edge's security policy refuses it), and for an image file
# Streamlit imports numpy before the first page.
ICON = "📗"

ROUTER = Router(
    [
        Route("home", "page.projects", projects.render, icon=":material/folder:"),
        Route("records", "page.records", records_list.render, icon=":material/list_alt:"),
        Route("record", "page.record", record_edit.render, icon=":material/edit_document:", nav=False),
        Route("dashboard", "page.dashboard", dashboard.render, icon=":material/bar_chart:"),
        Route("form", "page.form", form_editor.render, icon=":material/dynamic_form:"),
        Route("data", "page.data", data_io.render, icon=":material/import_export:"),
        # the widget demonstration (tests drive it): reachable at ?page=inputs, not offered to field users
        Route("inputs", "page.inputs", inputs.render, icon=":material/edit_note:", nav=False),
        Route("jobs", "page.jobs", jobs.render, icon=":material/autorenew:"),
        Route("snapshots", "page.snapshots", snapshots.render, icon=":material/backup:"),
        Route("conflicts", "page.conflicts", conflicts.render, icon=":material/call_split:"),
        Route("settings", "page.settings", settings.render, icon=":material/settings:"),
    ]
)

_AUTH = "_fb_authorised"
_BOOTED = "_fb_booted"


def _authorised(token: str) -> bool:
    if st.session_state.get(_AUTH):
        return True
    given = st.query_params.get("t", "")
    if given and hmac.compare_digest(given.encode(), token.encode()):
        st.session_state[_AUTH] = True
        return True
    return False


def _apply_theme(theme: str) -> None:
    """The desktop app has one user, so the theme is the server's.

    Streamlit sends the theme at the start of each run, before this code runs: after a change,
    one more run carries it to the browser.
    """
    wanted = theme if theme in ("light", "dark") else None
    if st_config.get_option("theme.base") != wanted:
        st_config.set_option("theme.base", wanted)
        st.rerun()


def _locked(lang: str) -> None:
    st.title(t(lang, "locked.title"))
    st.write(t(lang, "locked.body"))


def _header(session: Session) -> None:
    """The fixed header: title, jobs, sync, back and forward — one row of ``HEADER_PX`` from the
    first paint on, in both languages and at 800 px (each slot one line, cut with an ellipsis)."""
    with st.container(key="fb_header", height=HEADER_PX, border=False):
        title, activity, sync, back, forward = st.columns([5, 2, 2.2, 1, 1], vertical_alignment="center")
        with title, header_slot("fb_title"):
            # one line of bold text, not a heading: a heading's margins come from Streamlit's CSS and
            # made the row taller than the buttons; the page below has its own heading
            st.markdown(f"**{session.t('app.title')} · {session.t(ROUTER.current(session).title_key)}**", wrap=False)
        with activity:
            jobs.indicator()
        with sync:
            sync_header.indicator()
        back.button("←", key="nav_back", help=session.t("nav.back"), on_click=session.back, disabled=not session.state.back, width=HEADER_PX, wrap=False)
        forward.button("→", key="nav_forward", help=session.t("nav.forward"), on_click=session.forward, disabled=not session.state.forward, width=HEADER_PX, wrap=False)
    with st.container(key="fb_banner"):
        if session.banner:
            st.error(session.banner)
        for notice in session.runtime.store.notices:
            st.warning(notice.message)


def main() -> None:
    started = time.perf_counter()
    first_run = _BOOTED not in st.session_state
    st.session_state[_BOOTED] = True
    page = _render()
    RUNS.record(time.perf_counter() - started, "load" if first_run else "interaction", page)


def _render() -> str:
    st.set_page_config(page_title="Fieldbook", page_icon=ICON, layout="wide", initial_sidebar_state="expanded")
    st.html(f"<style>{styles.SHELL_CSS}</style>")  # also in index.html (app/desktop/edge.py); here for tests without the server
    rt = runtime_module.current()
    if rt is None:
        st.error(t("en", "error.not_running"))
        return "-"
    if not _authorised(rt.launch_token):
        _locked(rt.config.resolved_language())
        return "-"
    drop_stale_state(rt.generation)  # a restore replaced the data: reload it from the store
    session = bootstrap_session(rt, ROUTER.names)
    _apply_theme(session.theme)
    # always drawn (in every language), so the elements after it keep their places
    words = {} if session.lang == "en" else {"choose": session.t("upload.choose"), "drop": session.t("upload.drop")}
    names = {"nav_back": session.t("nav.back"), "nav_forward": session.t("nav.forward"), "list_prev": session.t("list.prev"), "list_next": session.t("list.next")}
    labels = {} if session.lang == "en" else {
        "Add files": session.t("upload.add"), "file upload": session.t("upload.input"),
        "Remove ": session.t("upload.remove") + " ", "Link to heading": session.t("a11y.heading_link"),
    }
    css = styles.language_css(session.lang, session.t("a11y.skip"), words, names, symbols(session.lang)[0], labels)
    st.html(f"<style>{css}</style>")
    ROUTER.sync_query_params(session)
    _header(session)
    ROUTER.render_navigation(session)
    with st.container(key="fb_main"):
        ROUTER.render_current_page(session)
    return session.state.page
