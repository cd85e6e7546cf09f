"""Initial push and pull of 100,000 records against a real PostgreSQL, and a plain COPY of the same
rows into PostgreSQL in the same run as the baseline; figures to "Fieldbook figures".

    .venv/bin/python -m pytest tests/benchmarks/test_bench_sync.py -m bench -s

Only that the work was done is asserted, never how fast.
"""

from __future__ import annotations

import time

import psycopg
import pytest

from store.core.db import Store
from store.core.device import device_of
from store.fielddata.records import import_records
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


ROUNDS = 30


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def test_bench_steady_state_sync_latency(tmp_path, pg_url, monkeypatch):
    """One edit on device A until it is on device B (A syncs, then B syncs), and a sync with nothing
    to do, against the floor of one sync: a fresh connection and one query."""
    from store.fielddata.records import get_record, save_record
    from store.sync import sync_now
    from tests.sync.keyring_home import private_keyring

    keyring = private_keyring(tmp_path, monkeypatch)
    next(keyring)  # a private keyring: the engine looks for a stored password
    init_server(pg_url)
    a = Store.open(tmp_path / "a.duckdb")
    b = Store.open(tmp_path / "b.duckdb")
    try:
        project = new_project(a)
        ids = import_records(a, project, [{"plot": i, "notes": "start"} for i in range(1_000)], user=USER)
        sync_now(a, pg_url)
        sync_now(b, pg_url)
        edit_ms: list[float] = []
        idle_ms: list[float] = []
        floor_ms: list[float] = []
        for i in range(ROUNDS):
            rid = ids[i * 7 % len(ids)]
            save_record(a, rid, {"plot": i, "notes": f"round {i}"}, user=USER, status="final")
            start = time.perf_counter()
            sync_now(a, pg_url)
            sync_now(b, pg_url)
            edit_ms.append((time.perf_counter() - start) * 1000)
            assert get_record(b, rid).data["notes"] == f"round {i}"
            start = time.perf_counter()
            report = sync_now(b, pg_url)
            idle_ms.append((time.perf_counter() - start) * 1000)
            assert report.pushed == 0 and report.pulled == 0
            start = time.perf_counter()
            with psycopg.connect(pg_url) as conn:
                conn.execute("SELECT 1").fetchall()
            floor_ms.append((time.perf_counter() - start) * 1000)
    finally:
        a.close()
        b.close()
        next(keyring, None)
    REPORT.append(
        f"sync: steady state, one edit from device A to device B (A syncs, then B syncs; {ROUNDS} rounds, 1,000 records): "
        f"p50 {_pct(edit_ms, 0.5):.0f} ms, p95 {_pct(edit_ms, 0.95):.0f} ms · a sync with nothing to do: p50 {_pct(idle_ms, 0.5):.0f} ms, "
        f"p95 {_pct(idle_ms, 0.95):.0f} ms · floor (connect + one query): p50 {_pct(floor_ms, 0.5):.1f} ms "
        f"(ratio of an idle sync {_pct(idle_ms, 0.5) / _pct(floor_ms, 0.5):.1f})"
    )
