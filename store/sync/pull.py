"""Pull: the server's changes this device has not seen, in server order, in batches.

The cursor is the last server ``seq`` applied here; it moves in the same DuckDB transaction as the
changes (store/sync/apply.py), so a pull interrupted anywhere resumes exactly where it stopped.
This device's own changes are skipped (it has them). The upper bound ``high`` is read once at the
start: pushes commit ``change_log`` rows in seq order (store/sync/push.py), so nothing at or below
``high`` can appear later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import psycopg

from store.db import Store
from store.device import Device
from store.sync import state
from store.sync.apply import ServerChange, apply_batch

BATCH = 5000

_FETCH = """SELECT seq, change_id::text, device_id, entity, entity_id, op, payload, hlc, created_at
FROM change_log WHERE seq > %s AND seq <= %s AND device_id <> %s ORDER BY seq LIMIT %s"""


@dataclass(frozen=True)
class PullResult:
    pulled: int  # changes received from other devices
    applied: int  # of them, became current here (the rest were older or already here)
    conflicts: int
    cursor: int


def fetch(conn: psycopg.Connection, device_id: str, after: int, high: int, limit: int = BATCH) -> list[ServerChange]:
    rows = conn.execute(_FETCH, [after, high, device_id, limit]).fetchall()
    return [ServerChange(*r) for r in rows]


def pull(
    store: Store,
    conn: psycopg.Connection,
    device: Device,
    server: str,
    *,
    batch: int = BATCH,
    progress: Callable[[str, int], None] | None = None,
    check_cancelled: Callable[[], bool] | None = None,
) -> PullResult:
    cursor = state.cursor(store)
    row = conn.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()
    high = int(row[0]) if row else 0
    pulled = applied = conflicts = 0
    while cursor < high:
        if check_cancelled is not None and check_cancelled():
            break
        changes = fetch(conn, device.id, cursor, high, batch)
        new_cursor = changes[-1].seq if len(changes) == batch else high
        result = apply_batch(store, device, changes, new_cursor, server)
        cursor = new_cursor
        pulled += len(changes)
        applied += result.applied
        conflicts += result.conflicts
        if progress is not None:
            progress("pull", pulled)
    conn.execute(
        "INSERT INTO devices (id, cursor) VALUES (%s, %s) ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor, last_seen = now()",
        [device.id, cursor],
    )
    return PullResult(pulled, applied, conflicts, cursor)
