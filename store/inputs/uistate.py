"""Per-user UI state: the current page, navigation history and preferences.

This is what lets a new browser session (refresh, new window, restart) show exactly what the user
left. It is written through the writer like every other change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from store.core.db import Store

HISTORY_LIMIT = 50

Entry = tuple[str, dict[str, Any]]  # (page, params)


@dataclass(frozen=True)
class UiState:
    page: str = "home"
    params: dict[str, Any] = field(default_factory=dict)
    back: tuple[Entry, ...] = ()  # pages to go back to, most recent last
    forward: tuple[Entry, ...] = ()
    prefs: dict[str, Any] = field(default_factory=dict)

    def with_pref(self, name: str, value: Any) -> UiState:
        return replace(self, prefs={**self.prefs, name: value})


def load_ui_state(store: Store, user: str) -> UiState:
    row = store.read_one("SELECT page, params, back, forward, prefs FROM ui_state WHERE user_id = ?", [user])
    if row is None:
        return UiState()
    page, params, back, forward, prefs = row
    return UiState(
        page=page,
        params=json.loads(params),
        back=tuple((p, q) for p, q in json.loads(back)),
        forward=tuple((p, q) for p, q in json.loads(forward)),
        prefs=json.loads(prefs),
    )


def save_ui_state(store: Store, user: str, state: UiState) -> None:
    """Persist ``state``; returns once committed."""
    store.execute(
        """INSERT INTO ui_state (user_id, page, params, back, forward, prefs, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, now())
           ON CONFLICT (user_id) DO UPDATE SET
             page = excluded.page, params = excluded.params, back = excluded.back,
             forward = excluded.forward, prefs = excluded.prefs, updated_at = excluded.updated_at""",
        [
            user,
            state.page,
            json.dumps(state.params),
            json.dumps(list(state.back[-HISTORY_LIMIT:])),
            json.dumps(list(state.forward[-HISTORY_LIMIT:])),
            json.dumps(state.prefs),
        ],
    )
