"""Reading a table a person made (CSV or Excel .xlsx) for an import: header, rows, row numbers.

CSV: the encoding is found (UTF-8 with or without BOM, UTF-16 with BOM as Excel's "Unicode
text"; anything else is read as Windows-1252, or Latin-1, with a warning), the delimiter is
sniffed from the first line (comma, semicolon or tab). Excel: the first sheet of a real .xlsx.
Row numbers are the ones the person sees in Excel or a spreadsheet: the header is row 1, blank
lines count. Refused with a plain sentence: empty files, no header, duplicate column names,
files over ``max_bytes`` or with more than ``max_rows`` rows, an .xlsx that is not one, binary files.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.core.errors import ValidationError
from store.core.texts import said

MAX_BYTES = 50 * 1_048_576
MAX_ROWS = 100_000
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

TOO_MANY_ROWS = said("table.too_many_rows", "The file has more than {n} rows (row {row} is one too many); split it into smaller files.")
UNREADABLE = said("table.unreadable", "The file {name} cannot be read ({reason}).")
TOO_BIG = said("table.too_big", "The file {name} is {size} MB; Fieldbook imports files up to {limit} MB. Split it into smaller files.")
EMPTY = said("table.empty", "The file {name} is empty.")
NOT_XLSX_NAMED = said("table.not_xlsx_named", "The file {name} is not an Excel workbook (.xlsx), although its name says so. Save it from Excel as .xlsx or as CSV.")
NOT_XLSX = said("table.not_xlsx", "The file {name} is not an Excel workbook (.xlsx) Fieldbook can read. Save it from Excel as .xlsx or as CSV.")
OLD_XLS = said("table.old_xls", "The file {name} is an old Excel file (.xls). Save it from Excel as .xlsx or as CSV.")
BAD_UTF16 = said("table.bad_utf16", "The file {name} says it is UTF-16 text but cannot be read as such.")
NOT_TEXT = said("table.not_text", "The file {name} is not a text (CSV) file. Save it as CSV (UTF-8) or as Excel .xlsx.")
NOT_UTF8 = said(
    "table.not_utf8",
    "The file {name} is not UTF-8; it was read as {encoding}. Check that accented letters look right in the preview, or save the file as “CSV UTF-8”.",
)
BAD_CSV = said("table.bad_csv", "The file {name} cannot be read as CSV near row {row} ({reason}).")
NO_HEADER = said("table.no_header", "The first row of {name} is empty; it must hold the column names (field names or labels).")
SAME_COLUMN = said("table.same_column", "Columns {first} and {second} of {name} are both called “{title}”. Give every column its own name.")
ALL_SHEETS = said("table.all_sheets", "All {n} sheets of this Fieldbook export are read ({names}); row numbers are those of each sheet.")
FIRST_SHEET_ONLY = said("table.first_sheet_only", "The workbook has {n} sheets; only the first, “{sheet}”, is read.")
_XLSX_MAGIC = b"PK\x03\x04"


class TableFileError(ValidationError):
    """The file cannot be read as a table; nothing was imported."""


@dataclass
class Table:
    """An open table: ``header`` (column names, stripped), ``rows()`` yields ``(row number, cells)``.

    Cells are text for CSV and typed values (int, float, bool, datetime, str, None) for Excel.
    """

    kind: str  # "csv" | "xlsx"
    header: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    warnings: list[str] = field(default_factory=list)
    _rows: Iterator[tuple[int, list[Any]]] = field(default_factory=lambda: iter(()))
    max_rows: int = MAX_ROWS
    row_hint: int = 0  # about how many rows the file has, for progress (0: unknown)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """Data rows (blank ones skipped); ``TableFileError`` once more than ``max_rows`` were read."""
        count = 0
        for number, cells in self._rows:
            if all(is_blank(c) for c in cells):
                continue
            count += 1
            if count > self.max_rows:
                raise TableFileError(TOO_MANY_ROWS(n=self.max_rows, row=str(number)))
            yield number, cells

    @property
    def delimiter_name(self) -> str | None:
        return _DELIMITER_NAMES.get(self.delimiter or "")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_letter(index: int) -> str:
    """Excel's name of the 0-based column ``index``: A, B, …, Z, AA, …"""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


