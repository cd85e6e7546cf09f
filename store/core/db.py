"""The store: one DuckDB file, one writer thread, readers on their own cursors.

Open it with ``Store.open(path)``. Writes go through ``write``/``submit``/``atomic`` (the writer
thread; acknowledged only once committed); reads through ``read`` (a pooled cursor, results always
read to the end so that no transaction stays open and blocks CHECKPOINT).
"""

from __future__ import annotations

import json
import logging
import queue
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from store.core.cache import TagCache
from store.core.disk import DiskGuard
from store.core.errors import DatabaseLockedError, StoreError
from store.core.migrations import MIGRATIONS, Migration, migrate
from store.core.writer import Writer

log = logging.getLogger(__name__)

T = TypeVar("T")

_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


@dataclass(frozen=True)
class Notice:
    """Something the user must be told once the UI is up (e.g. a quarantined WAL)."""

    kind: str
    message: str
    data: dict[str, Any] = field(default_factory=dict)


class UnitOfWork:
    """Statements collected by ``Store.atomic()`` and applied as one transaction on exit."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Sequence[Any]]] = []

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.statements.append((sql, params))


CLOSE_WAIT_S = 5.0  # how long close() lets running reads finish before interrupting them


class Store:
    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, *, min_free_mb: int, notices: list[Notice]) -> None:
        self.path = path
        self.notices = notices
        self._con = con
        self._reader_root = con.cursor()  # made before the writer thread uses ``con``
        self._reader_lock = threading.Lock()
        self._readers: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
        self._all_readers: list[duckdb.DuckDBPyConnection] = []
        self._in_use: set[duckdb.DuckDBPyConnection] = set()  # reader cursors busy in some thread
        self._state = threading.Condition()  # guards _closed and _in_use
        self.disk = DiskGuard(path.parent, min_free_mb)
        self.writer = Writer(con, before_batch=self.disk.check)
        self.cache = TagCache()  # reads derived from this file; writers invalidate by tag
        self._closed = False

    # -- opening --------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        min_free_mb: int = 0,
        migrations: tuple[Migration, ...] = MIGRATIONS,
        before_migrate: Callable[[list[int]], None] | None = None,
    ) -> Store:
        """Open (or create) the database at ``path`` and bring its schema up to date.

        A WAL that DuckDB cannot replay is moved aside (never deleted), the database is opened
        without it, and a ``Notice`` says so. A WAL found at open is copied to ``recovery/``
        first, because DuckDB silently drops a WAL whose checksums fail.
        """
        path = Path(path)
        notices: list[Notice] = []
        _backup_wal(path)
        con = _connect(path, notices)
        store = cls(path, con, min_free_mb=min_free_mb, notices=notices)
        try:
            migrate(store.writer, migrations, before_first=before_migrate)
        except BaseException:
            store.close(checkpoint=False)
            raise
        for notice in notices:
            store.record_event("warning", notice.kind, notice.message, notice.data)
        return store

    # -- writing --------------------------------------------------------------------------

    def submit(self, fn: Callable[[duckdb.DuckDBPyConnection], Any], *, trusted: bool = False) -> Future[Any]:
        return self.writer.submit(fn, trusted=trusted)

    def write(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``fn(con)`` as one transaction on the writer; return once committed."""
        return self.writer.write(fn)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """One write statement, committed before this returns."""
        self.writer.submit(lambda con: con.execute(sql, params).fetchall(), trusted=True).result()

    @contextmanager
    def atomic(self) -> Iterator[UnitOfWork]:
        """Collect statements; apply them as one transaction when the block ends without error."""
        unit = UnitOfWork()
        yield unit
        if unit.statements:
            def apply(con: duckdb.DuckDBPyConnection) -> None:
                for sql, params in unit.statements:
                    con.execute(sql, params).fetchall()

            self.writer.submit(apply, trusted=True).result()

    def checkpoint(self) -> None:
        self.writer.submit_exclusive(lambda con: con.execute("CHECKPOINT").fetchall()).result()

    def record_event(self, level: str, kind: str, message: str, data: dict[str, Any] | None = None) -> None:
        self.execute(
            "INSERT INTO events (level, kind, message, data) VALUES (?, ?, ?, ?)",
            [level, kind, message, json.dumps(data or {})],
        )

    # -- reading --------------------------------------------------------------------------

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._state:
            if self._closed:
                raise StoreError("The database is closed.")
            try:
                cur = self._readers.get_nowait()
            except queue.Empty:
                with self._reader_lock:
                    cur = self._reader_root.cursor()
                    self._all_readers.append(cur)
            self._in_use.add(cur)
        try:
            yield cur
        finally:
            with self._state:
                self._in_use.discard(cur)
                self._readers.put(cur)
                self._state.notify_all()

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query on a reader cursor and return every row."""
        with self._cursor() as cur:
            return cur.execute(sql, params).fetchall()

    def read_one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self.read(sql, params)
        return rows[0] if rows else None

    def schema_version(self) -> int:
        row = self.read_one("SELECT max(version) FROM schema_migrations")
        return int(row[0]) if row and row[0] is not None else 0

    # -- closing --------------------------------------------------------------------------

    def close(self, *, checkpoint: bool = True) -> None:
        """Apply queued writes, CHECKPOINT, and close the file. Safe to call twice.

        Reads still running in other threads (a page's, a fragment's) are waited for, and one
        that takes longer than ``CLOSE_WAIT_S`` is interrupted: DuckDB refuses to close a
        connection busy in another thread, which once left a restore with a half-closed store.
        New reads are refused from the start ("The database is closed.").
        """
        with self._state:
            if self._closed:
                return
            self._closed = True
        try:
            if checkpoint:
                try:
                    self.checkpoint()
                except Exception:
                    log.exception("checkpoint at close failed; the WAL keeps the data")
            self.writer.close()
        finally:
            self._wait_for_readers()
            for cur in self._all_readers:
                cur.close()
            self._reader_root.close()
            self._con.close()

    def _wait_for_readers(self) -> None:
        with self._state:
            if self._state.wait_for(lambda: not self._in_use, timeout=CLOSE_WAIT_S):
                return
            log.warning("interrupting %d read(s) still running at close", len(self._in_use))
            for cur in self._in_use:
                cur.interrupt()
            if not self._state.wait_for(lambda: not self._in_use, timeout=CLOSE_WAIT_S):
                log.error("reads still running after their interrupt; closing anyway")


def _wal_path(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _recovery_dir(path: Path) -> Path:
    return path.parent / "recovery"


def _backup_wal(path: Path, keep: int = 5) -> None:
    wal = _wal_path(path)
    if not wal.exists() or wal.stat().st_size == 0:
        return
    folder = _recovery_dir(path)
    folder.mkdir(exist_ok=True)
    shutil.copy2(wal, _unique(folder, wal.name, ".bak"))
    backups = sorted(folder.glob(f"{wal.name}.*.bak"))
    for old in backups[:-keep]:
        old.unlink()


def _connect(path: Path, notices: list[Notice]) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as exc:
        text = str(exc)
        holder = _LOCK_HOLDER.search(text)
        if holder:
            raise DatabaseLockedError(
                f"The database {path} is in use by another program ({holder['program']}, PID {holder['pid']}). "
                "Close it, or end that program, and start Fieldbook again."
            ) from None
        if "WAL" not in text or not _wal_path(path).exists():
            raise _unusable(path, exc) from None
        quarantined = _quarantine_wal(path)
        log.error("WAL replay failed (%s); moved to %s", text, quarantined)
        notices.append(
            Notice(
                "wal_quarantined",
                "The last changes before Fieldbook stopped could not be read back and were set aside "
                f"in {quarantined}. Your data up to then is here. If something is missing, restore the "
                "latest snapshot or contact support with that file.",
                {"file": str(quarantined), "error": text},
            )
        )
        try:
            return duckdb.connect(str(path))
        except duckdb.Error as again:
            raise _unusable(path, again) from None
    except duckdb.Error as exc:
        raise _unusable(path, exc) from None


def _quarantine_wal(path: Path) -> Path:
    folder = _recovery_dir(path)
    folder.mkdir(exist_ok=True)
    target = _unique(folder, _wal_path(path).name, ".quarantined")
    _wal_path(path).rename(target)
    return target


def _unique(folder: Path, name: str, suffix: str) -> Path:
    """``folder/name.<UTC time to the nanosecond><suffix>``: sorts by time, never reused."""
    while True:
        ns = time.time_ns()
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(ns // 10**9)) + f".{ns % 10**9:09d}"
        candidate = folder / f"{name}.{stamp}{suffix}"
        if not candidate.exists():
            return candidate


def _unusable(path: Path, exc: Exception) -> StoreError:
    return StoreError(
        f"The database {path} cannot be opened ({exc}). Nothing was changed or deleted. "
        "Restore the latest snapshot, or move the file away to start with an empty database."
    )
