"""Projects, records list and record editor pages in AppTest: create a project, record a tree
(draft kept across sessions), constraints and required fields, save, history, delete."""

from __future__ import annotations

import datetime as dt

from store.fielddata import records as rec
from store.fielddata.projects import create_project, list_projects
from store.formdef.demo import demo_form
from store.inputs.uistate import load_ui_state
from tests.app.live_text_driver import sent, shown, type_text


def _key(record_id: str, field: str) -> str:
    return f"in__record_{record_id}__{field}"


def _open_new_record(at, rt):
    """The editor of a new record, and its id: nothing is stored until its first input."""
    project = create_project(rt.store, "Trees", demo_form(), user=rt.user)
    at.run()
    at.button(key=f"open_{project.id}").click().run()
    at.button(key="new_record").click().run()
    assert not at.exception
    assert list(rec.iter_records(rt.store, project.id)) == []
    return project, load_ui_state(rt.store, rt.user).params["record"]


DBH = "Trunk diameter at breast height (cm)"


def _list_rows(at) -> list[dict]:
    return at.dataframe[0].value.to_dict("records")


def test_a_new_record_left_untouched_leaves_nothing(rt, new_session):
    at = new_session()
    project, _ = _open_new_record(at, rt)
    assert any("first input" in m.value for m in at.markdown)
    at.button(key="record_back").click().run()
    assert list(rec.iter_records(rt.store, project.id)) == []
    assert any("0 records" in m.value for m in at.markdown)
    assert _list_rows(at) == []


def test_the_first_input_creates_the_record_and_the_list_shows_what_was_typed(rt, new_session):
    at = new_session()
    project, record_id = _open_new_record(at, rt)
    at.text_input(key=_key(record_id, "dbh_cm")).input("41.5").run()
    record = rec.get_record(rt.store, record_id)
    assert record.version == 1 and "dbh_cm" not in record.data  # typed, not yet a version
    assert rt.inputs.load(rt.user, f"record:{record_id}")[(f"record:{record_id}", "~base")] == 1
    at.button(key="record_back").click().run()
    (row,) = _list_rows(at)
    assert row[DBH] == "41.5" and row["Status"] == "Draft · unsaved changes"
    again = new_session()  # another window, a restart: the same
    assert _list_rows(again)[0][DBH] == "41.5"


def test_discarding_a_new_record_removes_it(rt, new_session):
    at = new_session()
    project, record_id = _open_new_record(at, rt)
    type_text(at, _key(record_id, "notes"), "wrong tree")
    at.button(key="record_discard").click().run()
    assert rec.get_record(rt.store, record_id).deleted
    assert any("new record was removed" in m.value for m in at.markdown)
    at.button(key="record_back").click().run()
    assert _list_rows(at) == []


def test_saving_an_untouched_new_record_stores_it(rt, new_session):
    at = new_session()
    project, record_id = _open_new_record(at, rt)
    at.button(key="record_save_draft").click().run()
    assert rec.get_record(rt.store, record_id).version == 1
    assert any("Saved as draft" in m.value and "version 1" in m.value for m in at.markdown)


def test_create_project_from_the_template(rt, new_session):
    at = new_session()
    at.text_input(key="in__projects__new_name").input("Hedges 2026").run()
    at.radio(key="in__projects__new_source").set_value("template").run()
    at.button(key="create_project").click().run()
    assert not at.exception
    assert [p.name for p in list_projects(rt.store)] == ["Hedges 2026"]
    # the new project is opened: its (empty) records list, saying so, with a unit on the count
    assert load_ui_state(rt.store, rt.user).page == "records"
    assert any("created and opened" in m.value for m in at.markdown)
    assert any("Hedges 2026" in m.value and "0 records" in m.value for m in at.markdown)
    at.sidebar.button(key="nav_home").click().run()
    assert at.text_input(key="in__projects__new_name").value == ""  # ready for the next one
    assert any(m.value == "0 records" for m in at.markdown)  # the project's row: a count with its unit


def test_a_bad_form_file_name_is_refused_in_plain_words(rt, new_session):
    at = new_session()
    at.text_input(key="in__projects__new_name").input("X").run()
    at.button(key="create_project").click().run()  # "from a file" without a file
    assert any("Choose a form file first" in m.value for m in at.markdown)
    assert list_projects(rt.store) == []


