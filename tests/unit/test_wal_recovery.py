"""Opening damaged or busy databases: an unreadable WAL is set aside (never deleted), a WAL found at
open is backed up, a garbage file is refused untouched, a locked file names the holder's PID."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from store.core.db import Store
from store.core.errors import DatabaseLockedError, StoreError

REPO_ROOT = Path(__file__).resolve().parents[2]

# Leaves a WAL that belongs to database B (a table altered after its last checkpoint). Copied next
# to another database, DuckDB refuses it: "WAL does not match database file".
FOREIGN_WAL = """
import duckdb, os, sys
for path, n in zip(sys.argv[1::2], sys.argv[2::2]):
    con = duckdb.connect(path)
    con.execute("CREATE TABLE t (a INTEGER)")
    con.execute("CHECKPOINT")
    con.execute("PRAGMA disable_checkpoint_on_shutdown")
    con.execute(f"INSERT INTO t SELECT range FROM range({int(n)})")
    con.execute("ALTER TABLE t ADD COLUMN b VARCHAR")
    con.execute("INSERT INTO t VALUES (1, 'x')")
os._exit(0)
"""

# A Fieldbook that stops without closing: its committed write lives only in the WAL.
UNCLEAN_STOP = """
import os, sys
from pathlib import Path
from store.core.db import Store
store = Store.open(Path(sys.argv[1]))
store.writer.submit_exclusive(lambda con: con.execute("PRAGMA disable_checkpoint_on_shutdown").fetchall()).result()
store.record_event("info", "before_crash", "written, then killed")
os._exit(0)
"""


def wal_of(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


@pytest.fixture(scope="module")
def foreign_wals(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    folder = tmp_path_factory.mktemp("foreign")
    dbs = [folder / "b1.duckdb", folder / "b2.duckdb"]
    subprocess.run(
        [sys.executable, "-c", FOREIGN_WAL, str(dbs[0]), "10", str(dbs[1]), "20"],
        check=True,
        cwd=REPO_ROOT,
        capture_output=True,
    )
    wals = [wal_of(db).read_bytes() for db in dbs]
    assert all(wals) and wals[0] != wals[1]
    return wals


def fresh_database(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(path)
    store.record_event("info", "seed", "data from before")
    store.close()


def test_unreadable_wal_is_quarantined_not_deleted(db_path: Path, foreign_wals: list[bytes]) -> None:
    fresh_database(db_path)
    wal_of(db_path).write_bytes(foreign_wals[0])

    store = Store.open(db_path)
    try:
        assert [n.kind for n in store.notices] == ["wal_quarantined"]
        notice = store.notices[0]
        quarantined = Path(notice.data["file"])
        assert quarantined.parent == db_path.parent / "recovery"
        assert quarantined.name.endswith(".quarantined")
        assert quarantined.read_bytes() == foreign_wals[0]
        assert str(quarantined) in notice.message
        assert store.read("SELECT kind FROM events WHERE kind = 'seed'") == [("seed",)]
        assert store.read("SELECT level, kind FROM events WHERE kind = 'wal_quarantined'") == [("warning", "wal_quarantined")]
        backups = list((db_path.parent / "recovery").glob("*.bak"))
        assert [b.read_bytes() for b in backups] == [foreign_wals[0]]
    finally:
        store.close()
    assert not wal_of(db_path).exists() or wal_of(db_path).read_bytes() != foreign_wals[0]

    again = Store.open(db_path)  # the event was committed, and the next start is clean
    try:
        assert again.notices == []
        assert again.read_one("SELECT count(*) FROM events WHERE kind = 'wal_quarantined'") == (1,)
    finally:
        again.close()


def test_each_quarantined_wal_is_kept(db_path: Path, foreign_wals: list[bytes]) -> None:
    fresh_database(db_path)
    named: list[tuple[Path, bytes]] = []
    for content in (foreign_wals[0], foreign_wals[1], foreign_wals[0]):
        wal_of(db_path).write_bytes(content)
        store = Store.open(db_path)
        store.close()
        named.append((Path(store.notices[0].data["file"]), content))
    # Every notice must point at a file that still holds the WAL it reported.
    for path, content in named:
        assert path.exists(), path
        assert path.read_bytes() == content, f"{path} was overwritten by a later quarantine"
    assert len(list((db_path.parent / "recovery").glob("*.quarantined"))) == 3


def test_wal_present_at_open_is_backed_up_and_replayed(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    subprocess.run([sys.executable, "-c", UNCLEAN_STOP, str(db_path)], check=True, cwd=REPO_ROOT, capture_output=True)
    wal = wal_of(db_path).read_bytes()
    assert wal

    store = Store.open(db_path)
    try:
        assert store.notices == []
        assert store.read("SELECT message FROM events WHERE kind = 'before_crash'") == [("written, then killed",)]
        backups = list((db_path.parent / "recovery").glob("fieldbook.duckdb.wal.*.bak"))
        assert [b.read_bytes() for b in backups] == [wal]
    finally:
        store.close()


def test_no_backup_without_wal(store: Store, db_path: Path) -> None:
    assert not (db_path.parent / "recovery").exists()


def test_garbage_database_is_refused_and_left_alone(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    garbage = os.urandom(64 * 1024)
    db_path.write_bytes(garbage)
    with pytest.raises(StoreError) as info:
        Store.open(db_path)
    assert type(info.value) is StoreError
    assert str(db_path) in str(info.value)
    assert "Nothing was changed or deleted" in str(info.value)
    assert db_path.read_bytes() == garbage
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["fieldbook.duckdb"]


def test_truncated_database_is_refused_and_left_alone(db_path: Path) -> None:
    fresh_database(db_path)
    data = db_path.read_bytes()[:5000]
    db_path.write_bytes(data)
    with pytest.raises(StoreError):
        Store.open(db_path)
    assert db_path.read_bytes() == data


def test_locked_database_names_the_holder(db_path: Path, child_ready: Callable[..., subprocess.Popen[str]]) -> None:
    fresh_database(db_path)
    holder = child_ready(
        "import duckdb, sys, time\ncon = duckdb.connect(sys.argv[1])\nprint('ready', flush=True)\ntime.sleep(60)\n",
        str(db_path),
    )
    with pytest.raises(DatabaseLockedError) as info:
        Store.open(db_path)
    assert f"PID {holder.pid}" in str(info.value)
    assert str(db_path) in str(info.value)
    holder.kill()
    holder.wait()
    store = Store.open(db_path)  # usable again once the holder is gone
    try:
        assert store.read_one("SELECT count(*) FROM events WHERE kind = 'seed'") == (1,)
    finally:
        store.close()


def test_quarantine_keeps_database_file(db_path: Path, foreign_wals: list[bytes]) -> None:
    fresh_database(db_path)
    before = db_path.read_bytes()
    wal_of(db_path).write_bytes(foreign_wals[1])
    shutil.copy2(db_path, db_path.with_name("copy.duckdb"))
    store = Store.open(db_path)
    try:
        assert store.read_one("SELECT count(*) FROM events WHERE kind = 'seed'") == (1,)
    finally:
        store.close()
    assert db_path.with_name("copy.duckdb").read_bytes() == before
