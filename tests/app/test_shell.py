"""Router, session bootstrap and gate, run by Streamlit's AppTest against a real store."""

from __future__ import annotations

from store.inputs.uistate import UiState, load_ui_state, save_ui_state


def header_text(at) -> str:
    """The header's title line (bold Markdown in the slot ``fb_title``) and the page's heading."""
    return " ".join([m.value.strip("*") for m in at.markdown] + [h.value for h in at.subheader])


def test_first_run_shows_home(new_session):
    at = new_session()
    assert not at.exception
    assert "Fieldbook · Projects" in header_text(at)
    assert [b.label for b in at.sidebar.button] == ["Projects", "Records", "Dashboard", "Form", "Export & import", "Jobs", "Snapshots", "Conflicts", "Settings"]


def test_navigation_is_persisted_and_restored(new_session, rt):
    at = new_session()
    at.sidebar.button(key="nav_settings").click().run()
    assert "Fieldbook · Settings" in header_text(at)
    assert at.query_params["page"] == ["settings"] or at.query_params["page"] == "settings"
    stored = load_ui_state(rt.store, "tester")
    assert stored.page == "settings" and stored.back == (("home", {}),)

    after_refresh = new_session()
    assert "Fieldbook · Settings" in header_text(after_refresh)


def test_back_and_forward(new_session):
    at = new_session()
    at.sidebar.button(key="nav_records").click().run()
    at.sidebar.button(key="nav_jobs").click().run()
    at.button(key="nav_back").click().run()
    assert "Records" in header_text(at)
    at.button(key="nav_back").click().run()
    assert "Projects" in header_text(at)
    assert at.button(key="nav_back").disabled
    at.button(key="nav_forward").click().run()
    assert "Records" in header_text(at)


def test_language_switch(new_session, rt):
    at = new_session(page="settings")
    at.radio(key="settings_language").set_value("de").run()
    assert "Fieldbook · Einstellungen" in header_text(at)
    assert load_ui_state(rt.store, "tester").prefs["language"] == "de"
    assert "Einstellungen" in header_text(new_session())


def test_deep_link_beats_stored_page(new_session, rt):
    save_ui_state(rt.store, "tester", UiState(page="records"))
    assert "Settings" in header_text(new_session(page="settings"))
    assert load_ui_state(rt.store, "tester").page == "settings"


def test_unknown_stored_page_falls_back_to_home(new_session, rt):
    save_ui_state(rt.store, "tester", UiState(page="gone-in-this-version", prefs={"language": "de"}))
    at = new_session()
    assert "Projekte" in header_text(at)


def test_without_token_nothing_is_shown(new_session):
    for token in (None, "wrong"):
        at = new_session(token=token)
        assert not at.exception
        assert at.title[0].value == "Open Fieldbook from its icon"
        assert len(at.sidebar.button) == 0
        assert not at.subheader


def test_failed_save_keeps_state_and_says_so(new_session, rt):
    at = new_session()
    rt.store.disk.min_free_mb = 10**9  # the disk is now "full"
    rt.store.disk._checked_at = float("-inf")
    at.sidebar.button(key="nav_settings").click().run()
    assert "Projects" in header_text(at)  # not moved: the move could not be saved
    assert at.error and "NOT saved" in at.error[0].value and "MB" in at.error[0].value
    rt.store.disk.min_free_mb = 0
    rt.store.disk._checked_at = float("-inf")
    at.sidebar.button(key="nav_settings").click().run()
    assert "Settings" in header_text(at)
    assert not at.error
