"""Import records from a CSV or Excel file: preview, map columns, check every row, then all or nothing.

1. ``preview(path, form)``: encoding, delimiter, header, the first rows and the automatic mapping,
   with warnings (guessed encoding, ignored columns, extra sheets) — nothing is written.
2. ``check_file(path, form, mapping)``: reads every row, converts each mapped cell with the form's
   ``parse_text`` and checks the row with ``evaluate_record`` (required fields, constraints,
   choices, ranges) as a save would. The report names the row as the person sees it in the file
   (header = row 1), the column, the field and the problem in a plain sentence.
3. ``import_file(store, project_id, path, mapping, …)``: the check, then ``import_records`` — ONE
   transaction: when any row has a problem nothing is imported.

Idempotent: the import key is the sha256 of project, file content, mapping and status. The
import's audit row carries it and is written in the same transaction as the records, so a re-run
of the same import (a job retried after a crash, a second click) finds it and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.core import texts
from store.core.db import Store
from store.core.errors import ValidationError
from store.core.texts import said
from store.fielddata.mapping import NOT_FROM_TABLES, Target, auto_mapping, merged, resolve
from store.fielddata.projects import load_form
from store.fielddata.records import STATUSES, AlreadyImported, import_records, previous_import
from store.fielddata.tablefile import MAX_BYTES, MAX_ROWS, Table, is_blank, open_table
from store.formdef import FormDef
from store.formdef.convert import parse_text, to_stored
from store.formdef.evaluate import clean_for_save, evaluate_record
from store.formdef.model import Field

Progress = Callable[[float, str], None]
MAX_PROBLEMS = 1000  # a report longer than this helps nobody; the count says how many more

AT_ROW_COLUMN = said("import.at_row_column", "Row {row}, column “{name}”: {message}")
AT_ROW_FIELD = said("import.at_row_field", "Row {row}, field “{name}”: {message}")
AT_ROW = said("import.at_row", "Row {row}: {message}")
AT_COLUMN = said("import.at_column", "Column “{name}”: {message}")
AT_FIELD = said("import.at_field", "Field “{name}”: {message}")
WARNING = said("import.warning", "Warning: {message}")
MORE_PROBLEMS = said("import.more_problems", "… and {n} more problems.", one="… and 1 more problem.")
ALREADY_IMPORTED = said(
    "import.already",
    "This file was already imported with the same columns ({n} records); nothing was added.",
    one="This file was already imported with the same columns (1 record); nothing was added.",
)
IMPORTED = said("import.imported", "Imported {n} records.", one="Imported 1 record.")
ROWS_FINE = said("import.rows_fine", "All {n} rows are fine.", one="The one row is fine.")
NOTHING_IMPORTED = said(
    "import.nothing",
    "Nothing was imported: {n} problems in {rows} rows. Fix the file and import it again.",
    one="Nothing was imported: 1 problem in {rows} rows. Fix the file and import it again.",
)
ROWS_CHECKED = said("import.rows_checked", "checked {n} rows")
COLUMNS_IGNORED = said("import.columns_ignored", "These columns match no field and are ignored: {columns}.")
OWN_COLUMNS_IGNORED = said("import.own_columns_ignored", "Fieldbook's own export columns are ignored (imported rows become new records): {columns}.")
BAD_STATUS = said("import.bad_status", "Imported records are either draft or final, not “{status}”.")
NO_ROWS = said("import.no_rows", "The file {name} has a header row but no data rows.")
NO_SUCH_COLUMN = said("import.no_such_column", "The file has no column “{column}” (its columns: {columns}).")
NOT_A_FIELD = said("import.not_a_field", "“{name}” is not a field of this form.")
NO_FILES = said("import.no_files", "Photos and files cannot be imported from a table; leave “{column}” unmapped.")
TWO_COLUMNS = said("import.two_columns", "Columns “{first}” and “{second}” both go into “{field}”; map one of them only.")
NO_COLUMN_MATCHES = said(
    "import.no_column_matches",
    "No column matches a field of the form. The first row must hold the column names — the field names or labels, e.g. {examples}.",
)
TOO_MANY_CELLS = said("import.too_many_cells", "This row has {cells} or more cells but the header has {n} columns (a delimiter inside a value?).")
FORM_SAYS = said("import.form_says", "{en}")  # the form's own message, in the language it has
NOT_VALID = said("import.not_valid", "This value is not valid.")


@dataclass(frozen=True)
class RowProblem:
    """One problem: ``row`` as numbered in the file (header = 1; None for the file as a whole)."""

    message: str  # a Text where the store said it
    row: int | None = None
    column: str | None = None
    field: str | None = None

    def text(self) -> str:
        """The problem with where it is, as a ``Text`` (``Row 3, column “count”: …``)."""
        place = "column" if self.column else "field" if self.field else ""
        name = self.column or self.field
        if self.row is not None:
            # the row as the spreadsheet numbers it (str: never grouped, "1250" not "1,250")
            row = str(self.row)
            return (AT_ROW_COLUMN if place == "column" else AT_ROW_FIELD if place else AT_ROW)(row=row, name=name, message=self.message)
        return (AT_COLUMN if place == "column" else AT_FIELD)(name=name, message=self.message) if place else self.message

    def __str__(self) -> str:
        return str(self.text())

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class Preview:
    kind: str
    encoding: str | None
    delimiter: str | None
    header: list[str]
    rows: list[list[Any]]
    mapping: dict[str, str | None]
    warnings: list[str]


@dataclass
class Report:
    """What a check or an import found; ``ok`` when no row has a problem."""

    rows: int = 0  # data rows read
    values: list[dict[str, Any]] = field(default_factory=list)  # the records to create (when ok)
    problems: list[RowProblem] = field(default_factory=list)
    more_problems: int = 0  # beyond MAX_PROBLEMS
    warnings: list[str] = field(default_factory=list)
    mapping: dict[str, str | None] = field(default_factory=dict)
    imported: int = 0
    already_imported: bool = False
    key: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: RowProblem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "imported": self.imported,
            "already_imported": self.already_imported,
            "problems": [p.to_dict() for p in self.problems],
            "more_problems": self.more_problems,
            "warnings": self.warnings,
            "mapping": self.mapping,
            "key": self.key,
        }

    def lines(self) -> list[str]:
        """The report for a person, as ``Text``s: warnings, then one line per problem, then the outcome."""
        lines: list[str] = [WARNING(message=w) for w in self.warnings]
        lines += [p.text() for p in self.problems]
        if self.more_problems:
            lines.append(MORE_PROBLEMS(n=self.more_problems))
        if self.already_imported:
            lines.append(ALREADY_IMPORTED(n=self.imported))
        elif self.ok and self.imported:
            lines.append(IMPORTED(n=self.imported))
        elif self.ok:
            lines.append(ROWS_FINE(n=self.rows))
        else:
            lines.append(NOTHING_IMPORTED(n=len(self.problems) + self.more_problems, rows=self.rows))
        return lines

    def text(self) -> str:
        """The report in English (the report file, the command line)."""
        return "\n".join(self.lines())


def preview(path: Path, form: FormDef, *, rows: int = 10, max_bytes: int = MAX_BYTES) -> Preview:
    """The file's header, first ``rows`` data rows and automatic mapping; ``TableFileError`` if unreadable."""
    with open_table(path, max_bytes=max_bytes) as table:
        first: list[list[Any]] = []
        for _, cells in table.rows():
            first.append(cells)
            if len(first) >= rows:
                break
        mapping = auto_mapping(table.header, form)
        return Preview(table.kind, table.encoding, table.delimiter, table.header, first, mapping, table.warnings + _mapping_notes(mapping))


