"""One measured export in a process of its own, so that its peak memory (ru_maxrss) is its own.

    python -m tests.benchmarks.records_bench_child DB PROJECT_ID MODE OUT
    MODE: csv | parquet | xlsx (Fieldbook's export) · copy-csv | copy-parquet (DuckDB's COPY) · idle

Prints one JSON line: seconds, records, peak RSS in MB (VmHWM).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from store.core.db import Store
from store.exports import export_project
from store.exports.columns import make_plan


def copy_sql(store: Store, project_id: str, fmt: str, out: Path) -> str:
    """DuckDB's own COPY of the same rows and columns: the floor for any export."""
    plan = make_plan(store, project_id, labels=False)
    casts = {"integer": "BIGINT", "decimal": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE", "time": "TIME", "datetime": "TIMESTAMP"}
    cols = ["id AS _id", "status AS _status", "version AS _version", "form_version AS _form_version", "created_at AS _created_at",
            "created_by AS _created_by", "updated_at AS _updated_at", "updated_by AS _updated_by"]
    for c in plan.columns:
        if c.field is None:
            continue
        path = f"$.{c.field.name}.{c.part}" if c.part else f"$.{c.field.name}"
        if c.field.type == "select_multiple":
            expr = f"array_to_string(CAST(json_extract(data, '{path}') AS VARCHAR[]), ' ')"
        else:
            expr = f"json_extract_string(data, '{path}')"
            if c.kind in casts:
                expr = f"CAST({expr} AS {casts[c.kind]})"
        cols.append(f'{expr} AS "{c.name}"')
    target = "(HEADER)" if fmt == "csv" else "(FORMAT parquet, COMPRESSION zstd)"
    return (f"COPY (SELECT {', '.join(cols)} FROM records WHERE project_id = '{project_id}' AND deleted_at IS NULL ORDER BY id) "
            f"TO '{out}' {target}")


def peak_rss_mb() -> float:
    """This process's own peak (VmHWM): ``ru_maxrss`` would include the parent's peak, inherited across exec on Linux."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    db, project_id, mode, out = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])
    store = Store.open(Path(db))
    try:
        started = time.perf_counter()
        records = 0
        if mode.startswith("copy-"):
            sql = copy_sql(store, project_id, mode.removeprefix("copy-"), out)
            store.read(sql)
            records = int(store.read_one("SELECT count(*) FROM records WHERE project_id = ? AND deleted_at IS NULL", [project_id])[0])
        elif mode != "idle":
            records = export_project(store, project_id, mode, out, labels=True).records
        seconds = time.perf_counter() - started
    finally:
        store.close(checkpoint=False)
    peak_mb = peak_rss_mb()
    print(json.dumps({"mode": mode, "seconds": seconds, "records": records, "peak_mb": peak_mb}))


if __name__ == "__main__":
    main()
