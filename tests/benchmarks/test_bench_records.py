"""Export of 100,000 records (CSV, Parquet) against DuckDB's own COPY of the same rows, and the
import of 10,000 CSV rows; figures to "Fieldbook figures".

    .venv/bin/python -m pytest tests/benchmarks/test_bench_records.py -m bench -s

Each export runs in a child process so that its peak memory is its own (VmHWM); the
"idle" child (open the store, export nothing) is the memory floor. Only that the work was done
is asserted, never how fast — except that memory stays bounded (streaming, not loading).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from store.core.db import Store
from store.core.device import device_of
from store.core.ids import uuid7
from store.fielddata import records as records_module
from store.fielddata.importer import import_file
from store.fielddata.projects import create_project
from store.fielddata.records import import_records, iter_records
from tests.conftest import REPORT, ROOT
from tests.exports.helpers import USER, form

pytestmark = pytest.mark.bench

N_EXPORT = 100_000
N_IMPORT = 10_000
CHUNK = 10_000
SPECIES = ("robin", "wren", "tit")
HABITAT = ("forest", "meadow", "water")


def row(i: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "observer": f"Beobachterin {i} – Größe",
        "count": i % 50,
        "weight": round(5 + (i % 1000) / 7, 3),
        "species": SPECIES[i % 3],
        "habitat": [HABITAT[i % 3], HABITAT[(i + 1) % 3]],
        "seen_on": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "seen_at": f"{i % 24:02d}:{i % 60:02d}:00",
        "ringed": i % 2 == 0,
        "loc": {"lat": 47 + (i % 1000) / 1000, "lon": 8 + (i % 777) / 1000, "accuracy": float(i % 20)},
    }
    if i % 10 == 0:
        data["depth"] = None  # some gaps
        del data["weight"]
    return data


def per_row_import(store: Store, project_id: str, rows: list[dict[str, Any]]) -> None:
    """The first ``import_records``: four statements per record (kept here as the baseline)."""
    version, form_def = records_module.load_form(store, project_id)
    device = device_of(store)
    prepared = [(uuid7(), r, records_module.search_text(form_def, r)) for r in rows]

    def apply(con: duckdb.DuckDBPyConnection) -> None:
        for record_id, data, text in prepared:
            found = con.execute(
                records_module._insert_sql(),
                [record_id, project_id, version, json.dumps(data, ensure_ascii=False), "final", USER, USER, device.id, device.clock.tick(), text],
            ).fetchall()[0]
            records_module._after_write(con, device, records_module._record(found), USER, "import", None)

    store.write(apply)


def child(db: Path, project_id: str, mode: str, out: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.records_bench_child", str(db), project_id, mode, str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.timeout(900)  # building 100,000 records takes minutes on a loaded 2-core machine
def test_bench_export_100k_and_import_10k(tmp_path):
    db = tmp_path / "fieldbook.duckdb"
    store = Store.open(db)
    try:
        project = create_project(store, "Bench", form(2), user=USER)
        baseline = create_project(store, "Per row", form(2), user=USER)
        t0 = time.perf_counter()
        per_row_import(store, baseline.id, [row(i) for i in range(1000)])
        per_row_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for start in range(0, N_EXPORT, CHUNK):
            import_records(store, project.id, [row(i) for i in range(start, start + CHUNK)], user=USER)
        batched_s = time.perf_counter() - t0
        store.checkpoint()
    finally:
        store.close()
    REPORT.append(
        f"import_records: {N_EXPORT:,} records in chunks of {CHUNK:,}: {N_EXPORT / batched_s:,.0f} records/s "
        f"(Arrow-table INSERTs) · the per-row path (4 statements per record), 1,000 records: {1000 / per_row_s:,.0f} records/s"
    )

    results = {mode: child(db, project.id, mode, tmp_path / f"out-{mode}.{mode.removeprefix('copy-')}")
               for mode in ("idle", "csv", "copy-csv", "parquet", "copy-parquet")}
    for mode in ("csv", "copy-csv", "parquet", "copy-parquet"):
        assert results[mode]["records"] == N_EXPORT
    floor = results["idle"]["peak_mb"]
    for fmt in ("csv", "parquet"):
        ours, copy = results[fmt], results[f"copy-{fmt}"]
        REPORT.append(
            f"export {N_EXPORT:,} records to {fmt}: {ours['seconds']:.2f} s ({N_EXPORT / ours['seconds']:,.0f} records/s), "
            f"peak RSS {ours['peak_mb']:.0f} MB · DuckDB COPY of the same rows: {copy['seconds']:.2f} s "
            f"({N_EXPORT / copy['seconds']:,.0f} records/s, ratio {ours['seconds'] / copy['seconds']:.1f}), peak RSS {copy['peak_mb']:.0f} MB "
            f"· store opened, nothing exported: {floor:.0f} MB"
        )
        assert ours["peak_mb"] - floor < 400, results  # streamed: far less than the 100k records decoded at once

    source = tmp_path / "import.csv"
    with open(source, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["observer", "count", "weight", "species", "habitat", "seen_on", "seen_at", "ringed", "loc_lat", "loc_lon", "loc_accuracy"])
        for i in range(N_IMPORT):
            r = row(i)
            writer.writerow([r["observer"], r["count"], r.get("weight", ""), r["species"], " ".join(r["habitat"]), r["seen_on"],
                             r["seen_at"], "true" if r["ringed"] else "false", r["loc"]["lat"], r["loc"]["lon"], r["loc"]["accuracy"]])
    store = Store.open(db)
    try:
        target = create_project(store, "Imported", form(2), user=USER)
        t0 = time.perf_counter()
        report = import_file(store, target.id, source, user=USER)
        seconds = time.perf_counter() - t0
        assert report.ok and report.imported == N_IMPORT, report.text()
        assert sum(1 for _ in iter_records(store, target.id)) == N_IMPORT
    finally:
        store.close()
    REPORT.append(f"import {N_IMPORT:,} CSV rows (read, check every row, commit in one transaction): {seconds:.2f} s ({N_IMPORT / seconds:,.0f} rows/s)")
