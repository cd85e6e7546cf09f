"""The running application: start everything in order, stop everything in reverse order.

Start: window (opening) and Streamlit server (serving the front end; script runs wait, see
``app.desktop.launch.begin``) → store (migrations) → jobs (recovery, consumer) → control channel → the
runtime the script runs use. Stop (window closed, SIGINT/SIGTERM, or a ``quit`` command): stop accepting input (server)
→ stop the job consumer (running tasks asked to stop; they run again at the next start) → drain
the writer → the shutdown snapshot (if anything changed) → CHECKPOINT → close DuckDB → control
channel → release the instance lock. A restore swaps the store while the app runs
(app/desktop/snapshot_service.py).
"""

from __future__ import annotations

import getpass
import importlib
import logging
import os
import signal
import sqlite3
import threading
import time
from typing import Any

from app.desktop import launch, startup
from app.desktop import runtime as runtime_module
from app.desktop.server import EmbeddedServer
from app.desktop.snapshot_service import SnapshotService
from app.desktop.window import Opening, Window
from jobs import JobQueue, JobService
from jobs import admin as jobs_admin
from jobs.tasks.sync import SyncScheduler
from store.core import AppConfig, ControlServer, InstanceLock, Store, logs, raise_if_disk_full
from store.fielddata import admin as fieldadmin
from store.fielddata import ensure_demo_project
from store.inputs import load_ui_state
from store.sync import admin as sync_admin
from store.sync import settings as sync_settings

log = logging.getLogger(__name__)

SHUTDOWN_STALL_S = 15  # a stop longer than this writes every thread's stack to the logs
PAGES_MODULE = "app.shell"  # what app/main.py imports: the router and every page


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "user"


def warm_up() -> None:
    """Import the pages' modules (some import pandas) while the window loads Streamlit's front end:
    otherwise the first script run imports them, on the way to the first usable page."""
    try:
        importlib.import_module(PAGES_MODULE)
    except Exception:  # the first script run will import it again and show the error in the page
        log.exception("warm-up import of %s failed", PAGES_MODULE)


