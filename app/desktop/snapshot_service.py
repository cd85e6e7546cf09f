"""Snapshots in the running app: automatic ones, the inbox, the admin commands, and restore.

A restore replaces the store under the running app: the job system is stopped (its ledger lives
in the database being replaced), the store is closed and swapped (store/snapshots/restore.py), then opened
again and installed in a new ``Runtime`` whose ``generation`` is one higher — every Streamlit
session then drops its cached state on its next run and reloads it from the store
(app/generation.py).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from typing import TYPE_CHECKING, Any, Protocol

from app.desktop import runtime as runtime_module
from jobs import admin as jobs_admin
from store.core import ControlServer, FieldbookError, Store, StoreError
from store.snapshots import AutoSnapshots, Inbox, Progress, for_config, no_progress
from store.snapshots import admin as snapadmin
from store.snapshots import restore as restore_module

if TYPE_CHECKING:
    from jobs import JobService
    from store.core import AppConfig

log = logging.getLogger(__name__)


class Host(Protocol):
    """What the service runs in (``app.desktop.lifecycle.Application``): its settings, and the store and
    the job system a restore replaces."""

    cfg: AppConfig
    store: Store | None
    jobs: JobService | None
    control: ControlServer | None

    def start_jobs(self, store: Store) -> JobService: ...


class SnapshotService:
    def __init__(self, app: Host) -> None:
        self.app = app
        cfg = app.cfg
        self.snapshots = for_config(cfg)
        self.auto = AutoSnapshots(self.snapshots, lambda: self.app.store, cfg.snapshot_interval_min * 60)
        self.inbox = Inbox(cfg.paths.inbox_dir)
        self._restore_lock = threading.Lock()

    def open_store(self) -> Store:
        return snapadmin.open_store(self.app.cfg, self.snapshots)

    def start(self, control: ControlServer) -> None:
        snapadmin.register_control(control, self)
        self.auto.start()
        try:
            self.inbox.start()
        except OSError:
            log.exception("the inbox %s cannot be watched", self.inbox.folder)

    def current_store(self) -> Store:
        if self.app.store is None:
            raise StoreError("The database is not open.")
        return self.app.store

    def restore(self, source: str, passphrase: str | None, progress: Progress = no_progress) -> dict[str, Any]:
        """Verify ``source``, keep the current data as a snapshot, swap, and come back on it."""
        with self._restore_lock:
            app = self.app

            def before_swap() -> None:
                if app.jobs is not None:
                    app.jobs.stop()

            def reopen() -> Store:
                app.store = self.open_store()
                app.jobs = app.start_jobs(app.store)
                if app.control is not None:
                    jobs_admin.register_control(app.control, app.jobs)
                rt = runtime_module.current()
                if rt is not None:
                    runtime_module.install(dataclasses.replace(rt, store=app.store, jobs=app.jobs, generation=rt.generation + 1))
                return app.store

            result = restore_module.restore(
                self.snapshots, self.current_store(), source, passphrase, reopen=reopen, before_swap=before_swap, progress=progress
            )
            log.info("restored %s while running", result["source"])
            return result

    def shutdown(self) -> None:
        """Stop watching, stop the timer, and take the shutdown snapshot if anything changed."""
        self.inbox.stop()
        self.auto.stop()
        store = self.app.store
        if store is None:
            return
        try:
            if self.snapshots.changed_since_last(store):
                self.snapshots.create(store, "shutdown")
        except FieldbookError as exc:
            log.warning("shutdown snapshot not taken: %s", exc)
