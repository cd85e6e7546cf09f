"""Schema migrations: recorded, applied once, all-or-nothing per migration, newer schemas refused."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from store.core.db import Store
from store.core.errors import MigrationError, StoreError
from store.core.migrations import MIGRATIONS, Migration

ALL = [m.version for m in MIGRATIONS]
LATEST = ALL[-1]
NEXT = LATEST + 1
V2 = Migration(NEXT, "notes", ("CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR)",))
BROKEN_V2 = Migration(
    NEXT,
    "broken",
    (
        "CREATE TABLE half_done (id INTEGER)",
        "INSERT INTO half_done VALUES (1)",
        "ALTER TABLE no_such_table ADD COLUMN x INTEGER",
    ),
)


def versions(path: Path) -> list[int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]
    finally:
        con.close()


def tables(path: Path) -> set[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()


def wal_size(path: Path) -> int:
    wal = path.with_name(path.name + ".wal")
    return wal.stat().st_size if wal.exists() else 0


def test_fresh_database_gets_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "f.duckdb"
    store = Store.open(path)
    try:
        assert store.schema_version() == LATEST
        assert store.read("SELECT version, name FROM schema_migrations ORDER BY version") == [(m.version, m.name) for m in MIGRATIONS]
    finally:
        store.close()
    assert {"schema_migrations", "ui_state", "events"} <= tables(path)


def test_reopening_applies_nothing(tmp_path: Path) -> None:
    path = tmp_path / "f.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path), read_only=True)
    try:
        first = con.execute("SELECT version, applied_at FROM schema_migrations").fetchall()
    finally:
        con.close()
    calls: list[list[int]] = []
    store = Store.open(path, before_migrate=calls.append)
    try:
        assert store.read("SELECT version, applied_at FROM schema_migrations") == first
    finally:
        store.close()
    assert calls == []


def test_new_migration_is_applied_to_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "f.duckdb"
    Store.open(path).close()
    store = Store.open(path, migrations=(*MIGRATIONS, V2))
    try:
        assert store.schema_version() == NEXT
        store.execute("INSERT INTO notes VALUES (1, 'hello')")
    finally:
        store.close()
    assert versions(path) == [*ALL, NEXT]


def test_failing_migration_leaves_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "f.duckdb"
    Store.open(path).close()
    with pytest.raises(MigrationError) as info:
        Store.open(path, migrations=(*MIGRATIONS, BROKEN_V2))
    assert f"version {NEXT}" in str(info.value)
    assert versions(path) == ALL
    assert "half_done" not in tables(path)
    store = Store.open(path)  # still usable, and no longer locked
    try:
        assert store.schema_version() == LATEST
    finally:
        store.close()


def test_failing_migration_on_fresh_database_keeps_the_ones_before(tmp_path: Path) -> None:
    path = tmp_path / "f.duckdb"
    with pytest.raises(MigrationError):
        Store.open(path, migrations=(*MIGRATIONS, BROKEN_V2))
    assert versions(path) == ALL
    assert "half_done" not in tables(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.duckdb"
    store = Store.open(path)
    store.execute("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')")
    store.close()
    with pytest.raises(StoreError, match="newer") as info:
        Store.open(path)
    assert "99" in str(info.value)
    assert not isinstance(info.value, MigrationError)
    assert versions(path) == [*ALL, 99]  # refused, not touched


def test_before_migrate_only_for_existing_database_with_pending_work(tmp_path: Path) -> None:
    path = tmp_path / "f.duckdb"
    calls: list[list[int]] = []

    Store.open(path, before_migrate=calls.append).close()  # fresh: nothing to protect
    assert calls == []
    Store.open(path, before_migrate=calls.append).close()  # nothing pending
    assert calls == []

    store = Store.open(path, migrations=(*MIGRATIONS, V2), before_migrate=calls.append)
    store.close()
    assert calls == [ALL]  # once, with what was applied before
    assert versions(path) == [*ALL, NEXT]


def test_before_migrate_failure_stops_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "f.duckdb"
    Store.open(path).close()

    def refuse(applied: list[int]) -> None:
        raise RuntimeError("snapshot failed")

    with pytest.raises(RuntimeError, match="snapshot failed"):
        Store.open(path, migrations=(*MIGRATIONS, V2), before_migrate=refuse)
    assert versions(path) == ALL
    assert "notes" not in tables(path)


def test_no_wal_left_after_migrating(tmp_path: Path) -> None:
    path = tmp_path / "f.duckdb"
    store = Store.open(path)
    try:
        assert wal_size(path) == 0
    finally:
        store.close()
    store = Store.open(path, migrations=(*MIGRATIONS, V2))
    try:
        assert wal_size(path) == 0
    finally:
        store.close()
