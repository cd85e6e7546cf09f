from __future__ import annotations

import streamlit as st

from app.i18n import LANGUAGES, t
from app.metrics import RUNS
from app.session import Session
from app.views import sync_settings

THEMES = ("auto", "light", "dark")


def render(session: Session) -> None:
    st.subheader(session.t("page.settings"))
    # The widgets take their value from the stored preference on every run, so a refresh or a
    # restart shows what was chosen; a change is saved before the next run starts.
    languages = list(LANGUAGES)
    lang = session.lang  # captured: format_func may be called outside this run
    st.session_state["settings_language"] = session.lang
    st.radio(
        session.t("settings.language"),
        languages,
        key="settings_language",
        format_func=LANGUAGES.__getitem__,
        horizontal=True,
        on_change=lambda: session.set_pref("language", st.session_state["settings_language"]),
    )
    st.session_state["settings_theme"] = session.theme
    st.radio(
        session.t("settings.theme"),
        THEMES,
        key="settings_theme",
        format_func=lambda name: t(lang, f"settings.theme.{name}"),
        horizontal=True,
        on_change=lambda: session.set_pref("theme", st.session_state["settings_theme"]),
    )
    st.divider()
    sync_settings.render(session)
    st.divider()
    st.caption(session.t("settings.folders"))
    folders = session.runtime.config.paths.folders()
    # markdown, not st.table: the table's code loads lazily and would push what follows down
    st.markdown("\n".join(f"- {session.t(f'settings.folder.{name}')}: `{path}`" for name, path in folders.items()))
    _diagnostics(session)


def _diagnostics(session: Session) -> None:
    """How fast the pages run: for whoever supports the user, behind a closed disclosure."""
    with st.expander(session.t("diag.title")):
        summary = RUNS.summary()
        if summary is None:
            st.caption(session.t("diag.none"))
        else:
            st.caption(
                session.t("diag.reruns", n=summary.count, p50=summary.p50_ms, p95=summary.p95_ms, share=summary.within_budget * 100)
            )
