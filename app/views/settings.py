from __future__ import annotations

import streamlit as st

from app.i18n import LANGUAGES, t
from app.session import Session

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
    st.caption(session.t("settings.folders"))
    folders = session.runtime.config.paths.folders()
    st.table({"": [session.t(f"settings.folder.{name}") for name in folders], " ": [str(p) for p in folders.values()]}, hide_index=True, hide_header=True)
