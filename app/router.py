"""Pages as containers swapped inside one main area: no browser navigation, no re-built sidebar.

The current page lives in the user's ``UiState`` (store) and is mirrored into ``?page=`` for deep
links. A route may have a guard; a page the guard refuses shows a message instead of its content.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from app.session import Session

log = logging.getLogger(__name__)

Guard = Callable[[Session], bool]


@dataclass(frozen=True)
class Route:
    name: str
    title_key: str
    render: Callable[[Session], None]
    icon: str = ""
    guard: Guard | None = None
    nav: bool = True  # listed in the sidebar; pages opened from another page (a record) are not


class Router:
    def __init__(self, routes: list[Route], home: str = "home") -> None:
        self.routes = {r.name: r for r in routes}
        self.home = home

    @property
    def names(self) -> set[str]:
        return set(self.routes)

    def current(self, session: Session) -> Route:
        return self.routes.get(session.state.page, self.routes[self.home])

    def allowed(self, route: Route, session: Session) -> bool:
        return route.guard is None or route.guard(session)

    def sync_query_params(self, session: Session) -> None:
        """Mirror the current page into the URL, so a reload or a bookmark lands on it."""
        if st.query_params.get("page") != session.state.page:
            st.query_params["page"] = session.state.page

    def render_navigation(self, session: Session) -> None:
        """Sidebar: one button per page, always the same keys and order."""
        current = self.current(session).name
        with st.sidebar:
            st.caption(session.t("nav.pages"))
            for route in self.routes.values():
                if not route.nav:
                    continue
                st.button(
                    session.t(route.title_key),
                    icon=route.icon or None,
                    key=f"nav_{route.name}",
                    on_click=session.navigate,
                    args=(route.name,),
                    type="primary" if route.name == current else "secondary",
                    width="stretch",
                )

    def render_current_page(self, session: Session) -> None:
        route = self.current(session)
        if not self.allowed(route, session):
            st.warning(session.t("error.not_allowed"))
            return
        try:
            route.render(session)
        except Exception:  # Streamlit's rerun/stop are BaseExceptions and pass through
            log.exception("page %s failed", route.name)
            st.error(session.t("error.page_failed"))
