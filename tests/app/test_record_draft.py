"""The record draft (pure): widget values over saved data, datetime halves, keys that cannot
collide with field names."""

from __future__ import annotations

import datetime as dt

from app.record_draft import BASE, TIME_SUFFIX, build_draft
from app.widgets import widget_key
from store.formdef import form_from_json

FORM = form_from_json(
    {
        "title": {"en": "T"},
        "fields": [
            {"name": "when", "type": "datetime"},
            {"name": "a.b", "type": "text"},
            {"name": "a_b", "type": "text"},
            {"name": "n", "type": "integer"},
        ],
    }
)


def test_changing_only_the_date_keeps_the_saved_time() -> None:
    draft = build_draft(FORM, {"when": "2024-01-01T14:30:00"}, {"when": dt.date(2024, 1, 2)})
    assert draft.values["when"] == "2024-01-02T14:30:00"


def test_changing_only_the_time_keeps_the_saved_date() -> None:
    draft = build_draft(FORM, {"when": "2024-01-01T14:30:00"}, {"when" + TIME_SUFFIX: dt.time(8, 5)})
    assert draft.values["when"] == "2024-01-01T08:05:00" and draft.touched == {"when"}


def test_clearing_the_date_empties_the_datetime() -> None:
    assert build_draft(FORM, {"when": "2024-01-01T14:30:00"}, {"when": None}).values["when"] is None


def test_a_value_that_does_not_fit_is_a_problem_not_a_crash() -> None:
    draft = build_draft(FORM, {}, {"n": "twelve", BASE: 3})
    assert "n" in draft.problems and draft.values["n"] is None and draft.base == 3
    assert draft.dirty({})


def test_widget_keys_of_different_names_never_collide() -> None:
    keys = {widget_key("record:x", name) for name in ("a.b", "a_b", "when", "when" + TIME_SUFFIX, BASE)}
    assert len(keys) == 5


def test_text_a_number_field_refused_is_a_problem_even_if_a_machine_could_read_it() -> None:
    """The number widget stores a number, or the text it refused as not written in the user's
    language ("1e5", "12,5" in English): that text must block a save, not be read another way."""
    for refused in ("1e5", "12,5", "1.5"):
        draft = build_draft(FORM, {"n": 7}, {"n": refused})
        assert "n" in draft.problems and draft.values["n"] is None and draft.dirty({"n": 7})
    assert build_draft(FORM, {"n": 7}, {"n": ""}).values["n"] is None  # emptied: no number, no problem


def test_answers_typed_into_entries_a_count_added_are_all_read():
    from store.formdef import form_from_json

    f = form_from_json({"title": "t", "fields": [
        {"name": "n", "type": "integer"},
        {"name": "visits", "type": "repeat", "parameters": {"count": "${n}"}, "children": [
            {"name": "w", "type": "decimal"}, {"name": "when", "type": "datetime"}]},
    ]})  # fmt: skip
    draft = build_draft(f, {"n": 3}, {"visits~p2~w": 7.0, "visits~p3~w": 9.0})
    assert draft.values["visits"] == [{}, {"w": 7.0}, {"w": 9.0}] and "visits" in draft.touched
    time_only = build_draft(f, {"n": 3}, {"visits~entries": ["p1", "p2"], "visits~p3~when~time": dt.time(8, 0)})
    assert len(time_only.values["visits"]) == 3  # an input left in the third: it is still there
