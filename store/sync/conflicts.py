"""Conflicts: both versions of a concurrent edit, listed, compared field by field, and resolved.

A conflict row (local migration 5) keeps this device's version (``local``) and the other device's
(``remote``) as they were when sync met them; ``winner`` says which became current (the later
hybrid-clock stamp). Nothing is discarded: the losing version stays in the row after resolving.

Resolving writes ONE new record version, in one transaction with the record, its history row, the
outbox row (sync), the audit row and the conflict row(s) marked resolved. Its base is the record's
current version, so it never looks like a concurrent edit to a device that holds that version.

The person resolves what they SAW: the page passes the stamp of the version in use when it drew
the comparison (``expected_hlc``); a record that moved on since is refused (``ResolutionStale``,
nothing written, the choices stay). If the record changed again after the conflict (a third
version, e.g. a later edit on another device), that version is shown as a third column "now" and
every field where the three do not all agree needs a choice — a resolution never writes over a
later edit nobody compared.

Propagation ("kept on both sides": the server and every device involved hold their own conflict
row for the same pair of versions): the outbox payload of a resolution carries ``resolves``, the
stamps of the versions the person compared — the conflict's two versions, plus the third one if it
was shown. The server (store/sync/push.py) and every device pulling it (store/sync/apply.py) mark
resolved each unresolved conflict of that record whose two versions are both among them. With
three devices a device may hold a pair the resolver never saw; it stays open for that device's
user (a version nobody compared never settles a conflict).

Errors carry a ``code`` (and ``values``) so the page can say them in the reader's language;
``str(error)`` stays the English sentence (logs, the command line).

Form conflicts (two devices published different definitions under the same version number) are
listed too: the definition in use here stays in use, the other is kept in the row. They can only
be acknowledged (``acknowledge``); that is local and changes no form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from store.core import texts
from store.core.db import Store
from store.core.device import device_of
from store.core.errors import ValidationError
from store.core.outbox import add_audit
from store.fielddata.projects import load_form
from store.fielddata.records import STATUSES, Record, RecordNotFound, StaleRecord, change_record, get_record
from store.formdef import Field, FormDef
from store.formdef.convert import to_stored
from store.sync import state

STATUS = "_status"
DELETED = "_deleted"
PSEUDO_LABELS: dict[str, dict[str, str]] = {
    STATUS: {"en": "Status", "de": "Status"},
    DELETED: {"en": "Deleted", "de": "Gelöscht"},
}
Choice = Any  # "local" | "remote" | "now" | ("value", v)  (a list ["value", v] after a JSON round trip)
NOW = "now"


class ConflictError(ValidationError):
    """A conflict operation refused. ``code`` names the reason for the page (an i18n key
    ``conflicts.error.<code>``), ``values`` fill it in; ``str()`` is the English sentence."""

    def __init__(self, code: str, message: str, **values: Any) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


class ConflictNotFound(ConflictError):
    """No conflict with this id."""

    def __init__(self, message: str = "This conflict does not exist (any more).") -> None:
        super().__init__("gone", message)


class ResolutionStale(ConflictError, StaleRecord):
    """The record is not (any more) the version the person compared: nothing was written."""


@dataclass(frozen=True)
class Conflict:
    id: str
    entity: str  # "record" | "form"
    record_id: str  # the record id, or "<project>:<version>" for a form
    project_id: str | None
    local: dict[str, Any]  # this device's version, as it was when sync met the other one
    remote: dict[str, Any]  # the other device's version
    winner: str  # "local" | "remote": which one became current when the conflict was found
    detected_at: datetime
    resolved_at: datetime | None
    resolution: dict[str, Any] | None
    current_hlc: str | None  # the record's current stamp now (None for forms and unknown records)

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def current_side(self) -> str | None:
        """Which of the two versions is the record's current one now; None if it changed again since
        (or for a form: the local definition is always the one in use)."""
        if self.entity == "form":
            return "local"
        if self.current_hlc is not None and self.current_hlc == self.local.get("hlc"):
            return "local"
        if self.current_hlc is not None and self.current_hlc == self.remote.get("hlc"):
            return "remote"
        return None

    def side(self, which: str) -> dict[str, Any]:
        return self.local if which == "local" else self.remote


_NO_NOW = object()  # FieldDiff.now when the record's current version is one of the conflict's two


@dataclass(frozen=True)
class FieldDiff:
    name: str  # the field name, or "_status" / "_deleted"
    label: dict[str, str]  # per language ("en", "de")
    local: Any
    remote: Any
    differs: bool  # the shown values do not all agree: the field needs a choice
    field: Field | None  # None for the pseudo-fields and for values the form no longer has
    now: Any = _NO_NOW  # the value in use now, when the record changed again after the conflict

    @property
    def has_now(self) -> bool:
        """Whether a third column ("now, in use") is shown and can be chosen."""
        return self.now is not _NO_NOW


_SELECT = """SELECT c.id, c.entity, c.record_id, c.project_id, c.local, c.remote, c.winner, c.detected_at, c.resolved_at,
                    c.resolution, r.hlc
             FROM conflicts c LEFT JOIN records r ON c.entity = 'record' AND r.id = c.record_id"""


def _conflict(row: tuple[Any, ...]) -> Conflict:
    cid, entity, rid, pid, local, remote, winner, detected, resolved, resolution, hlc = row
    return Conflict(
        cid, entity, rid, pid, json.loads(local), json.loads(remote), winner, detected, resolved,
        json.loads(resolution) if resolution is not None else None, hlc,
    )


def list_conflicts(store: Store, *, project_id: str | None = None, include_resolved: bool = False) -> list[Conflict]:
    """Conflicts of this device, newest first (unresolved only unless ``include_resolved``)."""
    where, params = [], []
    if project_id is not None:
        where.append("c.project_id = ?")
        params.append(project_id)
    if not include_resolved:
        where.append("c.resolved_at IS NULL")
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY c.detected_at DESC, c.id DESC"
    return [_conflict(r) for r in store.read(sql, params)]


def count_unresolved(store: Store, *, record_id: str | None = None) -> int:
    """How many conflicts wait for a person (of one record, or all)."""
    sql, params = "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL", []
    if record_id is not None:
        sql, params = sql + " AND record_id = ?", [record_id]
    row = store.read_one(sql, params)
    return int(row[0]) if row else 0


def open_conflict_of(store: Store, record_id: str) -> str | None:
    """The id of the oldest unresolved conflict of a record (the editor links to it), or None."""
    row = store.read_one(
        "SELECT id FROM conflicts WHERE record_id = ? AND entity = 'record' AND resolved_at IS NULL ORDER BY detected_at, id LIMIT 1",
        [record_id],
    )
    return str(row[0]) if row else None


def get_conflict(store: Store, conflict_id: str) -> Conflict:
    row = store.read_one(_SELECT + " WHERE c.id = ?", [conflict_id])
    if row is None:
        raise ConflictNotFound()
    return _conflict(row)


def _value_fields(form: FormDef) -> list[Field]:
    return [f for f in form.value_fields() if f.type not in ("group", "note") and not f.metadata]


def _recorded(form: FormDef, versions: list[Mapping[str, Any]], current: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata of the resolved version, which nobody answered and the comparison does not
    show: the earliest ``start`` and the latest ``end`` of the versions compared (stored as ISO
    text, so they sort as time), the current version's value of the rest (device, person, day)."""
    merged: dict[str, Any] = {}
    for item in form.value_fields():
        seen = [v[item.name] for v in versions if isinstance(v.get(item.name), str)]
        if item.metadata == "start" and seen:
            merged[item.name] = min(seen)
        elif item.metadata == "end" and seen:
            merged[item.name] = max(seen)
        elif item.metadata and item.name in current:
            merged[item.name] = current[item.name]
    return merged


