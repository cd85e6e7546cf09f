"""Places in an XLSForm workbook (sheet, row, column) and cell values as text.

The sheets themselves are read by pyxform (store/formdef/xlsform.py); the caller checks size and
archive first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from store.core.texts import said

# Places in a workbook (sheet names and column headers as written; row numbers as digits, the
# way the spreadsheet shows them) and what the reading of the sheets reports.
SHEET_PLACE = said("xls.where.sheet", "{sheet} sheet")
SHEET_ROW_PLACE = said("xls.where.sheet_row", "{sheet} sheet, row {row}")
SHEET_ROW_COLUMN_PLACE = said("xls.where.sheet_row_column", "{sheet} sheet, row {row}, column '{column}'")
SHEET_COLUMN_PLACE = said("xls.where.sheet_column", "{sheet} sheet, column '{column}'")
FILE_PLACE = said("formfile.where.file", "file")
SHEET_IGNORED = said("xls.sheet_ignored", "is not part of an XLSForm and is ignored")
WORKBOOK_DAMAGED = said("xls.workbook_damaged", "the workbook is damaged and cannot be read")


def place(sheet: str, row: int | None = None, column: str | None = None) -> str:
    """Where in the workbook: ``survey sheet, row 5, column 'x'`` (row and column if known), a ``Text``."""
    if row is None:
        return SHEET_COLUMN_PLACE(sheet=sheet, column=column) if column else SHEET_PLACE(sheet=sheet)
    if column:
        return SHEET_ROW_COLUMN_PLACE(sheet=sheet, row=str(row), column=column)
    return SHEET_ROW_PLACE(sheet=sheet, row=str(row))


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
