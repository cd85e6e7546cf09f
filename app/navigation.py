"""Navigation as pure state transitions on ``UiState`` (tested on their own).

The router renders; these decide where the user is. Back/forward are our own history, not the
browser's: a page is a container swap, not a browser navigation.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from store.inputs import HISTORY_LIMIT, UiState


def navigate(state: UiState, to: str, params: dict[str, Any] | None = None) -> UiState:
    """Go to ``to``; the current page goes on the back stack and the forward stack is cleared."""
    params = dict(params or {})
    if to == state.page and params == state.params:
        return state
    back = (state.back + ((state.page, state.params),))[-HISTORY_LIMIT:]
    return replace(state, page=to, params=params, back=back, forward=())


def go_back(state: UiState) -> UiState:
    if not state.back:
        return state
    (page, params), back = state.back[-1], state.back[:-1]
    forward = (state.forward + ((state.page, state.params),))[-HISTORY_LIMIT:]
    return replace(state, page=page, params=params, back=back, forward=forward)


def go_forward(state: UiState) -> UiState:
    if not state.forward:
        return state
    (page, params), forward = state.forward[-1], state.forward[:-1]
    back = (state.back + ((state.page, state.params),))[-HISTORY_LIMIT:]
    return replace(state, page=page, params=params, back=back, forward=forward)