def test_record_draft_constraint_required_save_and_history(rt, new_session):
    at = new_session()
    project, record_id = _open_new_record(at, rt)
    at.text_input(key=_key(record_id, "dbh_cm")).input("-5.0").run()
    assert any("0" in m.value and "500" in m.value for m in at.markdown), [m.value for m in at.markdown]
    at.selectbox(key=_key(record_id, "species")).set_value("fagus_sylvatica").run()

    again = new_session()  # a refresh: the draft comes back from the store
    assert again.selectbox(key=_key(record_id, "species")).value == "fagus_sylvatica"
    assert again.text_input(key=_key(record_id, "dbh_cm")).value == "-5"  # the number, shown as people write it

    at.button(key="record_save_final").click().run()
    assert rec.get_record(rt.store, record_id).version == 1  # refused: constraint and required
    assert any("need attention" in m.value for m in at.markdown)
    at.text_input(key=_key(record_id, "dbh_cm")).input("35.5").run()
    at.selectbox(key=_key(record_id, "health")).set_value("good").run()
    at.button(key="record_save_final").click().run()
    assert not at.exception
    saved = rec.get_record(rt.store, record_id)
    assert saved.version == 2 and saved.status == "final"
    assert saved.data["species"] == "fagus_sylvatica" and saved.data["dbh_cm"] == 35.5
    assert saved.data["circumference_cm"] == round(35.5 * 3.14159, 1)  # calculated on save
    assert saved.data["observed_on"] == dt.date.today().isoformat()  # the default
    assert "crown_damage" not in saved.data  # not relevant when health is good
    assert rt.inputs.load(rt.user, f"record:{record_id}") == {}  # the draft was saved, then forgotten
    assert not [w for w in at.multiselect if w.key == _key(record_id, "crown_damage")]  # hidden by relevance

    type_text(at, _key(record_id, "notes"), "leaning")
    at.button(key="record_save_final").click().run()
    assert rec.get_record(rt.store, record_id).version == 3
    history = rec.record_history(rt.store, record_id)
    assert [v.version for v in history] == [3, 2, 1]
    history = [m.value for m in at.markdown if m.value.startswith("**v")]
    assert "Notes\\: — → leaning" in history[0], history[0]  # v3: what changed, old → new
    assert "Status\\: Draft → Final" in history[1] and "Health\\: — → Good" in history[1], history[1]
    assert any("Version 2 as it was saved" in m.value for m in at.markdown)  # the whole version, before restoring
    at.button(key="restore_v2").click().run()
    current = rec.get_record(rt.store, record_id)
    assert current.version == 4 and "notes" not in current.data


def test_discard_and_delete(rt, new_session):
    at = new_session()
    _, record_id = _open_new_record(at, rt)
    type_text(at, _key(record_id, "notes"), "kept")
    at.button(key="record_save_draft").click().run()
    type_text(at, _key(record_id, "notes"), "typo")
    before = sent(at, _key(record_id, "notes"))
    at.button(key="record_discard").click().run()
    assert not rec.get_record(rt.store, record_id).deleted  # a saved record: only the draft goes
    assert shown(at, _key(record_id, "notes")) == "kept"
    after = sent(at, _key(record_id, "notes"))  # the page replaces what it shows: a new rev
    assert after["value"] == "kept" and after["rev"] > before["rev"]
    at.button(key="record_delete").click().run()
    assert rec.get_record(rt.store, record_id).deleted
    at.button(key="record_undelete").click().run()
    assert not rec.get_record(rt.store, record_id).deleted


def test_a_save_based_on_an_old_version_keeps_the_draft(rt, new_session):
    at = new_session()
    _, record_id = _open_new_record(at, rt)
    type_text(at, _key(record_id, "notes"), "mine")
    rec.save_record(rt.store, record_id, {"notes": "theirs"}, user="other", status="draft")  # another device/tab
    at.button(key="record_save_draft").click().run()
    assert rec.get_record(rt.store, record_id).data == {"notes": "theirs"}
    assert any("other" in m.value for m in at.markdown)
    assert shown(at, _key(record_id, "notes")) == "mine"
    at.button(key="record_keep_mine").click().run()
    at.button(key="record_save_draft").click().run()
    saved = rec.get_record(rt.store, record_id)
    assert saved.version == 3 and saved.data["notes"] == "mine" and saved.updated_by == rt.user


def test_a_save_includes_what_another_window_typed_and_keeps_what_came_after(rt, new_session):
    first = new_session()
    _, record_id = _open_new_record(first, rt)
    second = new_session()  # a second window on the same record
    type_text(second, _key(record_id, "notes"), "from window two")
    first.text_input(key=_key(record_id, "dbh_cm")).input("12.0").run()
    first.button(key="record_save_draft").click().run()
    saved = rec.get_record(rt.store, record_id)
    assert saved.data["notes"] == "from window two" and saved.data["dbh_cm"] == 12.0
    assert rt.inputs.load(rt.user, f"record:{record_id}") == {}


