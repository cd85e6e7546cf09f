"""Import of XLSForm workbooks (the ODK / KoboToolbox spreadsheet convention) into a FormDef.

Everything the import cannot carry over is reported, row by row: *problems* stop the import
(the result has no form, nothing is half-imported), *warnings* do not (something is skipped or
simplified and the form still works as written). Sheet names are matched ignoring case and
surrounding spaces (``"Survey "`` works, with a warning), because spreadsheet tools make such
slips easy and the intent is unambiguous.

Mapping: see the README, "Form definitions". Limits: ``max_bytes`` of file, 200 MB unpacked,
5,000 survey rows, 20,000 choice rows, 200 columns.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from store.core.texts import said
from store.formdef.model import FormDef, FormDefError, Problem
from store.formdef.schema import form_from_json, form_from_text
from store.formdef.xlsmapping import XlsMapper, language_code
from store.formdef.xlsrows import FILE_PLACE, read_sheets

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
    "formfile.wrong_kind_of_file", "Fieldbook reads forms from .xlsx (XLSForm) or .json files, not '{kind}' files"
)
NOT_XLSX = said("xls.not_xlsx", "the file is not an Excel workbook (.xlsx); save it from your spreadsheet program as .xlsx")
ZIP_NOT_XLSX = said("xls.zip_not_xlsx", "the file is a zip archive but not an Excel workbook (.xlsx)")
UNPACKS_TOO_LARGE = said("xls.unpacks_too_large", "the workbook unpacks to more than {n} bytes")
ZIP_DAMAGED = said("xls.zip_damaged", "the file is damaged and cannot be read as an Excel workbook (.xlsx)")
NO_SURVEY = said("xls.no_survey", "there is no 'survey' sheet; an XLSForm lists its questions there")


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


def _check_container(data: bytes, max_bytes: int) -> str | None:
    if not data:
        return FILE_EMPTY()
    if len(data) > max_bytes:
        return FILE_TOO_LARGE(n=max_bytes)
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


def import_xlsform(source: Path | bytes, *, max_bytes: int = 20_000_000) -> ImportResult:
    """Read an XLSForm workbook (path or bytes) into a checked ``FormDef``.

    Never raises for a bad file: every reason is in ``problems``; skipped or simplified parts
    are in ``warnings``. ``form`` is None whenever there is a problem.
    """
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
    reason = _check_container(data, max_bytes)
    if reason is not None:
        return _fail(reason)
    sheets, problems, notes = read_sheets(data, {"survey": MAX_SURVEY_ROWS, "choices": MAX_CHOICE_ROWS, "settings": 10})
    if problems:
        return ImportResult(None, problems, notes)
    if "survey" not in sheets:
        return ImportResult(None, [Problem(WORKBOOK_PLACE(), NO_SURVEY())], notes)
    importer = XlsMapper(sheets, max_survey_rows=MAX_SURVEY_ROWS, max_choice_rows=MAX_CHOICE_ROWS)
    importer.warnings += notes
    meta = importer.settings()
    importer.check_languages()
    lists = importer.choices()
    fields = importer.survey(lists)
    importer.read_acknowledged(fields)
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


def load_form_file(path: Path) -> ImportResult:
    """A form from ``path``: ``.xlsx`` as XLSForm, ``.json`` as Fieldbook's JSON form."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return import_xlsform(path)
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
