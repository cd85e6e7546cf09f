"""Rows every change of field data writes in its own transaction: the sync outbox and the audit log.

Both functions run inside a writer unit (they take the unit's connection), so the change, its
outbox row and its audit row commit together or not at all.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

from store.core.ids import uuid7


def add_change(
    con: duckdb.DuckDBPyConnection, *, entity: str, entity_id: str, op: str, payload: dict[str, Any], hlc: str, device_id: str
) -> None:
    con.execute(
        """INSERT INTO changes (change_id, entity, entity_id, op, payload, hlc, device_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, now())""",
        [uuid7(), entity, entity_id, op, json.dumps(payload, ensure_ascii=False, default=str), hlc, device_id],
    ).fetchall()


def add_audit(
    con: duckdb.DuckDBPyConnection, *, user: str, entity: str, entity_id: str, action: str, old: Any = None, new: Any = None
) -> None:
    con.execute(
        "INSERT INTO audit_log (created_at, user_id, entity, entity_id, action, old, new) VALUES (now(), ?, ?, ?, ?, ?, ?)",
        [
            user,
            entity,
            entity_id,
            action,
            None if old is None else json.dumps(old, ensure_ascii=False, default=str),
            None if new is None else json.dumps(new, ensure_ascii=False, default=str),
        ],
    ).fetchall()


def diff(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys whose values differ, as (old values, new values)."""
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}