def test_restore_is_refused_while_there_are_unsaved_changes(rt, new_session):
    at = new_session()
    _, record_id = _open_new_record(at, rt)
    type_text(at, _key(record_id, "notes"), "one")
    at.button(key="record_save_draft").click().run()
    type_text(at, _key(record_id, "notes"), "two, unsaved")
    assert at.button(key="restore_v1").disabled
    assert shown(at, _key(record_id, "notes")) == "two, unsaved"


def test_records_list_filters_survive_a_new_session(rt, new_session):
    at = new_session()
    project, _ = _open_new_record(at, rt)
    rec.import_records(rt.store, project.id, [{"species": "quercus_robur", "notes": f"tree {i}"} for i in range(30)], user=rt.user)
    at.button(key="record_back").click().run()
    search_key = f"in__list_{project.id}__search"
    at.text_input(key=search_key).input("tree 1").run()
    # every word must occur: "tree 1", "tree 10".."tree 19" and "tree 21"
    assert any("1–12 of 12" in m.value for m in at.markdown), [m.value for m in at.markdown]
    again = new_session()
    assert again.text_input(key=search_key).value == "tree 1"


def test_filter_a_choice_field_by_its_label(rt, new_session):
    at = new_session()
    project, _ = _open_new_record(at, rt)
    rec.import_records(rt.store, project.id, [{"species": "quercus_robur"}, {"species": "tilia_cordata"}], user=rt.user)
    at.button(key="record_back").click().run()
    at.selectbox(key=f"in__list_{project.id}__field").set_value("species").run()
    choice = at.selectbox(key=f"in__list_{project.id}__value_of~3a~species")
    assert "English oak" in choice.options
    choice.set_value("quercus_robur").run()
    assert any("1–1 of 1" in m.value for m in at.markdown), [m.value for m in at.markdown]


def test_a_saved_note_shows_the_record_as_it_is_now_after_a_sync_changed_it(rt, new_session):
    """The live text area keeps no copy of its own across runs: once the draft is saved (and
    forgotten), a change that arrives (a sync) shows — not the text this window typed before."""
    at = new_session()
    _, record_id = _open_new_record(at, rt)
    type_text(at, _key(record_id, "notes"), "mine")
    at.button(key="record_save_draft").click().run()
    current = rec.get_record(rt.store, record_id)
    assert current.data["notes"] == "mine"
    rec.save_record(rt.store, record_id, {**current.data, "notes": "merged on the server"}, user="other", status="draft")
    at.run()
    assert sent(at, _key(record_id, "notes"))["value"] == "merged on the server"
    assert shown(at, _key(record_id, "notes")) == "merged on the server"


def test_the_error_summary_counts_what_the_fields_show_and_goes_once_they_are_fixed(rt, new_session):
    at = new_session()
    _, record_id = _open_new_record(at, rt)
    at.text_input(key=_key(record_id, "dbh_cm")).input("-5").run()
    at.text_input(key=_key(record_id, "location")).input("north, east").run()
    at.button(key="record_save_final").click().run()
    summary = [m.value for m in at.markdown if "Not saved" in m.value]
    assert len(summary) == 1 and "4 fields need attention" in summary[0], summary
    for label in ("Species", "Trunk diameter at breast height", "Location", "Health"):
        assert label in summary[0], summary
    assert not any("'location'" in m.value or "'dbh_cm'" in m.value for m in at.markdown)  # labels, not internal names
    assert any("is not a location" in m.value for m in at.markdown)
    at.text_input(key=_key(record_id, "location")).input("48.1374, 11.5755, 5").run()
    summary = [m.value for m in at.markdown if "Not saved" in m.value]
    assert len(summary) == 1 and "3 fields need attention" in summary[0] and "Location" not in summary[0], summary
    at.text_input(key=_key(record_id, "dbh_cm")).input("35.5").run()
    at.selectbox(key=_key(record_id, "species")).set_value("fagus_sylvatica").run()
    summary = [m.value for m in at.markdown if "Not saved" in m.value]
    assert len(summary) == 1 and "needs attention" in summary[0] and "Health" in summary[0], summary
    at.selectbox(key=_key(record_id, "health")).set_value("good").run()
    assert not [m.value for m in at.markdown if "Not saved" in m.value]  # nothing left to fix: the summary went
    stored = rt.inputs.load(rt.user, f"record:{record_id}")
    assert stored[(f"record:{record_id}", "location")] == {"lat": 48.1374, "lon": 11.5755, "accuracy": 5.0}