def _mapping_notes(mapping: Mapping[str, str | None]) -> list[str]:
    own = [c for c, t in mapping.items() if t is None and c.startswith("_")]
    unknown = [c for c, t in mapping.items() if t is None and not c.startswith("_")]
    notes: list[str] = []
    if unknown:
        notes.append(COLUMNS_IGNORED(columns=unknown))
    if own:
        notes.append(OWN_COLUMNS_IGNORED(columns=own))
    return notes


def import_key(project_id: str, path: Path, mapping: Mapping[str, str | None], status: str) -> str:
    """The identity of an import: the same project, file content, column mapping and status give the same key."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    spec = json.dumps({"project": project_id, "file": digest.hexdigest(), "mapping": dict(sorted(mapping.items())), "status": status})
    return hashlib.sha256(spec.encode()).hexdigest()


def check_file(
    path: Path,
    form: FormDef,
    mapping: Mapping[str, str | None] | None = None,
    *,
    status: str = "final",
    progress: Progress | None = None,
    check_cancelled: Callable[[], None] | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> Report:
    """Read and check every row; ``report.values`` holds the records to create when ``report.ok``.

    ``mapping`` overrides the automatic mapping column by column. A file that cannot be read at
    all raises ``TableFileError``; everything else ends up in the report.
    """
    if status not in STATUSES:
        raise ValidationError(BAD_STATUS(status=status))
    report = Report()
    with open_table(path, max_bytes=max_bytes, max_rows=max_rows) as table:
        report.mapping = merged(auto_mapping(table.header, form), mapping)
        report.warnings = table.warnings + _mapping_notes(report.mapping)
        columns = _columns(table, form, report)
        if not report.ok:
            return report
        for number, cells in table.rows():
            report.rows += 1
            values = _row(number, cells, columns, len(table.header), form, status, report)
            if values is not None:
                report.values.append(values)
            if report.rows % 1000 == 0:
                if check_cancelled is not None:
                    check_cancelled()
                if progress is not None:
                    progress(0.9 * min(1.0, report.rows / max(table.row_hint, 1)), ROWS_CHECKED(n=report.rows))
    if report.rows == 0 and report.ok:
        report.add(RowProblem(NO_ROWS(name=Path(path).name)))
    if not report.ok:
        report.values = []
    return report


def _columns(table: Table, form: FormDef, report: Report) -> list[tuple[int, str, Target]]:
    """``(index, column title, target)`` of every mapped column; mapping mistakes go to the report."""
    index = {title: i for i, title in enumerate(table.header) if title}
    used: dict[str, str] = {}
    columns: list[tuple[int, str, Target]] = []
    for column, target_name in report.mapping.items():
        if target_name is None:
            continue
        if column not in index:
            report.add(RowProblem(NO_SUCH_COLUMN(column=column, columns=[t for t in table.header if t])))
            continue
        target = resolve(form, target_name)
        if target is None:
            report.add(RowProblem(NOT_A_FIELD(name=target_name), column=column))
            continue
        if target.field.type in NOT_FROM_TABLES:
            report.add(RowProblem(NO_FILES(column=column), column=column, field=target.field.name))
            continue
        if target.name in used:
            report.add(RowProblem(TWO_COLUMNS(first=used[target.name], second=column, field=target.name), column=column))
            continue
        used[target.name] = column
        columns.append((index[column], column, target))
    if not columns and report.ok:
        report.add(RowProblem(NO_COLUMN_MATCHES(examples=[f.name for f in form.value_fields()[:3]])))
    return columns


def _row(
    number: int, cells: list[Any], columns: list[tuple[int, str, Target]], width: int, form: FormDef, status: str, report: Report
) -> dict[str, Any] | None:
    extra = [c for c in cells[width:] if not is_blank(c)]
    if extra:
        report.add(RowProblem(TOO_MANY_CELLS(cells=width + len(extra), n=width), row=number))
        return None
    values: dict[str, Any] = {}
    geo: dict[str, dict[str, Any]] = {}
    column_of: dict[str, str] = {}
    bad = False
    for i, column, target in columns:
        raw = cells[i] if i < len(cells) else None
        if is_blank(raw):
            continue
        f = target.field
        column_of.setdefault(f.name, column)
        try:
            if target.part is not None:
                geo.setdefault(f.name, {})[target.part] = parse_text(Field(f.name, "decimal"), cell_text(raw, "decimal"))
            else:
                values[f.name] = parse_text(f, _choice_names(form, f, cell_text(raw, f.type)))
        except ValidationError as exc:
            report.add(RowProblem(texts.of(exc), row=number, column=column, field=f.name))
            bad = True
    for name, parts in geo.items():
        try:
            values[name] = to_stored(form.field(name), {p: parts.get(p) for p in ("lat", "lon", "accuracy")})
        except ValidationError as exc:
            report.add(RowProblem(texts.of(exc), row=number, column=column_of[name], field=name))
            bad = True
    if bad:
        return None
    evaluation = evaluate_record(form, values)
    blocking = evaluation.blocking(final=status == "final")
    for name, error in blocking.items():
        english = error.message.get("en") or next(iter(error.message.values()), "")
        message = error.text or (FORM_SAYS(en=english, de=error.message.get("de") or english) if english else NOT_VALID())
        report.add(RowProblem(message, row=number, column=column_of.get(name), field=name))
    if blocking:
        return None
    return clean_for_save(form, values)


def cell_text(value: Any, kind: str) -> str:
    """A cell (Excel-typed or text) as the text ``parse_text`` reads for a field of type ``kind``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if kind == "date":
            return value.date().isoformat()
        if kind == "time":
            return value.time().replace(microsecond=0).isoformat()
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


