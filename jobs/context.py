"""What a running task sees: its arguments, a way to report progress, and whether to stop.

Stopping is cooperative (Python cannot kill a thread): a task checks ``ctx.cancelled`` (or calls
``ctx.check_cancelled()``, or waits with ``ctx.sleep()``) between steps. The flag is set when a user
cancels the job, when the app shuts down, and when the job runs past its time limit.

Progress is written to the ledger at most every ``progress_interval`` seconds; the latest value in
between is kept and written by the next call or by ``flush()`` (the keeper calls it), so a tight
loop reporting progress costs no more than a few writes a second.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from jobs.errors import JobCancelled
from jobs.ledger import Ledger
from jobs.model import JobResult
from store.core.db import Store
from store.core.errors import FieldbookError

log = logging.getLogger(__name__)

CANCEL = "cancel"
SHUTDOWN = "shutdown"
TIMEOUT = "timeout"


class JobContext:
    def __init__(
        self,
        job: JobResult,
        ledger: Ledger,
        *,
        data_dir: Path,
        progress_interval: float = 0.2,
    ) -> None:
        self.job_id = job.id
        self.name = job.name
        self.args = dict(job.args)
        self.attempt = job.attempts
        self.max_attempts = job.max_attempts
        self.resume: Any = job.checkpoint  # what the previous attempt saved with progress(checkpoint=…)
        self.data_dir = Path(data_dir)
        self._ledger = ledger
        self._interval = progress_interval
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop_reason: str | None = None
        self._over = False
        self._last_write = float("-inf")
        self._pending: tuple[float, str, Any] | None = None
        self.last_progress: tuple[float, str] = (job.progress, job.message)

    @property
    def store(self) -> Store:
        """The app's store, for tasks that write data (always through its writer)."""
        return self._ledger.store

    # -- stopping -------------------------------------------------------------------------

    @property
    def cancelled(self) -> bool:
        """True once the task should stop: cancelled by a user, app shutting down, or out of time."""
        return self._wake.is_set()

    @property
    def stop_reason(self) -> str | None:
        return self._stop_reason

    def check_cancelled(self) -> None:
        """Raise ``JobCancelled`` if the task should stop; call it between steps."""
        if self._wake.is_set():
            raise JobCancelled("The job was stopped.")

    def sleep(self, seconds: float) -> bool:
        """Wait ``seconds`` unless told to stop first; ``False`` if told to stop."""
        return not self._wake.wait(max(0.0, seconds))

    def request_stop(self, reason: str) -> None:
        with self._lock:
            if self._stop_reason is None or reason == CANCEL:
                self._stop_reason = reason
        self._wake.set()

    def end(self) -> None:
        """This attempt is over (finished, or given up on): later progress calls do nothing."""
        with self._lock:
            self._over = True
            self._pending = None
        self._wake.set()

    # -- progress -------------------------------------------------------------------------

    def progress(self, fraction: float, message: str = "", *, checkpoint: Any = None) -> None:
        """Report ``fraction`` (0..1) done and a short message, e.g. ``ctx.progress(0.4, "rows 4,000/10,000")``.

        ``checkpoint`` (small JSON) is kept with the job; after an interruption the next attempt
        finds it in ``ctx.resume`` and may continue from there instead of from the start.
        """
        fraction = min(1.0, max(0.0, float(fraction)))
        message = str(message)[:500]
        with self._lock:
            if self._over:
                return
            self.last_progress = (fraction, message)
            self._pending = (fraction, message, checkpoint)
            due = time.monotonic() - self._last_write >= self._interval
        if due:
            self.flush()

    def flush(self, *, wait: bool = False) -> None:
        """Write the latest progress not yet in the ledger."""
        with self._lock:
            pending, self._pending = self._pending, None
            if pending is None or self._over:
                return
            self._last_write = time.monotonic()
        try:
            self._ledger.progress(self.job_id, self.attempt, *pending, wait=wait)
        except FieldbookError as exc:  # the store is closing or refuses writes: progress is not worth failing for
            log.debug("progress of job %s not written: %s", self.job_id, exc)

    # -- output ---------------------------------------------------------------------------

    def output_dir(self) -> Path:
        """A folder for this job's files (``<data>/jobs/<id>``), the same for every attempt."""
        folder = self.data_dir / "jobs" / self.job_id
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def write_atomic(self, path: Path, data: bytes | str) -> Path:
        """Write ``data`` to ``path`` all or nothing (temp file, fsync, rename).

        The temp name is fixed per job and file, so a re-run after a crash overwrites the
        half-written one instead of leaving another behind.
        """
        return write_atomic(Path(path), data, tag=self.job_id)


def write_atomic(path: Path, data: bytes | str, *, tag: str = "tmp") -> Path:
    """Write ``data`` to ``path`` through ``.<name>.<tag>.tmp`` + fsync + rename (+ fsync of the folder)."""
    payload = data.encode() if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{tag}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    if os.name == "posix":
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return path