def test_a_location_is_typed_as_german_writes_numbers(rt, new_session):
    from store.inputs.uistate import UiState, save_ui_state

    at = new_session()
    _, record_id = _open_new_record(at, rt)
    state = load_ui_state(rt.store, rt.user)
    save_ui_state(rt.store, rt.user, UiState(page=state.page, params=state.params, prefs={**state.prefs, "language": "de"}))
    at = new_session()
    field = at.text_input(key=_key(record_id, "location"))
    field.input("48,1374; 11,5755; 5").run()
    stored = rt.inputs.load(rt.user, f"record:{record_id}")
    assert stored[(f"record:{record_id}", "location")] == {"lat": 48.1374, "lon": 11.5755, "accuracy": 5.0}
    again = new_session()
    assert again.text_input(key=_key(record_id, "location")).value == "48,1374; 11,5755; 5"
    again.text_input(key=_key(record_id, "location")).input("Norden").run()
    assert any("ist kein Standort" in m.value and "48,1374; 11,5755; 5" in m.value for m in again.markdown)
    assert rt.inputs.load(rt.user, f"record:{record_id}")[(f"record:{record_id}", "location")] == "Norden"  # kept as typed


def test_a_record_opens_from_the_list_by_keyboard(rt, new_session):
    """The grid cannot be driven by keyboard; the same rows are in a select box that can."""
    at = new_session()
    project, _ = _open_new_record(at, rt)
    rec.import_records(rt.store, project.id, [{"species": "quercus_robur", "notes": "keyboard"}], user=rt.user)
    at.button(key="record_back").click().run()
    (record,) = rec.iter_records(rt.store, project.id)
    [chooser] = [s for s in at.selectbox if s.key.endswith("_open")]
    assert chooser.value is None and any("English oak" in o for o in chooser.options)
    chooser.set_value(record.id).run()
    assert not at.exception
    assert load_ui_state(rt.store, rt.user).page == "record" and load_ui_state(rt.store, rt.user).params["record"] == record.id


def test_discarding_changes_of_a_new_record_saved_once_keeps_it(rt, new_session):
    """Saved untouched (version 1, as its first input would have made it), then edited and
    discarded: only the changes go, not the record the user saved."""
    at = new_session()
    _, record_id = _open_new_record(at, rt)
    at.button(key="record_save_draft").click().run()
    type_text(at, _key(record_id, "notes"), "second thoughts")
    at.button(key="record_discard").click().run()
    assert not rec.get_record(rt.store, record_id).deleted
    assert any("discarded" in m.value for m in at.markdown)


def test_a_refused_save_of_an_untouched_new_record_stores_nothing(rt, new_session):
    at = new_session()
    project, _ = _open_new_record(at, rt)
    at.button(key="record_save_final").click().run()  # required fields are empty: refused
    assert list(rec.iter_records(rt.store, project.id)) == []
    assert any("Not saved" in m.value for m in at.markdown)


def test_saving_an_untouched_new_record_stamps_its_end_once(rt, new_session):
    """ODK's ``end``: the moment of the save, also for a record saved untouched; saving it again
    unchanged writes no version (the stamp alone is no change)."""
    from store.formdef import form_from_json

    form = form_from_json({"title": "Visits", "fields": [
        {"name": "end", "type": "datetime", "read_only": True, "parameters": {"metadata": "end"}},
        {"name": "ended", "type": "text", "calculation": "${end}"},
        {"name": "notes", "type": "text"},
    ]})  # fmt: skip
    project = create_project(rt.store, "Visits", form, user=rt.user)
    at = new_session()
    at.button(key=f"open_{project.id}").click().run()
    at.button(key="new_record").click().run()
    record_id = load_ui_state(rt.store, rt.user).params["record"]
    at.button(key="record_save_draft").click().run()
    saved = rec.get_record(rt.store, record_id)
    assert saved.version == 1 and saved.data["end"] and saved.data["ended"] == saved.data["end"]
    assert any("Saved as draft" in m.value and "version 1" in m.value for m in at.markdown)
    at.button(key="record_save_draft").click().run()
    assert rec.get_record(rt.store, record_id).version == 1
    assert any("unchanged" in m.value.lower() or "nothing" in m.value.lower() for m in at.markdown)


def test_a_form_that_names_its_records_shows_the_name_first(rt, new_session):
    """XLSForm's instance_name: each record's name in the list (and in the keyboard's chooser)."""
    from store.formdef import form_from_json

    form = form_from_json({"title": "Nests", "instance_name": "concat(${site}, ' – ', ${n})", "fields": [
        {"name": "site", "type": "text", "label": "Site"}, {"name": "n", "type": "integer", "label": "Nests"},
    ]})  # fmt: skip
    project = create_project(rt.store, "Nests", form, user=rt.user)
    rec.create_record(rt.store, project.id, {"site": "Moor", "n": 3}, user=rt.user)
    at = new_session()
    at.button(key=f"open_{project.id}").click().run()
    (row,) = _list_rows(at)
    assert list(row)[0] == "Record" and row["Record"] == "Moor – 3"
    [chooser] = [s for s in at.selectbox if s.key.endswith("_open")]
    assert any("Moor – 3" in o for o in chooser.options)
