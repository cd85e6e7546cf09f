"""Runs one job when a worker takes its trigger: claim, run the task, record how it ended.

The task runs in a thread of its own while the worker watches the clock. A task past its time
limit is asked to stop; if it does not within ``stop_grace`` seconds it is abandoned (Python cannot
kill a thread), the job fails with a plain message, and the worker moves on — a stuck task never
blocks the queue. The abandoned thread's later progress reports are ignored.

How a run ends → what the ledger says:

| the task … | the job becomes |
|---|---|
| returns (JSON-able value) | ``done`` with that result |
| raises ``TransientJobError`` (or a type in the task's ``transient``), attempts left | ``queued`` again, after an exponential backoff with jitter |
| raises anything else, or a transient error with no attempts left | ``failed`` with a plain message (traceback only in the log) |
| was cancelled by a user (whatever it then does) | ``cancelled`` |
| runs past its time limit | ``failed`` ("took longer than …") |
| was stopped because the app shuts down | ``queued``; the attempt does not count; it runs at the next start |
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobs.context import CANCEL, SHUTDOWN, TIMEOUT, JobContext
from jobs.errors import JobCancelled, TransientJobError
from jobs.ledger import Ledger, Push
from jobs.model import CANCELLED, DONE, FAILED, JobResult
from jobs.registry import Registry, TaskSpec
from store.core import texts
from store.core.errors import FieldbookError
from store.core.texts import said

log = logging.getLogger(__name__)

MAX_RESULT_CHARS = 256_000

TOOK_TOO_LONG = said("job.took_too_long", "The job took longer than its limit of {seconds} s and was stopped.")
RESULT_NOT_STORED = said("job.result_not_stored", "The job finished but its result could not be stored ({reason}).")
RESULT_TOO_LARGE = said("job.result_too_large", "The job finished but its result is too large to keep; it should write a file and return its path.")
TRYING_AGAIN = said("job.trying_again", "Attempt {attempt} of {max} failed; trying again in {seconds} s.")
FAILED_TIMES = said("job.failed_times", "Failed {n} times; the last error: {error}")

PushFn = Callable[[list[Push]], None]


@dataclass
class _Box:
    done: threading.Event
    value: Any = None
    error: BaseException | None = None


def plain_error(exc: BaseException) -> str:
    """One line a person can read: our own errors as they are (their ``Text`` kept, so the app can
    say it in the reader's language), others with their type."""
    if isinstance(exc, FieldbookError):
        return texts.of(exc)
    text = " ".join(str(exc).split())[:500]
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


class Runner:
    def __init__(
        self,
        ledger: Ledger,
        registry: Registry,
        *,
        owner: str,
        data_dir: Path,
        push: PushFn,
        lease_s: float = 30.0,
        progress_interval: float = 0.2,
        stop_grace: float = 2.0,
    ) -> None:
        self.ledger = ledger
        self.registry = registry
        self.owner = owner
        self.data_dir = data_dir
        self._push = push
        self.lease_s = lease_s
        self.progress_interval = progress_interval
        self.stop_grace = stop_grace
        self._lock = threading.Lock()
        self._inflight: dict[str, JobContext] = {}
        self._cancel_early: set[str] = set()  # cancels that arrived between claim and start
        self._stopping = threading.Event()

    # -- what the service and keeper use --------------------------------------------------

    def inflight(self) -> dict[str, JobContext]:
        with self._lock:
            return dict(self._inflight)

    def cancel(self, job_id: str) -> None:
        """Ask the running task of ``job_id`` to stop; remembered if it has not started yet."""
        with self._lock:
            ctx = self._inflight.get(job_id)
            if ctx is None:
                self._cancel_early.add(job_id)
        if ctx is not None:
            ctx.request_stop(CANCEL)

    def stop_all(self) -> None:
        """The app shuts down: take no new job, ask running tasks to stop."""
        self._stopping.set()
        for ctx in self.inflight().values():
            ctx.request_stop(SHUTDOWN)

    # -- one run --------------------------------------------------------------------------

    def run(self, job_id: str, ref: str) -> None:
        """Handle the trigger ``ref`` of ``job_id`` (called on a queue worker thread)."""
        if self._stopping.is_set():
            return  # the job stays queued; recovery pushes it again at the next start
        try:
            job, pushes = self.ledger.claim(job_id, ref, self.owner, self.lease_s)
        except FieldbookError as exc:
            log.warning("job %s not started: %s", job_id, exc)  # still queued: the keeper's sweep retries
            return
        self._push(pushes)
        if job is None:
            return
        try:
            spec = self.registry.get(job.name)
            kwargs = spec.bind(job.args)
        except FieldbookError as exc:
            self._end(job, FAILED, error=plain_error(exc))
            return
        ctx = JobContext(job, self.ledger, data_dir=self.data_dir, progress_interval=self.progress_interval)
        with self._lock:
            self._inflight[job.id] = ctx
            early_cancel = job.id in self._cancel_early
            self._cancel_early.discard(job.id)
        if early_cancel or job.cancel_requested:
            ctx.request_stop(CANCEL)
        try:
            self._run(job, spec, ctx, kwargs)
        finally:
            ctx.end()
            with self._lock:
                self._inflight.pop(job.id, None)

    def _run(self, job: JobResult, spec: TaskSpec, ctx: JobContext, kwargs: dict[str, Any]) -> None:
        log.info("job %s (%s) attempt %d of %d started", job.id, job.name, job.attempts, job.max_attempts)
        box = self._start_thread(spec, ctx, kwargs)
        limit = job.timeout_s if job.timeout_s is not None else spec.timeout_s
        finished = self._watch(box, ctx, limit)
        ctx.flush(wait=True)
        reason = ctx.stop_reason
        if reason == CANCEL or (finished and isinstance(box.error, JobCancelled) and reason is None):
            self._end(job, CANCELLED, message=ctx.last_progress[1])
        elif reason == TIMEOUT:
            self._end(job, FAILED, error=TOOK_TOO_LONG(seconds=float(limit or 0)))
        elif reason == SHUTDOWN:
            # Whether it finished or gave up, running it again is safe: tasks are idempotent.
            log.info("job %s interrupted by shutdown; it runs again at the next start", job.id)
            self._call(self.ledger.interrupted, job.id, job.attempts)
        elif box.error is None:
            self._done(job, box.value)
        else:
            self._failed(job, spec, box.error)

    def _start_thread(self, spec: TaskSpec, ctx: JobContext, kwargs: dict[str, Any]) -> _Box:
        box = _Box(threading.Event())

        def target() -> None:
            try:
                box.value = spec.fn(ctx, **kwargs)
            except BaseException as exc:  # every way a task ends is recorded
                box.error = exc
            finally:
                box.done.set()

        threading.Thread(target=target, name=f"job-{spec.name}-{ctx.job_id[-6:]}", daemon=True).start()
        return box

    def _watch(self, box: _Box, ctx: JobContext, limit: float | None) -> bool:
        """Wait for the task; True if it ended, False if it was abandoned."""
        started = time.monotonic()
        asked_at: float | None = None
        while not box.done.wait(0.05 if asked_at is not None else 0.25):
            now = time.monotonic()
            if limit is not None and ctx.stop_reason is None and now - started >= limit:
                ctx.request_stop(TIMEOUT)
            if ctx.stop_reason in (TIMEOUT, SHUTDOWN):
                asked_at = asked_at or now
                if now - asked_at >= self.stop_grace:
                    log.warning("job %s did not stop within %.1f s (%s); abandoning its thread", ctx.job_id, self.stop_grace, ctx.stop_reason)
                    return False
        return True

    # -- recording the end ----------------------------------------------------------------

    def _done(self, job: JobResult, value: Any) -> None:
        try:
            size = len(json.dumps(value))
        except (TypeError, ValueError) as exc:
            self._end(job, FAILED, error=RESULT_NOT_STORED(reason=str(exc)))
            return
        if size > MAX_RESULT_CHARS:
            self._end(job, FAILED, error=RESULT_TOO_LARGE())
            return
        self._end(job, DONE, result=value)
        log.info("job %s (%s) done", job.id, job.name)

    def _failed(self, job: JobResult, spec: TaskSpec, exc: BaseException) -> None:
        message = plain_error(exc)
        transient = isinstance(exc, TransientJobError) or (bool(spec.transient) and isinstance(exc, spec.transient))
        if isinstance(exc, FieldbookError):  # an expected failure with its plain sentence (no server, bad file): no traceback
            log.warning("job %s (%s) attempt %d failed: %s", job.id, job.name, job.attempts, message)
        else:
            log.error("job %s (%s) attempt %d failed: %s", job.id, job.name, job.attempts, message, exc_info=exc)
        if transient and job.attempts < job.max_attempts:
            delay = spec.retry.delay(job.attempts)
            note = TRYING_AGAIN(attempt=job.attempts, max=job.max_attempts, seconds=round(delay, 1))
            push = self._call(self.ledger.retry_later, job.id, job.attempts, delay, message, note)
            if push is not None:
                self._push([push])
            return
        if transient and job.max_attempts > 1:
            message = FAILED_TIMES(n=job.attempts, error=message)
        self._end(job, FAILED, error=message)

    def _end(self, job: JobResult, status: str, *, result: Any = None, error: str | None = None, message: str | None = None) -> None:
        pushes = self._call(self.ledger.finish, job.id, job.attempts, status, result=result, error=error, message=message)
        if pushes:
            self._push(pushes)

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A ledger write at the end of a run; if it cannot be saved the job stays ``running``
        and the keeper's sweep puts it back once its lease expires."""
        try:
            return fn(*args, **kwargs)
        except FieldbookError as exc:
            log.error("could not record the end of job %s: %s", args[0] if args else "?", exc)
            return None
