"""Records: create, save (draft or final), edit with history, delete and undelete, restore a version.

A record row holds the current state; ``record_versions`` keeps every saved state (who, when, on
which device, under which hybrid-clock stamp). Each change writes the new version, one outbox row
(``changes``, for sync) and one audit row (old → new values) in ONE transaction. A save names the
version it was based on; if someone else saved in between, it is refused (``StaleRecord``) and
nothing is overwritten — the editor keeps the user's draft.

Drafts being typed live in the inputs table (zero-loss input, app/views/record_edit.py); this
module stores what the user saved.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb

from store.core.db import Store
from store.core.device import Device, device_of
from store.core.errors import ValidationError
from store.core.ids import uuid7, uuid7_millis
from store.core.outbox import add_audit, add_change, diff
from store.core.texts import said
from store.fielddata.projects import GONE as PROJECT_GONE
from store.fielddata.projects import PROJECTS_TAG, ProjectNotFound, load_form, project_tag
from store.formdef import FILE_TYPES, FormDef, initial_values
from store.formdef.convert import format_value
from store.formdef.evaluate import saved_data

STATUSES = ("draft", "final")

SAVED_MEANWHILE = said(
    "record.saved_meanwhile",
    "This record was saved by {user} at {time} since you opened it. "
    "Your changes are still here: “Keep my changes” puts them on top of the newest version.",
)
THIS_RECORD_DOES_EXIST = said("record.this_record_does_exist", "This record does not exist (any more).")
RECORD_EITHER_DRAFT_FINAL = said("record.record_either_draft_final", "A record is either a draft or final, not “{status}”.")
THIS_RECORD_HAS_VERSION = said("record.this_record_has_version", "This record has no version {version}.")


class RecordNotFound(ValidationError):
    """No record with this id."""


class StaleRecord(ValidationError):
    """The record was saved elsewhere since it was opened; the save was refused, nothing lost."""


@dataclass(frozen=True)
class Record:
    id: str
    project_id: str
    form_version: int
    data: dict[str, Any]
    status: str
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    device_id: str
    hlc: str
    deleted_at: datetime | None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class RecordVersion:
    record_id: str
    version: int
    form_version: int
    data: dict[str, Any]
    status: str
    deleted: bool
    saved_at: datetime
    saved_by: str
    device_id: str
    note: str


_COLUMNS = (
    "id, project_id, form_version, data, status, version, created_at, created_by, updated_at, updated_by, "
    "device_id, hlc, deleted_at"
)


def _record(row: Sequence[Any]) -> Record:
    values = list(row)
    values[3] = json.loads(values[3])
    return Record(*values)


def search_text(form: FormDef, data: Mapping[str, Any]) -> str:
    """What full-text search looks in: every value, with choice names and labels in both languages."""
    parts: list[str] = []
    for field in form.value_fields():
        value = data.get(field.name)
        if value is None or field.type in FILE_TYPES:
            continue
        parts.append(format_value(form, field, value, "en", labels=False))
        if field.choice_list:
            parts.extend(format_value(form, field, value, lang) for lang in ("en", "de"))
    return " ".join(p for p in parts if p).lower()


def _payload(record: Record, base_hlc: str | None = None) -> dict[str, Any]:
    """The outbox row of a record change: the whole new state, and the stamp of the version it
    was based on (``base_hlc``; None for a new record) — sync tells concurrent edits by it."""
    return {
        "id": record.id,
        "project_id": record.project_id,
        "form_version": record.form_version,
        "data": record.data,
        "status": record.status,
        "version": record.version,
        "deleted": record.deleted,
        "created_at": record.created_at.isoformat(),
        "created_by": record.created_by,
        "updated_at": record.updated_at.isoformat(),
        "updated_by": record.updated_by,
        "hlc": record.hlc,
        "base_hlc": base_hlc,
    }


def _fetch(con: duckdb.DuckDBPyConnection, record_id: str) -> Record:
    rows = con.execute(f"SELECT {_COLUMNS} FROM records WHERE id = ?", [record_id]).fetchall()
    if not rows:
        raise RecordNotFound(THIS_RECORD_DOES_EXIST())
    return _record(rows[0])


def _version_row(con: duckdb.DuckDBPyConnection, record: Record, note: str) -> None:
    con.execute(
        """INSERT INTO record_versions (record_id, version, form_version, data, status, deleted, saved_at, saved_by,
                                          device_id, hlc, note)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            record.id,
            record.version,
            record.form_version,
            json.dumps(record.data, ensure_ascii=False),
            record.status,
            record.deleted,
            record.updated_at,
            record.updated_by,
            record.device_id,
            record.hlc,
            note,
        ],
    ).fetchall()


