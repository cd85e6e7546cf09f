"""Initial push and pull of 100,000 records against a real PostgreSQL, and a plain COPY of the same
rows into PostgreSQL in the same run as the baseline; figures to "Fieldbook figures".

    .venv/bin/python -m pytest tests/benchmarks/test_bench_sync.py -m bench -s

Only that the work was done is asserted, never how fast.
"""

from __future__ import annotations

import time

import psycopg
import pytest

from store.db import Store
from store.device import device_of
from store.records import import_records
from store.sync import init_server
from store.sync import pull as pull_module
from store.sync import push as push_module
from store.sync.connect import connect
from store.sync.pull import pull
from store.sync.push import push, read_outbox
from tests.conftest import REPORT
from tests.sync.helpers import USER, new_project, server_rows

pytestmark = pytest.mark.bench

N = 100_000
CHUNK = 10_000


def _plain_copy_seconds(url: str, store: Store) -> float:
    """The floor: the same outbox rows COPYed into a bare table, one transaction, nothing applied."""
    rows = read_outbox(store, N + 10)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE plain_copy (change_id uuid, device_id text, entity text, entity_id text, op text, payload jsonb, hlc text, created_at timestamptz)"
        )
        start = time.perf_counter()
        with conn.transaction(), conn.cursor().copy("COPY plain_copy FROM STDIN") as copy:
            for r in rows:
                copy.write_row((r.change_id, r.device_id, r.entity, r.entity_id, r.op, r.payload, r.hlc, r.created_at))
        return time.perf_counter() - start


def test_bench_initial_push_and_pull_of_100k_records(tmp_path, pg_url):
    init_server(pg_url)
    a = Store.open(tmp_path / "a.duckdb")
    b = Store.open(tmp_path / "b.duckdb")
    try:
        project = new_project(a)
        for start in range(0, N, CHUNK):
            import_records(a, project, [{"plot": i, "notes": f"Fläche {i} – Baum"} for i in range(start, start + CHUNK)], user=USER)
        copy_s = _plain_copy_seconds(pg_url, a)

        with connect(pg_url) as conn:
            start = time.perf_counter()
            pushed = push(a, conn, device_of(a).id)
            push_s = time.perf_counter() - start
        assert pushed.pushed == N + 2
        assert server_rows(pg_url, "SELECT count(*) FROM records") == [(N,)]

        with connect(pg_url) as conn:
            start = time.perf_counter()
            pulled = pull(b, conn, device_of(b), pg_url)
            pull_s = time.perf_counter() - start
        assert pulled.pulled == N + 2 and b.read("SELECT count(*) FROM records") == [(N,)]
    finally:
        a.close()
        b.close()
    REPORT.append(
        f"sync: initial push of {N:,} records (batches of {push_module.BATCH:,}: COPY, change_log, apply, local outbox delete): {push_s:.1f} s "
        f"({N / push_s:,.0f} records/s) · plain COPY of the same rows into PostgreSQL: {copy_s:.1f} s ({N / copy_s:,.0f} rows/s, "
        f"ratio {push_s / copy_s:.1f})"
    )
    REPORT.append(
        f"sync: initial pull of {N:,} records into an empty device (batches of {pull_module.BATCH:,}: records, history, audit, cursor "
        f"in one DuckDB transaction each): {pull_s:.1f} s ({N / pull_s:,.0f} records/s; ratio to the plain COPY {pull_s / copy_s:.1f})"
    )
