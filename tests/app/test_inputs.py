"""The Inputs page through AppTest: values persist at once, come back in a new session, survive
widget clean-up, and undo/redo/apply/reset/versions work and are stored."""

from __future__ import annotations

import datetime as dt

from app.widgets import widget_key
from store.inputs.forms import load_form
from tests.app.live_text_driver import shown, type_text

SCOPE = "form:inputs"


def key(name: str) -> str:
    return f"in__form_inputs__{name}"


def stored(rt) -> dict:
    return {k: v for (s, k), v in rt.inputs.load(rt.user).items() if s == SCOPE}


def test_every_widget_value_is_stored_and_restored(new_session, rt):
    at = new_session(page="inputs")
    assert not at.exception
    at.text_input(key=key("observer")).input("Ada Lövelace 🌳").run()
    type_text(at, key("notes"), "line 1\nline 2")
    at.text_input(key=key("count")).input("42").run()
    at.selectbox(key=key("species")).select("Beech").run()
    at.multiselect(key=key("habitats")).select("Wetland").select("Coast").run()
    at.checkbox(key=key("verified")).check().run()
    at.radio(key=key("weather")).set_value("Rain").run()
    at.date_input(key=key("observed_on")).set_value(dt.date(2024, 5, 17)).run()
    at.time_input(key=key("observed_at")).set_value(dt.time(10, 30)).run()
    at.slider(key=key("cover")).set_value(65).run()
    assert not at.exception
    expected = {
        "observer": "Ada Lövelace 🌳",
        "notes": "line 1\nline 2",
        "count": 42,
        "species": "Beech",
        "habitats": ["Wetland", "Coast"],
        "verified": True,
        "weather": "Rain",
        "observed_on": dt.date(2024, 5, 17),
        "observed_at": dt.time(10, 30),
        "cover": 65,
    }
    assert stored(rt) == expected

    again = new_session()  # a refresh: new session, page restored from the store
    assert again.text_input(key=key("observer")).value == "Ada Lövelace 🌳"
    assert shown(again, key("notes")) == "line 1\nline 2"
    assert again.text_input(key=key("count")).value == "42"
    assert again.selectbox(key=key("species")).value == "Beech"
    assert again.multiselect(key=key("habitats")).value == ["Wetland", "Coast"]
    assert again.checkbox(key=key("verified")).value is True
    assert again.radio(key=key("weather")).value == "Rain"
    assert again.date_input(key=key("observed_on")).value == dt.date(2024, 5, 17)
    assert again.time_input(key=key("observed_at")).value == dt.time(10, 30)
    assert again.slider(key=key("cover")).value == 65


def test_values_survive_widget_cleanup(new_session):
    at = new_session(page="inputs")
    at.text_input(key=key("observer")).input("kept").run()
    at.sidebar.button(key="nav_settings").click().run()  # the widget leaves the screen
    at.button(key="nav_back").click().run()  # (the page is not in the navigation: back to it)
    assert at.text_input(key=key("observer")).value == "kept"


def test_validation_is_shown_and_blocks_save_but_draft_is_kept(new_session, rt):
    at = new_session(page="inputs")
    save = at.button(key="fbform_inputs_save")
    assert save.disabled
    assert any("Cannot save yet" in m.value for m in at.markdown)
    at.text_input(key=key("count")).input("-5").run()
    assert stored(rt)["count"] == -5  # invalid, but never lost
    assert any("Must be at least 0" in m.value for m in at.markdown)
    at.text_input(key=key("observer")).input("Ann").run()
    at.selectbox(key=key("species")).select("Oak").run()
    at.text_input(key=key("count")).input("3").run()
    assert not at.button(key="fbform_inputs_save").disabled
    at.button(key="fbform_inputs_save").click().run()
    record = load_form(rt.store, rt.user, "inputs")
    assert record.status == "saved" and record.saved["observer"] == "Ann" and record.saved["count"] == 3


def test_undo_redo_survive_a_new_session(new_session, rt):
    at = new_session(page="inputs")
    at.text_input(key=key("observer")).input("first").run()
    at.text_input(key=key("observer")).input("second").run()
    at.button(key="fbform_inputs_undo").click().run()
    assert at.text_input(key=key("observer")).value == "first"
    assert stored(rt)["observer"] == "first"

    later = new_session()  # e.g. after a restart
    later.button(key="fbform_inputs_undo").click().run()
    assert later.text_input(key=key("observer")).value == ""
    later.button(key="fbform_inputs_redo").click().run()
    later.button(key="fbform_inputs_redo").click().run()
    assert later.text_input(key=key("observer")).value == "second"
    assert later.button(key="fbform_inputs_redo").disabled
    assert stored(rt)["observer"] == "second"


def test_reset_and_apply(new_session, rt):
    at = new_session(page="inputs")
    at.text_input(key=key("observer")).input("Bo").run()
    at.selectbox(key=key("species")).select("Pine").run()
    at.button(key="fbform_inputs_apply").click().run()
    assert load_form(rt.store, rt.user, "inputs").status == "applied"
    at.text_input(key=key("observer")).input("changed").run()
    assert any("Unsaved changes" in m.value for m in at.markdown)
    at.button(key="fbform_inputs_reset").click().run()
    assert at.text_input(key=key("observer")).value == "Bo"
    assert stored(rt)["observer"] == "Bo"
    assert at.button(key="fbform_inputs_reset").disabled


def test_named_versions(new_session, rt):
    at = new_session(page="inputs")
    at.text_input(key=key("observer")).input("v1 value").run()
    at.text_input(key=widget_key("fbform-inputs-versions", "name")).input("morning").run()
    at.button(key="fbform_inputs_version_save").click().run()
    at.text_input(key=key("observer")).input("v2 value").run()
    pick = at.selectbox(key="fbform_inputs_version_pick")
    assert len(pick.options) == 1 and pick.options[0].startswith("morning")
    pick.select_index(0).run()
    at.button(key="fbform_inputs_version_restore").click().run()
    assert at.text_input(key=key("observer")).value == "v1 value"
    at.button(key="fbform_inputs_undo").click().run()  # restoring is one undo step
    assert at.text_input(key=key("observer")).value == "v2 value"


def test_failed_write_keeps_value_and_says_not_saved(new_session, rt):
    at = new_session(page="inputs")
    rt.store.disk.min_free_mb = 10**9
    rt.store.disk._checked_at = float("-inf")
    at.text_input(key=key("observer")).input("typed while the disk was full").run()
    assert at.text_input(key=key("observer")).value == "typed while the disk was full"
    assert at.error and "NOT saved" in at.error[0].value
    assert "observer" not in stored(rt)
    rt.store.disk.min_free_mb = 0
    rt.store.disk._checked_at = float("-inf")
    type_text(at, key("notes"), "next change")  # the next write retries the first
    assert stored(rt)["observer"] == "typed while the disk was full"
    assert not at.error
