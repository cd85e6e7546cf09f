"""Cascading selects (issue 16, part 3): a select field's choice_filter, worked out for every choice.

The filter is an expression in which a bare word is a column of the choice being filtered
(``cf = ${state}``, ``selected(${kinds}, name)``); only choices for which it is true are offered.
An answer an earlier change no longer allows is flagged, never dropped.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.formdef import FormDef, FormDefError, form_from_json
from store.formdef.edit import remove_field, rename_field
from store.formdef.evaluate import clean_for_save, evaluate_record, offered
from store.formdef.expr import Column, ExpressionError, columns, evaluate, parse
from store.formdef.plan import plan_for
from store.formdef.xlsform import import_xlsform
from tests.formdef.test_expr import LEAVES, VALUES, _combine
from tests.formdef.workbooks import workbook

TODAY = dt.date(2026, 5, 15)
NOW = dt.datetime(2026, 5, 15, 10, 30)
COUNTIES = [
    {"name": "king", "label": {"en": "King (WA)"}, "data": {"cf": "washington"}},
    {"name": "pierce", "data": {"cf": "washington"}},
    {"name": "king", "label": {"en": "King (TX)"}, "data": {"cf": "texas"}},
    {"name": "cameron", "label": {"en": "Cameron", "de": "Kameron"}, "data": {"cf": "texas"}},
]


def cascading(**county: Any) -> dict[str, Any]:
    return {
        "title": "Cascade",
        "fields": [
            {"name": "state", "type": "select_one", "choice_list": "states"},
            {"name": "county", "type": "select_one", "choice_list": "counties", "choice_filter": "cf = ${state}", **county},
        ],
        "choice_lists": {"states": [{"name": "texas"}, {"name": "washington"}], "counties": copy.deepcopy(COUNTIES)},
    }


def run(form: FormDef, values: dict[str, Any]) -> Any:
    return evaluate_record(form, values, today=TODAY, now=NOW)


def names(result: Any) -> dict[str, tuple[str, ...]]:
    """What each filtered select offers, by choice name."""
    return {field: tuple(c.name for c in choices) for field, choices in result.options.items()}


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(FormDefError) as caught:
        form_from_json(data)
    return [str(p) for p in caught.value.problems]


def test_bare_words_are_columns_only_in_a_choice_filter() -> None:
    tree = parse("cf = ${state} and starts-with(name, 'k')", columns=True)
    assert columns(tree) == {"cf", "name"}
    assert evaluate(tree, {"state": "texas"}, choice={"cf": "texas", "name": "king"}) is True
    assert evaluate(tree, {"state": "texas"}, choice={"cf": "texas", "name": "cameron"}) is False
    assert evaluate(parse("missing = ''", columns=True), {}, choice={}) is True  # a column a choice lacks is empty
    assert isinstance(parse("cf", columns=True), Column)
    with pytest.raises(ExpressionError, match="has the word 'cf'"):
        parse("cf = ${state}")  # in a constraint or relevance a bare word is still a mistake
    with pytest.raises(ExpressionError, match="write true()"):
        parse("cf = true", columns=True)


def test_the_filter_offers_only_matching_choices_each_name_once() -> None:
    form = form_from_json(cascading())
    assert names(run(form, {})) == {"county": ()}  # nothing chosen above: nothing to offer, as in ODK
    assert names(run(form, {"state": "texas"})) == {"county": ("king", "cameron")}
    assert names(run(form, {"state": "washington"})) == {"county": ("king", "pierce")}
    assert run(form, {"state": "texas", "county": "king"}).errors == {}


def test_an_answer_no_longer_offered_is_flagged_and_kept() -> None:
    form = form_from_json(cascading())
    result = run(form, {"state": "washington", "county": "cameron"})
    error = result.errors["county"]
    assert error.code == "offered"
    assert error.message["en"] == "“Cameron” does not fit the other answers and is no longer offered; choose again."
    assert error.message["de"] == "„Kameron“ passt nicht zu den anderen Antworten und wird nicht mehr angeboten; bitte neu auswählen."
    assert result.values["county"] == "cameron"  # never dropped
    assert "county" in result.blocking(final=True) and "county" not in result.blocking(final=False)
    assert clean_for_save(form, {"state": "washington", "county": "cameron"}, today=TODAY, now=NOW)["county"] == "cameron"


def test_select_multiple_and_a_filter_on_the_choice_name() -> None:
    data = {
        "title": "Kinds",
        "fields": [
            {"name": "kinds", "type": "select_multiple", "choice_list": "kinds"},
            {"name": "best", "type": "select_one", "choice_list": "kinds", "choice_filter": "selected(${kinds}, name)"},
        ],
        "choice_lists": {"kinds": [{"name": "oak"}, {"name": "ash"}, {"name": "elm"}]},
    }
    form = form_from_json(data)
    assert names(run(form, {"kinds": ["elm", "oak"]})) == {"best": ("oak", "elm")}
    assert run(form, {"kinds": ["ash"], "best": "oak"}).errors["best"].code == "offered"


def test_a_filter_of_a_field_that_is_not_relevant_is_not_worked_out() -> None:
    form = form_from_json(cascading(relevant="${state} != ''"))
    assert names(run(form, {})) == {}
    assert names(run(form, {"state": "texas"})) == {"county": ("king", "cameron")}


def test_a_filter_that_cannot_be_worked_out_is_an_error_at_the_field() -> None:
    form = form_from_json(cascading(choice_filter="cf - ${state} > 1"))
    result = run(form, {"state": "texas", "county": "king"})
    assert result.errors["county"].code == "expression"
    assert "county" not in result.options


def test_the_offered_choices_are_kept_for_the_same_answers() -> None:
    form = form_from_json(cascading())
    item = form.field("county")
    first = offered(form, item, {"state": "texas"}, today=TODAY, now=NOW)
    assert offered(form, item, {"state": "texas"}, today=TODAY, now=NOW) is first
    assert [c.name for c in offered(form, item, {"state": "washington"}, today=TODAY, now=NOW)] == ["king", "pierce"]
    assert len(plan_for(form).offered) == 2


def test_form_problems_of_a_choice_filter() -> None:
    assert problems(cascading(choice_filter="county = ${state}")) == [
        "field 'county', choice_filter: the choice_filter uses the column 'county', which the choices of list 'counties' do not have"
    ]
    assert problems(cascading(choice_filter="cf = ${nowhere}")) == [
        "field 'county', choice_filter: refers to ${nowhere}, but the form has no field 'nowhere'"
    ]
    assert problems(cascading(choice_filter="cf = (")) == [
        "field 'county', choice_filter: The expression has nothing more where a value should be (at character 7)."
    ]
    text_field = {"title": "T", "fields": [{"name": "a", "type": "text", "choice_filter": "x = 1"}]}
    assert problems(text_field) == ["field 'a', choice_filter: only select_one and select_multiple fields can have a choice_filter"]


def test_a_name_twice_in_a_list_is_allowed_only_where_a_filter_picks_one() -> None:
    form = form_from_json(cascading())
    assert [c.name for c in form.choice_lists["counties"]] == ["king", "pierce", "king", "cameron"]
    data = cascading()
    data["fields"].append({"name": "any_county", "type": "select_one", "choice_list": "counties"})
    assert problems(data) == ["choice list 'counties', choice 3: the choice name 'king' is used twice"]


def test_choice_data_in_the_form_file() -> None:
    form = form_from_json(cascading())
    assert form_from_json(form.to_json()) == form
    assert form.to_json()["choice_lists"]["counties"][0] == {"name": "king", "label": {"en": "King (WA)"}, "data": {"cf": "washington"}}
    bad = cascading()
    bad["choice_lists"]["counties"][0]["data"] = {"cf": 3}
    assert problems(bad) == [
        "choice list 'counties', choice 1, data: the value of column 'cf' must be a text of at most 5000 characters"
    ]
    bad["choice_lists"]["counties"][0]["data"] = {"c f": "x"}
    assert problems(bad)[0].startswith("choice list 'counties', choice 1, data: the column name 'c f' must start with")
    bad["choice_lists"]["counties"][0]["data"] = ["cf"]
    assert problems(bad) == ["choice list 'counties', choice 1, data: must be an object"]


def test_renaming_and_removing_a_field_a_filter_refers_to() -> None:
    form = rename_field(form_from_json(cascading()), "state", "region")
    assert form.field("county").choice_filter == "cf = ${region}"
    with pytest.raises(FormDefError) as caught:
        remove_field(form, "region")
    assert [str(p) for p in caught.value.problems] == [
        "field 'county', choice_filter: refers to 'region', which would be removed; change this first"
    ]


def test_an_xlsform_cascading_select_is_imported_with_its_filter_columns() -> None:
    survey = [
        ["type", "name", "label", "choice_filter"],
        ["select_one regions", "region", "Region", ""],
        ["select_one districts", "district", "District", "region=${region}"],
        ["select_one soils", "soil", "Soil", ""],
    ]
    choices = [
        ["list_name", "name", "label", "region", "colour"],
        ["regions", "north", "North", "", ""],
        ["regions", "south", "South", "", ""],
        ["districts", "hill", "Hill", "north", ""],
        ["districts", "lake", "Lake", "south", ""],
        ["soils", "clay", "Clay", "", "grey"],
    ]
    result = import_xlsform(workbook({"survey": survey, "choices": choices}))
    assert result.ok and result.form is not None, [str(p) for p in result.problems]
    form = result.form
    assert form.field("district").choice_filter == "region=${region}"
    assert [dict(c.data) for c in form.choice_lists["districts"]] == [{"region": "north"}, {"region": "south"}]
    assert names(run(form, {"region": "south"})) == {"district": ("lake",)}
    # a column of a list no filter uses is not kept, and the import says so
    assert [dict(c.data) for c in form.choice_lists["soils"]] == [{}]
    assert [str(w) for w in result.warnings][1:] == [
        "choices sheet, row 1, column 'colour': the column 'colour' is not used by Fieldbook and is ignored"
    ]


def test_an_xlsform_filter_on_a_column_the_list_lacks_is_a_problem_at_its_row() -> None:
    survey = [["type", "name", "label", "choice_filter"], ["select_one l", "a", "A", ""], ["select_one l", "b", "B", "kind=${a}"]]
    choices = [["list_name", "name", "label"], ["l", "x", "X"]]
    result = import_xlsform(workbook({"survey": survey, "choices": choices}))
    assert result.form is None
    assert [str(p) for p in result.problems] == [
        "survey sheet, row 3, column 'choice_filter': the choice_filter uses the column 'kind', which the choices of list 'l' do not have"
    ]


FILTER_LEAVES = LEAVES | st.sampled_from(["cf", "name", "missing", "name = ${a}", "selected(${b}, name)"])


@settings(max_examples=400, deadline=None)
@given(st.recursive(FILTER_LEAVES, _combine, max_leaves=12), VALUES, VALUES, st.sampled_from(["", "texas", "7", "2024-01-01"]))
def test_random_filters_work_out_or_fail_with_expression_error(text: str, a: Any, b: Any, cf: str) -> None:
    tree = parse(text, columns=True)
    try:
        evaluate(tree, {"a": a, "b": b}, current=a, today=TODAY, now=NOW, choice={"cf": cf, "name": "king"})
    except ExpressionError:
        pass


def test_a_name_given_twice_is_offered_with_the_label_of_the_row_that_passed() -> None:
    form = form_from_json(cascading())
    texas = offered(form, form.field("county"), {"state": "texas"}, today=TODAY, now=NOW)
    assert [(c.name, c.label.get("en")) for c in texas] == [("king", "King (TX)"), ("cameron", "Cameron")]
    assert form.choices_by_name(form.field("county"))["king"].label == {"en": "King (WA)"}  # tables: the first


def test_a_choice_the_filter_cannot_work_out_is_left_out() -> None:
    data = {
        "title": "Sizes",
        "fields": [
            {"name": "n", "type": "integer"},
            {"name": "size", "type": "select_one", "choice_list": "sizes", "choice_filter": "min_n <= ${n}"},
        ],
        "choice_lists": {
            "sizes": [
                {"name": "small", "data": {"min_n": "0"}},
                {"name": "odd", "data": {"min_n": "2024-01-01"}},  # a date compared with a number: cannot be worked out
                {"name": "large", "data": {"min_n": "10"}},
            ]
        },
    }
    result = run(form_from_json(data), {"n": 12})
    assert names(result) == {"size": ("small", "large")} and result.errors == {}


def test_a_calculated_select_is_not_flagged_by_its_filter() -> None:
    form = form_from_json(cascading(calculation="'cameron'", read_only=True))
    result = run(form, {"state": "washington"})
    assert result.values["county"] == "cameron" and result.errors == {} and "county" not in result.options


def test_more_form_problems_of_a_choice_filter() -> None:
    assert problems(cascading(choice_filter="cf = ${county}")) == [
        "field 'county', choice_filter: the choice_filter refers to the field's own answer; it can only depend on other fields"
    ]
    no_list = cascading(choice_list="nowhere")
    assert problems(no_list) == ["field 'county', choice_list: the choice list 'nowhere' does not exist"]
    bad = cascading()
    bad["choice_lists"]["counties"][0]["data"] = {"name": "x"}
    assert problems(bad)[0].startswith("choice list 'counties', choice 1, data: the column name 'name' must")
