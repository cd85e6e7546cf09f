"""The form editor: its pure edit functions, and the page in Streamlit's AppTest on a real store.

What matters most: the draft lives in the store (a new session — a reload — shows it), a refused
edit changes nothing and keeps what was typed, publishing adds a version and leaves records of
older versions as they were.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.views import form_editor_ops as ops
from app.views.form_editor_state import add_scope, draft_scope, edit_scope
from app.widgets import widget_key
from store.fielddata.projects import Project, add_form_version, create_project, form_versions, load_form
from store.fielddata.records import create_record, get_record
from store.formdef import FIELD_TYPES, FormDefError, form_from_json
from store.formdef.demo import demo_form
from store.inputs.uistate import UiState, save_ui_state
from store.inputs.widgets import InputStore

# -- the pure functions ------------------------------------------------------------------------


def test_rows_follow_form_order_with_groups_indented() -> None:
    rows = ops.field_rows(demo_form(), "de")
    names = [r.name for r in rows]
    assert names[:6] == ["intro", "species", "observed_on", "location", "measurements", "dbh_cm"]
    dbh = rows[names.index("dbh_cm")]
    assert dbh.depth == 1 and dbh.first and dbh.required and dbh.constraint and not dbh.relevant
    assert rows[names.index("height_m")].last
    assert rows[names.index("species")].label == "Baumart"
    assert rows[names.index("crown_damage")].relevant


def test_new_select_field_gets_its_own_choice_list() -> None:
    form = ops.new_field(demo_form(), "select_one", "soil", "Soil", "Boden", group="measurements")
    soil = form.field("soil")
    assert form.parent_of("soil").name == "measurements"  # type: ignore[union-attr]
    assert soil.label == {"en": "Soil", "de": "Boden"} and soil.choice_list == "soil"
    assert [c.name for c in form.choices(soil)] == ["option_1"]


@pytest.mark.parametrize("name", ["", "has space", "species"])
def test_new_field_with_a_bad_name_is_refused(name: str) -> None:
    with pytest.raises(FormDefError) as caught:
        ops.new_field(demo_form(), "text", name, "x", "x")
    assert caught.value.problems


def test_unchanged_panel_changes_nothing() -> None:
    form = ops.new_field(ops.new_field(demo_form(), "range", "bare_range", "R", ""), "select_multiple", "tags", "", "")
    for item in form.walk():
        assert ops.same_form(ops.apply_edit(form, ops.field_values(form, item.name)), form), item.name


def test_edit_keeps_other_languages_and_renames_references() -> None:
    base = form_from_json({**demo_form().to_json(), "title": {"en": "T"}})
    values = ops.field_values(base, "dbh_cm")
    values.update(name="dbh", label_en="Diameter (cm)", label_de="", default="12,5", required=False)
    form = ops.apply_edit(base, values)
    dbh = form.field("dbh")
    assert dbh.label == {"en": "Diameter (cm)"} and dbh.default == 12.5 and not dbh.required
    assert form.field("circumference_cm").calculation == "round(${dbh} * 3.14159, 1)"


def test_bad_expression_is_refused_with_a_plain_reason() -> None:
    values = ops.field_values(demo_form(), "notes")
    values["relevant"] = "${no_such_field} = 'x'"
    with pytest.raises(FormDefError) as caught:
        ops.apply_edit(demo_form(), values)
    assert any("no_such_field" in line for line in ops.problem_lines(caught.value))


def test_range_parameters_and_choices_edit() -> None:
    form = demo_form()
    values = ops.field_values(form, "height_m")
    values.update(range_start="0", range_end="40,5", range_step="0.5")
    assert ops.apply_edit(form, values).field("height_m").parameters == {"start": 0, "end": 40.5, "step": 0.5}
    values = ops.field_values(form, "health")
    values["choices"] = [*values["choices"][:2], {"name": "", "en": "ignored", "de": ""}, {"name": "stump", "en": "Stump", "de": "Stumpf"}]
    edited = ops.apply_edit(form, values)
    assert [c.name for c in edited.choices(edited.field("health"))] == ["good", "fair", "stump"]
    assert edited.choices(edited.field("health"))[2].label == {"en": "Stump", "de": "Stumpf"}


def test_a_choice_filter_and_the_columns_it_uses_are_edited_and_kept() -> None:
    cascade = {
        "title": "Cascade",
        "fields": [
            {"name": "region", "type": "select_one", "choice_list": "regions"},
            {"name": "district", "type": "select_one", "choice_list": "districts", "choice_filter": "region = ${region}"},
        ],
        "choice_lists": {
            "regions": [{"name": "north"}, {"name": "south"}],
            "districts": [{"name": "hill", "data": {"region": "north"}}, {"name": "lake", "data": {"region": "south"}}],
        },
    }
    form = form_from_json(cascade)
    assert ops.same_form(ops.apply_edit(form, ops.field_values(form, "district")), form)  # nothing lost untouched
    values = ops.field_values(form, "district")
    assert values["choice_filter"] == "region = ${region}"
    assert values["choices"][0] == {"name": "hill", "en": "", "de": "", "data.region": "north"}
    assert ops.choice_columns(values["choices"]) == ("name", "en", "de", "data.region")
    values["choices"] = [*values["choices"], {"name": "moor", "en": "Moor", "de": "Moor", "data.region": "north"}]
    values["choice_filter"] = "region = ${region} or region = ''"
    edited = ops.apply_edit(form, values)
    district = edited.field("district")
    assert district.choice_filter == "region = ${region} or region = ''"
    assert [dict(c.data) for c in edited.choices(district)] == [{"region": "north"}, {"region": "south"}, {"region": "north"}]
    values["choice_filter"] = "nowhere = ${region}"
    with pytest.raises(FormDefError) as caught:
        ops.apply_edit(form, values)
    assert any("nowhere" in line for line in ops.problem_lines(caught.value))


def test_move_to_group_and_back() -> None:
    form = ops.move_to_group(demo_form(), "notes", "measurements")
    assert form.parent_of("notes").name == "measurements"  # type: ignore[union-attr]
    assert [f.name for f in form.field("measurements").children][-1] == "notes"
    back = ops.move_to_group(form, "notes", ops.TOP)
    assert back.parent_of("notes") is None and back.fields[-1].name == "notes"
    assert "measurements" not in ops.groups(form, exclude="measurements")


def test_a_repeat_is_added_and_fields_go_into_it_and_are_edited_there() -> None:
    form = ops.new_field(demo_form(), "repeat", "visits", "Visits", "Besuche")
    assert form.field("visits").type == "repeat" and "visits" in ops.groups(form)
    form = ops.new_field(form, "integer", "count", "Count", "Anzahl", group="visits")
    form = ops.move_to_group(form, "notes", "visits")
    assert [f.name for f in form.field("visits").children] == ["count", "notes"]
    values = ops.field_values(form, "count")
    values["label_en"] = "How many"
    edited = ops.apply_edit(form, values)  # an edit reaches a field inside a repeat
    assert edited.field("count").label["en"] == "How many" and edited.parent_of("count").name == "visits"  # type: ignore[union-attr]
    assert form_from_json(edited.to_json()) == edited


def test_table_editor_delta() -> None:
    rows = [{"name": "a", "en": "A", "de": "A"}, {"name": "b", "en": "B", "de": "B"}]
    delta = {"edited_rows": {0: {"en": "Aa"}}, "deleted_rows": [1], "added_rows": [{"name": "c", "en": None}]}
    assert ops.apply_editor_delta(rows, delta, ("name", "en", "de")) == [
        {"name": "a", "en": "Aa", "de": "A"},
        {"name": "c", "en": "", "de": ""},
    ]


def test_undo_stack_is_bounded() -> None:
    stack: list[Any] = []
    for n in range(ops.UNDO_DEPTH + 5):
        stack = ops.push_undo(stack, n)
    assert len(stack) == ops.UNDO_DEPTH and stack[-1] == ops.UNDO_DEPTH + 4


# -- the page ----------------------------------------------------------------------------------


@pytest.fixture
def project(rt) -> Project:
    made = create_project(rt.store, "Trees", demo_form(), user="tester", source="demo")
    save_ui_state(rt.store, "tester", UiState(page="form", params={"project": made.id}, prefs={"project": made.id}))
    return made


def _type(at, scope: str, key: str, text: str):
    return at.text_input(key=widget_key(scope, key)).input(text).run()


def _stored(rt, scope: str, key: str) -> Any:
    return InputStore(rt.store).load("tester").get((scope, key))


def _problems(at) -> str:
    """Every text of the page, as shown (markdown escapes removed)."""
    return " ".join(m.value for m in at.markdown).replace("\\", "")


def test_without_a_project_the_page_says_so(new_session, rt) -> None:
    at = new_session(page="form")
    assert not at.exception
    assert any("Choose a project" in i.value for i in at.info)


def test_add_field_is_a_draft_until_published(new_session, rt, project: Project) -> None:
    record = create_record(rt.store, project.id, {"notes": "old"}, user="tester")
    at = new_session()
    assert not at.exception
    assert at.button(key="fe_publish").disabled and at.button(key="fe_publish").label == "Publish as version 2"
    scope = add_scope(project.id)
    at.selectbox(key=widget_key(scope, "type")).select_index(FIELD_TYPES.index("integer")).run()
    _type(at, scope, "name", "crew_size")
    _type(at, scope, "label_en", "Crew size")
    _type(at, scope, "label_de", "Teamgröße")
    at.button(key="fe_add").click().run()
    assert not at.exception
    draft = form_from_json(_stored(rt, draft_scope(project.id), "draft"))
    assert draft.field("crew_size").type == "integer" and draft.field("crew_size").label["de"] == "Teamgröße"
    assert load_form(rt.store, project.id)[0] == 1  # nothing published yet
    assert at.text_input(key=widget_key(scope, "name")).value == ""  # ready for the next one

    again = new_session()  # a reload: the draft is still there
    assert "fe_up_crew_size" in [b.key for b in again.button]
    assert not again.button(key="fe_publish").disabled
    again.button(key="fe_publish").click().run()
    assert not again.exception
    version, published = load_form(rt.store, project.id)
    assert version == 2 and published.field("crew_size").label["en"] == "Crew size"
    assert [(v.version, v.source) for v in form_versions(rt.store, project.id)] == [(1, "demo"), (2, "editor")]
    assert _stored(rt, draft_scope(project.id), "draft") is None
    assert get_record(rt.store, record.id).form_version == 1  # records keep their version
    assert any("Published as version 2" in m.value for m in again.markdown)
    assert list(again.table[0].value["Version"]) == [2, 1]


def test_edit_panel_applies_and_refuses_without_losing_input(new_session, rt, project: Project) -> None:
    at = new_session()
    at.button(key="fe_edit_notes").click().run()
    scope = edit_scope(project.id)
    _type(at, scope, "label_en", "Remarks")
    _type(at, scope, "relevant", "${nowhere} = 1")
    at.button(key="fe_apply").click().run()
    assert not at.exception
    assert "nowhere" in _problems(at) and "Not changed" in _problems(at)
    assert _stored(rt, draft_scope(project.id), "draft") is None  # the draft did not change

    again = new_session()  # what was typed survives the reload, the panel is still open
    assert again.text_input(key=widget_key(scope, "label_en")).value == "Remarks"
    assert again.text_input(key=widget_key(scope, "relevant")).value == "${nowhere} = 1"
    _type(again, scope, "relevant", "${health} = 'poor'")
    again.button(key="fe_apply").click().run()
    draft = form_from_json(_stored(rt, draft_scope(project.id), "draft"))
    assert draft.field("notes").label == {"en": "Remarks", "de": "Bemerkungen"}
    assert draft.field("notes").relevant == "${health} = 'poor'"
    assert "Changes to notes are in the draft" in _problems(again)


def test_move_remove_undo_and_discard(new_session, rt, project: Project) -> None:
    at = new_session()
    at.button(key="fe_up_notes").click().run()
    at.button(key="fe_remove_intro").click().run()
    draft = form_from_json(_stored(rt, draft_scope(project.id), "draft"))
    assert [f.name for f in draft.fields][-2:] == ["notes", "photo"] and "intro" not in [f.name for f in draft.fields]
    at.button(key="fe_remove_dbh_cm").click().run()  # the circumference is calculated from it
    assert "circumference_cm" in _problems(at)
    at.button(key="fe_undo").click().run()
    draft = form_from_json(_stored(rt, draft_scope(project.id), "draft"))
    assert draft.fields[0].name == "intro"
    at.button(key="fe_discard").click().run()
    assert _stored(rt, draft_scope(project.id), "draft") is None
    assert at.button(key="fe_publish").disabled
    at.button(key="fe_undo").click().run()  # even a discarded draft comes back
    assert form_from_json(_stored(rt, draft_scope(project.id), "draft")).fields[-2].name == "notes"


def test_panel_moves_a_field_into_a_group_and_unchanged_apply_stores_nothing(new_session, rt, project: Project) -> None:
    at = new_session()
    at.button(key="fe_edit_notes").click().run()
    at.button(key="fe_apply").click().run()
    assert "Nothing changed." in _problems(at) and _stored(rt, draft_scope(project.id), "undo") is None
    group = at.selectbox(key=widget_key(edit_scope(project.id), "group"))
    assert group.options == ["(no group)", "Measurements (measurements)"]
    group.select_index(1).run()
    at.button(key="fe_apply").click().run()
    draft = form_from_json(_stored(rt, draft_scope(project.id), "draft"))
    assert draft.parent_of("notes").name == "measurements"  # type: ignore[union-attr]
    assert at.button(key="fe_down_notes").disabled  # the last field of its group now


def test_draft_started_before_another_version_says_so(new_session, rt, project: Project) -> None:
    at = new_session()
    at.button(key="fe_remove_photo").click().run()
    add_form_version(rt.store, project.id, demo_form(), user="someone", source="json")
    again = new_session()
    assert "Draft started from version 1; version 2 has been added since." in _problems(again)
    assert again.button(key="fe_publish").label == "Publish as version 3"
    again.button(key="fe_publish").click().run()
    assert "photo" not in [f.name for f in load_form(rt.store, project.id)[1].walk()]


def test_unreadable_draft_offers_discard(new_session, rt, project: Project) -> None:
    InputStore(rt.store).persist("tester", draft_scope(project.id), "draft", {"title": {"en": "x"}, "fields": "nope"})
    at = new_session()
    assert not at.exception
    assert "cannot be used any more" in _problems(at)
    assert at.button(key="fe_publish").disabled and not at.button(key="fe_discard").disabled
    at.button(key="fe_discard").click().run()
    assert "fe_up_notes" in [b.key for b in at.button]


def test_german(new_session, rt, project: Project) -> None:
    save_ui_state(rt.store, "tester", UiState(page="form", params={"project": project.id}, prefs={"language": "de", "project": project.id}))
    at = new_session()
    assert at.button(key="fe_publish").label == "Als Version 2 veröffentlichen"
    assert "Baumart" in _problems(at)
    assert list(at.table[0].value.columns) == ["Version", "Veröffentlicht", "Von", "Erstellt mit", "Felder"]


def test_every_text_in_both_languages() -> None:
    from app.i18n.forms import TEXTS

    assert all(entry.get("en") and entry.get("de") for entry in TEXTS.values())


def test_a_metadata_field_offers_no_rule_to_set(new_session, rt) -> None:
    """ODK's start, end, device…: recorded, never answered. The panel says so and offers no
    condition, required, constraint, default or calculation that could never be met."""
    form = form_from_json({"title": "Visits", "fields": [
        {"name": "start", "type": "datetime", "read_only": True, "parameters": {"metadata": "start"}},
        {"name": "notes", "type": "text"},
    ]})  # fmt: skip
    made = create_project(rt.store, "Visits", form, user="tester")
    save_ui_state(rt.store, "tester", UiState(page="form", params={"project": made.id}, prefs={"project": made.id}))
    at = new_session()
    at.button(key="fe_edit_start").click().run()
    assert not at.exception
    scope = edit_scope(made.id)
    keys = {w.key for w in (*at.text_input, *at.checkbox, *at.text_area)}
    assert not keys & {widget_key(scope, k) for k in ("relevant", "required", "constraint", "default", "calculation")}
    assert any("Recorded by Fieldbook (start)" in c.value for c in at.caption)
    _type(at, scope, "label_en", "Started")
    at.button(key="fe_apply").click().run()
    draft = form_from_json(_stored(rt, draft_scope(made.id), "draft"))
    assert draft.field("start").label["en"] == "Started" and draft.field("start").metadata == "start"
