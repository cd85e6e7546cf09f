"""Excel export: one sheet per form version (``v1``, ``v2``, …), typed cells, streamed.

openpyxl's write-only mode keeps each sheet in its own temp file, so 100,000 rows cost no more
memory than one. Cells are typed: numbers are numbers, dates and times are Excel dates (shown
as ``YYYY-MM-DD`` …), booleans are booleans. Excel has no time zones: the record timestamps are
written in UTC and their column title says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from store.core.errors import ValidationError
from store.core.texts import said
from store.exports.columns import Column, Plan, Ticker
from store.fielddata.records import Record

EXCEL_MAX_CHARS = 32_767  # Excel refuses to open a file with a longer cell
EXCEL_MAX_ROWS = 1_048_576  # header included


CELL_TOO_LONG = said(
    "export.cell_too_long",
    "'{field}' holds a value of {n} characters; an Excel cell takes at most 32,767, so nothing was exported. "
    "Export as CSV or Parquet, which keep it whole.",
)


class CellTooLong(ValidationError):
    """A value longer than an Excel cell: cut, it would come back wrong from an import."""


class TooManyRows(ValidationError):
    """More records than one Excel sheet holds."""

_FORMATS = {"date": "yyyy-mm-dd", "time": "hh:mm:ss", "datetime": "yyyy-mm-dd hh:mm:ss", "timestamp": "yyyy-mm-dd hh:mm:ss"}


def sheet_name(version: int) -> str:
    return f"v{version}"


def header(column: Column) -> str:
    return f"{column.name} (UTC)" if column.kind == "timestamp" else column.name


def excel_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == "timestamp" and isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, str):
        # Control characters make openpyxl refuse the cell; they cannot be typed in Excel anyway.
        cleaned = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(cleaned) > EXCEL_MAX_CHARS:
            raise CellTooLong(CELL_TOO_LONG(field=column.name, n=len(cleaned)))
        return cleaned
    return value


def write_xlsx(path: Path, plan: Plan, records: Iterable[Record], ticker: Ticker, versions: list[int]) -> int:
    """``versions``: the form versions that get a sheet (those with records, and the latest)."""
    workbook = Workbook(write_only=True)
    sheets: dict[int, tuple[WriteOnlyWorksheet, list[Column]]] = {}
    for version in sorted(set(versions) | {plan.latest}):
        sheet = workbook.create_sheet(sheet_name(version))
        columns = plan.version_columns(version)
        sheet.append([header(c) for c in columns])
        sheets[version] = (sheet, columns)
    count = 0
    rows: dict[int, int] = {}
    try:
        for record in records:
            version = record.form_version if record.form_version in sheets else plan.latest
            sheet, columns = sheets[version]
            rows[version] = rows.get(version, 1) + 1
            if rows[version] > EXCEL_MAX_ROWS:
                raise TooManyRows(
                    f"Form version {version} has more records than an Excel sheet can hold ({EXCEL_MAX_ROWS - 1:,}); export as CSV or Parquet."
                )
            sheet.append([_cell(sheet, c, v) for c, v in zip(columns, plan.row(record, columns), strict=True)])
            count += 1
            ticker.tick()
    except BaseException:
        # openpyxl's sheets write through open generators: finish them into the (discarded)
        # temporary file, or they fail later, at garbage collection, on a closed file.
        workbook.save(path)
        raise
    workbook.save(path)
    return count


def _cell(sheet: WriteOnlyWorksheet, column: Column, value: Any) -> Any:
    value = excel_value(column, value)
    if isinstance(value, str) and value.startswith("="):
        # openpyxl would write it as a formula, which Excel then runs: text stays text.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    number_format = _FORMATS.get(column.kind)
    if value is None or number_format is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell
