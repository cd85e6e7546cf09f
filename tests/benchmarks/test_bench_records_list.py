"""Benchmarks of the field-data app at 100,000 records in one project: the records list (open,
search, filter, sort, next page — the DuckDB query cold, and the whole page rerun in AppTest)
and the acknowledgement latency of saving a record, against persisting one input in the same run
(the per-keystroke write of zero-loss input, the floor a record save adds to).

    .venv/bin/python -m pytest tests/benchmarks/test_bench_records_list.py -m bench -s
"""

from __future__ import annotations

import time

import duckdb
import pytest

from store.core.device import device_of
from store.fielddata import records as rec
from store.fielddata.projects import create_project, load_form
from store.fielddata.query import RecordFilter, query_records
from store.formdef import form_from_json
from store.inputs.widgets import InputStore
from tests.benchmarks.test_bench_skeleton import ms, pct
from tests.conftest import REPORT
from tests.records.conftest import FORM_JSON

pytestmark = pytest.mark.bench

N = 100_000
RUNS = 30


def _fill(store, project_id: str) -> None:
    """100,000 records written by SQL (what an import of that size leaves behind)."""
    device = device_of(store)

    def insert(con: duckdb.DuckDBPyConnection) -> None:
        con.execute(
            """INSERT INTO records (id, project_id, form_version, data, status, version, search_text, created_at,
                                    created_by, updated_at, updated_by, device_id, hlc)
               SELECT printf('%036d', i), ?, 1,
                      json_object('species', CASE WHEN i % 3 = 0 THEN 'oak' ELSE 'beech' END,
                                  'dbh', (i % 997) / 3.0,
                                  'damage', CASE WHEN i % 5 = 0 THEN json_array('bark') ELSE json_array() END,
                                  'notes', 'tree number ' || i),
                      CASE WHEN i % 10 = 0 THEN 'draft' ELSE 'final' END, 1,
                      CASE WHEN i % 3 = 0 THEN 'oak eiche ' ELSE 'beech buche ' END || 'tree number ' || i,
                      now() - to_days(CAST(i % 400 AS INTEGER)), 'user' || (i % 7), now(), 'user' || (i % 7), ?,
                      printf('%013d-00000-%s', i, ?)
               FROM range(?) t(i)""",
            [project_id, device.id, device.id, N],
        ).fetchall()

    store.write(insert)
    store.checkpoint()


@pytest.fixture
def big(rt):
    project = create_project(rt.store, "Big", form_from_json(FORM_JSON), user="bench")
    _fill(rt.store, project.id)
    return rt, project.id


CASES = {
    "open (newest first)": RecordFilter(),
    "search two words": RecordFilter(search="number 4242"),
    "filter species = oak": RecordFilter(field="species", value="oak"),
    "filter status = draft": RecordFilter(status="draft"),
    "sort by DBH": RecordFilter(sort="-dbh"),
}


def test_records_list_queries_at_100k(big):
    rt, project_id = big
    _, form = load_form(rt.store, project_id)
    lines = []
    for label, flt in CASES.items():
        times = []
        for i in range(RUNS):
            rt.store.cache.clear()  # cold: every run goes to DuckDB
            started = time.perf_counter()
            page = query_records(rt.store, project_id, form, flt, offset=(i % 5) * 25, limit=25)
            times.append(time.perf_counter() - started)
        assert page.total > 0
        lines.append(f"{label} p50 {ms(pct(times, 50))} p95 {ms(pct(times, 95))}")
    query_records(rt.store, project_id, form, RecordFilter(), limit=25)
    started = time.perf_counter()
    query_records(rt.store, project_id, form, RecordFilter(), limit=25)  # the same list again: from the cache
    cached = time.perf_counter() - started
    REPORT.append(f"records list at {N:,} records, DuckDB query cold ({RUNS} runs each): " + "; ".join(lines) + f"; cached {ms(cached)}")


def test_records_page_rerun_at_100k(big, new_session):
    rt, project_id = big
    rt.store.execute(
        "INSERT INTO ui_state VALUES (?, 'records', ?, '[]', '[]', ?, now())",
        [rt.user, f'{{"project": "{project_id}"}}', f'{{"project": "{project_id}"}}'],
    )
    at = new_session()
    assert not at.exception
    times = []
    for i in range(RUNS):
        started = time.perf_counter()
        at.text_input(key=f"in__list_{project_id}__search").set_value(f"number {i}").run()
        times.append(time.perf_counter() - started)
        assert not at.exception
    REPORT.append(
        f"records page rerun at {N:,} records (AppTest, a new search each time): p50 {ms(pct(times, 50))}, p95 {ms(pct(times, 95))}"
    )


def test_record_save_ack_latency_at_100k(big):
    rt, project_id = big
    record = rec.create_record(rt.store, project_id, {"species": "oak"}, user="bench")
    saves, inputs_ = [], []
    store = InputStore(rt.store)
    for i in range(200):
        started = time.perf_counter()
        record = rec.save_record(
            rt.store, record.id, {"species": "oak", "dbh": float(i)}, user="bench", status="final", expected_version=record.version
        )
        saves.append(time.perf_counter() - started)
        started = time.perf_counter()
        store.persist("bench", "record:x", "dbh", i)
        inputs_.append(time.perf_counter() - started)
    REPORT.append(
        f"record save ack at {N:,} records: p50 {ms(pct(saves, 50))}, p95 {ms(pct(saves, 95))}, p99 {ms(pct(saves, 99))} "
        f"(baseline persist_input same run: p50 {ms(pct(inputs_, 50))}, p99 {ms(pct(inputs_, 99))}; "
        f"ratio p50 {pct(saves, 50) / pct(inputs_, 50):.1f}×)"
    )
