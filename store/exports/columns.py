"""Which columns an export has, and each record's value for each column as a typed Python value.

Columns: the record's metadata (``_id``, ``_status``, … — the underscore keeps them apart from
field names and tells the importer to ignore them), then one column per value field of the latest
form version in form order, then the fields that only older versions had (newest version first).
A geopoint becomes three columns ``name_lat``, ``name_lon``, ``name_accuracy``.

Every format writes the same typed values (``Plan.row``): numbers as numbers, dates as ``date``,
choices as names or labels, files as their path inside a ZIP export. A field whose type differs
between form versions is exported as text, so that no version's value has to be forced into
another version's type.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from store.core.db import Store
from store.core.texts import said
from store.fielddata.projects import form_versions, load_form
from store.fielddata.records import Record
from store.formdef import FormDef
from store.formdef.convert import format_value
from store.formdef.geo import LINE_TYPES
from store.formdef.model import FILE_TYPES, Field

Progress = Callable[[float, str], None]
CheckCancelled = Callable[[], None]  # raises to stop the export

META: tuple[tuple[str, str], ...] = (
    ("_id", "text"),
    ("_status", "text"),
    ("_version", "integer"),
    ("_form_version", "integer"),
    ("_created_at", "timestamp"),
    ("_created_by", "text"),
    ("_updated_at", "timestamp"),
    ("_updated_by", "text"),
)
GEO_PARTS = ("lat", "lon", "accuracy")

RECORDS_OF = said("export.records_of", "{done}/{n} records")
_KINDS = {
    "integer": "integer",
    "decimal": "decimal",
    "range": "decimal",
    "boolean": "boolean",
    "date": "date",
    "time": "time",
    "datetime": "datetime",
}
MULTI_LABEL_SEPARATOR = "; "  # labels may contain spaces; names never do


@dataclass(frozen=True)
class Column:
    """One export column: ``kind`` is its type (text, integer, decimal, boolean, date, time, datetime, timestamp)."""

    name: str
    kind: str
    field: Field | None = None  # None for metadata columns
    part: str | None = None  # lat/lon/accuracy of a geopoint


@dataclass(frozen=True)
class Plan:
    """The columns of one project's export and the form versions needed to fill them."""

    forms: Mapping[int, FormDef]
    latest: int
    fields: tuple[Field, ...]  # every value field any version had, in column order
    mixed: frozenset[str]  # names of fields whose type differs between versions (exported as text)
    columns: tuple[Column, ...]
    labels: bool
    lang: str
    _getters: dict[Any, list[Callable[[Record], Any]]] = field(default_factory=dict, compare=False, repr=False)

    def version_columns(self, version: int) -> list[Column]:
        """Metadata plus the columns of the fields form ``version`` has (one sheet per version)."""
        names = {f.name for f in self.forms[version].value_fields()}
        return [c for c in self.columns if c.field is None or c.field.name in names]

    def row(self, record: Record, columns: list[Column] | tuple[Column, ...] | None = None) -> list[Any]:
        """The typed value of each of ``columns`` (default: all) for ``record``; None when empty."""
        version = record.form_version if record.form_version in self.forms else self.latest
        # One compiled getter per column and form version, so 100,000 rows stay cheap. A list of
        # columns is keyed by identity (hashing its fields per row would cost more than the row):
        # callers pass the same list for every row, as the Excel export does per sheet.
        key = (version, None if columns is None else id(columns))
        getters = self._getters.get(key)
        if getters is None:
            chosen = self.columns if columns is None else columns
            getters = self._getters[key] = [_getter(self, self.forms[version], c) for c in chosen]
        return [get(record) for get in getters]


def make_plan(store: Store, project_id: str, *, labels: bool = True, lang: str | None = None) -> Plan:
    forms = {v.version: load_form(store, project_id, v.version)[1] for v in form_versions(store, project_id)}
    latest = max(forms)
    chosen: dict[str, Field] = {}
    types: dict[str, set[str]] = {}
    for version in sorted(forms, reverse=True):  # newest first: its field order and definitions win
        for f in forms[version].value_fields():
            chosen.setdefault(f.name, f)
            types.setdefault(f.name, set()).add(f.type)
    mixed = frozenset(name for name, kinds in types.items() if len(kinds) > 1)
    columns = [Column(name, kind) for name, kind in META]
    for f in chosen.values():
        if f.type == "geopoint" and f.name not in mixed:
            columns.extend(Column(f"{f.name}_{part}", "decimal", f, part) for part in GEO_PARTS)
        else:
            kind = "text" if f.name in mixed else _KINDS.get(f.type, "text")
            columns.append(Column(f.name, kind, f))
    return Plan(forms, latest, tuple(chosen.values()), mixed, tuple(columns), labels, lang or forms[latest].default_language)


