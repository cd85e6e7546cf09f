"""Applying pulled server changes to this device's DuckDB, one batch = ONE transaction with the cursor.

Rules (the same on every device, so all converge):

- the later hybrid-clock stamp wins: a pulled version becomes current only if its ``hlc`` is later
  than the local one;
- a pulled version not based on the local current version, while that local version is this
  device's own work (made here, or with outbox rows not yet pushed), is a concurrent edit: a
  ``conflicts`` row keeps both versions, whichever won — unless the two agree on data, status and
  deleted (nothing to choose; the later stamp simply wins). A device whose own work is not
  involved just converges (the server and the devices involved keep the conflict);
- a pulled version this device already knows (in a record's history or a conflict row; pulled
  again after a cursor reset) is skipped: no conflict, not applied again;
- every pulled version that becomes current gets a ``record_versions`` row (numbered after the
  local ones, so history never collides) and an ``audit_log`` row (action ``sync``);
- nothing is written to the outbox: pulled changes are never pushed back;
- a pulled version that carries ``resolves`` (a conflict resolved on another device,
  store/sync/conflicts.py) marks resolved here every open conflict of that record whose two
  versions are both among those stamps — whether or not it becomes current here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from store.core.db import Store
from store.core.device import Device
from store.core.errors import ValidationError
from store.core.ids import uuid7
from store.fielddata.attachments import strip_invalid_refs
from store.fielddata.projects import PROJECTS_TAG, project_tag
from store.fielddata.records import search_text
from store.formdef import FormDef, form_from_text
from store.sync import quarantine, state
from store.sync.bulk import insert_rows, registered
from store.sync.change import ServerChange
from store.sync.conflicts import mark_resolved

log = logging.getLogger(__name__)


@dataclass
class ApplyResult:
    applied: int = 0
    conflicts: int = 0
    resolved: int = 0  # conflicts here marked resolved by resolutions pulled from other devices
    held: int = 0  # changes that cannot be applied here, kept in the quarantine
    projects: set[str] = field(default_factory=set)


_LOCAL = """SELECT id, project_id, form_version, data, status, version, deleted_at, created_at, created_by, updated_at,
                   updated_by, device_id, hlc FROM records WHERE id IN (SELECT id FROM {ids})"""


def _ts(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _local_payload(row: Sequence[Any]) -> dict[str, Any]:
    rid, pid, fv, data, status, version, deleted_at, created_at, created_by, updated_at, updated_by, device_id, hlc = row
    return {
        "id": rid, "project_id": pid, "form_version": fv, "data": json.loads(data), "status": status, "version": version,
        "deleted": deleted_at is not None, "created_at": created_at.isoformat(), "created_by": created_by,
        "updated_at": updated_at.isoformat(), "updated_by": updated_by, "hlc": hlc, "device_id": device_id,
    }


@dataclass
class _Current:
    hlc: str
    device_id: str
    payload: dict[str, Any]
    version: int
    max_version: int


def apply_batch(store: Store, device: Device, changes: Sequence[ServerChange], cursor: int | None, server: str) -> ApplyResult:
    """Apply ``changes`` (server order) and move ``server``'s cursor to ``cursor``, in one transaction.

    A change this device cannot apply (a form it cannot load, and the records of that form
    version) is held in the quarantine instead (store/sync/quarantine.py), so the cursor still
    moves. ``cursor=None``: the changes are held ones tried again; the cursor stays.
    """

    def apply(con: duckdb.DuckDBPyConnection) -> ApplyResult:
        result = ApplyResult()
        if changes:
            device.clock.observe(max(c.hlc for c in changes))  # before commit: no local edit can stamp below them
        if cursor is None:
            quarantine.release(con, server, [c.seq for c in changes])  # what still cannot be applied is held again below
        unusable = quarantine.held_forms(con, server)
        audits: list[list[Any]] = []
        for change in changes:
            if change.entity == "project":
                _project(con, change, result, audits)
            elif change.entity == "form":
                problem = quarantine.form_problem(change.payload.get("definition"))
                if problem is None:
                    _form(con, change, result, audits)
                    continue
                quarantine.hold(con, server, change, *problem)
                unusable.add((str(change.payload.get("project_id")), _int(change.payload.get("version"))))
                result.held += 1
        records = []
        for change in (c for c in changes if c.entity == "record"):
            version = _int(change.payload.get("form_version"))
            if (str(change.payload.get("project_id")), version) in unusable:
                quarantine.hold(con, server, change, quarantine.FORM_HELD,
                                f"Its form (version {version}) cannot be used here yet; the record is kept and arrives with it.")
                result.held += 1
            else:
                records.append(change)
        _records(con, device, records, result, audits)
        insert_rows(con, "audit_log (created_at, user_id, entity, entity_id, action, old, new)", audits, select="now(), *")
        if cursor is not None:
            state.set_values(con, {state.cursor_key(server): str(cursor)})  # the cursor of the server pulled from; never SERVER
        return result

    result = store.write(apply)
    state.invalidate(store)  # cursor, conflicts found or settled
    if result.projects:
        store.cache.invalidate(PROJECTS_TAG, *(project_tag(p) for p in result.projects))
    return result


def _loadable(definition: str) -> FormDef | None:
    """A stored form, or None if it cannot be loaded (kept before forms were checked at pull)."""
    try:
        return form_from_text(definition)
    except ValidationError:
        return None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def retry_held(store: Store, device: Device, server: str) -> ApplyResult:
    """Try the changes held for ``server`` again (after an update they may apply)."""
    held = quarantine.held_changes(store, server)
    if not held:
        return ApplyResult()
    result = apply_batch(store, device, held, None, server)
    if result.held < len(held):
        log.info("%d of %d held change(s) from %s applied now", len(held) - result.held, len(held), server)
    return result


def _audit(change: ServerChange, entity_id: str, note: dict[str, Any]) -> list[Any]:
    new = {"from_device": change.device_id, "hlc": change.hlc, "server_seq": change.seq, **note}
    return ["sync", change.entity, entity_id, "sync", None, json.dumps(new, ensure_ascii=False, default=str)]


def _project(con: duckdb.DuckDBPyConnection, change: ServerChange, result: ApplyResult, audits: list[list[Any]]) -> None:
    p = change.payload
    row = con.execute("SELECT hlc FROM projects WHERE id = ?", [change.entity_id]).fetchall()
    values = [p.get("name") or "", p.get("description") or "", bool(p.get("archived")), _ts(p.get("deleted_at")), bool(p.get("is_demo")), change.hlc]
    if not row:
        con.execute(
            """INSERT INTO projects (name, description, archived, deleted_at, is_demo, hlc, id, created_at, created_by, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, coalesce(?, now()), 'sync', now())""",
            [*values, change.entity_id, change.created_at],
        ).fetchall()
    elif change.hlc > row[0][0]:
        con.execute(
            """UPDATE projects SET name = ?, description = ?, archived = ?, deleted_at = ?, is_demo = ?, hlc = ?, updated_at = now()
               WHERE id = ?""",
            [*values, change.entity_id],
        ).fetchall()
    else:
        return
    result.applied += 1
    result.projects.add(change.entity_id)
    audits.append(_audit(change, change.entity_id, {"name": p.get("name")}))


def _form(con: duckdb.DuckDBPyConnection, change: ServerChange, result: ApplyResult, audits: list[list[Any]]) -> None:
    p = change.payload
    project_id, version = str(p["project_id"]), int(p["version"])
    row = con.execute("SELECT definition FROM forms WHERE project_id = ? AND version = ?", [project_id, version]).fetchall()
    if not row:
        con.execute(
            """INSERT INTO forms (project_id, version, definition, source, created_at, created_by, hlc)
               VALUES (?, ?, ?, ?, coalesce(?, now()), 'sync', ?)""",
            [project_id, version, json.dumps(p["definition"], ensure_ascii=False), p.get("source") or "sync", change.created_at, change.hlc],
        ).fetchall()
        result.applied += 1
        result.projects.add(project_id)
        audits.append(_audit(change, change.entity_id, {}))
    elif json.loads(row[0][0]) != p["definition"]:
        local = {"project_id": project_id, "version": version, "definition": json.loads(row[0][0])}
        _conflict(con, "form", change.entity_id, project_id, local, p, "local")
        result.conflicts += 1


def _conflict(con: duckdb.DuckDBPyConnection, entity: str, record_id: str, project_id: str | None, local: Any, remote: Any, winner: str) -> None:
    con.execute(
        """INSERT INTO conflicts (id, entity, record_id, project_id, local, remote, winner, detected_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, now())""",
        [uuid7(), entity, record_id, project_id, json.dumps(local, ensure_ascii=False, default=str),
         json.dumps(remote, ensure_ascii=False, default=str), winner],
    ).fetchall()


def _mark_resolved(con: duckdb.DuckDBPyConnection, change: ServerChange) -> int:
    p = change.payload
    resolution = {"kind": "resolved_elsewhere", "by": p.get("updated_by"), "device_id": change.device_id, "hlc": change.hlc,
                  "server_seq": change.seq}
    return mark_resolved(con, change.entity_id, [str(h) for h in p["resolves"]], resolution)


def _load_current(con: duckdb.DuckDBPyConnection, ids: list[str]) -> tuple[dict[str, _Current], set[str]]:
    current: dict[str, _Current] = {}
    with registered(con, {"id": ids}) as name:
        for row in con.execute(_LOCAL.format(ids=name)).fetchall():
            current[row[0]] = _Current(row[12], row[11], _local_payload(row), int(row[5]), int(row[5]))
        for rid, top in con.execute(f"SELECT record_id, max(version) FROM record_versions WHERE record_id IN (SELECT id FROM {name}) GROUP BY 1").fetchall():
            if rid in current:
                current[rid].max_version = max(current[rid].max_version, int(top))
        unpushed = {r[0] for r in con.execute(f"SELECT DISTINCT entity_id FROM changes WHERE entity = 'record' AND entity_id IN (SELECT id FROM {name})").fetchall()}
    return current, unpushed


_KNOWN = """SELECT v.record_id, v.hlc FROM record_versions v JOIN {pairs} p ON v.record_id = p.id AND v.hlc = p.hlc
UNION
SELECT c.record_id, p.hlc FROM conflicts c JOIN {pairs} p ON c.entity = 'record' AND c.record_id = p.id
  AND p.hlc IN (json_extract_string(c.local, '$.hlc'), json_extract_string(c.remote, '$.hlc'))"""


def _known_versions(con: duckdb.DuckDBPyConnection, changes: list[ServerChange]) -> set[tuple[str, str]]:
    """(record id, stamp) of the pulled versions this device already knows: in the record's local
    history, or kept in a conflict row (a version that lost here has no history row). A pull from
    an older cursor (cursor reset, server re-entered) brings them again; they are neither a new
    conflict nor applied again. One query for the whole batch."""
    with registered(con, {"id": [c.entity_id for c in changes], "hlc": [c.hlc for c in changes]}) as name:
        return {(str(r[0]), str(r[1])) for r in con.execute(_KNOWN.format(pairs=name)).fetchall()}


def _same_content(payload: dict[str, Any], other: dict[str, Any]) -> bool:
    """Two versions that agree on data, status and deleted are no conflict (e.g. two identical
    resolutions of the same conflict on two devices): the later stamp simply wins."""
    return (payload.get("data") or {}) == (other.get("data") or {}) and payload.get("status") == other.get("status") \
        and bool(payload.get("deleted")) == bool(other.get("deleted"))


def _records(con: duckdb.DuckDBPyConnection, device: Device, changes: list[ServerChange], result: ApplyResult, audits: list[list[Any]]) -> None:
    if not changes:
        return
    current, unpushed = _load_current(con, sorted({c.entity_id for c in changes}))
    seen = _known_versions(con, changes)
    known = set(current)
    winners: dict[str, tuple[ServerChange, int, str]] = {}
    versions: list[list[Any]] = []
    for change in changes:
        p, rid = change.payload, change.entity_id
        data_in, bad_refs = strip_invalid_refs(p.get("data"))
        if bad_refs:  # another device sent a file reference that is no content hash: never a path here
            log.warning("record %s from device %s: file references in %s are not content hashes; removed", rid, change.device_id, ", ".join(bad_refs))
            p = {**p, "data": data_in}
        cur = current.get(rid)
        if (cur is not None and cur.hlc == change.hlc) or (rid, change.hlc) in seen:
            continue  # already here, or known to this device's history: nothing new
        remote_wins = cur is None or change.hlc > cur.hlc
        mine = cur is not None and (cur.device_id == device.id or rid in unpushed)
        if cur is not None and mine and p.get("base_hlc") != cur.hlc and not _same_content(p, cur.payload):
            _conflict(con, "record", rid, p.get("project_id"), cur.payload, {**p, "device_id": change.device_id}, "remote" if remote_wins else "local")
            result.conflicts += 1
        if p.get("resolves"):
            result.resolved += _mark_resolved(con, change)
        if not remote_wins:
            continue
        number = max(int(p["version"]), cur.max_version + 1) if cur is not None else int(p["version"])
        current[rid] = _Current(change.hlc, change.device_id, {**p, "version": number, "device_id": change.device_id}, number, number)
        data = json.dumps(p["data"], ensure_ascii=False)
        winners[rid] = (change, number, data)
        versions.append([rid, number, int(p["form_version"]), data, p["status"], bool(p["deleted"]),
                         _ts(p["updated_at"]), p.get("updated_by") or "", change.device_id, change.hlc, f"synced from device {change.device_id}"])
        audits.append(_audit(change, rid, {"version": number, "deleted": bool(p["deleted"])}))
        result.applied += 1
        result.projects.add(str(p["project_id"]))
    _upsert(con, winners, known)
    insert_rows(con, "record_versions (record_id, version, form_version, data, status, deleted, saved_at, saved_by, device_id, hlc, note)", versions)


def _upsert(con: duckdb.DuckDBPyConnection, winners: dict[str, tuple[ServerChange, int, str]], known: set[str]) -> None:
    """Records new here go in with a plain INSERT (an initial pull: all of them); the others replace
    the local row (ON CONFLICT is several times slower in DuckDB)."""
    forms: dict[tuple[str, int], FormDef | None] = {}
    rows: list[list[Any]] = []
    updates: list[list[Any]] = []
    for rid, (change, number, data) in winners.items():
        p = change.payload
        key = (str(p["project_id"]), int(p["form_version"]))
        if key not in forms:
            found = con.execute("SELECT definition FROM forms WHERE project_id = ? AND version = ?", list(key)).fetchall()
            forms[key] = _loadable(found[0][0]) if found else None
        form = forms[key]
        text = search_text(form, p["data"]) if form is not None else ""
        updated = _ts(p["updated_at"])
        (updates if rid in known else rows).append([rid, key[0], key[1], data, p["status"], number, text, _ts(p["created_at"]),
                     p.get("created_by") or "", updated, p.get("updated_by") or "", change.device_id, change.hlc,
                     updated if p["deleted"] else None])
    insert_rows(
        con, "records (id, project_id, form_version, data, status, version, search_text, created_at, created_by, updated_at, "
        "updated_by, device_id, hlc, deleted_at)", rows)
    insert_rows(
        con, "records (id, project_id, form_version, data, status, version, search_text, created_at, created_by, updated_at, "
        "updated_by, device_id, hlc, deleted_at)", updates,
        on_conflict="""ON CONFLICT (id) DO UPDATE SET project_id = excluded.project_id, form_version = excluded.form_version,
            data = excluded.data, status = excluded.status, version = excluded.version, search_text = excluded.search_text,
            created_at = excluded.created_at, created_by = excluded.created_by, updated_at = excluded.updated_at,
            updated_by = excluded.updated_by, device_id = excluded.device_id, hlc = excluded.hlc, deleted_at = excluded.deleted_at""",
    )