def _sides(conflict: Conflict) -> set[str]:
    return {h for h in (conflict.local.get("hlc"), conflict.remote.get("hlc")) if isinstance(h, str)}


def third_version(conflict: Conflict, current: Record | None) -> Record | None:
    """``current`` if it is neither of the conflict's two versions (the record changed again since):
    then it must be shown and compared too. None otherwise."""
    if current is None or conflict.entity != "record" or current.hlc in _sides(conflict):
        return None
    return current


def fields(conflict: Conflict, form: FormDef, now: Record | None = None) -> list[FieldDiff]:
    """The two versions field by field: the form's fields in form order, then values the form does
    not know (nothing is hidden), then the status and deleted pseudo-fields.

    ``now``: the record's current version; if it is a third version (``third_version``), every
    diff carries its value too and a field differs unless all three agree."""
    if conflict.entity != "record":
        raise ConflictError("form_conflict", "A form conflict has no fields to compare; it can only be acknowledged.")
    third = third_version(conflict, now)
    local_data: dict[str, Any] = conflict.local.get("data") or {}
    remote_data: dict[str, Any] = conflict.remote.get("data") or {}
    now_data: dict[str, Any] = third.data if third is not None else {}

    def diff(name: str, label: dict[str, str], a: Any, b: Any, c: Any, item: Field | None) -> FieldDiff:
        if third is None:
            return FieldDiff(name, label, a, b, a != b, item)
        return FieldDiff(name, label, a, b, a != b or c != a, item, c)

    out: list[FieldDiff] = []
    known = {item.name for item in form.value_fields() if item.metadata}  # not asked, not compared: merged (_recorded)
    for item in _value_fields(form):
        known.add(item.name)
        out.append(diff(item.name, {lang: form.label(item, lang) for lang in ("en", "de")}, local_data.get(item.name),
                        remote_data.get(item.name), now_data.get(item.name), item))
    for name in sorted((set(local_data) | set(remote_data) | set(now_data)) - known):
        out.append(diff(name, {"en": name, "de": name}, local_data.get(name), remote_data.get(name), now_data.get(name), None))
    now_meta = {"status": third.status, "deleted": third.deleted} if third is not None else {}
    for name, key in ((STATUS, "status"), (DELETED, "deleted")):
        a, b, c = conflict.local.get(key), conflict.remote.get(key), now_meta.get(key)
        if name == DELETED:
            a, b, c = bool(a), bool(b), bool(c)
        out.append(diff(name, dict(PSEUDO_LABELS[name]), a, b, c, None))
    return out