_META_ATTR = {
    "_id": "id",
    "_status": "status",
    "_version": "version",
    "_form_version": "form_version",
    "_created_at": "created_at",
    "_created_by": "created_by",
    "_updated_at": "updated_at",
    "_updated_by": "updated_by",
}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _getter(plan: Plan, form: FormDef, column: Column) -> Callable[[Record], Any]:
    """How one column's typed value is read from a record of form ``form``, with the lookups done once.

    Metadata as it is; a geopoint part as a float; typed columns via ``typed_value``; text columns
    via ``text_value`` (choices as labels or names). None, "" and [] all mean "no answer"."""
    if column.field is None:
        return operator.attrgetter(_META_ATTR[column.name])
    name, part = column.field.name, column.part
    if part is not None:
        def geo(record: Record) -> Any:
            value = record.data.get(name)
            return number(value.get(part)) if isinstance(value, dict) else None
        return geo
    if column.kind != "text":
        kind = column.kind

        def typed(record: Record) -> Any:
            value = record.data.get(name)
            return None if _empty(value) else typed_value(kind, value)
        return typed
    try:
        own = form.field(name)
    except KeyError:
        own = column.field
    if own.type in ("select_one", "select_multiple") and name not in plan.mixed:
        shown = {
            name: (form.text(c.label, plan.lang) or name) if plan.labels else name for name, c in form.choices_by_name(own).items()
        }
        join = (MULTI_LABEL_SEPARATOR if plan.labels else " ").join

        def choice(record: Record) -> Any:
            value = record.data.get(name)
            if _empty(value):
                return None
            if isinstance(value, str):
                return shown.get(value, value)
            if isinstance(value, list):
                return join(shown.get(v, str(v)) for v in value)
            return text_value(plan, form, own, value)
        return choice
    if own.type == "text":
        return lambda record: None if _empty(value := record.data.get(name)) else (value if isinstance(value, str) else str(value))
    return lambda record: None if _empty(value := record.data.get(name)) else text_value(plan, form, own, value)


def typed_value(kind: str, value: Any) -> Any:
    """A stored value as ``kind``; None when it does not fit (data saved through the form always fits)."""
    try:
        if kind == "integer":
            return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() else None
        if kind == "decimal":
            return number(value)
        if kind == "boolean":
            return value if isinstance(value, bool) else None
        if kind == "date":
            return dt.date.fromisoformat(value)
        if kind == "time":
            return dt.time.fromisoformat(value)
        if kind == "datetime":
            return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return value


def number(value: Any) -> float | None:
    """A stored number as float; None for anything else (booleans included)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def text_value(plan: Plan, form: FormDef, field: Field, value: Any) -> str:
    """A value as text: choice names or labels, a file's path in a ZIP export, JSON for anything else."""
    try:
        own = form.field(field.name)  # the record's own version: its choices and labels
    except KeyError:
        own = field
    if own.type == "select_one" and isinstance(value, str):
        return choice_text(plan, form, own, value)
    if own.type == "select_multiple" and isinstance(value, list):
        parts = [choice_text(plan, form, own, str(v)) for v in value]
        return (MULTI_LABEL_SEPARATOR if plan.labels else " ").join(parts)
    if own.type in FILE_TYPES and isinstance(value, dict) and "sha256" in value:
        try:
            return attachment_member(value)
        except ValueError:
            return ""  # a reference that names no file (it came from outside): no path to point at
    if isinstance(value, (dict, list)) and own.type not in ("geopoint", *LINE_TYPES):
        return json.dumps(value, ensure_ascii=False)
    return format_value(form, own, value, plan.lang, labels=False)  # text the importer reads back


def choice_text(plan: Plan, form: FormDef, field: Field, name: str) -> str:
    if not plan.labels:
        return name
    for choice in form.choices(field):
        if choice.name == name:
            return form.text(choice.label, plan.lang) or name
    return name  # an option a later form version removed: its name is all there is


_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_name(name: str) -> str:
    """A file name safe on every system: no folders, no control or reserved characters, ≤ 100 characters."""
    base = re.split(r"[\\/]", str(name))[-1].strip(". ")
    return (_UNSAFE.sub("_", base)[:100] or "file").strip()


def attachment_member(ref: Mapping[str, Any]) -> str:
    """Where a photo or file lives inside a ZIP export: ``attachments/<sha256>-<name>``, built from
    safe parts only (a reference that is no content hash gets no member: ``ValueError``)."""
    sha = ref.get("sha256")
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise ValueError("not a content hash")
    return f"attachments/{sha}-{safe_name(str(ref.get('name') or 'file'))}"


def record_count(store: Store, project_id: str) -> int:
    row = store.read_one("SELECT count(*) FROM records WHERE project_id = ? AND deleted_at IS NULL", [project_id])
    return int(row[0]) if row else 0


class Ticker:
    """Reports progress every ``every`` records and checks for a cancel request at the same time."""

    def __init__(self, total: int, progress: Progress | None, check_cancelled: CheckCancelled | None, *, every: int = 1000, share: float = 1.0) -> None:
        self.total = max(total, 1)
        self.count = 0
        self._progress = progress
        self._check = check_cancelled
        self._every = every
        self._share = share  # the part of the whole job the records take (a ZIP also copies files)

    def tick(self) -> None:
        self.count += 1
        if self.count % self._every == 0:
            self.report()

    def report(self) -> None:
        if self._check is not None:
            self._check()
        if self._progress is not None:
            self._progress(self._share * min(1.0, self.count / self.total), RECORDS_OF(done=self.count, n=self.total))
