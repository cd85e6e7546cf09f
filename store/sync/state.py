"""This device's sync bookkeeping in DuckDB: ``sync_state`` (key → value) and its ``conflicts``.

Keys: ``server`` (the URL without password), ``cursor`` (the last server seq applied here),
``last_sync_at``, ``last_error``. Never a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from store.db import Store

SERVER, CURSOR, LAST_SYNC, LAST_ERROR = "server", "cursor", "last_sync_at", "last_error"


def set_values(con: duckdb.DuckDBPyConnection, values: dict[str, str | None]) -> None:
    """Inside a writer unit: upsert ``values`` into ``sync_state``."""
    for key, value in values.items():
        con.execute(
            """INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, now())
               ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at""",
            [key, value],
        ).fetchall()


def save(store: Store, **values: str | None) -> None:
    store.write(lambda con: set_values(con, values))


def get(store: Store, key: str) -> str | None:
    row = store.read_one("SELECT value FROM sync_state WHERE key = ?", [key])
    return None if row is None else row[0]


def cursor(store: Store) -> int:
    return int(get(store, CURSOR) or 0)


@dataclass(frozen=True)
class SyncStatus:
    pending: int  # outbox rows not yet on the server
    conflicts: int  # unresolved conflicts kept on this device
    last_sync: datetime | None
    cursor: int
    server: str | None
    last_error: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "pending": self.pending, "conflicts": self.conflicts, "cursor": self.cursor, "server": self.server,
            "last_sync": self.last_sync.isoformat() if self.last_sync else None, "last_error": self.last_error,
        }


def status(store: Store) -> SyncStatus:
    """What a sync page or ``fieldbook sync status`` shows; reads only, needs no server."""
    pending = store.read_one("SELECT count(*) FROM changes")
    conflicts = store.read_one("SELECT count(*) FROM conflicts WHERE resolved_at IS NULL")
    values = dict(store.read("SELECT key, value FROM sync_state"))
    last = values.get(LAST_SYNC)
    return SyncStatus(
        pending=int(pending[0]) if pending else 0,
        conflicts=int(conflicts[0]) if conflicts else 0,
        last_sync=datetime.fromisoformat(last) if last else None,
        cursor=int(values.get(CURSOR) or 0),
        server=values.get(SERVER),
        last_error=values.get(LAST_ERROR),
    )
