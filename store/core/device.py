"""This installation's identity for sync: a device id kept in ``meta`` and its hybrid clock."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import duckdb

from store.core.db import Store
from store.core.hlc import Clock
from store.core.ids import uuid7


@dataclass(frozen=True)
class Device:
    id: str
    clock: Clock


_devices: weakref.WeakKeyDictionary[Store, Device] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def device_of(store: Store) -> Device:
    """The device of the database behind ``store`` (created on first use)."""
    with _lock:
        device = _devices.get(store)
        if device is None:
            device = _load(store)
            _devices[store] = device
        return device


def _load(store: Store) -> Device:
    def get_or_create(con: duckdb.DuckDBPyConnection) -> str:
        row = con.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchall()
        if row:
            return str(row[0][0])
        # Short enough to read in a support call, random enough not to collide within a team.
        device_id = uuid7().replace("-", "")[-12:]
        con.execute("INSERT INTO meta VALUES ('device_id', ?)", [device_id]).fetchall()
        return device_id

    device_id = store.write(get_or_create)
    clock = Clock(device_id)
    # After a restart (or a wall clock set back) never stamp below what was already written.
    latest = store.read_one("SELECT max(hlc) FROM (SELECT hlc FROM records UNION ALL SELECT hlc FROM changes)")
    if latest and latest[0]:
        clock.observe(latest[0])
    return Device(device_id, clock)
