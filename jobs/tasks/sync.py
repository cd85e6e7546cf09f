"""``sync.run`` and ``sync.check``: the sync and the connection test as jobs, and the periodic sync.

The UI never waits on the network: "Sync now" and "Test connection" enqueue a job and poll it.
``request_sync`` enqueues ``sync.run`` unless one is already queued or running (then it returns
that one's id); the engine (store/sync/engine.py) records every outcome — failures in a row, the
error and its code, and when to try next — in ``sync_state``.

The password for a connection test never reaches the job ledger (whose arguments are stored in
the database, and so in snapshots): ``request_check`` keeps it in this process's memory under a
random one-time token and passes only the token. The job takes it out when it runs; if the app
restarted in between the token is gone and the test says to try again. A sync job takes the
password from the keyring.

``SyncScheduler`` is a small thread owned by the app's lifecycle (like the snapshot timer):
every second it looks at the cached sync status and, while online with a server set, enqueues a
sync once ``next_attempt_at`` has come — the interval after a success, the growing backoff after
failures (store/sync/state.py). jobs/periodic.py is not used: its fixed ``every_s`` cannot follow
the backoff, and the switch and the interval change at run time. The same thread is where the
keyring is asked (at start, and when the configured server changes) whether it holds the
password: the Settings page reads the answer from the database and never waits on the keyring.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from jobs.context import JobContext
from jobs.errors import BadJobArguments
from jobs.model import ACTIVE
from jobs.registry import task
from jobs.service import JobService
from store.core.db import Store
from store.core.errors import FieldbookError
from store.core.texts import said
from store.sync import state
from store.sync.connect import public_url, split_password
from store.sync.errors import error_code
from store.sync.settings import ConnectionCheck, check_connection, refresh_password_flag

log = logging.getLogger(__name__)

TASK = "sync.run"
CHECK_TASK = "sync.check"
TAG = "sync"
REASONS = ("manual", "periodic", "start", "cli")
HANDOFF_TTL_S = 600.0

CONNECTING = said("sync.step.connecting", "connecting")
PUSHED = said("sync.step.pushed", "push {n}")
PULLED = said("sync.step.pulled", "pull {n}")
SYNCED = said("sync.step.done", "push {pushed} · pull {pulled}")

_request_lock = threading.Lock()
_handoff: dict[str, tuple[str, float]] = {}
_handoff_lock = threading.Lock()


# -- the password hand-off ------------------------------------------------------------------


def _give(password: str) -> str:
    token = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _handoff_lock:
        for key in [k for k, (_, at) in _handoff.items() if now - at > HANDOFF_TTL_S]:
            del _handoff[key]
        _handoff[token] = (password, now)
    return token


def _take(token: str) -> str | None:
    with _handoff_lock:
        entry = _handoff.pop(token, None)
    if entry is None or time.monotonic() - entry[1] > HANDOFF_TTL_S:
        return None
    return entry[0]


# -- the tasks ------------------------------------------------------------------------------


def _check_run(args: Any) -> None:
    if args.get("reason", "manual") not in REASONS:
        raise BadJobArguments(f"The argument 'reason' of job '{TASK}' must be one of {', '.join(REASONS)}.")


@task(TASK, max_attempts=1, timeout_s=None, check=_check_run)
def run_sync(ctx: JobContext, reason: str = "manual") -> dict[str, Any]:
    """Push and pull with the configured server; progress counts the changes sent and received."""
    store = ctx.store
    before = state.status(store, fresh=True)
    if reason == "periodic" and not (before.online and before.server):
        return {"skipped": "offline", "reason": reason}
    total = max(1, before.pending)

    def progress(phase: str, done: int) -> None:
        fraction = 0.5 * min(1.0, done / total) if phase == "push" else 0.5 + 0.49 * done / (done + 5000)
        ctx.progress(fraction, (PUSHED if phase == "push" else PULLED)(n=done), checkpoint={"phase": phase, "done": done})

    from store.sync.engine import sync_now  # here, not at import: the app's start need not load the engine

    ctx.progress(0.0, CONNECTING())
    try:
        report = sync_now(store, progress=progress, check_cancelled=lambda: ctx.cancelled)
    except FieldbookError:
        raise  # recorded by the engine; the job fails with its plain sentence
    except Exception as exc:  # a bug: count it as a failure too, so the backoff applies
        try:
            state.record_failure(store, before.server, "The sync failed unexpectedly; see the log. Nothing was lost.", error_code(exc))
        except FieldbookError:
            pass
        raise
    ctx.check_cancelled()
    ctx.progress(1.0, SYNCED(pushed=report.pushed, pulled=report.pulled))
    return {**report.to_dict(), "reason": reason}


@task(CHECK_TASK, max_attempts=1, timeout_s=300)
def run_check(ctx: JobContext, url: str = "", user: str = "", secret: str = "") -> dict[str, Any]:
    """Test the connection; the result dict (ok, code, message, server_version) is the job's result."""
    password: str | None = None
    if secret:
        password = _take(secret)
        if password is None:
            return ConnectionCheck(
                False, "error", "The password typed for this test is no longer available (Fieldbook restarted meanwhile); test again."
            ).to_dict()
    ctx.progress(0.1, CONNECTING())
    return check_connection(ctx.store, url or None, user=user or None, password=password).to_dict()