def form_of(store: Store, conflict: Conflict) -> FormDef:
    """The form the comparison is drawn with: the one of the record's current version."""
    record = get_record(store, conflict.record_id)
    return load_form(store, record.project_id, record.form_version)[1]


def _chosen(diff: FieldDiff, choice: Choice) -> Any:
    if choice == "local":
        return diff.local
    if choice == "remote":
        return diff.remote
    if choice == NOW and diff.has_now:
        return diff.now
    if isinstance(choice, (tuple, list)) and len(choice) == 2 and choice[0] == "value":
        return _checked_value(diff, choice[1])
    raise ConflictError("bad_choice", f"“{diff.label['en']}”: choose this device, the other device, or a value.", field=diff.name)


def _checked_value(diff: FieldDiff, value: Any) -> Any:
    if diff.name == STATUS:
        if value not in STATUSES:
            raise ConflictError("bad_status", f"A record is either a draft or final, not “{value}”.", value=value)
        return value
    if diff.name == DELETED:
        if not isinstance(value, bool):
            raise ConflictError("bad_deleted", "“Deleted” is yes or no.")
        return value
    if diff.field is None:
        return value
    try:
        return to_stored(diff.field, value)
    except ValidationError as exc:
        raise ConflictError("bad_value", texts.of(exc), field=diff.name) from exc


