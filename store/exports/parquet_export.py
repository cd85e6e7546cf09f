"""Parquet export: one typed column per export column, written in row groups of 10,000 records.

Types: text → string, integer → int64, decimal/range/geopoint parts → double, boolean → bool,
date → date32, time → time64[us], datetime → timestamp[us] (no zone, as entered), record
timestamps → timestamp[us, UTC]. Only one row group is held in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from store.exports.columns import Column, Plan, Ticker
from store.fielddata.records import Record

ROW_GROUP = 10_000

_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "integer": pa.int64(),
    "decimal": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "time": pa.time64("us"),
    "datetime": pa.timestamp("us"),
    "timestamp": pa.timestamp("us", tz="UTC"),
}


def arrow_schema(columns: Iterable[Column]) -> pa.Schema:
    return pa.schema([pa.field(c.name, _TYPES[c.kind]) for c in columns])


def write_parquet(path: Path, plan: Plan, records: Iterable[Record], ticker: Ticker) -> int:
    schema = arrow_schema(plan.columns)
    width = len(plan.columns)
    count = 0
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        buffer: list[list[Any]] = [[] for _ in range(width)]

        def flush() -> None:
            if buffer[0]:
                writer.write_batch(pa.record_batch([pa.array(col, type=schema.field(i).type) for i, col in enumerate(buffer)], schema=schema))
                for col in buffer:
                    col.clear()

        for record in records:
            for i, value in enumerate(plan.row(record)):
                buffer[i].append(value)
            count += 1
            ticker.tick()
            if len(buffer[0]) >= ROW_GROUP:
                flush()
        flush()
    return count