def _after_write(
    con: duckdb.DuckDBPyConnection,
    device: Device,
    record: Record,
    user: str,
    action: str,
    old: Record | None,
    note: str = "",
    *,
    extra_payload: Mapping[str, Any] | None = None,
    audit_extra: Mapping[str, Any] | None = None,
) -> None:
    _version_row(con, record, note)
    payload = {**_payload(record, old.hlc if old else None), **(extra_payload or {})}
    add_change(con, entity="record", entity_id=record.id, op="upsert", payload=payload, hlc=record.hlc, device_id=device.id)
    old_values, new_values = diff(old.data if old else {}, record.data)
    if old is None or old.status != record.status:
        old_values["_status"], new_values["_status"] = (old.status if old else None), record.status
    if old is not None and old.deleted != record.deleted:
        old_values["_deleted"], new_values["_deleted"] = old.deleted, record.deleted
    add_audit(con, user=user, entity="record", entity_id=record.id, action=action, old=old_values or None, new={**new_values, **(audit_extra or {})})


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValidationError(RECORD_EITHER_DRAFT_FINAL(status=status))


def _insert_sql() -> str:
    return f"""INSERT INTO records ({_COLUMNS}, search_text)
               VALUES (?, ?, ?, ?, ?, 1, now(), ?, now(), ?, ?, ?, NULL, ?) RETURNING {_COLUMNS}"""


def create_record(
    store: Store,
    project_id: str,
    data: Mapping[str, Any],
    *,
    user: str,
    status: str = "draft",
    form_version: int | None = None,
) -> Record:
    """A new record under the project's latest form version (or ``form_version``)."""
    return _create(store, uuid7(), project_id, data, user=user, status=status, form_version=form_version)


START_KEPT = timedelta(days=1)  # an untouched editor older than this, brought back later, starts now


def _opened_at(record_id: str) -> datetime:
    """When the editor of a new record was opened: the moment its UUIDv7 id was made by "New
    record", so that every rerun, every window and the first input agree on the ``start``. Now
    for any other id, for one from the future (a clock set back) and for one over a day old."""
    now = datetime.now().replace(microsecond=0)
    millis = uuid7_millis(record_id)
    if millis is None or not (now - START_KEPT).timestamp() * 1000 <= millis <= now.timestamp() * 1000 + 999:
        return now  # any other id; from the future (a clock set back, or made up: no date far off is converted)
    return datetime.fromtimestamp(millis / 1000).replace(microsecond=0)


def start_record(store: Store, record_id: str, project_id: str, *, user: str, saved_as: str | None = None) -> Record:
    """The record a new record's first input creates: the form's defaults as a draft, under the
    id the editor was opened with — or that record, if it exists already (the editor's change
    callback, a closing page's flush and a second window may all ask). "New record" itself
    writes nothing: an editor left untouched leaves no record behind.

    ``saved_as``: "Save" on an untouched new record — created as a save with that status (its
    ``end`` stamped) rather than as a first input's draft."""
    _, form = load_form(store, project_id)
    data = initial_values(form, now=_opened_at(record_id), device=device_of(store).id, user=user)  # start, today, device, person
    if saved_as is not None:
        data = saved_data(form, data)
    return _create(store, record_id, project_id, data, user=user, status=saved_as or "draft", existing_ok=True)


def unsaved_record(store: Store, record_id: str, project_id: str, *, user: str) -> Record:
    """What a new record's editor shows before its first input: the form's defaults, version 0,
    not stored (``start_record`` stores it)."""
    version, form = load_form(store, project_id)
    now = datetime.now().astimezone()
    return Record(
        id=record_id, project_id=project_id, form_version=version,
        data=initial_values(form, now=_opened_at(record_id), device=device_of(store).id, user=user),
        status="draft", version=0,
        created_at=now, created_by=user, updated_at=now, updated_by=user, device_id=device_of(store).id, hlc="", deleted_at=None,
    )


