from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app.session import Session


def placeholder(title_key: str) -> Callable[[Session], None]:
    """A page that exists in the navigation but whose content arrives later."""

    def render(session: Session) -> None:
        st.subheader(session.t(title_key))
        st.info(session.t("placeholder.soon"))

    return render