# -- asking for them ------------------------------------------------------------------------


def active_sync(jobs: JobService) -> str | None:
    found = jobs.list(statuses=ACTIVE, name=TASK, limit=1)
    return found[0].id if found else None


def request_sync(jobs: JobService, *, reason: str = "manual") -> str:
    """Enqueue a sync unless one is already queued or running (then that one's id)."""
    with _request_lock:
        running = active_sync(jobs)
        if running is not None:
            return running
        return jobs.enqueue(TASK, {"reason": reason}, tags=(TAG,), created_by="sync" if reason == "periodic" else None)


def request_check(jobs: JobService, url: str | None = None, user: str | None = None, password: str | None = None) -> str:
    """Enqueue a connection test of ``url`` (default: the configured server) with ``user`` and
    ``password`` (default: the keyring's). The password stays in memory (see the module's doc)."""
    args: dict[str, str] = {}
    if url:
        bare, in_url = split_password(url.strip())
        args["url"] = public_url(bare)
        password = password or in_url
    if user:
        args["user"] = user
    if password:
        args["secret"] = _give(password)
    return jobs.enqueue(CHECK_TASK, args, tags=(TAG,))


# -- the periodic sync ------------------------------------------------------------------------


class SyncScheduler:
    """Enqueue a sync when one is due while online; a thread started and stopped by the app."""

    def __init__(
        self,
        current_store: Callable[[], Store | None],
        current_jobs: Callable[[], JobService | None],
        *,
        tick_s: float = 1.0,
        min_gap_s: float = 5.0,
    ) -> None:
        self.current_store = current_store
        self.current_jobs = current_jobs
        self.tick_s = tick_s
        self.min_gap_s = min_gap_s  # never two enqueues closer than this, whatever the state says
        self._last_enqueue = float("-inf")
        self._password_for: tuple[int, str | None] | None = None  # (store, server) whose password flag was refreshed last
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, after: threading.Event | None = None, at_most_s: float = 10.0) -> None:
        """Start the thread; with ``after``, its first work (the keyring's backends, ≈ 0.5 s the first
        time) waits for that event — the app's first page — or ``at_most_s``, so it does not slow
        the start down."""
        self._thread = threading.Thread(target=self._run, args=(after, at_most_s), name="sync-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def tick(self, now: datetime | None = None) -> str | None:
        """Enqueue a sync if one is due; its job id (or None)."""
        store, jobs = self.current_store(), self.current_jobs()
        if store is None or jobs is None or not jobs.running:
            return None
        current = state.status(store)
        if not current.online or not current.server:
            return None
        now = now or datetime.now(UTC)
        if current.next_attempt_at is not None and now < current.next_attempt_at:
            return None
        if time.monotonic() - self._last_enqueue < self.min_gap_s or active_sync(jobs) is not None:
            return None
        self._last_enqueue = time.monotonic()
        job_id = request_sync(jobs, reason="periodic")
        log.info("periodic sync enqueued (%s; %d failure(s) in a row before)", job_id, current.failures)
        return job_id

    def note_password(self) -> bool | None:
        """When the configured server (or the store) changed, and at start: ask the keyring whether it holds its
        password and note it for the Settings page, which never asks the keyring itself (that may
        wait on D-Bus or an unlock prompt). Returns what was noted (None: nothing to ask)."""
        store = self.current_store()
        if store is None:
            return None
        server = state.status(store).server
        if (id(store), server) == self._password_for:
            return None
        stored = refresh_password_flag(store, server) if server else None
        self._password_for = (id(store), server)
        return stored

    def _run(self, after: threading.Event | None = None, at_most_s: float = 0.0) -> None:
        from store.sync.credentials import keyring_info

        deadline = time.monotonic() + at_most_s
        while after is not None and not after.wait(0.05) and time.monotonic() < deadline:
            if self._stop.is_set():
                return
        keyring_info()  # loads the keyring backends (≈ 0.5 s the first time) here, not in the first Settings rerun
        while not self._stop.wait(self.tick_s):
            for step in (self.note_password, self.tick):
                try:
                    step()
                except FieldbookError as exc:  # the store is being swapped or closed: try at the next tick
                    log.debug("sync scheduler step skipped: %s", exc)
                except Exception:
                    log.exception("sync scheduler step failed")
