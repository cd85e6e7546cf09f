"""A browser session's view of the user's state: restored from the store, written back to it.

``st.session_state`` is only a cache: Streamlit drops it on refresh. ``bootstrap_session()`` runs
on every script run and, on the first run of a new session, loads the user's ``UiState`` from the
store, so a refresh, a new window or a restart shows exactly what the user left.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from app import navigation
from app.desktop.runtime import Runtime
from app.i18n import LANGUAGES, say, t
from store.core import FieldbookError
from store.inputs import UiState, load_ui_state, save_ui_state

log = logging.getLogger(__name__)

_STATE = "_fb_ui"
_BANNER = "_fb_banner"


class Session:
    """What pages use: the language, the current state, and the ways to change it."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @property
    def state(self) -> UiState:
        return st.session_state[_STATE]

    @property
    def lang(self) -> str:
        lang = self.state.prefs.get("language")
        return lang if lang in LANGUAGES else self.runtime.config.resolved_language()

    @property
    def theme(self) -> str:
        theme = self.state.prefs.get("theme")
        return theme if theme in ("auto", "light", "dark") else self.runtime.config.theme

    def t(self, key: str, **values: Any) -> str:
        return t(self.lang, key, **values)

    def say(self, what: object) -> str:
        """What the store said (a ``Text``, an error, or plain text) in this person's language."""
        return say(self.lang, what)

    @property
    def banner(self) -> str | None:
        return st.session_state.get(_BANNER)

    def show_banner(self, message: str) -> None:
        """Show ``message`` in the header's reserved slot until something saves again."""
        st.session_state[_BANNER] = message

    def clear_banner(self) -> None:
        st.session_state.pop(_BANNER, None)

    def commit(self, new: UiState) -> bool:
        """Persist ``new`` and make it current; on failure keep the old state and say why."""
        if new == self.state:
            return True
        try:
            save_ui_state(self.runtime.store, self.runtime.user, new)
        except FieldbookError as exc:
            self.show_banner(self.t("error.not_saved", reason=self.say(exc)))
            return False
        except Exception as exc:  # a database error we did not foresee: log it, say it plainly
            log.exception("saving UI state failed")
            self.show_banner(self.t("error.not_saved", reason=type(exc).__name__))
            return False
        st.session_state[_STATE] = new
        self.clear_banner()
        return True

    def navigate(self, to: str, params: dict[str, Any] | None = None) -> None:
        self.commit(navigation.navigate(self.state, to, params))

    def back(self) -> None:
        self.commit(navigation.go_back(self.state))

    def forward(self) -> None:
        self.commit(navigation.go_forward(self.state))

    def set_pref(self, name: str, value: Any) -> bool:
        return self.commit(self.state.with_pref(name, value))


def bootstrap_session(runtime: Runtime, known_pages: set[str]) -> Session:
    """Load the user's state on a session's first run; apply a ``?page=`` deep link."""
    session = Session(runtime)
    if _STATE not in st.session_state:
        state = load_ui_state(runtime.store, runtime.user)
        if state.page not in known_pages:
            state = UiState(prefs=state.prefs)
        st.session_state[_STATE] = state
        deep_link = st.query_params.get("page")
        if deep_link in known_pages and deep_link != state.page:
            session.navigate(deep_link)
    return session
