"""The app shell: gate, session bootstrap, fixed header, sidebar, one main container.

Everything is created in the same order on every run, so nothing above the user's position
appears or disappears: the header holds a reserved message slot whether or not it has a message.
"""

from __future__ import annotations

import hmac

import streamlit as st
from streamlit import config as st_config

from app import runtime as runtime_module
from app.i18n import t
from app.router import Route, Router
from app.session import Session, bootstrap_session
from app.views import home, settings
from app.views.placeholder import placeholder

ROUTER = Router(
    [
        Route("home", "page.home", home.render, icon=":material/home:"),
        Route("records", "page.records", placeholder("page.records"), icon=":material/list_alt:"),
        Route("jobs", "page.jobs", placeholder("page.jobs"), icon=":material/autorenew:"),
        Route("snapshots", "page.snapshots", placeholder("page.snapshots"), icon=":material/backup:"),
        Route("settings", "page.settings", settings.render, icon=":material/settings:"),
    ]
)

_CSS = """
<style>
.st-key-fb_header { position: sticky; top: 0; z-index: 990; background: var(--background-color, inherit); }
.st-key-fb_header .stHeading h3 { padding: 0; }
.st-key-fb_banner { min-height: 3.25rem; }
</style>
"""

_AUTH = "_fb_authorised"


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
    with st.container(key="fb_header"):
        title, back, forward = st.columns([8, 1, 1], vertical_alignment="center")
        title.subheader(f"{session.t('app.title')} · {session.t(ROUTER.current(session).title_key)}")
        back.button("←", key="nav_back", help=session.t("nav.back"), on_click=session.back, disabled=not session.state.back, width="stretch")
        forward.button("→", key="nav_forward", help=session.t("nav.forward"), on_click=session.forward, disabled=not session.state.forward, width="stretch")
    with st.container(key="fb_banner"):
        if session.banner:
            st.error(session.banner)
        for notice in session.runtime.store.notices:
            st.warning(notice.message)


def main() -> None:
    st.set_page_config(page_title="Fieldbook", page_icon=":material/menu_book:", layout="wide", initial_sidebar_state="expanded")
    st.html(_CSS)
    rt = runtime_module.current()
    if rt is None:
        st.error(t("en", "error.not_running"))
        return
    if not _authorised(rt.launch_token):
        _locked(rt.config.resolved_language())
        return
    session = bootstrap_session(rt, ROUTER.names)
    _apply_theme(session.theme)
    ROUTER.sync_query_params(session)
    _header(session)
    ROUTER.render_navigation(session)
    with st.container(key="fb_main"):
        ROUTER.render_current_page(session)
