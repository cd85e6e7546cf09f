"""Per-user UI state: what a user left is what a new session shows."""

from __future__ import annotations

from pathlib import Path

from store.core.db import Store
from store.inputs.uistate import HISTORY_LIMIT, UiState, load_ui_state, save_ui_state


def test_unknown_user_gets_default(store: Store) -> None:
    assert load_ui_state(store, "nobody") == UiState()
    assert UiState() == UiState(page="home", params={}, back=(), forward=(), prefs={})


def test_round_trip(store: Store) -> None:
    state = UiState(
        page="records",
        params={"id": 42, "filter": {"site": "Zürich-Öst", "tags": ["α", "β"]}, "ok": True, "ratio": 0.5, "none": None},
        back=(("home", {}), ("sites", {"id": 7, "name": "Åland ☀"})),
        forward=(("settings", {"tab": "Sprache"}),),
        prefs={"theme": "dark", "language": "de", "greeting": "Grüß Gott 👋 日本語", "columns": ["a", "b"]},
    )
    save_ui_state(store, "anna", state)
    assert load_ui_state(store, "anna") == state


def test_round_trip_survives_reopen(store: Store, db_path: Path) -> None:
    state = UiState(page="sites", params={"q": "ß"}, prefs={"ä": "ö"})
    save_ui_state(store, "anna", state)
    store.close()
    again = Store.open(db_path)
    try:
        assert load_ui_state(again, "anna") == state
    finally:
        again.close()


def test_save_replaces_previous_state(store: Store) -> None:
    save_ui_state(store, "anna", UiState(page="records"))
    save_ui_state(store, "anna", UiState(page="sites").with_pref("theme", "light"))
    assert load_ui_state(store, "anna") == UiState(page="sites", prefs={"theme": "light"})
    assert store.read_one("SELECT count(*) FROM ui_state") == (1,)


def test_users_are_separate(store: Store) -> None:
    save_ui_state(store, "anna", UiState(page="records"))
    save_ui_state(store, "ben", UiState(page="settings", prefs={"theme": "dark"}))
    assert load_ui_state(store, "anna").page == "records"
    assert load_ui_state(store, "ben") == UiState(page="settings", prefs={"theme": "dark"})


def test_saved_history_keeps_most_recent(store: Store) -> None:
    back = tuple((f"p{i}", {"i": i}) for i in range(HISTORY_LIMIT + 10))
    save_ui_state(store, "anna", UiState(page="now", back=back, forward=back))
    loaded = load_ui_state(store, "anna")
    assert loaded.back == back[-HISTORY_LIMIT:]
    assert loaded.forward == back[-HISTORY_LIMIT:]


def test_with_pref_does_not_change_original() -> None:
    base = UiState(prefs={"a": 1})
    changed = base.with_pref("b", 2)
    assert base.prefs == {"a": 1}
    assert changed.prefs == {"a": 1, "b": 2}
