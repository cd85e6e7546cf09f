"""Form editor operations: each returns a new checked form or refuses with the reasons."""

from __future__ import annotations

import pytest

from store.formdef import Choice, Field, FormDef, FormDefError, form_from_json, form_from_text
from store.formdef.demo import demo_form
from store.formdef.edit import add_field, move_field, remove_choices, remove_field, rename_field, set_choices, update_field


def names(form: FormDef) -> list[str]:
    return [f.name for f in form.walk()]


def test_add_field_at_the_end_after_a_sibling_and_into_a_group() -> None:
    demo = demo_form()
    at_end = add_field(demo, Field("tag", "text"))
    assert names(at_end)[-1] == "tag"
    after = add_field(demo, Field("tag", "text"), after="species")
    assert names(after)[names(after).index("species") + 1] == "tag"
    grouped = add_field(demo, Field("bark", "text"), group="measurements")
    assert (
        grouped.parent_of("bark") == grouped.field("measurements") and grouped.field("measurements").children[-1].name == "bark"
    )
    inside = add_field(demo, Field("bark", "text"), after="dbh_cm")
    assert [c.name for c in inside.field("measurements").children] == ["dbh_cm", "bark", "circumference_cm", "height_m"]
    assert demo == demo_form()  # the original is untouched


def test_add_field_refusals() -> None:
    demo = demo_form()
    with pytest.raises(FormDefError, match="a field with this name already exists"):
        add_field(demo, Field("species", "text"))
    with pytest.raises(FormDefError, match="is not a group"):
        add_field(demo, Field("x", "text"), group="species")
    with pytest.raises(FormDefError, match="is not in group 'measurements'"):
        add_field(demo, Field("x", "text"), after="species", group="measurements")
    with pytest.raises(FormDefError, match="refers to \\$\\{nope\\}"):
        add_field(demo, Field("x", "text", relevant="${nope} = 1"))
    with pytest.raises(FormDefError, match="does not exist"):
        add_field(demo, Field("x", "text"), after="nope")


def test_update_field() -> None:
    demo = demo_form()
    changed = update_field(demo, "dbh_cm", label={"en": "DBH"}, required=False)
    assert changed.field("dbh_cm").label == {"en": "DBH"} and not changed.field("dbh_cm").required
    with pytest.raises(FormDefError, match="use rename_field"):
        update_field(demo, "dbh_cm", name="x")
    with pytest.raises(FormDefError, match="'colour' is not something a field has"):
        update_field(demo, "dbh_cm", colour="red")
    with pytest.raises(FormDefError, match="The expression has nothing more"):
        update_field(demo, "dbh_cm", constraint=". >")
    with pytest.raises(FormDefError, match="circle"):
        update_field(demo, "dbh_cm", calculation="${circumference_cm} div 3.14159")


def test_rename_updates_references_everywhere() -> None:
    renamed = rename_field(demo_form(), "dbh_cm", "diameter")
    assert renamed.field("circumference_cm").calculation == "round(${diameter} * 3.14159, 1)"
    assert "dbh_cm" not in names(renamed)
    renamed = rename_field(demo_form(), "health", "vitality")
    assert renamed.field("crown_damage").relevant == "${vitality} != 'good'"
    with pytest.raises(FormDefError, match="already exists"):
        rename_field(demo_form(), "health", "species")
    with pytest.raises(FormDefError, match="a name must start with a letter"):
        rename_field(demo_form(), "health", "1x")


def test_move_within_the_parent_and_stop_at_the_ends() -> None:
    demo = demo_form()
    top = [f.name for f in demo.fields]
    up = move_field(demo, "health", -1)
    assert [f.name for f in up.fields] == top[: top.index("health") - 1] + ["health", "measurements"] + top[
        top.index("health") + 1 :
    ]
    assert [f.name for f in move_field(demo, "intro", -5).fields] == top
    assert [f.name for f in move_field(demo, "intro", 100).fields][-1] == "intro"
    inner = move_field(demo, "height_m", -2)
    assert [c.name for c in inner.field("measurements").children] == ["height_m", "dbh_cm", "circumference_cm"]


def test_remove_refuses_while_referenced() -> None:
    with pytest.raises(FormDefError) as caught:
        remove_field(demo_form(), "dbh_cm")
    assert [str(p) for p in caught.value.problems] == [
        "field 'circumference_cm', calculation: refers to 'dbh_cm', which would be removed; change this first"
    ]
    tall = add_field(demo_form(), Field("tall", "boolean", relevant="${height_m} > 30"))
    with pytest.raises(FormDefError, match="field 'tall', relevant: refers to 'height_m', which would be removed"):
        remove_field(tall, "measurements")  # a group goes with its fields
    smaller = remove_field(demo_form(), "measurements")  # references inside the group go with it
    assert "dbh_cm" not in names(smaller) and "circumference_cm" not in names(smaller)
    assert "notes" not in names(remove_field(demo_form(), "notes"))


def test_set_and_remove_choices() -> None:
    demo = demo_form()
    fewer = set_choices(demo, "health", [Choice("good", {"en": "Good"}), Choice("bad", {"en": "Bad"})])
    assert [c.name for c in fewer.choices(fewer.field("health"))] == ["good", "bad"]
    with pytest.raises(FormDefError, match="used twice"):
        set_choices(demo, "health", [Choice("a"), Choice("a")])
    with pytest.raises(FormDefError, match="has no choices"):
        set_choices(demo, "health", [])
    added = set_choices(demo, "colours", [Choice("red")])
    assert "colours" in added.choice_lists
    assert "colours" not in remove_choices(added, "colours").choice_lists
    with pytest.raises(FormDefError, match="is used by field 'health'"):
        remove_choices(demo, "health")


def test_an_editor_can_build_a_form_from_nothing() -> None:
    form = form_from_json({"title": "New", "fields": []})
    form = add_field(form, Field("plot", "group"))
    form = add_field(form, Field("trees", "integer", constraint=". >= 0"), group="plot")
    form = add_field(form, Field("note", "text", relevant="${trees} > 0"))
    form = move_field(form, "note", -1)
    assert names(form) == ["note", "plot", "trees"]
    assert form_from_text(form.dumps()) == form