@functools.lru_cache(maxsize=256)
def _choice_lookup(form: FormDef, f: Field) -> tuple[frozenset[str], dict[str, str]]:
    """(choice names, normalised label → name) of a select field; worked out once per import, not per cell."""
    choices = form.choices(f)
    by_label = {_norm(label): c.name for c in choices for label in c.label.values() if label}
    return frozenset(c.name for c in choices), by_label


@functools.lru_cache(maxsize=256)
def _choice_keys(form: FormDef, f: Field) -> tuple[tuple[str, str, bool], ...]:
    """What a cell of a select_multiple may name each choice by: (text, name, exact case), the
    longest first — a label that holds a separator ("Semi; colon") wins over its parts."""
    names, by_label = _choice_lookup(form, f)
    keys = {(label, name, False) for label, name in by_label.items()} | {(name, name, True) for name in names}
    return tuple(sorted(keys, key=lambda k: (-len(k[0]), not k[2], k[0])))  # longest, then a name before a label: the same every run


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


_SEPARATORS = " ;,"


def _split_choices(form: FormDef, f: Field, text: str) -> list[str] | None:
    """The choice names a select_multiple cell lists, or None when it cannot be read whole.

    The export joins labels with "; " and names with spaces; people write commas too. Labels
    may themselves hold spaces, commas or semicolons ("Great tit", "Oak, English"), so the cell
    is not split first and matched after: it is read from the left, a choice at a time, each
    followed by a separator or the end (the longest choice that fits first, backtracking)."""
    keys = _choice_keys(form, f)
    exact = " ".join(text.split())
    lower = exact.lower()

    @functools.cache
    def read(i: int) -> tuple[str, ...] | None:
        while i < len(exact) and exact[i] in _SEPARATORS:
            i += 1
        if i == len(exact):
            return ()
        for key, name, case in keys:
            if (exact if case else lower).startswith(key, i):
                end = i + len(key)
                if end == len(exact) or exact[end] in _SEPARATORS:
                    rest = read(end)
                    if rest is not None:
                        return (name, *rest)
        return None

    found = read(0)
    return None if found is None else list(found)


