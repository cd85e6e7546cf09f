"""The records list query: search, filters, sort, pages, and the cache invalidated on writes."""

from __future__ import annotations

import datetime as dt

import pytest

from store.core.db import Store
from store.fielddata import records as rec
from store.fielddata.dashboard import project_dashboard
from store.fielddata.projects import create_project
from store.fielddata.query import RecordFilter, query_records, status_counts
from store.formdef import FormDef

ROWS = [
    {"species": "oak", "dbh": 50.0, "damage": ["bark"], "notes": "by the river", "loc": {"lat": 48.1, "lon": 11.5, "accuracy": 3.0}},
    {"species": "beech", "dbh": 9.5, "damage": ["bark", "crown"], "notes": "young"},
    {"species": "oak", "dbh": 120.0, "loc": {"lat": 48.3, "lon": 11.2, "accuracy": None}},
    {"species": "beech", "notes": "River bend, old"},
]


@pytest.fixture
def project_id(store: Store, form: FormDef) -> str:
    project = create_project(store, "Trees", form, user="ana")
    rec.import_records(store, project.id, ROWS, user="ana")
    return project.id


def _q(store: Store, pid: str, form: FormDef, **kw: object) -> list[dict]:
    page = query_records(store, pid, form, RecordFilter(**kw), limit=50)  # type: ignore[arg-type]
    return [r.data for r in page.rows]


def test_search_matches_every_word_in_values_and_choice_labels(store: Store, project_id: str, form: FormDef) -> None:
    assert len(_q(store, project_id, form, search="river")) == 2
    assert len(_q(store, project_id, form, search="RIVER old")) == 1
    assert len(_q(store, project_id, form, search="eiche")) == 2  # German label of "oak"
    assert _q(store, project_id, form, search="nothing-like-this") == []


def test_field_filters_by_type(store: Store, project_id: str, form: FormDef) -> None:
    assert len(_q(store, project_id, form, field="species", value="oak")) == 2
    assert len(_q(store, project_id, form, field="damage", value="crown")) == 1
    assert len(_q(store, project_id, form, field="dbh", value="9,5")) == 1
    assert len(_q(store, project_id, form, field="notes", value="RIVER")) == 2


def test_sort_numeric_fields_as_numbers_with_empty_last(store: Store, project_id: str, form: FormDef) -> None:
    assert [d.get("dbh") for d in _q(store, project_id, form, sort="dbh")] == [9.5, 50.0, 120.0, None]
    assert [d.get("dbh") for d in _q(store, project_id, form, sort="-dbh")] == [120.0, 50.0, 9.5, None]


def test_status_deleted_and_dates(store: Store, project_id: str, form: FormDef) -> None:
    first = query_records(store, project_id, form, RecordFilter(sort="created_at")).rows[0]
    rec.save_record(store, first.id, first.data, user="ana", status="draft")
    assert len(_q(store, project_id, form, status="draft")) == 1
    rec.delete_record(store, first.id, user="ana")
    assert len(_q(store, project_id, form)) == 3
    assert len(_q(store, project_id, form, deleted=True)) == 1
    today = dt.date.today()
    assert len(_q(store, project_id, form, created_from=today, created_to=today)) == 3
    assert _q(store, project_id, form, created_to=today - dt.timedelta(days=1)) == []
    assert status_counts(store, project_id) == {"final": 3}


def test_pages_and_a_page_past_the_end_shows_the_last(store: Store, project_id: str, form: FormDef) -> None:
    page = query_records(store, project_id, form, RecordFilter(sort="created_at"), offset=2, limit=2)
    assert page.total == 4 and page.offset == 2 and len(page.rows) == 2
    beyond = query_records(store, project_id, form, RecordFilter(sort="created_at"), offset=40, limit=2)
    assert beyond.offset == 2 and [r.id for r in beyond.rows] == [r.id for r in page.rows]


def test_cached_results_are_dropped_when_a_record_is_written(store: Store, project_id: str, form: FormDef) -> None:
    flt = RecordFilter(search="oak")
    assert query_records(store, project_id, form, flt).total == 2
    hits = store.cache.hits
    assert query_records(store, project_id, form, flt).total == 2
    assert store.cache.hits == hits + 1
    rec.create_record(store, project_id, {"species": "oak"}, user="ana")
    assert query_records(store, project_id, form, flt).total == 3


def test_dashboard_figures(store: Store, project_id: str, form: FormDef) -> None:
    board = project_dashboard(store, project_id, form)
    assert board.total == 4 and board.drafts == 0
    assert board.per_day == [(dt.date.today(), 4)]
    assert board.per_author == [("ana", 4)]
    completeness = dict(board.completeness)
    assert completeness["species"] == 1.0 and completeness["dbh"] == 0.75 and completeness["damage"] == 0.5
    (geo,) = board.geo
    assert geo.count == 2 and (geo.min_lat, geo.max_lat, geo.min_lon, geo.max_lon) == (48.1, 48.3, 11.2, 11.5)


def test_a_choice_filter_survives_values_of_another_shape(store: Store, project_id: str, form: FormDef) -> None:
    """An older form version may have stored text under a name that is now a multiple choice."""
    rec.import_records(store, project_id, [{"damage": "bark"}], user="ana")  # not a list
    assert len(_q(store, project_id, form, field="damage", value="bark")) == 2
