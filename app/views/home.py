from __future__ import annotations

import streamlit as st

from app.session import Session


def render(session: Session) -> None:
    store = session.runtime.store
    st.subheader(session.t("page.home"))
    st.write(session.t("home.welcome"))
    st.caption(f"{session.t('home.data_location')} `{store.path.parent}`")
    st.caption(f"{session.t('home.schema')}: {store.schema_version()}")