def _choice_names(form: FormDef, f: Field, text: str) -> str:
    """Choice labels (any language, any case) turned into their names; other text unchanged."""
    if f.type not in ("select_one", "select_multiple") or not text.strip():
        return text
    names, by_label = _choice_lookup(form, f)
    if f.type == "select_one":
        token = text.strip()
        return token if token in names else by_label.get(_norm(token), text)
    found = _split_choices(form, f, text)
    return text if found is None else " ".join(found)


def import_file(
    store: Store,
    project_id: str,
    path: Path,
    mapping: Mapping[str, str | None] | None = None,
    *,
    user: str,
    status: str = "final",
    progress: Progress | None = None,
    check_cancelled: Callable[[], None] | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> Report:
    """Check the file against the project's latest form and import it all or nothing.

    Returns the report: ``imported`` records when ``ok``, else nothing was written. A re-run of
    the same import returns ``already_imported=True`` and the earlier count, adding nothing.
    """
    version, form = load_form(store, project_id)
    with open_table(path, max_bytes=max_bytes, max_rows=max_rows) as table:  # the header decides the mapping, part of the key
        resolved = merged(auto_mapping(table.header, form), mapping)
    key = import_key(project_id, Path(path), resolved, status)
    earlier = previous_import(store, key)
    if earlier is not None:  # a re-run (a retried job, a second click): answer at once, add nothing
        return Report(mapping=resolved, imported=earlier, already_imported=True, key=key)
    report = check_file(
        path, form, mapping, status=status, progress=progress, check_cancelled=check_cancelled, max_bytes=max_bytes, max_rows=max_rows
    )
    report.key = key
    if not report.ok:
        return report
    if check_cancelled is not None:
        check_cancelled()  # the last moment to stop: after this the rows are committed
    if progress is not None:
        progress(0.9, f"saving {len(report.values):,} records")
    try:
        ids = import_records(store, project_id, report.values, user=user, status=status, form_version=version, import_key=report.key)
    except AlreadyImported as exc:  # a second run raced this one between the check above and the commit
        report.imported, report.already_imported = exc.count, True
    else:
        report.imported = len(ids)
    report.values = []
    return report
