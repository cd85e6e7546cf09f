"""``sync_now``: push this device's outbox, then pull what the others pushed.

Every failure becomes a ``SyncError`` with a plain sentence, recorded with its code, the count of
failures in a row and the time of the next periodic attempt (store/sync/state.py); local work is
untouched by a failed sync: outbox rows leave only after the server committed them, and pulled
changes land together with the cursor or not at all. The password comes from the caller, the
URL, or the keyring, is used for the connection only, and is never stored or logged.

One sync at a time per database file: the periodic job, "Sync now" and the CLI (through the
running app) may ask at the same moment; the second waits for the first. Changing the server
(``settings.configure``) does not wait for a running sync: that sync keeps talking to the server
it started with and moves only that server's cursor (one per server, store/sync/state.py); it
never writes the configured server, and its outcome is not recorded for the new one.

A URL given to ``sync_now`` must name the configured server (the same user, host, port and
database; a password in it is used for this connection only): pushing this device's outbox to
another server would take those changes away from the configured one. Only when no server is set
yet does the given URL become the configured server.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg

from store.core.db import Store
from store.core.device import device_of
from store.core.errors import FieldbookError, SyncError
from store.sync import state
from store.sync.connect import check_url, connect, keyring_key, public_url, translate
from store.sync.errors import ServerUrlError, error_code
from store.sync.pull import own_changes_ahead, pull
from store.sync.push import push
from store.sync.server_schema import check_server

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]  # (phase "push" | "pull", changes so far)

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    pulled: int
    conflicts: int  # found in this sync: on the server while pushing, here while pulling
    cursor: int
    pending: int  # outbox rows left (0 unless edits came in during the sync or it was cancelled)

    def to_dict(self) -> dict[str, int]:
        return {"pushed": self.pushed, "pulled": self.pulled, "conflicts": self.conflicts, "cursor": self.cursor, "pending": self.pending}


def server_url(store: Store, url: str | None) -> str:
    """``url``, or the configured one."""
    chosen = url or state.get(store, state.SERVER)
    if not chosen:
        raise ServerUrlError(
            "No sync server is set. Set one in Settings or with `fieldbook sync configure --url postgresql://USER@HOST:PORT/DATABASE`.",
            "none",
        )
    return check_url(chosen)


def _adopt(store: Store, url: str | None) -> None:
    """Refuse a given URL that names another server (or user) than the configured one; with none
    configured, make it the configured one (in one writer unit: a concurrent configure wins)."""
    if not url:
        return
    shown = public_url(url)

    def unit(con: duckdb.DuckDBPyConnection) -> str | None:
        row = con.execute("SELECT value FROM sync_state WHERE key = ?", [state.SERVER]).fetchall()
        if row and row[0][0]:
            return str(row[0][0])
        state.set_values(con, {state.SERVER: shown})
        return None

    configured = store.write(unit)
    state.invalidate(store)
    if configured is not None and keyring_key(configured) != keyring_key(shown):
        raise ServerUrlError(
            f"This device syncs with {configured}, not {shown}. To sync with {shown}, change the server first "
            "(in Settings or with `fieldbook sync configure --url URL`); or leave out the URL.",
            "other_server", configured=configured, given=shown,
        )


def _lock_for(store: Store) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(Path(store.path).resolve(), threading.Lock())


def sync_now(
    store: Store,
    url: str | None = None,
    *,
    password: str | None = None,
    progress: Progress | None = None,
    check_cancelled: Callable[[], bool] | None = None,
    push_batch: int | None = None,
    pull_batch: int | None = None,
) -> SyncReport:
    """Push then pull; returns what moved. Raises ``SyncError`` or ``ServerUrlError`` (recorded —
    but for a URL of another server, which changes nothing; local data unchanged by the failure)."""
    with _lock_for(store):
        given = url
        try:
            url = server_url(store, given)
        except ServerUrlError as exc:
            state.record_failure(store, None, str(exc), error_code(exc))
            raise
        _adopt(store, given)
        shown = public_url(url)
        secret = password
        try:
            from store.sync.settings import resolve_password

            secret = resolve_password(url, password, remember=store)
            return _sync(store, url, shown, secret, progress, check_cancelled, push_batch, pull_batch)
        except (psycopg.Error, FieldbookError) as exc:
            error = translate(exc, url, secret) if isinstance(exc, psycopg.Error | SyncError) else exc
            try:
                failures = state.record_failure(store, shown, str(error), error_code(error))
                log.warning("sync with %s failed (%d in a row): %s", shown, failures, error)
            except FieldbookError as unrecorded:  # e.g. the store is closing: the error itself matters more
                log.warning("sync with %s failed: %s (not recorded: %s)", shown, error, unrecorded)
            raise error from None


def _sync(
    store: Store,
    url: str,
    shown: str,
    password: str | None,
    progress: Progress | None,
    check_cancelled: Callable[[], bool] | None,
    push_batch: int | None,
    pull_batch: int | None,
) -> SyncReport:
    device = device_of(store)

    def step(phase: str, done: int) -> None:
        state.invalidate(store)  # the header's pending count moves with every batch
        if progress is not None:
            progress(phase, done)

    conn = connect(url, password=password)
    try:
        check_server(conn)
        behind = own_changes_ahead(conn, device.id, state.cursor(store, shown))  # before pushing: see store/sync/pull.py
        if behind:
            log.info("the server holds changes of this device that this file does not know (restored or copied back?); pulling them back")
        pushed = push(store, conn, device.id, progress=step, check_cancelled=check_cancelled, **({"batch": push_batch} if push_batch else {}))
        pulled = pull(store, conn, device, shown, own=behind, progress=step, check_cancelled=check_cancelled,
                      **({"batch": pull_batch} if pull_batch else {}))
    finally:
        conn.close()
    left = store.read_one("SELECT count(*) FROM changes")
    pending = int(left[0]) if left else 0
    if check_cancelled is not None and check_cancelled():
        state.record_cancelled(store, shown, unfinished=bool(pending) or not pulled.complete)  # not a failure: retried soon if work is left
    else:
        state.record_success(store, shown)
    return SyncReport(pushed.pushed, pulled.pulled, pushed.conflicts + pulled.conflicts, pulled.cursor, pending)
