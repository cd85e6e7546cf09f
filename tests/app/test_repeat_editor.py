"""A repeat in the record editor (AppTest): add entries, type into them, move and remove one,
save; each entry's rules and messages are its own, and a count gives exactly that many."""

from __future__ import annotations

import re

from store.fielddata import records as rec
from store.fielddata.projects import create_project
from store.formdef import form_from_json
from store.inputs.uistate import load_ui_state

FORM = form_from_json({
    "title": {"en": "Visits"},
    "fields": [
        {"name": "site", "type": "text", "label": "Site"},
        {"name": "visits", "type": "repeat", "label": {"en": "Visit", "de": "Besuch"}, "children": [
            {"name": "kind", "type": "select_one", "choice_list": "kinds", "label": "Kind", "required": True},
            {"name": "height", "type": "integer", "label": "Height", "relevant": "${kind} = 'tree'", "constraint": ". < 100"},
            {"name": "place", "type": "integer", "label": "Place", "calculation": "position()"},
        ]},
        {"name": "total", "type": "integer", "label": "Total", "calculation": "sum(${height})"},
        {"name": "people", "type": "integer", "label": "People"},
        {"name": "person", "type": "repeat", "label": "Person", "parameters": {"count": "${people}"}, "children": [
            {"name": "age", "type": "integer", "label": "Age"},
        ]},
    ],
    "choice_lists": {"kinds": [{"name": "tree", "label": "Tree"}, {"name": "bush", "label": "Bush"}]},
})  # fmt: skip


def _widget(record_id: str, key: str) -> str:
    return f"in__record_{record_id}__" + re.sub(r"[^A-Za-z0-9_-]", lambda m: f"~{ord(m.group()):x}~", key)


def _open_new(at, rt):
    project = create_project(rt.store, "Visits", FORM, user=rt.user)
    at.run()
    at.button(key=f"open_{project.id}").click().run()
    at.button(key="new_record").click().run()
    assert not at.exception
    return project, load_ui_state(rt.store, rt.user).params["record"]


def _ids(rt, record_id: str, repeat: str = "visits") -> list[str]:
    scope = f"record:{record_id}"
    return rt.inputs.load(rt.user, scope)[(scope, f"{repeat}~entries")]


def _add(at) -> None:
    at.button(key="add-visits").click().run()
    assert not at.exception


def test_entries_are_added_typed_into_moved_removed_and_saved(rt, new_session):
    at = new_session()
    _, record_id = _open_new(at, rt)
    _add(at)
    _add(at)
    _add(at)
    ids = _ids(rt, record_id)
    assert len(ids) == 3 and rec.get_record(rt.store, record_id).version == 1  # "Add" is a first input: the record exists
    for entry_id, kind in zip(ids, ["tree", "bush", "tree"], strict=True):
        at.selectbox(key=_widget(record_id, f"visits~{entry_id}~kind")).select(kind).run()
    at.text_input(key=_widget(record_id, f"visits~{ids[0]}~height")).input("12").run()
    at.text_input(key=_widget(record_id, f"visits~{ids[2]}~height")).input("150").run()
    assert any("not allowed" in m.value for m in at.markdown)  # the third entry's own constraint
    assert any("**Total**: 162" in m.value for m in at.markdown)
    at.text_input(key=_widget(record_id, f"visits~{ids[2]}~height")).input("30").run()
    at.button(key=f"up-visits-{ids[2]}").click().run()  # the third entry becomes the second
    at.button(key=f"remove-visits-{ids[1]}").click().run()  # the bush goes
    assert _ids(rt, record_id) == [ids[0], ids[2]]
    at.button(key="record_save_final").click().run()
    assert not at.exception
    saved = rec.get_record(rt.store, record_id)
    assert saved.status == "final"
    assert saved.data["visits"] == [{"kind": "tree", "height": 12, "place": 1}, {"kind": "tree", "height": 30, "place": 2}]
    assert saved.data["total"] == 42
    again = new_session()  # what was saved is shown again, each entry in its place
    assert again.text_input(key=_widget(record_id, "visits~s2~height")).value == "30"


def test_a_required_field_in_an_entry_blocks_a_final_save_and_is_named(rt, new_session):
    at = new_session()
    _, record_id = _open_new(at, rt)
    _add(at)
    at.button(key="record_save_final").click().run()
    assert rec.get_record(rt.store, record_id).status != "final"
    assert any("Visit 1 › Kind" in m.value for m in at.markdown)
    at.button(key="record_save_draft").click().run()
    assert rec.get_record(rt.store, record_id).data["visits"] == [{"place": 1}]


def test_a_count_gives_that_many_entries_and_a_lower_count_offers_to_remove_the_rest(rt, new_session):
    at = new_session()
    _, record_id = _open_new(at, rt)
    at.text_input(key=_widget(record_id, "people")).input("3").run()
    for position in (1, 2, 3):
        at.text_input(key=_widget(record_id, f"person~p{position}~age")).input(str(20 + position)).run()
    assert not [b for b in at.button if b.key.startswith("add-person")]  # the count decides, not the person
    at.text_input(key=_widget(record_id, "people")).input("2").run()
    assert any("asks for 2 entries" in m.value for m in at.markdown)
    at.button(key="drop-person").click().run()
    assert not any("asks for 2 entries" in m.value for m in at.markdown)
    at.button(key="record_save_draft").click().run()
    assert rec.get_record(rt.store, record_id).data["person"] == [{"age": 21}, {"age": 22}]
    at.text_input(key=_widget(record_id, "people")).input("3").run()  # a third again: empty, not the old one
    assert at.text_input(key=_widget(record_id, "person~p3~age")).value in (None, "")


def test_keep_mine_is_refused_when_the_newer_version_changed_the_entries_too(rt, new_session):
    project = create_project(rt.store, "Visits", FORM, user=rt.user)
    record = rec.create_record(rt.store, project.id, {"visits": [{"kind": "tree"}, {"kind": "bush"}]}, user=rt.user)
    from store.inputs.uistate import UiState, save_ui_state

    save_ui_state(rt.store, rt.user, UiState(page="record", params={"record": record.id}, prefs={"project": project.id}))
    at = new_session()
    at.selectbox(key=_widget(record.id, "visits~s2~kind")).select("tree").run()  # the second entry, in this window
    rec.save_record(rt.store, record.id, {"visits": [{"kind": "bush"}]}, user="other", status="draft", expected_version=record.version)  # the first went elsewhere
    at.run()
    assert at.selectbox(key=_widget(record.id, "visits~s2~kind")).value == "tree"  # what was typed stays in view
    at.button(key="record_keep_mine").click().run()
    assert any("changed the entries of Visit as well" in m.value for m in at.markdown)
    scope = f"record:{record.id}"
    assert rt.inputs.load(rt.user, scope)[(scope, "~base")] == 1  # not built on version 2: the tree would go into the bush
