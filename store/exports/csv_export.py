"""CSV export: UTF-8 with a byte-order mark, so that Excel opens it with every accent intact.

Text per type: numbers as Python writes them (``12``, ``3.5``), booleans ``true``/``false``,
dates ``YYYY-MM-DD``, times ``HH:MM:SS``, timestamps in ISO 8601 with their UTC offset, an empty
cell for no value — exactly what the importer reads back.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from store.exports.columns import Plan, Ticker
from store.fielddata.records import Record
from store.fielddata.tablefile import neutralise_formula
from store.formdef.convert import number_text


def _decimal(value: Any) -> str:
    return "" if value is None else number_text(value)


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def _text(value: Any) -> str:
    return "" if value is None else neutralise_formula(str(value))


def _iso(value: Any) -> str:
    return "" if value is None else value.isoformat()


def _formatter(kind: str) -> Callable[[Any], str]:
    """The text of one column's typed values (chosen once per column, not per cell)."""
    if kind == "integer":
        return _plain
    if kind == "text":
        return _text
    if kind == "decimal":
        return _decimal
    if kind in ("date", "time", "datetime", "timestamp"):
        return _iso
    return csv_text


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, int):
        return str(value)
    return neutralise_formula(str(value))


def write_csv_stream(fh: IO[str], plan: Plan, records: Iterable[Record], ticker: Ticker, on_record: Callable[[Record], None] | None = None) -> int:
    """Write header and rows to ``fh`` (opened with ``newline=""``); return the number of records."""
    writer = csv.writer(fh)
    writer.writerow([c.name for c in plan.columns])
    formats = [_formatter(c.kind) for c in plan.columns]
    count = 0
    for record in records:
        writer.writerow([fmt(v) for fmt, v in zip(formats, plan.row(record), strict=True)])
        if on_record is not None:
            on_record(record)
        count += 1
        ticker.tick()
    return count


def write_csv(path: Path, plan: Plan, records: Iterable[Record], ticker: Ticker) -> int:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        return write_csv_stream(fh, plan, records, ticker)
