"""The single writer: group commit, acknowledgement after COMMIT, per-unit failures, closing.

Batches are made deterministic with a blocker unit: it holds the writer thread on an Event until
the test has queued everything it wants in the next batch.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path

import duckdb
import pytest

from store.core.db import Store
from store.core.errors import DiskFullError, StoreError
from store.core.migrations import MIGRATIONS
from tests.unit.conftest import WAIT, writer_held


@pytest.fixture
def kv(store: Store) -> Store:
    store.execute("CREATE TABLE kv (k VARCHAR PRIMARY KEY, v VARCHAR)")
    return store


def settle(store: Store) -> None:
    """Wait until the writer has finished its previous batch (its bookkeeping included)."""
    store.write(lambda con: None)


def rows(store: Store) -> dict[str, str]:
    return dict(store.read("SELECT k, v FROM kv"))


def insert(k: str, v: str = "x"):  # noqa: ANN201 - a write unit
    def unit(con: duckdb.DuckDBPyConnection) -> str:
        con.execute("INSERT INTO kv VALUES (?, ?)", [k, v]).fetchall()
        return k

    return unit


def test_group_commit_from_many_threads(kv: Store) -> None:
    futures: list[Future[str]] = []
    lock = threading.Lock()

    def submit_some(t: int) -> None:
        for i in range(25):
            f = kv.submit(insert(f"{t}-{i}"))
            with lock:
                futures.append(f)

    with writer_held(kv):
        threads = [threading.Thread(target=submit_some, args=(t,)) for t in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert kv.writer.queue_depth == 200
    assert {f.result(WAIT) for f in futures} == {f"{t}-{i}" for t in range(8) for i in range(25)}
    settle(kv)
    assert 200 in kv.writer.batch_sizes
    assert len(rows(kv)) == 200


def test_group_commit_without_blocker_still_commits_everything(kv: Store) -> None:
    def write_some(t: int) -> None:
        for i in range(25):
            kv.write(insert(f"{t}-{i}"))

    threads = [threading.Thread(target=write_some, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(rows(kv)) == 200


def test_future_resolves_only_after_commit(kv: Store) -> None:
    seen_at_ack: list[list[tuple[str]]] = []
    called = threading.Event()

    def on_done(f: Future[str]) -> None:
        seen_at_ack.append(kv.read("SELECT k FROM kv"))
        called.set()

    with writer_held(kv):
        future = kv.submit(insert("a"))
        # A done-callback runs at the moment the future resolves, on the writer thread. A reader
        # connection sees only committed data, so the row must already be visible to it.
        future.add_done_callback(on_done)
    assert called.wait(WAIT)
    assert seen_at_ack == [[("a",)]]


def test_future_not_done_while_its_batch_waits(kv: Store) -> None:
    with writer_held(kv):
        future = kv.submit(insert("a"))
        assert not future.done()
        assert rows(kv) == {}
    assert future.result(WAIT) == "a"


def test_acknowledged_write_is_visible_elsewhere_and_survives_reopen(kv: Store, db_path: Path) -> None:
    kv.write(insert("a", "1"))
    seen: list[dict[str, str]] = []
    reader = threading.Thread(target=lambda: seen.append(rows(kv)))
    reader.start()
    reader.join()
    assert seen == [{"a": "1"}]
    kv.close()
    again = Store.open(db_path)
    try:
        assert rows(again) == {"a": "1"}
    finally:
        again.close()


def test_failing_units_get_their_own_error_others_commit(kv: Store) -> None:
    def raises_after_insert(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("INSERT INTO kv VALUES ('partial', 'x')").fetchall()
        raise ValueError("unit refused")

    with writer_held(kv):
        good1 = kv.submit(insert("good1"))
        bad_sql = kv.submit(lambda con: con.execute("INSERT INTO no_such_table VALUES (1)").fetchall())
        partial = kv.submit(raises_after_insert)
        dup = kv.submit(insert("good1"))  # primary key taken by good1 in the same batch
        good2 = kv.submit(insert("good2"))
    assert good1.result(WAIT) == "good1"
    assert good2.result(WAIT) == "good2"
    with pytest.raises(duckdb.CatalogException):
        bad_sql.result(WAIT)
    with pytest.raises(ValueError, match="unit refused"):
        partial.result(WAIT)
    with pytest.raises(duckdb.ConstraintException):
        dup.result(WAIT)
    assert rows(kv) == {"good1": "x", "good2": "x"}
    settle(kv)
    assert 5 in kv.writer.batch_sizes  # they really were one batch


def test_unit_that_raises_leaves_none_of_its_writes(kv: Store) -> None:
    def two_then_raise(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("INSERT INTO kv VALUES ('p1', 'x')").fetchall()
        con.execute("INSERT INTO kv VALUES ('p2', 'x')").fetchall()
        raise ValueError("no")

    with pytest.raises(ValueError):
        kv.write(two_then_raise)
    assert rows(kv) == {}
    kv.write(insert("after"))
    assert rows(kv) == {"after": "x"}


def swallow(con: duckdb.DuckDBPyConnection) -> None:
    """A unit that catches its own failed statement: DuckDB has aborted the transaction anyway."""
    try:
        con.execute("INSERT INTO no_such_table VALUES (1)").fetchall()
    except duckdb.Error:
        pass


def test_unit_that_swallows_its_sql_error_does_not_lose_other_acknowledged_writes(kv: Store) -> None:
    # DuckDB aborts the transaction on a failed statement, and a later COMMIT of the aborted
    # transaction silently rolls back. A unit that catches its own error must not turn the
    # other units of its batch into acknowledged writes that were never saved.
    kv.write(insert("first"))
    with writer_held(kv):
        good = kv.submit(insert("good"))
        swallower = kv.submit(swallow)
    # The writer isolates the unit that broke the transaction: the good one commits, the
    # swallower is told its change was not saved.
    assert good.exception(WAIT) is None
    assert "good" in rows(kv), "write acknowledged as committed but not in the database"
    assert isinstance(swallower.exception(WAIT), StoreError)
    assert "first" in rows(kv)


def test_unit_after_a_swallowed_error_is_not_blamed(kv: Store) -> None:
    with writer_held(kv):
        swallower = kv.submit(swallow)
        after = kv.submit(insert("after"))
    assert after.exception(WAIT) is None
    assert "after" in rows(kv)
    assert isinstance(swallower.exception(WAIT), StoreError)


def test_concurrent_upserts_on_one_key(kv: Store) -> None:
    errors: list[BaseException] = []

    def upserts(t: int) -> None:
        try:
            for i in range(100):
                kv.execute(
                    "INSERT INTO kv VALUES ('key', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
                    [f"{t}-{i}"],
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=upserts, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    final = rows(kv)
    assert list(final) == ["key"]
    assert final["key"] in {f"{t}-99" for t in range(8)}


def test_submit_after_close_raises(store: Store) -> None:
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.submit(lambda con: None)
    with pytest.raises(StoreError, match="closed"):
        store.execute("INSERT INTO events (level, kind, message) VALUES ('info', 'k', 'm')")
    with pytest.raises(StoreError, match="closed"):
        store.read("SELECT 1")
    store.close()  # a second close is harmless


def test_close_drains_queued_writes(kv: Store, db_path: Path) -> None:
    futures = [kv.submit(insert(f"k{i}")) for i in range(500)]
    kv.close()
    assert all(f.done() and f.exception() is None for f in futures)
    again = Store.open(db_path)
    try:
        assert again.read_one("SELECT count(*) FROM kv") == (500,)
    finally:
        again.close()


def wal_size(db_path: Path) -> int:
    wal = db_path.with_name(db_path.name + ".wal")
    return wal.stat().st_size if wal.exists() else 0


def test_submit_exclusive_runs_checkpoint(kv: Store, db_path: Path) -> None:
    kv.write(insert("a"))
    assert wal_size(db_path) > 0
    kv.writer.submit_exclusive(lambda con: con.execute("CHECKPOINT").fetchall()).result(WAIT)
    assert wal_size(db_path) == 0
    kv.write(insert("b"))
    assert wal_size(db_path) > 0
    kv.checkpoint()
    assert wal_size(db_path) == 0
    assert rows(kv) == {"a": "x", "b": "x"}


def test_exclusive_unit_runs_outside_a_transaction(kv: Store) -> None:
    # Inside a transaction BEGIN fails; outside it starts one (which the unit then ends).
    def begin_and_commit(con: duckdb.DuckDBPyConnection) -> str:
        con.execute("BEGIN TRANSACTION")
        con.execute("INSERT INTO kv VALUES ('ex', 'x')").fetchall()
        con.execute("COMMIT")
        return "done"

    with writer_held(kv):
        before = kv.submit(insert("before"))
        exclusive = kv.writer.submit_exclusive(begin_and_commit)
        after = kv.submit(insert("after"))
    assert (before.result(WAIT), exclusive.result(WAIT), after.result(WAIT)) == ("before", "done", "after")
    assert rows(kv) == {"before": "x", "ex": "x", "after": "x"}


def test_atomic_applies_all_statements(kv: Store) -> None:
    with kv.atomic() as unit:
        unit.execute("INSERT INTO kv VALUES (?, ?)", ["a", "1"])
        unit.execute("INSERT INTO kv VALUES (?, ?)", ["b", "2"])
        unit.execute("UPDATE kv SET v = '3' WHERE k = 'a'")
        assert rows(kv) == {}  # nothing before the block ends
    assert rows(kv) == {"a": "3", "b": "2"}


def test_atomic_applies_nothing_when_a_statement_fails(kv: Store) -> None:
    with pytest.raises(duckdb.Error):
        with kv.atomic() as unit:
            unit.execute("INSERT INTO kv VALUES (?, ?)", ["a", "1"])
            unit.execute("INSERT INTO kv VALUES (?, ?)", ["b", "2"])
            unit.execute("INSERT INTO kv VALUES (?, ?, ?)", ["c", "3", "too many"])
    assert rows(kv) == {}


def test_atomic_applies_nothing_when_the_block_raises(kv: Store) -> None:
    with pytest.raises(RuntimeError):
        with kv.atomic() as unit:
            unit.execute("INSERT INTO kv VALUES (?, ?)", ["a", "1"])
            raise RuntimeError("changed my mind")
    assert rows(kv) == {}


def test_disk_guard_refuses_writes_and_writes_nothing(kv: Store) -> None:
    kv.write(insert("before"))
    kv.disk.min_free_mb = 10**9
    with pytest.raises(DiskFullError) as info:
        kv.write(insert("refused"))
    message = str(info.value)
    assert "MB" in message and "nothing was saved" in message
    assert "Traceback" not in message and "duckdb" not in message.lower()
    assert rows(kv) == {"before": "x"}
    kv.disk.min_free_mb = 0
    kv.write(insert("after"))
    assert rows(kv) == {"before": "x", "after": "x"}


def test_open_with_too_little_free_space_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "f.duckdb"
    Store.open(path).close()
    # Opening an up-to-date database only reads; "refuse writes" must not mean "refuse to start".
    store = Store.open(path, min_free_mb=10**9)
    try:
        assert store.schema_version() == MIGRATIONS[-1].version
        with pytest.raises(DiskFullError, match="nothing was saved"):
            store.execute("INSERT INTO events (level, kind, message) VALUES ('info', 'k', 'm')")
        assert store.read_one("SELECT count(*) FROM events WHERE kind = 'k'") == (0,)
    finally:
        store.close()
