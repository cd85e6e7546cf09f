"""The current value of every controlled widget, and the history of every accepted input.

``InputStore.persist()`` returns only once the value is committed. Values persisted while the
writer is busy are coalesced: they wait in ``_pending`` and the next flush writes them all in one
transaction with one multi-row statement per table — a slider drag that fires ten changes of one
key writes its last value once, and twenty sessions typing at once share one COMMIT. A flush that
fails puts its values back (unless newer ones arrived), so the next flush retries them: a value
the UI shows is never silently dropped.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import duckdb

from store.core import values
from store.core.db import Store

InputKey = tuple[str, str, str]  # (user, scope, key)


@dataclass(frozen=True)
class _Pending:
    value_json: str
    session_id: str | None


class InputStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._pending: dict[InputKey, _Pending] = {}
        self._flush: Future[None] | None = None

    def persist(self, user: str, scope: str, key: str, value: Any, session_id: str | None = None) -> None:
        """Store ``value`` as the current value of ``(scope, key)``; return once committed.

        Raises ``TypeError`` for a value that cannot be stored, and the store's error (e.g.
        ``DiskFullError``) when the commit fails; the value is then retried with the next flush.
        """
        self.persist_many(user, {(scope, key): value}, session_id)

    def persist_many(self, user: str, items: dict[tuple[str, str], Any], session_id: str | None = None) -> None:
        """Store several values in the same commit (e.g. an undo that restores a whole form)."""
        encoded = {(user, scope, key): _Pending(values.dumps(value), session_id) for (scope, key), value in items.items()}
        with self._lock:
            self._pending.update(encoded)
            # A flush refused before it ran (e.g. the disk guard) left its values pending and its
            # future failed: schedule a new one, which takes them along.
            if self._flush is None or self._flush.done():
                unit = self._flush_unit()
                self._flush = self.store.submit(unit, trusted=True)
                self._flush.add_done_callback(unit.done)
            flush = self._flush
        flush.result()

    def _flush_unit(self) -> _Flush:
        return _Flush(self)

    def _put_back(self, taken: dict[InputKey, _Pending]) -> None:
        with self._lock:  # newer values of a key win
            self._pending = {**taken, **self._pending}

    def clear_scope(self, user: str, scope: str, versions: dict[str, int] | None = None) -> None:
        """Forget the current values of one scope (a record draft after it was saved or discarded).

        With ``versions`` ({key: version} as read by ``load_versioned``) only values still at that
        version are forgotten: a value another window wrote since stays. Their history stays in
        ``input_events``; values of the scope still waiting for a flush are kept or dropped alike.
        """
        if versions is None:
            with self._lock:
                self._pending = {k: v for k, v in self._pending.items() if k[:2] != (user, scope)}

        def delete(con: duckdb.DuckDBPyConnection) -> None:
            if versions is None:
                con.execute("DELETE FROM inputs WHERE user_id = ? AND scope = ?", [user, scope]).fetchall()
                return
            for key, version in versions.items():
                con.execute(
                    "DELETE FROM inputs WHERE user_id = ? AND scope = ? AND key = ? AND version = ?", [user, scope, key, version]
                ).fetchall()

        self.store.submit(delete, trusted=True).result()

    def load_versioned(self, user: str, scope: str) -> dict[str, tuple[Any, int]]:
        """The committed values of one scope with their versions: ``{key: (value, version)}``."""
        rows = self.store.read("SELECT key, value, version FROM inputs WHERE user_id = ? AND scope = ?", [user, scope])
        return {k: (values.loads(v), int(n)) for k, v, n in rows}

    def load(self, user: str, scope: str | None = None) -> dict[tuple[str, str], Any]:
        """Current values of ``user`` (of one scope, or all): ``{(scope, key): value}``."""
        if scope is None:
            rows = self.store.read("SELECT scope, key, value FROM inputs WHERE user_id = ?", [user])
        else:
            rows = self.store.read("SELECT scope, key, value FROM inputs WHERE user_id = ? AND scope = ?", [user, scope])
        return {(s, k): values.loads(v) for s, k, v in rows}

    def history(self, user: str, scope: str, key: str, limit: int = 100) -> list[Any]:
        """Accepted values of one input, newest first."""
        rows = self.store.read(
            "SELECT value FROM input_events WHERE user_id = ? AND scope = ? AND key = ? ORDER BY id DESC LIMIT ?",
            [user, scope, key, limit],
        )
        return [values.loads(v) for (v,) in rows]

    @property
    def pending_count(self) -> int:
        with self._lock:
            return len(self._pending)


class _Flush:
    """A writer unit that takes the pending values when it first runs.

    The writer may run a unit again after rolling back its batch (another unit failed), so the
    unit keeps what it took and writes the same values on every run. When the flush fails in a
    way the disk may recover from — an I/O error in its statements, or a COMMIT that failed (a
    full disk usually shows there, when the WAL is written) — its values go back to the pending
    ones, so the next flush retries them. An error about the values themselves would fail again
    forever: those are not kept.
    """

    def __init__(self, owner: InputStore) -> None:
        self.owner = owner
        self.taken: dict[InputKey, _Pending] | None = None
        self.bad_values = False

    def __call__(self, con: duckdb.DuckDBPyConnection) -> None:
        if self.taken is None:
            with self.owner._lock:
                self.taken, self.owner._pending = self.owner._pending, {}
                self.owner._flush = None
        if not self.taken:
            return
        try:
            _write(con, self.taken)
        except duckdb.IOException:
            raise
        except duckdb.Error:
            self.bad_values = True
            raise

    def done(self, future: Future[None]) -> None:
        if future.exception() is not None and self.taken and not self.bad_values:
            self.owner._put_back(self.taken)


_UPSERT_FROM = 5  # below this many rows, UPDATE-then-INSERT per row beats DuckDB's ON CONFLICT


def _write(con: duckdb.DuckDBPyConnection, batch: dict[InputKey, _Pending]) -> None:
    items = list(batch.items())
    params: list[Any] = []
    for (user, scope, key), p in items:
        params += [user, scope, key, p.value_json, p.session_id]
    # Measured on DuckDB 2.0.1 with 10k inputs: ON CONFLICT costs ~5 ms per statement whatever
    # its size, a keyed UPDATE ~1 ms per row. Small batches (one person typing) update row by
    # row; big ones (many sessions, an undo of a whole form) take one multi-row upsert.
    if len(items) < _UPSERT_FROM:
        for (user, scope, key), p in items:
            updated = con.execute(
                "UPDATE inputs SET value = ?, session_id = ?, version = version + 1, updated_at = now() "
                "WHERE user_id = ? AND scope = ? AND key = ?",
                [p.value_json, p.session_id, user, scope, key],
            ).fetchall()[0][0]
            if not updated:
                con.execute(
                    "INSERT INTO inputs (user_id, scope, key, value, session_id, version, updated_at) VALUES (?, ?, ?, ?, ?, 1, now())",
                    [user, scope, key, p.value_json, p.session_id],
                ).fetchall()
    else:
        con.execute(
            "INSERT INTO inputs (user_id, scope, key, value, session_id, version, updated_at) VALUES "
            + ", ".join(["(?, ?, ?, ?, ?, 1, now())"] * len(items))
            + " ON CONFLICT (user_id, scope, key) DO UPDATE SET value = excluded.value, "
            "session_id = excluded.session_id, version = inputs.version + 1, updated_at = excluded.updated_at",
            params,
        ).fetchall()
    # one multi-row statement: DuckDB's cost is per statement, not per row
    con.execute(
        "INSERT INTO input_events (user_id, scope, key, value, session_id, created_at) VALUES "
        + ", ".join(["(?, ?, ?, ?, ?, now())"] * len(items)),
        params,
    ).fetchall()
