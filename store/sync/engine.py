"""``sync_now``: push this device's outbox, then pull what the others pushed.

Every failure becomes a ``SyncError`` with a plain sentence (recorded as ``last_error``); local
work is untouched by a failed sync: outbox rows leave only after the server committed them, and
pulled changes land together with the cursor or not at all. A password is used for the
connection only, never stored or logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from store.db import Store
from store.device import device_of
from store.errors import SyncError
from store.sync import state
from store.sync.connect import check_url, connect, public_url, translate
from store.sync.errors import ServerUrlError
from store.sync.pull import pull
from store.sync.push import push
from store.sync.server_schema import check_server

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]  # (phase "push" | "pull", changes so far)


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
    """``url``, or the one this device synced with last."""
    chosen = url or state.get(store, state.SERVER)
    if not chosen:
        raise ServerUrlError("No sync server is set. Give one with --url postgresql://USER@HOST:PORT/DATABASE.")
    return check_url(chosen)


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
    """Push then pull; returns what moved. Raises ``SyncError`` (local data unchanged by the failure)."""
    url = server_url(store, url)
    shown = public_url(url)
    device = device_of(store)
    previous = state.get(store, state.SERVER)
    if previous is not None and previous != shown:  # another server: its seq numbers are not ours
        state.save(store, **{state.CURSOR: "0", state.SERVER: shown})
    try:
        conn = connect(url, password=password)
        try:
            check_server(conn)
            pushed = push(store, conn, device.id, progress=progress, check_cancelled=check_cancelled, **({"batch": push_batch} if push_batch else {}))
            pulled = pull(store, conn, device, shown, progress=progress, check_cancelled=check_cancelled, **({"batch": pull_batch} if pull_batch else {}))
        finally:
            conn.close()
    except (psycopg.Error, SyncError) as exc:
        error = translate(exc, url)
        log.warning("sync with %s failed: %s", shown, error)
        state.save(store, **{state.LAST_ERROR: str(error), state.SERVER: shown})
        raise error from None
    state.save(store, **{state.LAST_SYNC: datetime.now(UTC).isoformat(), state.LAST_ERROR: None, state.SERVER: shown})
    left = store.read_one("SELECT count(*) FROM changes")
    return SyncReport(pushed.pushed, pulled.pulled, pushed.conflicts + pulled.conflicts, pulled.cursor, int(left[0]) if left else 0)