def _create(
    store: Store,
    record_id: str,
    project_id: str,
    data: Mapping[str, Any],
    *,
    user: str,
    status: str = "draft",
    form_version: int | None = None,
    existing_ok: bool = False,
) -> Record:
    _check_status(status)
    version, form = load_form(store, project_id, form_version)
    device = device_of(store)
    text = search_text(form, data)

    def apply(con: duckdb.DuckDBPyConnection) -> Record:
        if existing_ok and con.execute("SELECT 1 FROM records WHERE id = ?", [record_id]).fetchone():
            return _fetch(con, record_id)
        _live_project(con, project_id)
        hlc = device.clock.tick()
        row = con.execute(
            _insert_sql(),
            [record_id, project_id, version, json.dumps(dict(data), ensure_ascii=False), status, user, user, device.id, hlc, text],
        ).fetchall()[0]
        record = _record(row)
        _after_write(con, device, record, user, "create", None)
        return record

    record = store.write(apply)
    _invalidate(store, project_id)
    return record


def _live_project(con: duckdb.DuckDBPyConnection, project_id: str) -> None:
    rows = con.execute("SELECT deleted_at FROM projects WHERE id = ?", [project_id]).fetchall()
    if not rows or rows[0][0] is not None:
        raise ProjectNotFound(PROJECT_GONE())


def _invalidate(store: Store, project_id: str) -> None:
    store.cache.invalidate(PROJECTS_TAG, project_tag(project_id))


Check = Callable[[duckdb.DuckDBPyConnection, Record], None]
After = Callable[[duckdb.DuckDBPyConnection, Record], None]


def change_record(
    store: Store,
    record_id: str,
    *,
    user: str,
    action: str,
    data: Mapping[str, Any] | None = None,
    status: str | None = None,
    deleted: bool | None = None,
    expected_version: int | None = None,
    form_version: int | None = None,
    note: str = "",
    check: Check | None = None,
    extra_payload: Mapping[str, Any] | None = None,
    audit_extra: Mapping[str, Any] | None = None,
    after: After | None = None,
) -> Record:
    """The one way a record changes: the new current row, its ``record_versions`` row, one outbox
    row and one audit row in ONE transaction. ``check(con, old)`` may refuse inside it (raise);
    ``extra_payload`` joins the outbox payload, ``audit_extra`` the audit row's new values, and
    ``after(con, record)`` writes more in the same transaction (conflict resolution uses all three).
    """
    device = device_of(store)
    current = get_record(store, record_id)
    target_form = form_version if form_version is not None else current.form_version
    text = search_text(load_form(store, current.project_id, target_form)[1], data if data is not None else current.data)

    def apply(con: duckdb.DuckDBPyConnection) -> Record:
        old = _fetch(con, record_id)
        if expected_version is not None and old.version != expected_version:
            raise StaleRecord(SAVED_MEANWHILE(user=old.updated_by, time=f"{old.updated_at.astimezone():%H:%M}"))
        if check is not None:
            check(con, old)
        new_data = dict(data) if data is not None else old.data
        new_status = status or old.status
        hlc = device.clock.tick()
        deleted_sql = "deleted_at" if deleted is None else ("coalesce(deleted_at, now())" if deleted else "NULL")
        row = con.execute(
            f"""UPDATE records SET data = ?, status = ?, form_version = ?, version = version + 1, updated_at = now(),
                   updated_by = ?, device_id = ?, hlc = ?, search_text = ?, deleted_at = {deleted_sql}
                WHERE id = ? RETURNING {_COLUMNS}""",
            [json.dumps(new_data, ensure_ascii=False), new_status, target_form, user, device.id, hlc, text, record_id],
        ).fetchall()[0]
        record = _record(row)
        _after_write(con, device, record, user, action, old, note, extra_payload=extra_payload, audit_extra=audit_extra)
        if after is not None:
            after(con, record)
        return record

    record = store.write(apply)
    _invalidate(store, record.project_id)
    return record


def save_record(
    store: Store,
    record_id: str,
    data: Mapping[str, Any],
    *,
    user: str,
    status: str,
    expected_version: int | None = None,
    form_version: int | None = None,
) -> Record:
    """Store ``data`` as the record's next version (``StaleRecord`` if ``expected_version`` is old);
    the form's ``end`` metadata fields get the moment of the save, and the calculations are worked
    out again with it (``saved_data``)."""
    _check_status(status)
    current = get_record(store, record_id)
    _, form = load_form(store, current.project_id, form_version if form_version is not None else current.form_version)
    data = saved_data(form, data)
    return change_record(
        store, record_id, user=user, action="save", data=data, status=status, expected_version=expected_version, form_version=form_version
    )