@contextmanager
def open_table(path: Path, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Iterator[Table]:
    """Open ``path`` as a table (its content decides CSV or Excel, its name only for the message)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TableFileError(UNREADABLE(name=path.name, reason=exc.strerror or str(exc))) from None
    if size > max_bytes:
        raise TableFileError(TOO_BIG(name=path.name, size=round(size / 1_048_576, 1), limit=round(max_bytes / 1_048_576)))
    if size == 0:
        raise TableFileError(EMPTY(name=path.name))
    with open(path, "rb") as fh:
        start = fh.read(4)
    if start == _XLSX_MAGIC:
        with _open_xlsx(path, max_rows) as table:
            yield table
        return
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise TableFileError(NOT_XLSX_NAMED(name=path.name))
    if path.suffix.lower() == ".xls":
        raise TableFileError(OLD_XLS(name=path.name))
    yield _open_csv(path, path.read_bytes(), max_rows)


# -- CSV ---------------------------------------------------------------------------------------


def decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """The text of ``data``, the encoding used, and a warning when it had to be guessed."""
    if data.startswith(codecs.BOM_UTF8) and _utf8(data[3:]):
        return data[3:].decode("utf-8"), "utf-8-sig", []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            raise TableFileError(BAD_UTF16(name=name)) from None
    if b"\x00" in data[:65536]:
        raise TableFileError(NOT_TEXT(name=name))
    if _utf8(data):
        return data.decode("utf-8"), "utf-8", []
    return _legacy_text(data.removeprefix(codecs.BOM_UTF8), name)  # a BOM on text that is not UTF-8 after all


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _legacy_text(data: bytes, name: str) -> tuple[str, str, list[str]]:
    for encoding, label in (("cp1252", "Windows-1252"), ("latin-1", "Latin-1 (ISO-8859-1)")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, encoding, [NOT_UTF8(name=name, encoding=label)]
    raise AssertionError("latin-1 decodes any bytes")


# Spreadsheet formulas in CSV (issue 20, item 10): a cell that begins with = + - @ (or a tab or
# carriage return) is run as a formula when Excel or LibreOffice opens the file: =HYPERLINK(…) or
# =cmd|' /C calc'!A0 from a label someone typed. The CSV export puts an apostrophe before such a
# text (shown by spreadsheets as the text itself), and before a text that already begins with
# apostrophes and then such a character, so that the import can undo exactly that: one apostrophe
# before apostrophes-then-a-trigger is removed. A round trip through Fieldbook is exact; a text
# like "'tis" is never touched.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def neutralise_formula(text: str) -> str:
    """``text`` for a CSV cell: safe to open in a spreadsheet (see above)."""
    return "'" + text if _FORMULA.match(text) else text


def restore_formula(text: str) -> str:
    """The text ``neutralise_formula`` was given (for a cell of a CSV file)."""
    return text[1:] if text.startswith("'") and _FORMULA.match(text, 1) else text


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first non-empty line into the most cells (comma on a tie)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, width = ",", 1
    for delimiter in DELIMITERS:
        try:
            cells = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:  # e.g. a field over the csv module's 128 KiB limit: reading the rows says so
            continue
        if len(cells) > width:
            best, width = delimiter, len(cells)
    return best


def _open_csv(path: Path, data: bytes, max_rows: int) -> Table:
    text, encoding, warnings = decode(data, path.name)
    if not text.strip():
        raise TableFileError(EMPTY(name=path.name))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered = ((n, row) for n, row in enumerate(_safe(reader, path.name), start=1))
    header = _header(numbered, path.name)
    return Table("csv", header, encoding, delimiter, warnings, numbered, max_rows, text.count("\n"))


def _safe(reader: Any, name: str) -> Iterator[list[str]]:
    try:
        for row in reader:
            yield [restore_formula(cell) for cell in row]
    except csv.Error as exc:
        raise TableFileError(BAD_CSV(name=name, row=str(reader.line_num), reason=str(exc))) from None


def _header(numbered: Iterator[tuple[int, list[Any]]], name: str) -> list[str]:
    first = next(numbered, None)
    if first is None:
        raise TableFileError(EMPTY(name=name))
    header = ["" if c is None else str(c).strip() for c in first[1]]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise TableFileError(NO_HEADER(name=name))
    seen: dict[str, int] = {}
    for i, title in enumerate(header):
        key = " ".join(title.lower().split())
        if key and key in seen:
            raise TableFileError(SAME_COLUMN(first=column_letter(seen[key]), second=column_letter(i), name=name, title=title))
        seen.setdefault(key, i)
    return header


# -- Excel -------------------------------------------------------------------------------------


@contextmanager
def _open_xlsx(path: Path, max_rows: int) -> Iterator[Table]:
    from openpyxl import load_workbook

    not_xlsx = TableFileError(NOT_XLSX(name=path.name))
    if not zipfile.is_zipfile(path):
        raise not_xlsx
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises KeyError, BadZipFile, InvalidFileException … for what is not a workbook
        raise not_xlsx from None
    try:
        if not workbook.worksheets:
            raise not_xlsx
        sheets = [(sheet, _numbered(sheet)) for sheet in workbook.worksheets]
        headers = [_header(numbered, path.name) for _, numbered in sheets[:1]]
        if len(sheets) > 1 and headers[0][:1] == [OWN_EXPORT_FIRST_COLUMN]:
            try:
                headers += [_header(numbered, path.name) for _, numbered in sheets[1:]]
            except TableFileError:  # an empty or hand-made later sheet: not Fieldbook's own workbook
                headers = headers[:1]
        if len(headers) == len(sheets) > 1 and all(h[:1] == [OWN_EXPORT_FIRST_COLUMN] for h in headers):
            yield _own_export(sheets, headers, max_rows)
            return
        sheet = workbook.worksheets[0]
        warnings: list[str] = []
        if len(workbook.worksheets) > 1:
            warnings.append(FIRST_SHEET_ONLY(n=len(workbook.worksheets), sheet=sheet.title))
        yield Table("xlsx", headers[0], None, None, warnings, sheets[0][1], max_rows, int(sheet.max_row or 0))
    finally:
        workbook.close()


OWN_EXPORT_FIRST_COLUMN = "_id"  # store/exports/columns.py: Fieldbook's own exports begin with it


def _numbered(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    return ((n, list(row)) for n, row in enumerate(sheet.iter_rows(values_only=True), start=1))


def _own_export(sheets: list[tuple[Any, Iterator[tuple[int, list[Any]]]]], headers: list[list[str]], max_rows: int) -> Table:
    """Fieldbook's own Excel export, a sheet per form version: every sheet is read, each row put
    under the columns of all sheets together (a field only one version has is empty in the others)."""
    union: list[str] = []
    for header in headers:
        union += [title for title in header if title not in union]
    where = {title: i for i, title in enumerate(union)}

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for (_, numbered), header in zip(sheets, headers, strict=True):
            for number, cells in numbered:
                row: list[Any] = [None] * len(union)
                for title, value in zip(header, cells, strict=False):
                    if title:
                        row[where[title]] = value
                yield number, row + list(cells[len(header):])

    names = ", ".join(f"“{sheet.title}”" for sheet, _ in sheets)
    warning = ALL_SHEETS(n=len(sheets), names=names)
    hint = sum(int(sheet.max_row or 0) for sheet, _ in sheets)
    return Table("xlsx", union, None, None, [warning], rows(), max_rows, hint)
