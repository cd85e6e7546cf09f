"""FormDef: JSON shape and meaning checks, canonical round trip, navigation."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.core.errors import ValidationError
from store.formdef import FIELD_TYPES, Choice, Field, FormDef, FormDefError, form_from_json, form_from_text
from store.formdef.demo import demo_form


def form(*fields: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"title": {"en": "T"}, "fields": list(fields), **extra}


def problems(data: Any) -> list[str]:
    with pytest.raises(FormDefError) as caught:
        form_from_json(data)
    assert isinstance(caught.value, ValidationError)
    return [str(p) for p in caught.value.problems]


def test_a_minimal_form_loads_and_has_defaults() -> None:
    loaded = form_from_json(form({"name": "a", "type": "text"}))
    assert loaded.fields == (Field("a", "text"),)
    assert loaded.title == {"en": "T"} and loaded.default_language == "en"


def test_all_problems_are_reported_at_once() -> None:
    found = problems(
        form(
            {"name": "a", "type": "integr"},
            {"name": "a", "type": "text"},
            {"name": "1x", "type": "text"},
            {"name": "s", "type": "select_one"},
            {"name": "t", "type": "select_one", "choice_list": "nope"},
            {"name": "r", "type": "range", "parameters": {"start": 5, "end": 1}},
            {"name": "q", "type": "range", "parameters": {"step": 0}},
            {"name": "e", "type": "text", "relevant": "${zz} > 1", "constraint": "1 +"},
            {"name": "n", "type": "note", "required": True},
            {"name": "c", "type": "integer", "parameters": {"colour": "red"}},
        )
    )
    text = "\n".join(found)
    for expected in [
        "field 'a', type: 'integr' is not a field type",
        "the name 'a' is used by more than one field",
        "field '1x', name: a name must start with a letter",
        "field 's', choice_list: a select_one field needs a choice list",
        "the choice list 'nope' does not exist",
        "the start of a range must be smaller than its end",
        "the step of a range must be greater than 0",
        "refers to ${zz}, but the form has no field 'zz'",
        "field 'e', constraint: The expression has nothing more where a value should be (at character 4).",
        "a note holds no value, so it cannot have 'required'",
        "'colour' is not a setting of a integer field",
    ]:
        assert expected in text, expected
    assert len(found) == 11


def test_a_field_named_like_a_location_column_is_refused() -> None:
    found = problems(form({"name": "loc", "type": "geopoint"}, {"name": "loc_lat", "type": "decimal"}, {"name": "loc_x", "type": "text"}))
    assert found == ["field 'loc_lat', name: the name 'loc_lat' is taken by the lat column of the location field 'loc'"]


def test_shape_problems_name_the_place() -> None:
    found = problems({"title": "", "fields": [{"type": "text"}, "x", {"name": "b", "type": "text", "requried": True}], "zzz": 1})
    assert "form: has an unknown key 'zzz'" in found
    assert "title: the form needs a title" in found
    assert "field 1 (no name): needs a 'name'" in found
    assert "field 2: must be an object with 'name' and 'type'" in found
    assert "field 'b': has an unknown key 'requried'" in found
    assert problems([1]) == ["form: must be a JSON object with 'title' and 'fields'"]


def test_calculation_cycles_are_rejected_at_load() -> None:
    found = problems(
        form(
            {"name": "a", "type": "integer", "calculation": "${b} + 1"},
            {"name": "b", "type": "integer", "calculation": "${c} + 1"},
            {"name": "c", "type": "integer", "calculation": "${a} + 1"},
        )
    )
    assert found == ["field 'a': calculations or relevance conditions depend on each other in a circle: a → b → c → a"]
    assert "x → x" in problems(form({"name": "x", "type": "integer", "calculation": "${x} + 1"}))[0]
    # relevance through a group counts too
    assert (
        "circle"
        in problems(form({"name": "g", "type": "group", "relevant": "${y} > 1", "children": [{"name": "y", "type": "integer"}]}))[
            0
        ]
    )


def test_expression_rules() -> None:
    found = problems(
        form(
            {"name": "g", "type": "group", "children": [{"name": "n", "type": "note"}]},
            {"name": "a", "type": "integer", "relevant": ". > 1", "calculation": "${g} + ${n}"},
        )
    )
    assert "field 'a', relevant: '.' (this field's value) can only be used in a constraint; use ${name} here" in found
    assert "field 'a', calculation: refers to ${g}, a group, which holds no value" in found
    assert "field 'a', calculation: refers to ${n}, a note, which holds no value" in found


def test_defaults_must_fit_their_field() -> None:
    found = problems(
        form(
            {"name": "a", "type": "integer", "default": "x"},
            {"name": "b", "type": "date", "default": "31.12.2024x"},
            {"name": "c", "type": "select_one", "choice_list": "l", "default": "zz"},
            {"name": "d", "type": "date", "default": "today()"},
            choice_lists={"l": [{"name": "x"}]},
        )
    )
    assert len(found) == 3
    assert any("field 'c', default: 'zz' is not a choice of list 'l'" == p for p in found)


def test_choice_list_problems() -> None:
    found = problems(
        form(
            {"name": "s", "type": "select_one", "choice_list": "l"},
            {"name": "m", "type": "select_multiple", "choice_list": "multi"},
            choice_lists={
                "l": [{"name": "a b"}, {"name": "x"}, {"name": "x"}, {"name": " y"}],
                "e": [],
                "multi": [{"name": "a b"}],
            },
        )
    )
    assert "choice list 'l', choice 3: the choice name 'x' is used twice" in found
    assert (
        "choice list 'l', choice 4: the choice name ' y' must be 1 to 200 characters, without a space at its start or end, on one line"
        in found
    )
    assert not [p for p in found if "'a b'" in p and "choice list 'l'" in p]  # a select_one's choice may hold a space (XLSForm)
    assert (
        "choice list 'multi', choice 1: the choice name 'a b' contains a space, and the list is used by a select_multiple, "
        "whose answers are separated by spaces"
    ) in found
    assert problems(form({"name": "s", "type": "select_one", "choice_list": "e"}, choice_lists={"e": []})) == [
        "choice list 'e': has no choices"
    ]


def test_loads_reports_bad_json_with_line_and_column() -> None:
    with pytest.raises(FormDefError) as caught:
        form_from_text('{"title": "T",\n  "fields": [}')
    problem = caught.value.problems[0]
    assert problem.row == 2 and "line 2, column 14" in problem.message
    assert str(caught.value).startswith("The form definition has a problem: form file: is not valid JSON")
    with pytest.raises(FormDefError, match="nested too deeply|not valid JSON"):
        form_from_text("[" * 100_000)
    with pytest.raises(FormDefError, match="must contain a JSON object"):
        form_from_text("[]")


def test_summary_sentence_counts_problems() -> None:
    with pytest.raises(FormDefError) as caught:
        form_from_json(form({"name": "a", "type": "x"}, {"name": "b", "type": "y"}))
    assert (
        str(caught.value)
        == "The form definition has 2 problems; the first is: field 'a', type: 'x' is not a field type Fieldbook knows."
    )


def test_plain_strings_are_texts_in_the_default_language() -> None:
    loaded = form_from_json(
        {"title": "Bäume", "default_language": "de", "fields": [{"name": "a", "type": "text", "label": "Art"}]}
    )
    assert loaded.title == {"de": "Bäume"} and loaded.fields[0].label == {"de": "Art"}


def test_navigation() -> None:
    demo = demo_form()
    names = [f.name for f in demo.walk()]
    assert names.index("measurements") < names.index("dbh_cm") < names.index("height_m") < names.index("health")
    assert "measurements" not in [f.name for f in demo.value_fields()]
    assert "intro" not in [f.name for f in demo.value_fields()]
    assert demo.field("dbh_cm").type == "decimal"
    with pytest.raises(KeyError):
        demo.field("nope")
    assert [c.name for c in demo.choices(demo.field("health"))] == ["good", "fair", "poor", "dead"]
    assert demo.choices(demo.field("notes")) == ()
    assert demo.parent_of("dbh_cm") == demo.field("measurements") and demo.parent_of("species") is None
    assert demo.languages == ["en", "de"]


def test_forms_and_fields_can_be_cache_keys() -> None:
    assert hash(demo_form()) == hash(demo_form())
    assert len({demo_form().field("species"), demo_form().field("species")}) == 1
    assert {demo_form(): 1}[demo_form()] == 1


def test_text_falls_back() -> None:
    demo = demo_form()
    assert demo.text({"en": "A", "de": "B"}, "de") == "B"
    assert demo.text({"en": "A"}, "fr") == "A"
    assert demo.text({"it": "C"}, "de") == "C"
    assert demo.text({}, "de") == ""


def test_demo_round_trips_canonically() -> None:
    demo = demo_form()
    assert form_from_text(demo.dumps()) == demo
    assert form_from_text(demo.dumps()).dumps() == demo.dumps()
    assert json.loads(demo.dumps()) == demo.to_json()


# --- generated forms ---------------------------------------------------------------------

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
TEXTS = st.dictionaries(st.sampled_from(["en", "de", "fr"]), st.text(min_size=1, max_size=20), max_size=3)
SIMPLE = [t for t in FIELD_TYPES if t not in ("group", "repeat", "select_one", "select_multiple", "range")]
CONTAINERS = ("group", "repeat")


@st.composite
def forms(draw: st.DrawFn) -> FormDef:
    names = draw(st.lists(NAMES, min_size=1, max_size=12, unique=True))
    choices = tuple(Choice(n, draw(TEXTS)) for n in draw(st.lists(NAMES, min_size=1, max_size=5, unique=True)))
    fields: list[Field] = []
    for name in names:
        kind = draw(st.sampled_from([*SIMPLE, "select_one", "select_multiple", "range", *CONTAINERS]))
        common: dict[str, Any] = {"label": draw(TEXTS), "hint": draw(TEXTS)}
        if kind == "repeat":
            common["parameters"] = draw(st.sampled_from([{}, {"min": 1}, {"max": 3}, {"min": 0, "max": 2}]))
        if kind not in ("note", *CONTAINERS):
            common["required"] = draw(st.booleans())
            if fields and fields[-1].type == "integer":
                common["relevant"] = f"${{{fields[-1].name}}} > {draw(st.integers(-5, 5))}"
        if kind in ("select_one", "select_multiple"):
            common["choice_list"] = "l"
        if kind == "range":
            common["parameters"] = {"start": 0, "end": draw(st.integers(1, 100)), "step": 1}
        if kind == "integer":
            common["constraint"] = ". >= 0"
            common["constraint_message"] = draw(TEXTS)
            common["default"] = draw(st.none() | st.integers(0, 1000))
        item = Field(name, kind, **common)
        if fields and fields[-1].type in CONTAINERS and kind not in CONTAINERS and draw(st.booleans()):
            last = fields[-1]
            fields[-1] = dataclasses.replace(last, children=(*last.children, item))
        else:
            fields.append(item)
    return FormDef(title={"en": draw(st.text(min_size=1, max_size=10))}, fields=tuple(fields), choice_lists={"l": choices})


@settings(max_examples=80, deadline=None)
@given(forms())
def test_generated_forms_round_trip(generated: FormDef) -> None:
    loaded = form_from_json(json.loads(json.dumps(generated.to_json())))
    assert loaded == form_from_json(generated.to_json())
    again = form_from_text(loaded.dumps())
    assert again == loaded and again.dumps() == loaded.dumps()
    assert [f.name for f in again.walk()] == [f.name for f in generated.walk()]


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=6), c, max_size=4),
        max_leaves=20,
    )
)
def test_arbitrary_json_is_either_a_form_or_a_form_def_error(data: Any) -> None:
    try:
        form_from_json(data)
    except FormDefError as exc:
        assert exc.problems