def _merge(current: Record, diffs: list[FieldDiff], choices: Mapping[str, Choice]) -> tuple[dict[str, Any], str, bool, dict[str, Any]]:
    """The resolved state: the current version, with every differing field (and any field the user
    chose explicitly) set as chosen. Returns (data, status, deleted, the choices as stored).

    Every field whose shown values do not all agree needs a choice, so nothing the person did not
    see survives or is overwritten by default: the fields left to the current version agree in all
    the versions compared."""
    missing = [d for d in diffs if d.differs and d.name not in choices]
    if missing:
        raise ConflictError("missing", "Choose a version for every field that differs: " + ", ".join(d.label["en"] for d in missing) + ".",
                            fields=[d.name for d in missing])
    data = dict(current.data)
    status, deleted = current.status, current.deleted
    stored: dict[str, Any] = {}
    by_name = {d.name: d for d in diffs}
    for name, choice in choices.items():
        diff = by_name.get(name)
        if diff is None:
            raise ConflictError("not_part", f"“{name}” is not part of this conflict.", field=name)
        value = _chosen(diff, choice)
        stored[name] = choice if isinstance(choice, str) else {"value": value}
        if name == STATUS:
            status = value
        elif name == DELETED:
            deleted = bool(value)
        elif value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data, status, deleted, stored


_MARK = """UPDATE conflicts SET resolved_at = now(), resolution = ?
WHERE entity = 'record' AND record_id = ? AND resolved_at IS NULL
  AND json_extract_string(local, '$.hlc') IN (SELECT unnest(?::VARCHAR[]))
  AND json_extract_string(remote, '$.hlc') IN (SELECT unnest(?::VARCHAR[]))"""


def mark_resolved(con: duckdb.DuckDBPyConnection, record_id: str, resolves: list[str], resolution: dict[str, Any]) -> int:
    """Inside a write: mark resolved every open conflict of the record whose two versions are both in
    ``resolves`` (used here and by store/sync/apply.py for resolutions pulled from other devices)."""
    rows = con.execute(
        _MARK + " RETURNING id", [json.dumps(resolution, ensure_ascii=False, default=str), record_id, resolves, resolves]
    ).fetchall()
    return len(rows)


_STALE = "This record changed while you were choosing (a sync or another window). Nothing was saved; check the fields again."
_ALREADY = "This conflict was already resolved."


def _open_record_conflict(store: Store, conflict_id: str) -> Conflict:
    conflict = get_conflict(store, conflict_id)
    if conflict.entity != "record":
        raise ConflictError("form_conflict", "A form conflict cannot be merged; acknowledge it (the definition in use stays in use).")
    if conflict.resolved:
        raise ConflictError("already_resolved", _ALREADY)
    return conflict


def _seen(conflict: Conflict, current: Record, expected_hlc: str | None) -> str:
    """The stamp of the version in use that the person compared. Without ``expected_hlc`` the caller
    saw only the conflict's two versions, so the current one must be one of them."""
    if expected_hlc is None:
        if current.hlc not in _sides(conflict):
            raise ResolutionStale(
                "changed_since", "This record was changed again after the conflict. Nothing was saved; compare it with the version in use now."
            )
        return current.hlc
    if current.hlc != expected_hlc:
        raise ResolutionStale("stale", _STALE)
    return expected_hlc


