"""The single writer thread: the only place that writes the DuckDB file.

Concurrent DuckDB transactions that touch the same row fail with ``Conflict on update!``; one writer
has no conflicts, and committing whatever is queued as one transaction (group commit) makes many
small writes cheap. The pattern is datasette's ``Database._execute_writes``.

Contract of ``Writer.submit(fn)``: ``fn(con)`` runs on the writer thread inside a transaction it
must not begin or end itself. The returned future resolves only after COMMIT has returned, so an
acknowledged write is a durable write. If ``fn`` raises, the transaction is rolled back and the
batch is run again without that unit (DuckDB has no savepoints): the failing caller gets its
exception, every other caller still gets its commit. ``submit_exclusive(fn)`` runs ``fn`` outside
any transaction with no other write in flight (CHECKPOINT, snapshots).
"""

from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

import duckdb

from store.core.errors import StoreError
from store.core.texts import said

log = logging.getLogger(__name__)

NOT_FINISHED = said("store.writer_not_finished", "The database writer did not finish its queued writes in time.")
CLOSED = said("store.closed", "The database is closed; the change was not saved.")
NOT_SAVED = said("store.not_saved", "The database could not save the change: {reason}")

T = TypeVar("T")
WriteFn = Callable[[duckdb.DuckDBPyConnection], Any]


@dataclass(eq=False)
class _Unit:
    fn: WriteFn
    exclusive: bool = False
    writes: bool = True  # exclusive units that only read skip the free-space check
    trusted: bool = False  # never catches a database error itself (see _transaction)
    future: Future[Any] = field(default_factory=Future)
    queued_at: float = field(default_factory=time.perf_counter)


_STOP = object()


def _is_aborted(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and "transaction is aborted" in str(exc).lower()


class Writer:
    """Owns one DuckDB connection and applies every write on its own thread."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        before_batch: Callable[[], None] | None = None,  # e.g. the free-space check; raising refuses the writes
        max_batch: int = 512,
        name: str = "store-writer",
    ) -> None:
        self._con = con
        self._before_batch = before_batch
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        self._close_lock = threading.Lock()
        self.latencies: collections.deque[float] = collections.deque(maxlen=10_000)
        self.batch_sizes: collections.deque[int] = collections.deque(maxlen=10_000)
        self.commits = 0  # transactions committed so far: "changed since the last snapshot?" without a query
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # -- public ---------------------------------------------------------------------------

    def submit(self, fn: WriteFn, *, trusted: bool = False) -> Future[Any]:
        """Queue ``fn`` to run in the next group-committed transaction.

        ``trusted=True`` promises that ``fn`` lets every database error propagate, which saves
        the check for a silently aborted transaction before COMMIT.
        """
        return self._put(_Unit(fn, trusted=trusted))

    def submit_exclusive(self, fn: WriteFn, *, writes: bool = True) -> Future[Any]:
        """Queue ``fn`` to run alone, outside a transaction (e.g. CHECKPOINT).

        ``writes=False`` marks a unit that only reads, so it runs even when the disk is full.
        """
        return self._put(_Unit(fn, exclusive=True, writes=writes))

    def write(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``fn`` in a transaction and return its result once committed."""
        return self.submit(fn).result()

    @property
    def queue_depth(self) -> int:
        return self._queue.qsize()

    @property
    def running(self) -> bool:
        """The writer's thread runs and takes writes (``/health`` asks)."""
        return self._thread.is_alive() and not self._closed

    def close(self, timeout: float | None = 60) -> None:
        """Stop accepting writes, apply everything already queued, then stop the thread."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise StoreError(NOT_FINISHED())

    # -- thread ---------------------------------------------------------------------------

    def _put(self, unit: _Unit) -> Future[Any]:
        with self._close_lock:
            if self._closed:
                raise StoreError(CLOSED())
            self._queue.put(unit)
        return unit.future

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is _STOP:
                break
            batch = [item]
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            try:
                self._apply(batch)
            except BaseException as exc:  # never leave a caller waiting forever
                log.exception("writer batch failed unexpectedly")
                for unit in batch:
                    if not unit.future.done():
                        unit.future.set_exception(exc)

    def _apply(self, batch: list[_Unit]) -> None:
        units = [u for u in batch if u.future.set_running_or_notify_cancel()]
        # Keep submission order: transactional runs are grouped, exclusive units stand alone.
        group: list[_Unit] = []
        for unit in units:
            if unit.exclusive:
                self._commit_group(group)
                group = []
                self._run_exclusive(unit)
            else:
                group.append(unit)
        self._commit_group(group)
        self.batch_sizes.append(len(units))

    def _run_exclusive(self, unit: _Unit) -> None:
        try:
            if unit.writes and self._before_batch is not None:
                self._before_batch()
            result = unit.fn(self._con)
        except BaseException as exc:
            unit.future.set_exception(exc)
        else:
            self._resolve(unit, result)

    def _commit_group(self, group: list[_Unit]) -> None:
        pending = list(group)
        if pending and self._before_batch is not None:
            try:
                self._before_batch()
            except Exception as refused:
                for unit in pending:
                    unit.future.set_exception(refused)
                return
        while pending:
            outcome = self._transaction(pending)
            if isinstance(outcome, list):
                self.commits += 1
                for unit, result in zip(pending, outcome, strict=True):
                    self._resolve(unit, result)
                return
            index, error = outcome
            if index is not None:
                pending[index].future.set_exception(error)
                del pending[index]
                continue
            # The transaction died without telling which unit killed it (COMMIT failed, or a
            # unit swallowed a failed statement, which aborts the transaction silently).
            if len(pending) == 1:
                pending[0].future.set_exception(StoreError(NOT_SAVED(reason=str(error))))
                return
            for unit in pending:
                self._commit_group([unit])
            return

    def _transaction(self, units: list[_Unit]) -> list[Any] | tuple[int | None, BaseException]:
        """Run ``units`` in one transaction: their results, or (index of the failing unit or
        None if the culprit is unknown, the error)."""
        con = self._con
        con.execute("BEGIN TRANSACTION")
        results = []
        for index, unit in enumerate(units):
            try:
                results.append(unit.fn(con))
            except BaseException as exc:
                self._rollback()
                if index > 0 and _is_aborted(exc):
                    return None, exc  # an earlier unit broke the transaction and hid it
                return index, exc
        try:
            if not all(unit.trusted for unit in units):
                # A COMMIT of an aborted transaction rolls back without an error, so ask first.
                con.execute("SELECT 1").fetchall()
            con.execute("COMMIT")
        except duckdb.Error as exc:
            self._rollback()
            return None, exc
        return results

    def _rollback(self) -> None:
        try:
            self._con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # the failed statement may already have ended the transaction

    def _resolve(self, unit: _Unit, result: Any) -> None:
        self.latencies.append(time.perf_counter() - unit.queued_at)
        unit.future.set_result(result)
