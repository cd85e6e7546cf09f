"""Fieldbook re-imports its own exports: CSV and Excel, labels or names, English or German — export
a project, import the file into an empty project with the same form, and the records are the same,
value by value. Choice labels hold spaces, commas, quotes and semicolons; texts hold line breaks,
quotes and what a spreadsheet would run as a formula."""

from __future__ import annotations

from typing import Any

import pytest

from store.exports import export_project
from store.fielddata.importer import import_file
from store.fielddata.projects import create_project
from store.fielddata.records import create_record, iter_records
from store.formdef import FormDef, clean_for_save, form_from_json
from tests.exports.helpers import USER


def _form() -> FormDef:
    def choice(name: str, en: str, de: str) -> dict[str, Any]:
        return {"name": name, "label": {"en": en, "de": de}}

    return form_from_json({
        "title": {"en": "Every type", "de": "Jeder Typ"},
        "default_language": "en",
        "fields": [
            {"name": "text", "type": "text", "label": {"en": "Text", "de": "Text"}},
            {"name": "count", "type": "integer", "label": {"en": "Count", "de": "Anzahl"}},
            {"name": "weight", "type": "decimal", "label": {"en": "Weight", "de": "Gewicht"}},
            {"name": "double", "type": "decimal", "label": {"en": "Twice the weight", "de": "Doppeltes Gewicht"},
             "read_only": True, "calculation": "${weight} * 2"},
            {"name": "level", "type": "range", "label": {"en": "Level", "de": "Stufe"}, "parameters": {"start": 0, "end": 10, "step": 0.5}},
            {"name": "one", "type": "select_one", "label": {"en": "Species", "de": "Art"}, "choice_list": "birds"},
            {"name": "many", "type": "select_multiple", "label": {"en": "Seen with", "de": "Gesehen mit"}, "choice_list": "birds"},
            {"name": "day", "type": "date", "label": {"en": "Day", "de": "Tag"}},
            {"name": "clock", "type": "time", "label": {"en": "Clock", "de": "Uhrzeit"}},
            {"name": "moment", "type": "datetime", "label": {"en": "Moment", "de": "Zeitpunkt"}},
            {"name": "yes", "type": "boolean", "label": {"en": "Ringed", "de": "Beringt"}},
            {"name": "where", "type": "geopoint", "label": {"en": "Where", "de": "Wo"}},
            {"name": "walk", "type": "geotrace", "label": {"en": "Transect", "de": "Transekt"}},
            {"name": "plot", "type": "geoshape", "label": {"en": "Plot", "de": "Parzelle"}},
        ],
        "choice_lists": {"birds": [
            choice("tit", "Great tit", "Kohlmeise"),
            choice("oak_bird", "Bird of the oak, English", "Eichenvogel, englisch"),
            choice("quote", 'The "quoted" one', "Der „zitierte“"),
            choice("semi", "Semi; colon", "Semi; kolon"),
            choice("plus", "+ plus", "= gleich"),
        ]},
    })


RECORDS: list[dict[str, Any]] = [
    {
        "text": 'Line one\nline two, "quoted"; semi', "count": 1000, "weight": 12.5, "level": 7.5, "one": "oak_bird",
        "many": ["tit", "oak_bird", "quote", "semi", "plus"], "day": "2026-06-14", "clock": "06:15:00",
        "moment": "2026-06-14T06:20:00", "yes": True, "where": {"lat": 47.3769, "lon": 8.5417, "accuracy": 4.5},
        "walk": [{"lat": 47.3769, "lon": 8.5417, "accuracy": 4.5}, {"lat": 47.377, "lon": 8.542, "accuracy": None}],
        "plot": [{"lat": -33.85, "lon": 151.21, "accuracy": None}, {"lat": -33.86, "lon": 151.21, "accuracy": 3.0},
                 {"lat": -33.86, "lon": 151.22, "accuracy": None}],
    },
    {"text": "=HYPERLINK(\"http://evil.example\")", "count": -3, "weight": -0.125, "one": "plus", "many": ["plus"], "yes": False},
    {"text": "@SUM(A1)", "one": "semi", "many": ["semi"], "where": {"lat": -33.8568, "lon": 151.2153, "accuracy": None}},
    {"text": "Zoë 中文 🐦 – «Nebel»", "one": "quote", "many": ["quote", "tit"]},
]


@pytest.mark.parametrize("labels", [True, False], ids=["labels", "names"])
@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_as_the_same_records(store, tmp_path, fmt, lang, labels):
    source = create_project(store, "Source", _form(), user=USER)
    for data in RECORDS:
        create_record(store, source.id, clean_for_save(_form(), data), user=USER, status="final")
    out = tmp_path / f"export.{fmt}"
    export_project(store, source.id, fmt, out, labels=labels, lang=lang)
    target = create_project(store, "Target", _form(), user=USER)
    report = import_file(store, target.id, out, user=USER)
    assert report.ok, report.text()
    source_data = [r.data for r in iter_records(store, source.id)]
    assert source_data[0]["double"] == 25.0  # the calculation is part of what travels
    assert [r.data for r in iter_records(store, target.id)] == source_data


def test_an_excel_export_of_two_form_versions_imports_back_whole(store, attachments, tmp_path):
    """Excel has a sheet per form version: an import reads every sheet of Fieldbook's own export,
    not only the first."""
    from tests.exports.helpers import form, make_project

    source, data = make_project(store, attachments)
    out = tmp_path / "birds.xlsx"
    export_project(store, source.id, "xlsx", out)
    target = create_project(store, "Copy", form(2), user=USER)
    report = import_file(store, target.id, out, user=USER, status="draft")
    assert report.ok, report.text()
    expected = [{k: v for k, v in d.items() if k not in ("photo", "old_note") and v not in (None, [])} for d in data]
    assert sorted(map(repr, (r.data for r in iter_records(store, target.id)))) == sorted(map(repr, expected))


def test_an_own_export_with_a_blank_sheet_added_still_imports_its_first_sheet(store, attachments, tmp_path):
    """A person added an empty sheet to the workbook: it is no longer Fieldbook's own as a whole,
    so its first sheet is read (with a warning), as for any workbook — not refused."""
    import openpyxl

    source = create_project(store, "Source", _form(), user=USER)
    create_record(store, source.id, clean_for_save(_form(), RECORDS[3]), user=USER, status="final")
    out = tmp_path / "export.xlsx"
    export_project(store, source.id, "xlsx", out)
    book = openpyxl.load_workbook(out)
    book.create_sheet("Notes")
    book.save(out)
    target = create_project(store, "Target", _form(), user=USER)
    report = import_file(store, target.id, out, user=USER)
    assert report.ok, report.text()
    assert [r.data for r in iter_records(store, target.id)] == [r.data for r in iter_records(store, source.id)]
