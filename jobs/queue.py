"""Huey as the trigger: one Huey task, ``run_job(job_id)``, whose Huey id is the job's queue ref.

Everything else about a job (its name, arguments, attempts, progress) lives in the ledger; Huey
only decides *when* a worker picks it up: priority (higher first, FIFO within), ``eta`` for
scheduled jobs and retries. Huey's own retries and results are not used (``results=False``).

``SqliteHuey`` keeps the queue in ``jobs.sqlite3`` next to the database; in immediate mode (unit
tests) a pushed job runs synchronously in the caller's thread on an in-memory queue.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from huey import SqliteHuey
from huey.api import Task
from huey.signals import SIGNAL_ENQUEUED
from huey.storage import SqliteStorage

from jobs.ledger import Push
from jobs.model import utcnow

log = logging.getLogger(__name__)

Handler = Callable[[str, str], None]  # (job id, queue ref)


class _Storage(SqliteStorage):
    """Huey's SQLite storage with ``synchronous=NORMAL``: in WAL mode a commit is then not fsynced
    (only checkpoints are), which makes a push ~10x cheaper. A power cut may forget the last
    triggers, never corrupt the file — and the ledger is the truth: recovery pushes again whatever
    the queue lost."""

    def _create_connection(self) -> Any:
        conn = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        return conn


class JobQueue:
    def __init__(self, path: Path | None = None, *, immediate: bool = False, name: str = "fieldbook") -> None:
        if path is None and not immediate:
            raise ValueError("a queue file is needed unless immediate=True")
        self.path = path
        kwargs: dict[str, Any] = {"filename": str(path)} if path is not None else {}
        # results=False: the ledger keeps results; Huey would otherwise store one row per task.
        self.huey = SqliteHuey(name, results=False, immediate=immediate, storage_class=_Storage, **kwargs)
        self._handler: Handler | None = None
        # Set after every push, and when Huey's scheduler moves a due task onto the queue: the
        # in-process consumer's idle workers look at once instead of at their next poll.
        self.wake = threading.Event()
        self.huey.signal(SIGNAL_ENQUEUED)(lambda signal, task, *args: self.wake.set())

        @self.huey.task(context=True, name="run_job")
        def run_job(job_id: str, task: Task | None = None) -> None:
            assert task is not None
            if self._handler is None:
                raise RuntimeError("no job runner attached to the queue")
            self._handler(job_id, task.id)

        self._task = run_job

    @classmethod
    def immediate(cls) -> JobQueue:
        return cls(immediate=True)

    @property
    def is_immediate(self) -> bool:
        return bool(self.huey.immediate)

    def attach(self, handler: Handler) -> None:
        """Run ``handler(job_id, ref)`` for every trigger a worker takes."""
        self._handler = handler

    def push(self, push: Push) -> None:
        """Put a trigger on the queue: now, or at ``push.run_after``."""
        delay = 0.0
        if push.run_after is not None:
            delay = (push.run_after - utcnow()).total_seconds()
        if delay > 0:
            self._task.schedule(args=(push.job_id,), delay=delay, priority=push.priority, id=push.ref)
        else:
            self.huey.enqueue(self._task.s(push.job_id, id=push.ref, priority=push.priority))
        self.wake.set()

    def revoke(self, ref: str) -> None:
        """Skip the trigger ``ref`` if it is still queued (the ledger check would skip it anyway)."""
        self.huey.revoke_by_id(ref, revoke_once=True)

    def live_refs(self) -> set[str]:
        """Ids of every trigger waiting in the queue or in the schedule."""
        return {t.id for t in self.huey.pending()} | {t.id for t in self.huey.scheduled()}

    def size(self) -> int:
        return int(self.huey.pending_count()) + int(self.huey.scheduled_count())

    def close(self) -> None:
        self.huey.storage.close()

