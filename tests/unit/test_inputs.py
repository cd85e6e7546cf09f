"""InputStore: acknowledged after commit, versions and history, coalescing behind a busy writer,
atomic multi-key writes, both upsert paths, and retry after a refused flush."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from store.core import values
from store.core.db import Store
from store.core.errors import DiskFullError
from store.inputs.widgets import _UPSERT_FROM, InputStore
from tests.unit.conftest import writer_held

WAIT = 30  # seconds; only reached if the writer hangs


def wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.001)


def current(store: Store, user: str = "u", scope: str = "s") -> dict[str, tuple[Any, int]]:
    """``{key: (value, version)}`` straight from the table."""
    rows = store.read("SELECT key, value, version FROM inputs WHERE user_id = ? AND scope = ?", [user, scope])
    return {k: (values.loads(v), ver) for k, v, ver in rows}


def events(store: Store, key: str) -> list[Any]:
    """Values of ``input_events`` for ``key``, oldest first."""
    rows = store.read("SELECT value FROM input_events WHERE key = ? ORDER BY id", [key])
    return [values.loads(v) for (v,) in rows]


def disk_full(store: Store, full: bool) -> None:
    store.disk.min_free_mb = 10**9 if full else 0
    store.disk._checked_at = float("-inf")  # ask the disk again at the next batch


def test_persist_is_committed_when_it_returns(store: Store, db_path: Path) -> None:
    inputs = InputStore(store)
    inputs.persist("u", "s", "name", "Ada ☃", session_id="sess-1")
    assert store.read("SELECT value, version, session_id FROM inputs WHERE key = 'name'") == [('"Ada ☃"', 1, "sess-1")]
    assert store.read("SELECT value, session_id FROM input_events") == [('"Ada ☃"', "sess-1")]
    inputs.persist("u", "s", "when", dt.date(2024, 5, 1))
    store.close()
    again = Store.open(db_path)
    try:
        assert InputStore(again).load("u") == {("s", "name"): "Ada ☃", ("s", "when"): dt.date(2024, 5, 1)}
    finally:
        again.close()


def test_version_and_history_per_key(store: Store) -> None:
    inputs = InputStore(store)
    for v in ["a", "b", "c"]:
        inputs.persist("u", "s", "k", v)
    inputs.persist("u", "s", "other", 1)
    assert current(store) == {"k": ("c", 3), "other": (1, 1)}
    assert events(store, "k") == ["a", "b", "c"]
    assert events(store, "other") == [1]
    assert inputs.history("u", "s", "k") == ["c", "b", "a"]
    assert inputs.history("u", "s", "k", limit=2) == ["c", "b"]
    assert inputs.history("u", "other-scope", "k") == []


def test_load_filters_by_user_and_scope(store: Store) -> None:
    inputs = InputStore(store)
    inputs.persist("alice", "form:a", "x", 1)
    inputs.persist("alice", "form:b", "x", 2)
    inputs.persist("bob", "form:a", "x", 3)
    assert inputs.load("alice") == {("form:a", "x"): 1, ("form:b", "x"): 2}
    assert inputs.load("alice", "form:a") == {("form:a", "x"): 1}
    assert inputs.load("bob") == {("form:a", "x"): 3}
    assert inputs.load("bob", "form:b") == {}
    assert inputs.load("carol") == {}


def test_values_of_one_key_coalesce_while_the_writer_is_busy(store: Store) -> None:
    inputs = InputStore(store)
    inputs.persist("u", "s", "slider", (0, 0))
    errors: list[BaseException] = []

    def persist(v: tuple[int, int]) -> None:
        try:
            inputs.persist("u", "s", "slider", v)
        except BaseException as exc:
            errors.append(exc)

    def pending_value() -> str | None:
        entry = inputs._pending.get(("u", "s", "slider"))
        return entry.value_json if entry else None

    threads = []
    with writer_held(store):
        for i in range(10):
            th = threading.Thread(target=persist, args=((i, i + 10),))
            th.start()
            threads.append(th)
            # one after another: the next value enters the pending dict after this one
            wait_for(lambda i=i: pending_value() == values.dumps((i, i + 10)), f"value {i} to be pending")
        assert store.writer.queue_depth == 1, "ten values of one key must share one flush"
        assert current(store) == {"slider": ((0, 0), 1)}
    for th in threads:
        th.join(WAIT)
        assert not th.is_alive(), "a persist call never returned"
    assert errors == []
    assert current(store) == {"slider": ((9, 19), 2)}
    assert events(store, "slider") == [(0, 0), (9, 19)]
    assert inputs.pending_count == 0


def test_persist_many_is_one_commit(store: Store) -> None:
    inputs = InputStore(store)
    items = {("s", "a"): "x", ("s", "b"): [1, 2], ("t", "c"): dt.time(9, 30)}
    inputs.persist_many("u", items)
    assert inputs.load("u") == items
    # DuckDB's now() is the start of the transaction: one commit, one timestamp
    stamps = store.read("SELECT DISTINCT updated_at FROM inputs")
    assert len(stamps) == 1
    assert store.read("SELECT DISTINCT created_at FROM input_events") == stamps


def test_persist_many_with_an_unstorable_value_stores_nothing(store: Store) -> None:
    inputs = InputStore(store)
    with pytest.raises(TypeError):
        inputs.persist_many("u", {("s", "a"): 1, ("s", "b"): {"bad"}})
    assert store.read("SELECT count(*) FROM inputs") == [(0,)]
    assert store.read("SELECT count(*) FROM input_events") == [(0,)]


@pytest.mark.parametrize("size", [2, _UPSERT_FROM - 1, _UPSERT_FROM, 12])
def test_batch_upserts_over_existing_keys(store: Store, size: int) -> None:
    inputs = InputStore(store)
    keys = [f"k{i}" for i in range(size)]
    existing = keys[: size // 2]
    for k in existing:
        inputs.persist("u", "s", k, f"old {k}")
    inputs.persist("u", "s", existing[0], "older still")  # version 2 for the first one
    inputs.persist_many("u", {("s", k): (k, "new") for k in keys}, session_id="batch")
    expected = {}
    for k in keys:
        version = 1 + (k in existing) + (k == existing[0])
        expected[k] = ((k, "new"), version)
    assert current(store) == expected
    assert store.read("SELECT DISTINCT session_id FROM inputs") == [("batch",)]
    assert events(store, existing[0]) == [f"old {existing[0]}", "older still", (existing[0], "new")]
    assert events(store, keys[-1]) == [(keys[-1], "new")]


def test_refused_flush_is_retried_with_the_next_one(store: Store) -> None:
    inputs = InputStore(store)
    disk_full(store, True)
    with pytest.raises(DiskFullError):
        inputs.persist("u", "s", "first", "typed while the disk was full")
    assert current(store) == {}
    assert store.read("SELECT count(*) FROM input_events") == [(0,)]
    disk_full(store, False)
    inputs.persist("u", "s", "second", 2)
    assert current(store) == {"first": ("typed while the disk was full", 1), "second": (2, 1)}
    assert inputs.pending_count == 0


def test_newer_value_wins_over_a_failed_older_one(store: Store) -> None:
    inputs = InputStore(store)
    inputs.persist("u", "s", "k", "v1")
    disk_full(store, True)
    with pytest.raises(DiskFullError):
        inputs.persist("u", "s", "k", "v2 (failed)")
    disk_full(store, False)
    inputs.persist("u", "s", "k", "v3")
    assert current(store) == {"k": ("v3", 2)}
    assert events(store, "k") == ["v1", "v3"]
    inputs.persist("u", "s", "other", 0)  # nothing stale is pending to overwrite v3
    assert current(store)["k"] == ("v3", 2)


def test_persist_survives_another_unit_failing_in_the_same_batch(store: Store) -> None:
    # The writer runs a batch again without a unit that raised. The flush must still write its
    # values when it is run the second time, or persist() acknowledges a value that was rolled back.
    inputs = InputStore(store)
    errors: list[BaseException] = []

    def persist() -> None:
        try:
            inputs.persist("u", "s", "k", "acknowledged")
        except BaseException as exc:
            errors.append(exc)

    def failing_unit(con: duckdb.DuckDBPyConnection) -> None:
        raise ValueError("some other write failed")

    with writer_held(store):
        th = threading.Thread(target=persist)
        th.start()
        wait_for(lambda: store.writer.queue_depth == 1, "the flush to be queued")
        other = store.submit(failing_unit)
    th.join(WAIT)
    assert not th.is_alive()
    with pytest.raises(ValueError):
        other.result(WAIT)
    assert errors == []  # persist() returned: the value is acknowledged ...
    assert current(store) == {"k": ("acknowledged", 1)}  # ... so it must be in the database
    assert events(store, "k") == ["acknowledged"]


def test_a_value_the_database_rejects_does_not_block_later_inputs(store: Store) -> None:
    # A lone surrogate passes values.dumps but DuckDB refuses to encode it. The failed flush keeps
    # its values for a retry; a value that can never be written must not make every later
    # persist() of every key fail too.
    inputs = InputStore(store)
    with pytest.raises(Exception):  # noqa: B017 - whichever error, the caller is told
        inputs.persist("u", "s", "bad", "\ud800")
    inputs.persist("u", "s", "good", "fine")
    assert current(store)["good"] == ("fine", 1)


def test_many_threads_distinct_keys(store: Store) -> None:
    inputs = InputStore(store)
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(50):
                inputs.persist("u", "s", f"t{t}-{i}", [t, i, f"é{i}"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(WAIT * 4)
    assert errors == []
    assert current(store) == {f"t{t}-{i}": ([t, i, f"é{i}"], 1) for t in range(20) for i in range(50)}
    assert store.read("SELECT count(*) FROM input_events") == [(1000,)]
    assert inputs.pending_count == 0


def test_values_of_a_flush_whose_commit_failed_are_retried(store: Store) -> None:
    # A full disk usually shows at COMMIT, after the flush's statements ran: the writer then
    # fails the unit with a StoreError. Its values must go back to the pending ones.
    from concurrent.futures import Future

    from store.core.errors import StoreError
    from store.inputs.widgets import _Pending

    inputs = InputStore(store)
    inputs._pending = {("u", "s", "k"): _Pending('"typed"', None)}
    flush = inputs._flush_unit()

    def statements_then_failed_commit(con: duckdb.DuckDBPyConnection) -> None:
        flush(con)
        raise StoreError("The database could not save the change: disk full")

    with pytest.raises(StoreError):
        store.write(statements_then_failed_commit)
    failed: Future[None] = Future()
    failed.set_exception(StoreError("disk full"))
    flush.done(failed)
    assert inputs.pending_count == 1
    inputs.persist("u", "s", "other", 1)  # the next flush takes the kept value along
    assert inputs.load("u") == {("s", "k"): "typed", ("s", "other"): 1}
