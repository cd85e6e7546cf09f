"""Projects, records list and record editor pages in AppTest: create a project, record a tree
(draft kept across sessions), constraints and required fields, save, history, delete."""

from __future__ import annotations

import datetime as dt

from store.fielddata import records as rec
from store.fielddata.projects import create_project, list_projects
from store.formdef.demo import demo_form
from tests.app.live_text_driver import sent, shown, type_text


def _key(record_id: str, field: str) -> str:
    return f"in__record_{record_id}__{field}"


def _open_new_record(at, rt):
    project = create_project(rt.store, "Trees", demo_form(), user=rt.user)
    at.run()
    at.button(key=f"open_{project.id}").click().run()
    at.button(key="new_record").click().run()
    assert not at.exception
    (record,) = list(rec.iter_records(rt.store, project.id))
    return project, record


def test_create_project_from_the_template(rt, new_session):
    at = new_session()
    at.text_input(key="in__projects__new_name").input("Hedges 2026").run()
    at.radio(key="in__projects__new_source").set_value("template").run()
    at.button(key="create_project").click().run()
    assert not at.exception
    assert [p.name for p in list_projects(rt.store)] == ["Hedges 2026"]
    assert any("created" in m.value for m in at.markdown)
    assert at.text_input(key="in__projects__new_name").value == ""  # ready for the next one


def test_a_bad_form_file_name_is_refused_in_plain_words(rt, new_session):
    at = new_session()
    at.text_input(key="in__projects__new_name").input("X").run()
    at.button(key="create_project").click().run()  # "from a file" without a file
    assert any("Choose a form file first" in m.value for m in at.markdown)
    assert list_projects(rt.store) == []


def test_record_draft_constraint_required_save_and_history(rt, new_session):
    at = new_session()
    project, record = _open_new_record(at, rt)
    at.text_input(key=_key(record.id, "dbh_cm")).input("-5.0").run()
    assert any("0" in m.value and "500" in m.value for m in at.markdown), [m.value for m in at.markdown]
    at.selectbox(key=_key(record.id, "species")).set_value("fagus_sylvatica").run()

    again = new_session()  # a refresh: the draft comes back from the store
    assert again.selectbox(key=_key(record.id, "species")).value == "fagus_sylvatica"
    assert again.text_input(key=_key(record.id, "dbh_cm")).value == "-5"  # the number, shown as people write it

    at.button(key="record_save_final").click().run()
    assert rec.get_record(rt.store, record.id).version == 1  # refused: constraint and required
    assert any("need attention" in m.value for m in at.markdown)
    at.text_input(key=_key(record.id, "dbh_cm")).input("35.5").run()
    at.selectbox(key=_key(record.id, "health")).set_value("good").run()
    at.button(key="record_save_final").click().run()
    assert not at.exception
    saved = rec.get_record(rt.store, record.id)
    assert saved.version == 2 and saved.status == "final"
    assert saved.data["species"] == "fagus_sylvatica" and saved.data["dbh_cm"] == 35.5
    assert saved.data["circumference_cm"] == round(35.5 * 3.14159, 1)  # calculated on save
    assert saved.data["observed_on"] == dt.date.today().isoformat()  # the default
    assert "crown_damage" not in saved.data  # not relevant when health is good
    assert rt.inputs.load(rt.user, f"record:{record.id}") == {}  # the draft was saved, then forgotten
    assert not [w for w in at.multiselect if w.key == _key(record.id, "crown_damage")]  # hidden by relevance

    type_text(at, _key(record.id, "notes"), "leaning")
    at.button(key="record_save_final").click().run()
    assert rec.get_record(rt.store, record.id).version == 3
    history = rec.record_history(rt.store, record.id)
    assert [v.version for v in history] == [3, 2, 1]
    at.button(key="restore_v2").click().run()
    current = rec.get_record(rt.store, record.id)
    assert current.version == 4 and "notes" not in current.data


def test_discard_and_delete(rt, new_session):
    at = new_session()
    _, record = _open_new_record(at, rt)
    type_text(at, _key(record.id, "notes"), "typo")
    before = sent(at, _key(record.id, "notes"))
    at.button(key="record_discard").click().run()
    assert shown(at, _key(record.id, "notes")) == ""
    after = sent(at, _key(record.id, "notes"))  # the page replaces what it shows: a new rev
    assert after["value"] == "" and after["rev"] > before["rev"]
    at.button(key="record_delete").click().run()
    assert rec.get_record(rt.store, record.id).deleted
    at.button(key="record_undelete").click().run()
    assert not rec.get_record(rt.store, record.id).deleted


def test_a_save_based_on_an_old_version_keeps_the_draft(rt, new_session):
    at = new_session()
    _, record = _open_new_record(at, rt)
    type_text(at, _key(record.id, "notes"), "mine")
    rec.save_record(rt.store, record.id, {"notes": "theirs"}, user="other", status="draft")  # another device/tab
    at.button(key="record_save_draft").click().run()
    assert rec.get_record(rt.store, record.id).data == {"notes": "theirs"}
    assert any("other" in m.value for m in at.markdown)
    assert shown(at, _key(record.id, "notes")) == "mine"
    at.button(key="record_keep_mine").click().run()
    at.button(key="record_save_draft").click().run()
    saved = rec.get_record(rt.store, record.id)
    assert saved.version == 3 and saved.data["notes"] == "mine" and saved.updated_by == rt.user


def test_a_save_includes_what_another_window_typed_and_keeps_what_came_after(rt, new_session):
    first = new_session()
    _, record = _open_new_record(first, rt)
    second = new_session()  # a second window on the same record
    type_text(second, _key(record.id, "notes"), "from window two")
    first.text_input(key=_key(record.id, "dbh_cm")).input("12.0").run()
    first.button(key="record_save_draft").click().run()
    saved = rec.get_record(rt.store, record.id)
    assert saved.data["notes"] == "from window two" and saved.data["dbh_cm"] == 12.0
    assert rt.inputs.load(rt.user, f"record:{record.id}") == {}


def test_restore_is_refused_while_there_are_unsaved_changes(rt, new_session):
    at = new_session()
    _, record = _open_new_record(at, rt)
    type_text(at, _key(record.id, "notes"), "one")
    at.button(key="record_save_draft").click().run()
    type_text(at, _key(record.id, "notes"), "two, unsaved")
    assert at.button(key="restore_v1").disabled
    assert shown(at, _key(record.id, "notes")) == "two, unsaved"


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
    _, record = _open_new_record(at, rt)
    type_text(at, _key(record.id, "notes"), "mine")
    at.button(key="record_save_draft").click().run()
    current = rec.get_record(rt.store, record.id)
    assert current.data["notes"] == "mine"
    rec.save_record(rt.store, record.id, {**current.data, "notes": "merged on the server"}, user="other", status="draft")
    at.run()
    assert sent(at, _key(record.id, "notes"))["value"] == "merged on the server"
    assert shown(at, _key(record.id, "notes")) == "merged on the server"
