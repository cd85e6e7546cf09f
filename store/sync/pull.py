"""Pull: the server's changes this device has not seen, in server order, in batches.

The cursor is the last server ``seq`` applied here, one per server (store/sync/state.py); it moves
in the same DuckDB transaction as the changes (store/sync/apply.py), so a pull interrupted anywhere
resumes exactly where it stopped. The upper bound ``high`` is read once at the start: pushes commit
``change_log`` rows in seq order (store/sync/push.py), so nothing at or below ``high`` can appear
later.

This device's own changes are skipped (it has them) — unless the server holds changes of this
device after its cursor before it pushed anything (``own_changes_ahead``): then this file is older
than what the device once sent (a snapshot restored, or the file copied back by hand), and the
pull takes its own changes too, so that the later ones come back ("the later stamp wins"; versions
it still knows are skipped by apply). A sync that pushed and then stopped before its pull finished
looks the same; its next pull merely receives its own changes again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import psycopg

from store.core.db import Store
from store.core.device import Device
from store.sync import state
from store.sync.apply import ServerChange, apply_batch, retry_held

BATCH = 5000

_COLUMNS = "seq, change_id::text, device_id, entity, entity_id, op, payload, hlc, created_at"
_FETCH = f"SELECT {_COLUMNS} FROM change_log WHERE seq > %s AND seq <= %s AND device_id <> %s ORDER BY seq LIMIT %s"
_FETCH_ALL = f"SELECT {_COLUMNS} FROM change_log WHERE seq > %s AND seq <= %s ORDER BY seq LIMIT %s"
_OWN_AHEAD = "SELECT EXISTS (SELECT 1 FROM change_log WHERE seq > %s AND device_id = %s)"


@dataclass(frozen=True)
class PullResult:
    pulled: int  # changes received (from other devices; and this device's own when catching up)
    applied: int  # of them, became current here (the rest were older or already here)
    conflicts: int
    cursor: int
    complete: bool = True  # False: stopped (cancelled) before the server's last change


def fetch(conn: psycopg.Connection, device_id: str, after: int, high: int, limit: int = BATCH, *, own: bool = False) -> list[ServerChange]:
    rows = conn.execute(_FETCH_ALL, [after, high, limit]).fetchall() if own else conn.execute(_FETCH, [after, high, device_id, limit]).fetchall()
    return [ServerChange(*r) for r in rows]


def own_changes_ahead(conn: psycopg.Connection, device_id: str, cursor: int) -> bool:
    """Before pushing: does the server hold changes of this device after this device's cursor?
    (Reads only the change log after the cursor, which the pull reads anyway.)"""
    row = conn.execute(_OWN_AHEAD, [cursor, device_id]).fetchone()
    return bool(row and row[0])


def pull(
    store: Store,
    conn: psycopg.Connection,
    device: Device,
    server: str,
    *,
    batch: int = BATCH,
    own: bool = False,
    progress: Callable[[str, int], None] | None = None,
    check_cancelled: Callable[[], bool] | None = None,
) -> PullResult:
    """Pull from ``server`` (public URL: whose cursor) over ``conn``; ``own``: this device's changes too."""
    retry_held(store, device, server)  # changes held earlier may apply now (after an update)
    cursor = state.cursor(store, server)
    row = conn.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()
    high = int(row[0]) if row else 0
    pulled = applied = conflicts = 0
    while cursor < high:
        if check_cancelled is not None and check_cancelled():
            break
        changes = fetch(conn, device.id, cursor, high, batch, own=own)
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
    return PullResult(pulled, applied, conflicts, cursor, cursor >= high)