class Application:
    def __init__(self, cfg: AppConfig, lock: InstanceLock, opening: Opening | None = None) -> None:
        self.cfg = cfg
        self.lock = lock
        self.opening = opening  # address and window, decided (and the window opening) by the launcher
        self.stop_requested = threading.Event()
        self.store: Store | None = None
        self.jobs: JobService | None = None
        self.snapshots: SnapshotService | None = None
        self.sync_scheduler: SyncScheduler | None = None
        self.user = current_user()
        self.control: ControlServer | None = None
        self.server: EmbeddedServer | None = None
        self.window: Window | None = None
        self.url = ""
        self.started_at = time.monotonic()
        self._stopped = False

    def start(self) -> None:
        cfg = self.cfg
        opening = self.opening or launch.begin(cfg)  # first: the window and the server start while the rest does
        self.window, self.server = opening.window, opening.server
        self.snapshots = SnapshotService(self)
        self.store = self.snapshots.open_store()  # a migration of existing data is preceded by a snapshot
        startup.mark("store open")
        user = self.user
        if cfg.demo_project:
            self._create_demo(self.store, user)
        self.jobs = self.start_jobs(self.store)
        startup.mark("jobs started")
        self.control = ControlServer(cfg.paths.runtime_dir)
        self.control.register("show", self._show)
        self.control.register("quit", lambda args: self.stop_requested.set())
        self.control.register("status", self._status)
        jobs_admin.register_control(self.control, self.jobs)
        fieldadmin.register_control(self.control, self.snapshots.current_store, cfg.paths.attachments_dir)  # project, records, export
        sync_admin.register_control(self.control, self.snapshots.current_store)  # sync now / status
        self.snapshots.start(self.control)  # automatic snapshots, the inbox, the snapshot commands
        sync_settings.apply_config(self.store, cfg)  # the config's online mode and interval, until the user changes them
        self.sync_scheduler = SyncScheduler(lambda: self.store, lambda: self.jobs)  # the periodic sync while online
        self.sync_scheduler.start(after=startup.FIRST_PAGE_SHOWN)
        self.control.start()
        launch.remember_theme(cfg, load_ui_state(self.store, user).prefs.get("theme", cfg.theme))  # the next start's server theme
        # Everything runs: the first script run, waiting since the server started, may go on.
        runtime_module.install(
            runtime_module.Runtime(
                cfg, self.store, opening.token, user, request_quit=self.stop_requested.set, jobs=self.jobs, snapshots=self.snapshots
            )
        )
        assert self.server is not None
        self.server.wait_ready()
        threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
        self.url = opening.url
        rt = runtime_module.current()
        if rt is not None:
            rt.window_strategy = opening.strategy
        log.info("ready in %.2f s", time.monotonic() - self.started_at)

    @staticmethod
    def _create_demo(store: Store, user: str) -> None:
        try:
            if ensure_demo_project(store, user=user):
                log.info("created the demo project")
        except Exception:  # a demo is a courtesy: the app starts without it
            log.exception("creating the demo project failed")

    def start_jobs(self, store: Store) -> JobService:
        jobs = JobService(store, JobQueue(self.cfg.paths.jobs_queue), data_dir=self.cfg.paths.data_dir, user=self.user)
        jobs.start()  # recovery first: jobs a crash interrupted are queued again
        return jobs

    def _show(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.window is not None:
            self.window.show()
        return {"pid": os.getpid()}

    def _status(self, args: dict[str, Any]) -> dict[str, Any]:
        assert self.store is not None
        return {
            "pid": os.getpid(),
            "schema_version": self.store.schema_version(),
            "database": str(self.store.path),
            "writer_queue": self.store.writer.queue_depth,
            "uptime_s": round(time.monotonic() - self.started_at, 1),
            "window": self.window.strategy if self.window else None,
            "browser_connected": bool(self.server and self.server.browser_connected),
        }

    def run(self) -> int:
        """Start, print the ready line, show the window until it closes or a stop is asked."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            try:
                self.start()
            except (OSError, sqlite3.Error) as exc:
                raise_if_disk_full(self.cfg.paths.data_dir, self.cfg.min_free_mb, exc)
                raise
            print(f"Fieldbook ready: {self.url}", flush=True)
            assert self.window is not None
            self.window.run(self.stop_requested)
        finally:
            self.shutdown()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def _on_signal(self, signum: int, frame: Any) -> None:
        log.info("signal %s: shutting down", signum)
        self.stop_requested.set()

    def shutdown(self) -> None:
        """Stop in order; safe to call twice and after a failed start."""
        if self._stopped:
            return
        self._stopped = True
        self.stop_requested.set()
        steps = [
            ("window", lambda: self.window and self.window.close()),
            ("server", lambda: self.server and self.server.stop()),
            ("sync", lambda: self.sync_scheduler and self.sync_scheduler.stop()),
            ("jobs", lambda: self.jobs and self.jobs.stop()),
            ("snapshot", lambda: self.snapshots and self.snapshots.shutdown()),  # the shutdown snapshot
            ("store", lambda: self.store and self.store.close()),
            ("runtime", lambda: runtime_module.install(None)),
            ("control", lambda: self.control and self.control.stop()),
            ("lock", self.lock.release),
        ]
        logs.dump_stacks_later(SHUTDOWN_STALL_S)  # a stop that hangs leaves every thread's stack in stacks.log
        for name, step in steps:
            began = time.monotonic()
            try:
                step()
            except Exception:
                log.exception("shutdown step %s failed", name)
            took = time.monotonic() - began
            (log.warning if took > 2 else log.debug)("shutdown step %s took %.2f s", name, took)
        logs.cancel_stack_dump()
        log.info("stopped")
