"""Evaluating records: relevance through groups, calculations, errors in both languages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from store.formdef import FormDef, form_from_json
from store.formdef.demo import demo_form
from store.formdef.evaluate import FieldError, clean_for_save, evaluate_record, initial_values

TODAY = dt.date(2026, 5, 15)
NOW = dt.datetime(2026, 5, 15, 10, 30)
GOOD = {"species": "quercus_robur", "observed_on": "2026-05-01", "dbh_cm": 30.0, "health": "good"}


def make(*fields: dict[str, Any], **lists: list[str]) -> FormDef:
    return form_from_json(
        {"title": "T", "fields": list(fields), "choice_lists": {k: [{"name": n} for n in v] for k, v in lists.items()}}
    )


def run(form: FormDef, values: dict[str, Any]) -> Any:
    return evaluate_record(form, values, today=TODAY, now=NOW)


def test_demo_record_without_errors() -> None:
    result = run(demo_form(), GOOD)
    assert result.errors == {}
    assert result.values["circumference_cm"] == 94.2
    assert result.relevant["crown_damage"] is False and result.relevant["intro"] is True


def test_relevance_cascades_through_groups() -> None:
    form = make(
        {"name": "a", "type": "integer"},
        {
            "name": "outer",
            "type": "group",
            "relevant": "${a} > 1",
            "children": [
                {"name": "inner", "type": "group", "children": [{"name": "x", "type": "text", "required": True}]},
                {"name": "y", "type": "text", "relevant": "${a} > 5"},
            ],
        },
        {"name": "z", "type": "text", "relevant": "${x} != ''"},
    )
    hidden = run(form, {"a": 1, "x": "kept"})
    assert not any(hidden.relevant[n] for n in ("outer", "inner", "x", "y", "z"))
    # hidden values are kept in values (for the editor) but invisible to expressions, so z is hidden
    assert hidden.values == {"a": 1, "x": "kept"}
    assert hidden.errors == {}
    shown = run(form, {"a": 3})
    assert shown.relevant["x"] and not shown.relevant["y"] and not shown.relevant["z"]
    assert shown.errors["x"].code == "required"
    assert run(form, {"a": 3, "x": "v"}).relevant["z"] is True


def test_constraint_messages_in_both_languages() -> None:
    form = make(
        {"name": "own", "type": "decimal", "constraint": ". > 0", "constraint_message": {"en": "Positive!", "de": "Positiv!"}},
        {"name": "builtin", "type": "integer", "constraint": ". < 10"},
    )
    result = run(form, {"own": -1.0, "builtin": 11})
    assert result.errors["own"] == FieldError("constraint", {"en": "Positive!", "de": "Positiv!"})
    assert result.errors["builtin"] == FieldError(
        "constraint", {"en": "This value is not allowed here.", "de": "Dieser Wert ist hier nicht zulässig."}
    )
    assert run(form, {"own": None}).errors == {}  # constraints are not checked on empty values


def test_demo_constraint_messages() -> None:
    result = run(demo_form(), {**GOOD, "dbh_cm": 900.0, "observed_on": "2026-06-01"})
    assert result.errors["dbh_cm"].message["de"] == "Der Durchmesser muss größer als 0 und kleiner als 500 cm sein."
    assert result.errors["observed_on"].message["en"] == "The date cannot be in the future."


def test_required_blocks_only_a_final_save() -> None:
    result = run(demo_form(), {"dbh_cm": -1.0})
    assert {n for n, e in result.errors.items() if e.code == "required"} == {"species", "observed_on", "health"}
    assert result.errors["species"].message == {"en": "This field is required.", "de": "Dieses Feld muss ausgefüllt werden."}
    assert set(result.blocking(final=False)) == {"dbh_cm"}
    assert set(result.blocking(final=True)) == {"species", "observed_on", "health", "dbh_cm"}


def test_required_message_from_the_form() -> None:
    form = make({"name": "a", "type": "text", "required": True, "required_message": {"en": "Name?", "de": "Name?"}})
    assert run(form, {}).errors["a"].message == {"en": "Name?", "de": "Name?"}


def test_calculation_chains_follow_dependencies_not_form_order() -> None:
    form = make(
        {"name": "total", "type": "decimal", "calculation": "${double} + ${half}"},
        {"name": "double", "type": "decimal", "calculation": "${base} * 2"},
        {"name": "half", "type": "decimal", "calculation": "${double} div 4"},
        {"name": "base", "type": "integer"},
        {"name": "label", "type": "text", "calculation": "concat('total=', ${total})"},
    )
    result = run(form, {"base": 4, "total": 999})
    assert result.values == {"total": 10.0, "double": 8.0, "half": 2.0, "base": 4, "label": "total=10"}
    assert run(form, {}).values == {"total": None, "double": None, "half": None, "label": "total="}


def test_type_choice_and_range_errors() -> None:
    form = make(
        {"name": "n", "type": "integer"},
        {"name": "s", "type": "select_one", "choice_list": "l"},
        {"name": "m", "type": "select_multiple", "choice_list": "l"},
        {"name": "r", "type": "range", "parameters": {"start": 0, "end": 1, "step": 0.1}},
        l=["a", "b"],
    )
    result = run(form, {"n": "12", "s": "zz", "m": ["a", "q"], "r": 0.35})
    assert result.errors["n"].code == "type"
    assert result.errors["n"].message["de"] == "Dieser Wert passt nicht zu einem Feld vom Typ integer."
    assert result.errors["s"].code == "choice" and result.errors["m"].code == "choice"
    assert result.errors["r"] == FieldError(
        "range",
        {"en": "Choose a value from 0 to 1 in steps of 0.1.", "de": "Wählen Sie einen Wert von 0 bis 1 in Schritten von 0.1."},
    )
    assert run(form, {"r": 0.3}).errors == {}
    assert run(form, {"r": 1.1}).errors["r"].code == "range"


def test_expression_errors_become_field_errors() -> None:
    form = make(
        {"name": "t", "type": "text"},
        {"name": "calc", "type": "decimal", "calculation": "${t} * 2"},
        {"name": "rel", "type": "text", "relevant": "${t} > 3"},
        {"name": "con", "type": "integer", "constraint": ". > ${t}"},
        {"name": "whole", "type": "integer", "calculation": "7 div 2"},
    )
    result = run(form, {"t": "abc", "con": 1})
    for name in ("calc", "rel", "con", "whole"):
        assert result.errors[name].code == "expression", name
        assert set(result.errors[name].message) == {"en", "de"}
    assert "needs a number but got 'abc'" in result.errors["calc"].message["en"]
    assert "not a whole number" in result.errors["whole"].message["en"]
    assert result.relevant["rel"] is True  # shown, so the user sees the problem


def test_dates_in_expressions_are_dates() -> None:
    form = make(
        {"name": "planted", "type": "date"},
        {"name": "age_days", "type": "integer", "calculation": "today() - ${planted}"},
        {"name": "next_visit", "type": "date", "calculation": "${planted} + 30"},
        {"name": "stamp", "type": "datetime", "calculation": "now()"},
    )
    result = run(form, {"planted": "2026-05-01"})
    assert result.values == {"planted": "2026-05-01", "age_days": 14, "next_visit": "2026-05-31", "stamp": "2026-05-15T10:30:00"}


def test_selected_on_select_multiple_and_count() -> None:
    form = make(
        {"name": "m", "type": "select_multiple", "choice_list": "l"},
        {"name": "why", "type": "text", "relevant": "selected(${m}, 'b')"},
        {"name": "n", "type": "integer", "calculation": "count-selected(${m})"},
        l=["a", "b", "c"],
    )
    result = run(form, {"m": ["a", "b"]})
    assert result.relevant["why"] and result.values["n"] == 2
    assert not run(form, {"m": ["a"]}).relevant["why"]


def test_initial_values() -> None:
    form = make(
        {"name": "d", "type": "date", "default": "today()"},
        {"name": "t", "type": "time", "default": "now()"},
        {"name": "dt", "type": "datetime", "default": "now()"},
        {"name": "n", "type": "integer", "default": 3},
        {"name": "s", "type": "select_one", "choice_list": "l", "default": "a"},
        {"name": "x", "type": "text"},
        l=["a"],
    )
    assert initial_values(form, today=TODAY, now=NOW) == {
        "d": "2026-05-15",
        "t": "10:30:00",
        "dt": "2026-05-15T10:30:00",
        "n": 3,
        "s": "a",
    }
    assert initial_values(demo_form(), today=TODAY, now=NOW) == {"observed_on": "2026-05-15"}
    listed = make({"name": "m", "type": "select_multiple", "choice_list": "l", "default": ["a"]}, l=["a", "b"])
    initial_values(listed)["m"].append("b")
    assert listed.field("m").default == ["a"]  # the form's default is not shared


def test_clean_for_save_drops_hidden_unknown_and_empty() -> None:
    values = {**GOOD, "crown_damage": ["dieback"], "stray": 1, "notes": "", "circumference_cm": 1.0}
    cleaned = clean_for_save(demo_form(), values, today=TODAY, now=NOW)
    assert cleaned == {**GOOD, "circumference_cm": 94.2}
    assert list(cleaned) == ["species", "observed_on", "dbh_cm", "circumference_cm", "health"]
    poor = clean_for_save(demo_form(), {**values, "health": "poor"}, today=TODAY, now=NOW)
    assert poor["crown_damage"] == ["dieback"]


def test_evaluation_does_not_mutate_input() -> None:
    values = {**GOOD, "crown_damage": ["x"]}
    before = repr(values)
    run(demo_form(), values)
    clean_for_save(demo_form(), values)
    assert repr(values) == before


@pytest.mark.parametrize("value", [None, "", 0, -1, 1e300, "x" * 20_000, ["a"], {"lat": 1}, True, [None], {"sha256": 1}])
def test_any_garbage_value_gives_errors_not_exceptions(value: Any) -> None:
    form = demo_form()
    data = {item.name: value for item in form.value_fields()}
    result = run(form, data)
    assert set(result.errors) <= {item.name for item in form.walk()}


def test_empty_strings_and_lists_count_as_empty_not_as_type_errors() -> None:
    result = run(demo_form(), {**GOOD, "observed_on": "", "notes": "", "crown_damage": [], "health": "poor", "location": ""})
    assert {name: error.code for name, error in result.errors.items()} == {"observed_on": "required"}
