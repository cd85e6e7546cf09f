"""Import of XLSForm workbooks (the ODK / KoboToolbox spreadsheet convention) into a FormDef.

pyxform reads the file (``.xlsx``, ``.xls``, pyxform's ``.csv`` layout), so every spelling and
row rule is the one ODK Central and KoboToolbox apply — sheet names too (case does not matter, a
space around the name does: the report says which sheet to rename). Everything the import cannot
carry over is reported, row by row: *problems* stop the import (the result has no form, nothing
is half-imported), *warnings* do not (something is skipped or simplified and the form still works
as written).

Mapping: see the README, "Form definitions". Limits: ``max_bytes`` of file, 200 MB unpacked,
5,000 survey rows, 20,000 choice rows, groups nested 10 deep.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.core.texts import said
from store.formdef.model import FormDef, FormDefError, Problem
from store.formdef.schema import GROUPS_TOO_DEEP, MAX_GROUP_DEPTH, form_from_json, form_from_text
from store.formdef.xlsexpr import read_acknowledged, read_path_text, read_paths
from store.formdef.xlsmapping import XlsMapper, language_code
from store.formdef.xlsrows import FILE_PLACE, SHEET_IGNORED, WORKBOOK_DAMAGED, place

__all__ = ["ImportResult", "import_xlsform", "language_code", "load_form_file"]

MAX_UNPACKED = 200_000_000
MAX_SURVEY_ROWS = 5_000
MAX_CHOICE_ROWS = 20_000
MAX_JSON_BYTES = 5_000_000

# Why a form file cannot be read at all (said at the file, or the workbook).
WORKBOOK_PLACE = said("xls.where.workbook", "workbook")
FILE_EMPTY = said("formfile.file_empty", "the file is empty")
FILE_TOO_LARGE = said("formfile.file_too_large", "the file is larger than {n} bytes")
FILE_UNREADABLE = said("formfile.file_unreadable", "the file cannot be read ({reason})")
FILE_NOT_UTF8 = said("formfile.file_not_utf8", "the file is not UTF-8 text")
WRONG_KIND_OF_FILE = said(
    "formfile.wrong_kind_of_file", "Fieldbook reads forms from .xlsx, .xls or .csv (XLSForm) or .json files, not '{kind}' files"
)
NOT_XLS = said("xls.not_xls", "the file is not an Excel 97-2003 workbook (.xls)")
NOT_XLSX = said("xls.not_xlsx", "the file is not an Excel workbook (.xlsx); save it from your spreadsheet program as .xlsx")
ZIP_NOT_XLSX = said("xls.zip_not_xlsx", "the file is a zip archive but not an Excel workbook (.xlsx)")
UNPACKS_TOO_LARGE = said("xls.unpacks_too_large", "the workbook unpacks to more than {n} bytes")
ZIP_DAMAGED = said("xls.zip_damaged", "the file is damaged and cannot be read as an Excel workbook (.xlsx)")
NO_SURVEY = said("xls.no_survey", "there is no 'survey' sheet; an XLSForm lists its questions there")
SURVEY_MISNAMED = said(
    "xls.survey_misnamed", "there is no 'survey' sheet; the sheet '{sheet}' looks like it: rename it to exactly 'survey'"
)
SHEET_TOO_LONG = said("xls.sheet_too_long", "the sheet has more than {n} rows")
PYXFORM_REFUSED = said("xls.pyxform_refused", "{reason}")
SHEETS = ("survey", "choices", "settings", "external_choices", "entities", "osm")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportResult:
    """The imported form (None when there are problems), every problem and every warning."""

    form: FormDef | None
    problems: list[Problem]
    warnings: list[Problem]

    @property
    def ok(self) -> bool:
        return self.form is not None and not self.problems


def _fail(message: str) -> ImportResult:
    return ImportResult(None, [Problem(FILE_PLACE(), message)], [])


XLSFORM_KINDS = (".xlsx", ".xls", ".csv")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the start of every .xls (a Compound File)


def _check_container(data: bytes, max_bytes: int, kind: str = ".xlsx") -> str | None:
    if not data:
        return FILE_EMPTY()
    if len(data) > max_bytes:
        return FILE_TOO_LARGE(n=max_bytes)
    if kind == ".xls":
        return None if data.startswith(OLE2) else NOT_XLS()
    if kind == ".csv":
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return FILE_NOT_UTF8()
        return None
    if not data.startswith(b"PK\x03\x04"):
        return NOT_XLSX()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                return ZIP_NOT_XLSX()
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                return UNPACKS_TOO_LARGE(n=MAX_UNPACKED)
    except (zipfile.BadZipFile, OSError, ValueError):
        return ZIP_DAMAGED()
    return None


def import_xlsform(
    source: Path | bytes, *, max_bytes: int = 20_000_000, kind: str | None = None, name: str | None = None
) -> ImportResult:
    """Read an XLSForm (path or bytes; ``kind`` ``.xlsx`` — the default for bytes —, ``.xls`` or
    ``.csv``, else the path's suffix) into a checked ``FormDef``. An untitled form is called after
    its file (``name``, else the path's), as ODK does.

    Never raises for a bad file: every reason is in ``problems``; skipped or simplified parts
    are in ``warnings``. ``form`` is None whenever there is a problem.
    """
    if kind is None:
        kind = source.suffix.lower() if isinstance(source, Path) and source.suffix.lower() in XLSFORM_KINDS else ".xlsx"
    if isinstance(source, Path):
        try:
            size = source.stat().st_size
            if size > max_bytes:
                return _fail(FILE_TOO_LARGE(n=max_bytes))
            data = source.read_bytes()
        except OSError as exc:
            return _fail(FILE_UNREADABLE(reason=str(exc.strerror or exc)))
    else:
        data = bytes(source)
    reason = _check_container(data, max_bytes, kind)
    if reason is not None:
        return _fail(reason)
    stem = Path(name).stem if name else source.stem if isinstance(source, Path) else None
    return _from_workbook(data, kind, stem)


def _from_workbook(data: bytes, kind: str, stem: str | None) -> ImportResult:
    """pyxform reads the workbook (store/formdef/xlsmapping.py says why); Fieldbook maps what it read."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    if kind == ".csv" and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # Excel's "CSV UTF-8" starts with a byte-order mark, which pyxform would read as part of "survey"
    try:
        with warnings.catch_warnings():  # openpyxl warns about spreadsheet features a form does not use
            warnings.simplefilter("ignore")
            book = get_xlsform(data, file_type=kind)
    except PyXFormError as exc:  # pyxform's own reason (a header twice, a CSV it cannot read as an XLSForm)
        if "Error reading" not in str(exc) and "not recognized as a supported type" not in str(exc):
            return ImportResult(None, [_refused(str(exc))], [])
        return _fail(WORKBOOK_DAMAGED())
    except Exception:  # a third-party parser on an untrusted file: any failure means "unreadable"
        return _fail(WORKBOOK_DAMAGED())
    names = [str(name) for name in book.sheet_names or ()]
    notes = [Problem(place(name), SHEET_IGNORED()) for name in names if name.lower() not in SHEETS] if len(names) > 1 else []
    if book.survey is None and book.survey_header is None:
        close = [name for name in names if name.strip().lower() == "survey"]
        reason = SURVEY_MISNAMED(sheet=close[0]) if close else NO_SURVEY()
        return ImportResult(None, [Problem(WORKBOOK_PLACE(), reason)], notes)
    for sheet, rows, limit in (("survey", book.survey, MAX_SURVEY_ROWS), ("choices", book.choices, MAX_CHOICE_ROWS)):
        if sum(1 for row in rows or () if row) > limit:
            return ImportResult(None, [Problem(place(sheet), SHEET_TOO_LONG(n=limit))], notes)
    try:
        survey_json = workbook_to_json(book, form_name="data", warnings=[])
    except PyXFormError as exc:
        return ImportResult(None, [_refused(str(exc))], notes)
    except Exception:  # pyxform failing on input it did not foresee: the form cannot be read
        log.exception("pyxform failed on a workbook")
        return _fail(WORKBOOK_DAMAGED())
    deepest = _depth(survey_json.get("children", []))
    if deepest > MAX_GROUP_DEPTH:  # before any walk of the tree: pyxform itself nests without limit
        return ImportResult(None, [Problem(place("survey"), GROUPS_TOO_DEEP(n=MAX_GROUP_DEPTH))], notes)
    importer = XlsMapper(survey_json, book, stem)
    importer.warnings += notes
    meta = importer.settings()
    importer.check_languages()
    lists = importer.choices()
    fields = importer.survey(lists)
    importer.check_choice_names(lists)
    named = set(importer.rows) - importer.duplicates  # a path to a name given twice stays a path (and is refused)
    read_paths(fields, named)
    if meta["instance_name"]:
        meta["instance_name"] = read_path_text(meta["instance_name"], named)
    read_acknowledged(fields, importer.acknowledged, importer.rows, importer.warn)
    data_json = {**meta, "default_language": importer.lang, "fields": fields, "choice_lists": lists}
    form: FormDef | None = None
    try:
        form = form_from_json(data_json)
    except FormDefError as exc:
        for found in exc.problems:
            if found.attribute == "name" and found.field in importer.duplicates:
                continue  # already reported with both rows
            importer.problems.append(importer.locate(found))
    if importer.problems:
        return ImportResult(None, importer.problems, importer.warnings)
    return ImportResult(form, [], importer.warnings)


def _depth(elements: list[Any]) -> int:
    """How deep groups (and repeats) nest, without recursion."""
    deepest, stack = 0, [(elements, 0)]
    while stack:
        items, level = stack.pop()
        for element in items:
            children = element.get("children") if isinstance(element, dict) else None
            if children:
                deepest = max(deepest, level + 1)
                if level + 1 <= MAX_GROUP_DEPTH:
                    stack.append((children, level + 1))
    return deepest


def _refused(message: str) -> Problem:
    """pyxform's reason for refusing the form, at the sheet and row it names (its first line: the
    rest is a dump of the row as pyxform holds it)."""
    found = re.match(r"\s*\[row\s*:\s*(\d+)\]\s*", message)
    row = int(found[1]) if found else None
    text = ((message[found.end() :] if found else message).strip().splitlines() or [""])[0].strip()
    sheet = re.match(r"On the '(\w+)' sheet", text)
    where = place(sheet[1] if sheet else "survey", row) if row is not None else WORKBOOK_PLACE()
    return Problem(where, PYXFORM_REFUSED(reason=text), row=row)


def load_form_file(path: Path) -> ImportResult:
    """A form from ``path``: ``.xlsx``, ``.xls`` or ``.csv`` as XLSForm, ``.json`` as Fieldbook's JSON form."""
    suffix = path.suffix.lower()
    if suffix in XLSFORM_KINDS:
        return import_xlsform(path, kind=suffix)
    if suffix != ".json":
        return _fail(WRONG_KIND_OF_FILE(kind=suffix or path.name))
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            return _fail(FILE_TOO_LARGE(n=MAX_JSON_BYTES))
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return _fail(FILE_NOT_UTF8())
    except OSError as exc:
        return _fail(FILE_UNREADABLE(reason=str(exc.strerror or exc)))
    try:
        return ImportResult(form_from_text(text), [], [])
    except FormDefError as exc:
        return ImportResult(None, exc.problems, [])
