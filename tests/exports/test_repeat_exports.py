"""A project with a repeat in every export format, and back: until the exports write ODK
Central's layout (a file per repeat), a repeat's entries are one cell of JSON, which the import
reads back to the same entries, in the same order."""

from __future__ import annotations

import pytest

from store.exports import FORMATS, export_project
from store.fielddata.importer import import_file
from store.fielddata.projects import create_project
from store.fielddata.records import create_record, iter_records
from store.formdef import form_from_json
from tests.exports.helpers import USER

FORM = form_from_json({
    "title": "Plots",
    "fields": [
        {"name": "team", "type": "text"},
        {"name": "where", "type": "geopoint"},
        {"name": "plot", "type": "repeat", "children": [
            {"name": "kind", "type": "select_one", "choice_list": "kinds"},
            {"name": "tree", "type": "repeat", "children": [{"name": "dbh", "type": "decimal"}]},
        ]},
    ],
    "choice_lists": {"kinds": [{"name": "oak", "label": "Oak"}, {"name": "ash", "label": "Ash, “common”"}]},
})  # fmt: skip
DATA = [
    {"team": "A", "where": {"lat": 48.1, "lon": 11.5, "accuracy": 4.0},
     "plot": [{"kind": "ash", "tree": [{"dbh": 31.5}, {}, {"dbh": 12.0}]}, {}, {"kind": "oak"}]},
    {"team": "Bö", "where": {"lat": 48.2, "lon": 11.6, "accuracy": None}},
]  # fmt: skip


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_every_format_exports_a_project_with_repeats(store, tmp_path, kind):
    project = create_project(store, "Plots", FORM, user=USER)
    for data in DATA:
        create_record(store, project.id, data, user=USER)
    out = tmp_path / f"plots.{kind}"
    assert export_project(store, project.id, kind, out).records == 2
    assert out.stat().st_size > 0


@pytest.mark.parametrize("labels", [True, False])
def test_a_csv_export_with_repeats_imports_back_to_the_same_entries_in_order(store, tmp_path, labels):
    source = create_project(store, "Plots", FORM, user=USER)
    for data in DATA:
        create_record(store, source.id, data, user=USER)
    out = tmp_path / "plots.csv"
    export_project(store, source.id, "csv", out, labels=labels)
    target = create_project(store, "Copy", FORM, user=USER)
    report = import_file(store, target.id, out, user=USER, status="draft")
    assert report.ok, report.text()
    assert [r.data for r in iter_records(store, target.id)] == DATA
