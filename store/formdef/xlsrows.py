"""Reading the sheets of an XLSForm workbook into plain rows, with limits.

openpyxl parses untrusted files here, so the caller checks size and archive first; this
module bounds the rows and columns read and turns any failure of the parser into a problem.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from store.core.texts import said
from store.formdef.model import Problem

MAX_COLUMNS = 200
MAX_SCANNED_ROWS = 50_000
WANTED = ("survey", "choices", "settings")

# Places in a workbook (sheet names and column headers as written; row numbers as digits, the
# way the spreadsheet shows them) and what the reading of the sheets reports.
SHEET_PLACE = said("xls.where.sheet", "{sheet} sheet")
SHEET_ROW_PLACE = said("xls.where.sheet_row", "{sheet} sheet, row {row}")
SHEET_ROW_COLUMN_PLACE = said("xls.where.sheet_row_column", "{sheet} sheet, row {row}, column '{column}'")
SHEET_COLUMN_PLACE = said("xls.where.sheet_column", "{sheet} sheet, column '{column}'")
FILE_PLACE = said("formfile.where.file", "file")
TOO_MANY_COLUMNS = said("xls.too_many_columns", "has more than {n} columns")
COLUMN_TWICE = said("xls.column_twice", "the column '{column}' appears twice; only the first is used")
TOO_MANY_ROWS_SCANNED = said("xls.too_many_rows_scanned", "has more than {n} rows")
VALUES_WITHOUT_HEADER = said("xls.values_without_header", "has values in columns without a header; they are ignored")
SHEET_IGNORED = said("xls.sheet_ignored", "is not part of an XLSForm and is ignored")
SHEET_TWICE = said("xls.sheet_twice", "there is more than one '{sheet}' sheet")
SHEET_NAME_LOOSE = said("xls.sheet_name_loose", "was read as the '{sheet}' sheet (the name should be exactly '{sheet}')")
WORKBOOK_DAMAGED = said("xls.workbook_damaged", "the workbook is damaged and cannot be read")


def place(sheet: str, row: int | None = None, column: str | None = None) -> str:
    """Where in the workbook: ``survey sheet, row 5, column 'x'`` (row and column if known), a ``Text``."""
    if row is None:
        return SHEET_COLUMN_PLACE(sheet=sheet, column=column) if column else SHEET_PLACE(sheet=sheet)
    if column:
        return SHEET_ROW_COLUMN_PLACE(sheet=sheet, row=str(row), column=column)
    return SHEET_ROW_PLACE(sheet=sheet, row=str(row))
HEADER_ALIASES = {
    "list name": "list_name",
    "listname": "list_name",
    "bind::relevant": "relevant",
    "bind::constraint": "constraint",
}


@dataclass
class Sheet:
    """One sheet: normalised column headers and the non-empty rows as ``(row number, {header: value})``."""

    title: str
    headers: list[str] = field(default_factory=list)
    records: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """A cell's value as trimmed text: whole floats without ``.0``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def normalise_header(text: str) -> str:
    """``"Label::English (en)"`` → ``"label::English (en)"``; aliases such as ``list name``."""
    base, sep, rest = text.strip().partition("::")
    base = base.strip().lower()
    if base in HEADER_ALIASES:
        return HEADER_ALIASES[base]
    if sep and f"{base}::{rest.strip().lower()}" in HEADER_ALIASES:
        return HEADER_ALIASES[f"{base}::{rest.strip().lower()}"]
    return f"{base}::{rest.strip()}" if sep else base


def _read(ws: Any, title: str, max_rows: int) -> tuple[Sheet, list[Problem], list[Problem]]:
    sheet = Sheet(title)
    problems: list[Problem] = []
    notes: list[Problem] = []
    rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
    header = next(rows, None) or ()
    if len(header) > MAX_COLUMNS and header[MAX_COLUMNS] is not None:
        problems.append(Problem(place(title), TOO_MANY_COLUMNS(n=MAX_COLUMNS)))
        return sheet, problems, notes
    positions: list[tuple[int, str]] = []
    for index, raw in enumerate(header):
        name = normalise_header(cell_text(raw))
        if not name:
            continue
        if name in sheet.headers:
            notes.append(Problem(place(title, 1), COLUMN_TWICE(column=name), row=1))
            continue
        sheet.headers.append(name)
        positions.append((index, name))
    for number, values in enumerate(rows, start=2):
        if number > MAX_SCANNED_ROWS:
            problems.append(Problem(place(title), TOO_MANY_ROWS_SCANNED(n=MAX_SCANNED_ROWS)))
            break
        record = {name: values[index] for index, name in positions if index < len(values) and cell_text(values[index])}
        if not record:
            if any(cell_text(v) for v in values):
                notes.append(Problem(place(title, number), VALUES_WITHOUT_HEADER(), row=number))
            continue
        sheet.records.append((number, record))
        if len(sheet.records) > max_rows:
            break  # the caller reports the sheet as too long
    return sheet, problems, notes


def read_sheets(data: bytes, limits: Mapping[str, int]) -> tuple[dict[str, Sheet], list[Problem], list[Problem]]:
    """The ``survey``, ``choices`` and ``settings`` sheets of the workbook in ``data``.

    Sheet names match ignoring case and surrounding spaces (a warning says so); other sheets
    are ignored with a warning. Returns ``(sheets, problems, warnings)``; never raises.
    """
    import openpyxl  # imported on use: only the import needs it, and it is slow to load

    sheets: dict[str, Sheet] = {}
    problems: list[Problem] = []
    notes: list[Problem] = []
    try:
        # openpyxl warns about spreadsheet features it drops (data validation, styles); none
        # of them matter for a form, and the test suite turns warnings into errors.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for title in book.sheetnames:
                    wanted = title.strip().lower()
                    if wanted not in WANTED:
                        notes.append(Problem(place(title), SHEET_IGNORED()))
                        continue
                    if wanted in sheets:
                        problems.append(Problem(place(title), SHEET_TWICE(sheet=wanted)))
                        continue
                    if title != wanted:
                        notes.append(Problem(place(title), SHEET_NAME_LOOSE(sheet=wanted)))
                    sheet, found, more = _read(book[title], wanted, limits.get(wanted, MAX_SCANNED_ROWS))
                    sheets[wanted] = sheet
                    problems += found
                    notes += more
            finally:
                book.close()
    except Exception:  # a third-party parser on an untrusted file: any failure means "unreadable"
        return {}, [Problem(FILE_PLACE(), WORKBOOK_DAMAGED())], []
    return sheets, problems, notes
