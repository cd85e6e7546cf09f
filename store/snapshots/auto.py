"""Automatic snapshots: every ``interval_s`` seconds when something was committed since the last one.

A small timer thread owned by the app's lifecycle. (The job system's periodic jobs are not used:
every job run writes its own rows to the job ledger, which would count as a change and make every
run take a snapshot; and a restore replaces the ledger itself.) After each automatic snapshot the
retention rules prune old ones.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from store.core.db import Store
from store.core.errors import FieldbookError
from store.snapshots.engine import SnapshotInfo, Snapshots

log = logging.getLogger(__name__)


class AutoSnapshots:
    def __init__(self, snaps: Snapshots, current_store: Callable[[], Store | None], interval_s: float) -> None:
        self.snaps = snaps
        self.current_store = current_store
        self.interval_s = interval_s
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.interval_s <= 0:
            log.info("automatic snapshots are off")
            return
        self._thread = threading.Thread(target=self._run, name="snapshots", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 120) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def tick(self, reason: str = "auto") -> SnapshotInfo | None:
        """Take a snapshot if something changed since the last one, then prune."""
        store = self.current_store()
        if store is None or not self.snaps.changed_since_last(store):
            return None
        try:
            info = self.snaps.create(store, reason)
            self.snaps.prune()
            self.last_error = None
            return info
        except FieldbookError as exc:
            self.last_error = str(exc)
            log.warning("automatic snapshot failed: %s", exc)
        except Exception as exc:
            self.last_error = type(exc).__name__
            log.exception("automatic snapshot failed")
        return None

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.tick()