def resolve(
    store: Store, conflict_id: str, choices: Mapping[str, Choice], *, user: str, kind: str = "resolved", expected_hlc: str | None = None
) -> Record:
    """Write the resolved version (``choices``: field name → "local" | "remote" | "now" | ("value", v);
    every differing field needs one, "_status" and "_deleted" included) and mark the conflict resolved.

    ``expected_hlc``: the stamp of the version in use when the comparison was drawn (the page passes
    it). If the record is no longer that version — or, without it, if the record changed again
    after the conflict — ``ResolutionStale``: nothing written, the choices are still on screen.
    When the version in use is a third one (changed since the conflict), "now" picks its value and
    every field where the three differ needs a choice.

    Fields that agree keep the current version's value. If the current version is deleted and the
    user keeps the other, the record is undeleted.
    """
    conflict = _open_record_conflict(store, conflict_id)
    current = get_record(store, conflict.record_id)
    seen = _seen(conflict, current, expected_hlc)
    form = load_form(store, current.project_id, current.form_version)[1]
    data, status, deleted, stored = _merge(current, fields(conflict, form, current), choices)
    data.update(_recorded(form, [conflict.local.get("data") or {}, conflict.remote.get("data") or {}, current.data], current.data))
    device_id = device_of(store).id
    # The versions the person compared: the conflict's two and the version in use they saw (one of
    # those two, or the third column). Every conflict (here, on the server, on other devices)
    # between two of these is settled by this version; a pair with any other version stays open.
    resolves = sorted(_sides(conflict) | {seen})

    def check(con: duckdb.DuckDBPyConnection, old: Record) -> None:
        if old.hlc != seen:
            raise ResolutionStale("stale", _STALE)
        open_row = con.execute("SELECT resolved_at FROM conflicts WHERE id = ?", [conflict_id]).fetchall()
        if not open_row or open_row[0][0] is not None:
            raise ConflictError("already_resolved", _ALREADY)

    def after(con: duckdb.DuckDBPyConnection, record: Record) -> None:
        resolution = {"kind": kind, "choices": stored, "by": user, "device_id": device_id, "hlc": record.hlc, "version": record.version,
                      "conflict": conflict_id}
        mark_resolved(con, record.id, resolves, resolution)

    record = change_record(
        store, conflict.record_id, user=user, action="resolve", data=data, status=status, deleted=deleted,
        note=f"conflict resolved ({kind})", check=check, extra_payload={"resolves": resolves}, audit_extra={"_conflict": conflict_id},
        after=after,
    )
    state.invalidate(store)  # the header's conflict count
    return record


def keep_current(store: Store, conflict_id: str, *, user: str, expected_hlc: str | None = None) -> Record:
    """"Keep current": resolve with every field from the version that is current now. Still a
    resolution (a new version that tells the server and the other devices); nothing discarded —
    the other version stays in the conflict row. ``expected_hlc`` as for ``resolve``: without it the
    version in use must be one of the conflict's two."""
    conflict = _open_record_conflict(store, conflict_id)
    current = get_record(store, conflict.record_id)
    seen = _seen(conflict, current, expected_hlc)
    form = load_form(store, current.project_id, current.form_version)[1]
    now = {**current.data, STATUS: current.status, DELETED: current.deleted}
    choices: dict[str, Choice] = {d.name: ("value", now.get(d.name)) for d in fields(conflict, form, current) if d.differs}
    return resolve(store, conflict_id, choices, user=user, kind="kept_current", expected_hlc=seen)


dismiss = keep_current


def acknowledge(store: Store, conflict_id: str, *, user: str) -> None:
    """A form conflict seen by a person: marked resolved here, nothing else changes (the definition
    in use stays in use, the other stays in the row). Local only: form versions are never edited."""
    conflict = get_conflict(store, conflict_id)
    if conflict.entity != "form":
        raise ConflictError("record_conflict", "A record conflict is resolved by choosing its fields, not acknowledged.")
    resolution = json.dumps({"kind": "acknowledged", "by": user}, ensure_ascii=False)

    def apply(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("UPDATE conflicts SET resolved_at = now(), resolution = ? WHERE id = ? AND resolved_at IS NULL",
                    [resolution, conflict_id]).fetchall()
        add_audit(con, user=user, entity="form", entity_id=conflict.record_id, action="acknowledge_conflict", new={"conflict": conflict_id})

    store.write(apply)
    state.invalidate(store)


__all__ = [
    "DELETED", "NOW", "STATUS", "Conflict", "ConflictError", "ConflictNotFound", "FieldDiff", "RecordNotFound", "ResolutionStale", "acknowledge",
    "count_unresolved", "dismiss", "fields", "form_of", "get_conflict", "keep_current", "list_conflicts", "mark_resolved", "open_conflict_of",
    "resolve", "third_version",
]