def delete_record(store: Store, record_id: str, *, user: str) -> Record:
    """Soft delete; ``undelete_record`` brings it back with its data and history."""
    return change_record(store, record_id, user=user, action="delete", deleted=True)


def undelete_record(store: Store, record_id: str, *, user: str) -> Record:
    return change_record(store, record_id, user=user, action="undelete", deleted=False)


def restore_version(store: Store, record_id: str, version: int, *, user: str) -> Record:
    """Make an older version current again, as a new version (the history keeps everything)."""
    old = next((v for v in record_history(store, record_id) if v.version == version), None)
    if old is None:
        raise RecordNotFound(THIS_RECORD_HAS_VERSION(version=version))
    return change_record(
        store, record_id, user=user, action="restore", data=old.data, status=old.status, form_version=old.form_version,
        note=f"restored version {version}",
    )


def get_record(store: Store, record_id: str) -> Record:
    row = store.read_one(f"SELECT {_COLUMNS} FROM records WHERE id = ?", [record_id])
    if row is None:
        raise RecordNotFound(THIS_RECORD_DOES_EXIST())
    return _record(row)


def record_history(store: Store, record_id: str) -> list[RecordVersion]:
    """Every saved version, newest first."""
    rows = store.read(
        """SELECT record_id, version, form_version, data, status, deleted, saved_at, saved_by, device_id, note
           FROM record_versions WHERE record_id = ? ORDER BY version DESC""",
        [record_id],
    )
    return [RecordVersion(r[0], r[1], r[2], json.loads(r[3]), *r[4:]) for r in rows]


class AlreadyImported(ValidationError):
    """This import (same key) was committed before; nothing was added again."""

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(f"This file was already imported ({count:,} records); nothing was added.")


IMPORT_ENTITY = "import"


_PREVIOUS_IMPORT = "SELECT new FROM audit_log WHERE entity = ? AND entity_id = ? AND action = 'import' LIMIT 1"


def _previous_import(con: duckdb.DuckDBPyConnection, key: str) -> int | None:
    rows = con.execute(_PREVIOUS_IMPORT, [IMPORT_ENTITY, key]).fetchall()
    return int(json.loads(rows[0][0])["records"]) if rows else None


def previous_import(store: Store, key: str) -> int | None:
    """How many records the import ``key`` added, or None if it was never committed."""
    row = store.read_one(_PREVIOUS_IMPORT, [IMPORT_ENTITY, key])
    return int(json.loads(row[0])["records"]) if row else None


def import_records(
    store: Store,
    project_id: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    user: str,
    status: str = "final",
    form_version: int | None = None,
    import_key: str | None = None,
) -> list[str]:
    """Insert all ``rows`` (already validated) as new records in ONE transaction: all or nothing.

    Each record gets what ``create_record`` writes — its row, version 1 in ``record_versions``, an
    outbox row and an audit row — but as one INSERT per table and 5,000 records (an Arrow table
    scanned by DuckDB) instead of four statements per record (≈ 0.7 ms each on the writer:
    60–130 records/s that way, 1,300+ now; tests/benchmarks/test_bench_records.py). ``import_key``: the import is recorded under this key in
    the same transaction (an audit row); a second import with the same key raises
    ``AlreadyImported`` and adds nothing.
    """
    _check_status(status)
    version, form = load_form(store, project_id, form_version)
    device = device_of(store)
    # Sorted: ids made in the same millisecond differ only in random bits, and records are listed
    # (and exported) by id, so the rows keep their order in the file.
    ids = sorted(uuid7() for _ in rows)
    prepared = [(rid, dict(r), search_text(form, r)) for rid, r in zip(ids, rows, strict=True)]

    def apply(con: duckdb.DuckDBPyConnection) -> list[str]:
        _live_project(con, project_id)
        if import_key is not None:
            earlier = _previous_import(con, import_key)
            if earlier is not None:
                raise AlreadyImported(earlier)
        now = con.execute("SELECT now()").fetchall()[0][0]  # the transaction's time, as now() in SQL gives it
        records = [
            Record(rid, project_id, version, data, status, 1, now, user, now, user, device.id, device.clock.tick(), None)
            for rid, data, _ in prepared
        ]
        _bulk_insert(con, records, [p[2] for p in prepared], user, device)
        if import_key is not None:
            add_audit(con, user=user, entity=IMPORT_ENTITY, entity_id=import_key, action="import",
                      new={"project_id": project_id, "records": len(records), "form_version": version, "status": status})
        return [r.id for r in records]

    written = store.write(apply)
    _invalidate(store, project_id)
    return written


