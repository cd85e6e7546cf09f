"""The job system as the rest of Fieldbook uses it: enqueue, poll, cancel, retry, list.

``JobService(store, JobQueue(paths.jobs_queue))`` then ``start()``: recovery first (the ledger is
the truth, see jobs/ledger.py), then Huey's consumer threads and the keeper. ``stop()`` asks running
tasks to stop, lets Huey's workers finish, and closes the queue file — before the store closes.

Without a queue (``JobService(store, None)``: the admin CLI while the app is not running) the
same calls change only the ledger; queued jobs then run at the next start of the app.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jobs.consumer import InProcessConsumer, start_consumer
from jobs.keeper import Keeper
from jobs.ledger import Jobs, Ledger, Pushes
from jobs.model import FINISHED, RUNNING, JobResult, new_job_id, utcnow
from jobs.periodic import PERIODICS, Periodic, PeriodicScheduler
from jobs.queue import JobQueue
from jobs.registry import REGISTRY, Registry
from jobs.runner import Runner
from store.core.db import Store
from store.core.errors import JobError

log = logging.getLogger(__name__)


class JobService:
    def __init__(
        self,
        store: Store,
        queue: JobQueue | None,
        *,
        data_dir: Path | None = None,
        registry: Registry = REGISTRY,
        periodics: Mapping[str, Periodic] | None = None,
        workers: int = 2,
        lease_s: float = 30.0,
        sweep_s: float | None = None,
        progress_interval: float = 0.2,
        stop_grace: float = 2.0,
        user: str = "system",
    ) -> None:
        if registry is REGISTRY:
            from jobs import tasks

            tasks.load()
        self.store = store
        self.queue = queue
        self.ledger = Ledger(store)
        self.registry = registry
        self.user = user
        self.workers = workers
        self.lease_s = lease_s
        self.sweep_s = sweep_s if sweep_s is not None else lease_s / 2
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._periodics = periodics
        self.runner = Runner(
            self.ledger,
            registry,
            owner=self.owner,
            data_dir=Path(data_dir) if data_dir is not None else store.path.parent,
            push=self._push,
            lease_s=lease_s,
            progress_interval=progress_interval,
            stop_grace=stop_grace,
        )
        if queue is not None:
            queue.attach(self.runner.run)
        self.consumer: InProcessConsumer | None = None
        self.keeper: Keeper | None = None
        self._started = False
        self._stopped = False
        self._lock = threading.Lock()

    # -- life -----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._started and not self._stopped

    def start(self) -> None:
        """Recover what the last run left behind, then start the workers and the keeper."""
        if self.queue is None:
            raise JobError("This job service has no queue; it can only change the ledger.")
        with self._lock:
            if self._started:
                return
            self._started = True
        pushes = self.ledger.recover(live_refs=self.queue.live_refs(), running_alive=lambda job: False)
        if pushes:
            log.info("recovery: %d job(s) put back on the queue", len(pushes))
        self._push(pushes)
        if not self.queue.is_immediate:
            self.consumer = start_consumer(
                self.queue.huey, workers=self.workers, shutdown_timeout=self.runner.stop_grace + 3, wake=self.queue.wake
            )
        keeper = Keeper()
        keeper.every("progress", 0.25, self._flush_progress)
        keeper.every("leases", self.lease_s / 3, self._renew_leases)
        keeper.every("sweep", self.sweep_s, self._sweep)
        periodic = PeriodicScheduler(self.ledger, PERIODICS if self._periodics is None else self._periodics, self._enqueue_periodic)
        keeper.every("periodic", 1.0, periodic.tick, first_after=0.0)
        if self.consumer is not None:
            keeper.every("workers", 10.0, self.consumer.check_worker_health)
        keeper.start()
        self.keeper = keeper

    def stop(self) -> None:
        """Stop in order: keeper, running tasks (asked to stop), Huey's threads, the queue file."""
        with self._lock:
            if self._stopped or not self._started:
                self._stopped = True
                return
            self._stopped = True
        if self.keeper is not None:
            self.keeper.stop()
        self.runner.stop_all()
        if self.consumer is not None:
            self.consumer.stop(graceful=True)
        self._flush_progress()
        if self.queue is not None:
            self.queue.close()
        log.info("job system stopped")

    # -- the API --------------------------------------------------------------------------

    def enqueue(
        self,
        name: str,
        args: Mapping[str, Any] | None = None,
        *,
        priority: int | None = None,
        delay_s: float | None = None,
        eta: dt.datetime | None = None,
        depends_on: Sequence[str] = (),
        tags: Iterable[str] = (),
        max_attempts: int | None = None,
        timeout_s: float | None = None,
        created_by: str | None = None,
    ) -> str:
        """Queue the task ``name`` with ``args``; its job id. Refuses an unknown name or bad
        arguments at once (``UnknownJobError``, ``BadJobArguments``)."""
        spec = self.registry.get(name)
        kwargs = spec.bind(args)
        if eta is None and delay_s is not None and delay_s > 0:
            eta = utcnow() + dt.timedelta(seconds=delay_s)
        if eta is not None and eta.tzinfo is None:
            raise JobError("A job's start time must include its time zone.")
        attempts = spec.retry.max_attempts if max_attempts is None else max_attempts
        if attempts < 1:
            raise JobError("A job needs at least one attempt.")
        job = JobResult(
            id=new_job_id(),
            name=name,
            args=kwargs,
            status="queued",
            priority=spec.priority if priority is None else int(priority),
            max_attempts=attempts,
            timeout_s=timeout_s if timeout_s is not None else spec.timeout_s,
            run_after=eta,
            created_by=created_by or self.user,
            depends_on=tuple(dict.fromkeys(depends_on)),
            tags=tuple(dict.fromkeys(tags)),
        )
        self._push(self.ledger.insert(job))
        log.info("job %s (%s) enqueued by %s", job.id, name, job.created_by)
        return job.id

    def poll(self, job_id: str) -> JobResult:
        """The job as the ledger has it now (``JobNotFound`` if there is none)."""
        return self.ledger.get(job_id)

    def list(
        self,
        *,
        statuses: Collection[str] | None = None,
        name: str | None = None,
        tag: str | None = None,
        limit: int | None = 100,
    ) -> Jobs:
        """Running first, then queued (in the order they will run), then the latest finished."""
        return self.ledger.list(statuses=statuses, name=name, tag=tag, limit=limit)

    def cancel(self, job_id: str) -> JobResult:
        """Cancel a queued job at once; ask a running one to stop (it ends ``cancelled``)."""
        ref = self.ledger.get(job_id).queue_ref
        job, pushes = self.ledger.cancel(job_id, running_is_orphan=not self.running)
        if job.status == RUNNING:
            self.runner.cancel(job_id)
        elif ref and self.queue is not None and self.running:
            self.queue.revoke(ref)  # the claim would skip it anyway; this keeps the queue short
        self._push(pushes)
        log.info("job %s cancel requested (%s)", job_id, job.status)
        return job

    def retry(self, job_id: str) -> JobResult:
        """Queue a failed or cancelled job again, with a fresh count of attempts."""
        job, pushes = self.ledger.retry(job_id)
        self._push(pushes)
        log.info("job %s queued again", job_id)
        return self.ledger.get(job_id)

    def summary(self) -> tuple[int, int, float]:
        """(running, queued, mean progress of the running jobs)."""
        return self.ledger.running_summary()

    def wait(self, job_id: str, timeout: float = 30.0, statuses: Collection[str] = FINISHED) -> JobResult:
        """Poll until the job reaches one of ``statuses``; ``TimeoutError`` naming its state if not."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.poll(job_id)
            if job.status in statuses:
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} is still {job.status} after {timeout} s ({job.message or job.error or ''})")
            time.sleep(0.01)

    # -- inside ---------------------------------------------------------------------------

    def _push(self, pushes: Pushes) -> None:
        """Put triggers on the queue (offline: none; recovery pushes them at the next start)."""
        if self.queue is None or not pushes:
            return
        for push in pushes:
            try:
                self.queue.push(push)
            except Exception:  # the ledger still says queued: the sweep or the next start pushes it
                log.exception("could not put job %s on the queue", push.job_id)

    def _enqueue_periodic(self, periodic: Periodic) -> str:
        return self.enqueue(periodic.name, periodic.args, priority=periodic.priority, tags=(periodic.tag,), created_by="periodic")

    def _flush_progress(self) -> None:
        for ctx in self.runner.inflight().values():
            ctx.flush()

    def _renew_leases(self) -> None:
        self.ledger.renew(self.owner, self.runner.inflight(), self.lease_s)

    def _sweep(self) -> None:
        """What start-up recovery does, for the running app: expired leases, lost triggers."""
        assert self.queue is not None
        inflight = self.runner.inflight()
        now = utcnow()

        def alive(job: JobResult) -> bool:
            return job.id in inflight or (job.lease_expires_at is not None and job.lease_expires_at > now)

        self._push(self.ledger.recover(live_refs=self.queue.live_refs(), running_alive=alive, queued_grace_s=max(5.0, self.sweep_s)))