_BULK = 5000  # records per statement: bounded memory for the Arrow tables, still few statements


def _bulk_insert(con: duckdb.DuckDBPyConnection, records: list[Record], texts: list[str], user: str, device: Device) -> None:
    """The rows ``create_record`` would write for each record, one INSERT per table, in record order."""
    for start in range(0, len(records), _BULK):
        chunk = records[start:start + _BULK]
        data = [json.dumps(r.data, ensure_ascii=False) for r in chunk]
        _insert_many(
            con, "records (id, project_id, form_version, data, status, version, created_at, created_by, updated_at, updated_by, "
            "device_id, hlc, deleted_at, search_text)", 14,
            [[r.id, r.project_id, r.form_version, d, r.status, r.version, r.created_at, r.created_by, r.updated_at, r.updated_by,
              r.device_id, r.hlc, None, t] for r, d, t in zip(chunk, data, texts[start:start + _BULK], strict=True)],
        )
        _insert_many(
            con, "record_versions (record_id, version, form_version, data, status, deleted, saved_at, saved_by, device_id, hlc, note)", 11,
            [[r.id, r.version, r.form_version, d, r.status, False, r.updated_at, r.updated_by, r.device_id, r.hlc, ""]
             for r, d in zip(chunk, data, strict=True)],
        )
        _insert_many(
            con, "changes (change_id, entity, entity_id, op, payload, hlc, device_id, created_at)", 8,
            [[uuid7(), "record", r.id, "upsert", json.dumps(_payload(r), ensure_ascii=False, default=str), r.hlc, device.id, r.created_at]
             for r in chunk],
        )
        audits = []
        for r in chunk:
            _, new_values = diff({}, r.data)
            new_values["_status"] = r.status
            audits.append([r.created_at, user, "record", r.id, "import", None, json.dumps(new_values, ensure_ascii=False, default=str)])
        _insert_many(con, "audit_log (created_at, user_id, entity, entity_id, action, old, new)", 7, audits)


_FEW_ROWS = 64  # up to this many, bound parameters: cheaper than importing pyarrow (and pandas) for them


def _insert_many(con: duckdb.DuckDBPyConnection, target: str, width: int, rows: list[list[Any]]) -> None:
    """One INSERT of all ``rows``, in order (the sequences of ``changes`` and ``audit_log`` follow it).

    The rows go in as an Arrow table scanned by DuckDB: measured ~50x faster than a multi-row
    ``VALUES`` with bound parameters, whose binding costs more than the insert itself. A few rows
    (the demo project at the first start, a small import) go in as ``VALUES``: importing pyarrow
    (with pandas) costs ~0.6 s the first time, on the way to the first page of a new install.
    """
    if not rows:
        return
    if len(rows) <= _FEW_ROWS:
        row = "(" + ", ".join(["?"] * width) + ")"
        con.execute(f"INSERT INTO {target} VALUES " + ", ".join([row] * len(rows)), [value for r in rows for value in r]).fetchall()
        return
    import pyarrow as pa  # only imports need it; keeps pyarrow out of every other import of this module

    columns = list(zip(*rows, strict=True))
    assert len(columns) == width
    table = pa.table([pa.array(list(c)) for c in columns], names=[f"c{i}" for i in range(width)])
    name = f"_fieldbook_rows_{uuid7().replace('-', '')}"
    con.register(name, table)
    try:
        con.execute(f"INSERT INTO {target} SELECT * FROM {name}").fetchall()
    finally:
        con.unregister(name)


def iter_records(store: Store, project_id: str, *, include_deleted: bool = False, batch: int = 2000) -> Iterator[Record]:
    """Every record of the project in creation order, read in batches (exports of 100,000 rows)."""
    after = ""
    deleted = "" if include_deleted else " AND deleted_at IS NULL"
    while True:
        rows = store.read(
            f"SELECT {_COLUMNS} FROM records WHERE project_id = ? AND id > ?{deleted} ORDER BY id LIMIT ?",
            [project_id, after, batch],
        )
        for row in rows:
            yield _record(row)
        if len(rows) < batch:
            return
        after = rows[-1][0]
