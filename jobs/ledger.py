"""The ``jobs`` table in DuckDB: the truth about every job (the seed's JobResult table).

Huey deletes a task from its queue when a worker takes it, so a task running at a kill -9 is
gone from Huey; the ledger still says ``running`` and recovery puts it back. Every change of state
is one unit of work on the store's writer, so a check and the change it depends on cannot be
interleaved with another change (e.g. a parent finishing while a child is enqueued).

A job is triggered by a Huey task whose id is the job's ``queue_ref``. A worker may only claim a job
with the ref it was triggered by; a stale or duplicate trigger (after a recovery, a retry) finds a
different ref and does nothing. So a job runs at most once per trigger, and recovery can always
push a fresh trigger without risking two runs.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from jobs.errors import JobNotFound, JobStateError
from jobs.model import CANCELLED, DONE, FAILED, FINISHED, QUEUED, JobResult, utcnow
from store.core import texts
from store.core.db import Store

_COLUMNS = (
    "id, name, args, status, priority, progress, message, result, error, attempts, max_attempts, timeout_s, "
    "lease_expires_at, run_after, created_at, started_at, finished_at, updated_at, created_by, depends_on, tags, "
    "cancel_requested, checkpoint, queue_ref"
)

# running first (oldest first), then queued in the order they will run, then the latest finished
_ORDER = """ORDER BY CASE status WHEN 'running' THEN 0 WHEN 'queued' THEN 1 ELSE 2 END,
    CASE WHEN status = 'queued' THEN -priority ELSE 0 END,
    CASE WHEN status IN ('running', 'queued') THEN epoch(coalesce(started_at, created_at))
         ELSE -epoch(coalesce(finished_at, updated_at)) END,
    id"""


@dataclass(frozen=True)
class Push:
    """A trigger to put on the queue once the unit that decided it has committed."""

    job_id: str
    ref: str
    priority: int
    run_after: dt.datetime | None


Pushes = list[Push]  # (``Ledger.list`` shadows ``list`` inside the class)
Jobs = list[JobResult]

PARENT_FAILED = texts.said("job.parent_failed", "Did not run: the job {parent} it depends on failed.")
PARENT_CANCELLED = texts.said("job.parent_cancelled", "Did not run: the job {parent} it depends on was cancelled.")
PARENT_MISSING = texts.said("job.parent_missing", "Did not run: the job {parent} it depends on no longer exists.")
STOPPED_TIMES = texts.said(
    "job.stopped_times",
    "Stopped {n} times before it could finish (the app was closed or crashed).",
    one="Stopped once before it could finish (the app was closed or crashed).",
)
INTERRUPTED = texts.said("job.interrupted", "Interrupted; starting again")


def new_ref() -> str:
    return uuid.uuid4().hex


def _row_to_job(row: Sequence[Any]) -> JobResult:
    (id_, name, args, status, priority, progress, message, result, error, attempts, max_attempts, timeout_s,
     lease, run_after, created, started, finished, updated, created_by, depends_on, tags, cancel, checkpoint, ref) = row
    return JobResult(
        id=id_,
        name=name,
        args=json.loads(args) if args else {},
        status=status,
        priority=priority,
        progress=progress,
        message=texts.decode(message) or "",
        result=json.loads(result) if result is not None else None,
        error=texts.decode(error),
        attempts=attempts,
        max_attempts=max_attempts,
        timeout_s=timeout_s,
        lease_expires_at=lease,
        run_after=run_after,
        created_at=created,
        started_at=started,
        finished_at=finished,
        updated_at=updated,
        created_by=created_by,
        depends_on=tuple(depends_on or ()),
        tags=tuple(tags or ()),
        cancel_requested=cancel,
        checkpoint=json.loads(checkpoint) if checkpoint is not None else None,
        queue_ref=ref,
    )


# What a worker needs of a job it claims (RETURNING every column costs several ms more).
_CLAIMED = "id, name, args, priority, progress, attempts, max_attempts, timeout_s, started_at, created_by, cancel_requested, checkpoint"


def _claimed(row: Sequence[Any]) -> JobResult:
    """The claimed job; columns not in ``_CLAIMED`` keep their defaults (it is running now)."""
    id_, name, args, priority, progress, attempts, max_attempts, timeout_s, started, created_by, cancel, checkpoint = row
    return JobResult(
        id=id_, name=name, args=json.loads(args) if args else {}, status="running", priority=priority, progress=progress,
        attempts=attempts, max_attempts=max_attempts, timeout_s=timeout_s, started_at=started, created_by=created_by,
        cancel_requested=cancel, checkpoint=json.loads(checkpoint) if checkpoint is not None else None,
    )


def _get(con: duckdb.DuckDBPyConnection, job_id: str) -> JobResult | None:
    rows = con.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", [job_id]).fetchall()
    return _row_to_job(rows[0]) if rows else None


def _must_get(con: duckdb.DuckDBPyConnection, job_id: str) -> JobResult:
    job = _get(con, job_id)
    if job is None:
        raise JobNotFound(f"There is no job {job_id}.")
    return job


def _parents(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = con.execute("SELECT id, status FROM jobs WHERE list_contains(?, id)", [list(ids)]).fetchall()
    return dict(rows)


def _blocker(parents: dict[str, str], wanted: Sequence[str]) -> tuple[str, str] | None:
    """The first parent that can no longer finish ``done`` (failed, cancelled or gone)."""
    for pid in wanted:
        status = parents.get(pid)
        if status is None or status in (FAILED, CANCELLED):
            return pid, status or "missing"
    return None


def _blocked_message(parent: str, status: str) -> str:
    sentence = {"failed": PARENT_FAILED, "cancelled": PARENT_CANCELLED, "missing": PARENT_MISSING}[status]
    return sentence(parent=parent)


def _fail_blocked(con: duckdb.DuckDBPyConnection, job_id: str, parent: str, status: str, now: dt.datetime) -> None:
    con.execute(
        """UPDATE jobs SET status = 'failed', error = ?, message = '', finished_at = ?, updated_at = ?, queue_ref = NULL
           WHERE id = ?""",
        [texts.encode(_blocked_message(parent, status)), now, now, job_id],
    ).fetchall()


def _settle_dependents(con: duckdb.DuckDBPyConnection, parent_id: str, now: dt.datetime) -> list[Push]:
    """After ``parent_id`` finished: trigger children that are now ready, fail those that never can be."""
    pushes: list[Push] = []
    todo = [parent_id]
    while todo:
        current = todo.pop()
        children = con.execute(
            "SELECT id, depends_on, priority, run_after FROM jobs WHERE status = 'queued' AND list_contains(depends_on, ?)",
            [current],
        ).fetchall()
        for child_id, depends_on, priority, run_after in children:
            parents = _parents(con, depends_on)
            blocker = _blocker(parents, depends_on)
            if blocker is not None:
                _fail_blocked(con, child_id, *blocker, now)
                todo.append(child_id)
            elif all(parents[p] == DONE for p in depends_on):
                ref = new_ref()
                con.execute("UPDATE jobs SET queue_ref = ?, updated_at = ? WHERE id = ?", [ref, now, child_id]).fetchall()
                pushes.append(Push(child_id, ref, priority, run_after))
    return pushes


def _schedule_if_ready(con: duckdb.DuckDBPyConnection, job: JobResult, now: dt.datetime) -> list[Push]:
    """Give a queued job a trigger if its parents are done, or fail it if they never will be."""
    parents = _parents(con, job.depends_on)
    blocker = _blocker(parents, job.depends_on)
    if blocker is not None:
        _fail_blocked(con, job.id, *blocker, now)
        return _settle_dependents(con, job.id, now)
    if all(parents[p] == DONE for p in job.depends_on):
        ref = new_ref()
        con.execute("UPDATE jobs SET queue_ref = ?, updated_at = ? WHERE id = ?", [ref, now, job.id]).fetchall()
        return [Push(job.id, ref, job.priority, job.run_after)]
    con.execute("UPDATE jobs SET queue_ref = NULL WHERE id = ?", [job.id]).fetchall()
    return []


class Ledger:
    """Reads on the store's reader cursors; every change through the store's writer."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- reading --------------------------------------------------------------------------

    def get(self, job_id: str) -> JobResult:
        row = self.store.read_one(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", [job_id])
        if row is None:
            raise JobNotFound(f"There is no job {job_id}.")
        return _row_to_job(row)

    def list(
        self,
        *,
        statuses: Collection[str] | None = None,
        name: str | None = None,
        tag: str | None = None,
        limit: int | None = 100,
    ) -> Jobs:
        """Jobs, running first, then queued (in the order they will run), then the latest finished."""
        where: builtins.list[str] = ["true"]
        params: builtins.list[Any] = []
        if statuses:
            where.append("list_contains(?, status)")
            params.append(list(statuses))
        if name:
            where.append("name = ?")
            params.append(name)
        if tag:
            where.append("list_contains(tags, ?)")
            params.append(tag)
        sql = f"SELECT {_COLUMNS} FROM jobs WHERE {' AND '.join(where)} {_ORDER}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_row_to_job(r) for r in self.store.read(sql, params)]

    def counts(self) -> dict[str, int]:
        return dict(self.store.read("SELECT status, count(*) FROM jobs GROUP BY status"))

    def running_summary(self) -> tuple[int, int, float]:
        """(running, queued, mean progress of the running jobs) — for the header indicator."""
        row = self.store.read_one(
            """SELECT count(*) FILTER (WHERE status = 'running'), count(*) FILTER (WHERE status = 'queued'),
                      coalesce(avg(progress) FILTER (WHERE status = 'running'), 0)
               FROM jobs WHERE status IN ('running', 'queued')"""
        )
        assert row is not None
        return int(row[0]), int(row[1]), float(row[2])

    def last_created(self, tag: str) -> tuple[dt.datetime | None, bool]:
        """(creation time of the newest job with ``tag``, whether one with it is still active)."""
        row = self.store.read_one(
            "SELECT max(created_at), bool_or(status IN ('queued', 'running')) FROM jobs WHERE list_contains(tags, ?)",
            [tag],
        )
        return (row[0], bool(row[1])) if row else (None, False)

    # -- changing -------------------------------------------------------------------------

    def insert(self, job: JobResult) -> Pushes:
        """Add ``job`` (status queued); its trigger if it can run now (parents done)."""

        # Without parents the job can run at once: its trigger is decided here, in the one INSERT.
        ref = new_ref() if not job.depends_on else None

        def unit(con: duckdb.DuckDBPyConnection) -> Pushes:
            if job.depends_on:
                missing = [p for p in job.depends_on if p not in _parents(con, job.depends_on)]
                if missing:
                    raise JobNotFound(f"The job it should wait for does not exist: {', '.join(missing)}.")
            con.execute(
                f"""INSERT INTO jobs ({_COLUMNS}) VALUES (?, ?, ?, 'queued', ?, 0, '', NULL, NULL, 0, ?, ?, NULL, ?,
                    ?, NULL, NULL, ?, ?, ?, ?, false, NULL, ?)""",
                [job.id, job.name, json.dumps(job.args), job.priority, job.max_attempts, job.timeout_s, job.run_after,
                 job.created_at, job.created_at, job.created_by, list(job.depends_on), list(job.tags), ref],
            ).fetchall()
            if ref is not None:
                return [Push(job.id, ref, job.priority, job.run_after)]
            con.execute("UPDATE jobs SET waited_on = true WHERE list_contains(?, id)", [list(job.depends_on)]).fetchall()
            return _schedule_if_ready(con, job, job.created_at)

        return self.store.write(unit)

    def claim(self, job_id: str, ref: str, owner: str, lease_s: float) -> tuple[JobResult | None, Pushes]:
        """queued → running for the trigger ``ref``; ``None`` if that trigger is stale.

        A job that has used up its attempts (it was interrupted again and again, e.g. because it
        crashes the app) fails here instead of running once more.
        """

        def unit(con: duckdb.DuckDBPyConnection) -> tuple[JobResult | None, Pushes]:
            now = utcnow()
            # The usual case in one statement (each DuckDB statement costs ~1 ms on the writer).
            rows = con.execute(
                f"""UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ?, finished_at = NULL,
                   message = '', lease_owner = ?, lease_expires_at = ?, updated_at = ?, cancel_requested = false
                   WHERE id = ? AND status = 'queued' AND queue_ref = ? AND attempts < max_attempts
                   RETURNING {_CLAIMED}""",
                [now, owner, now + dt.timedelta(seconds=lease_s), now, job_id, ref],
            ).fetchall()
            if rows:
                return _claimed(rows[0]), []
            job = _get(con, job_id)
            if job is None or job.status != QUEUED or job.queue_ref != ref:
                return None, []
            if job.attempts >= job.max_attempts:
                con.execute(
                    """UPDATE jobs SET status = 'failed', finished_at = ?, updated_at = ?, queue_ref = NULL,
                       error = coalesce(error, ?) WHERE id = ?""",
                    [now, now, texts.encode(STOPPED_TIMES(n=job.attempts)), job_id],
                ).fetchall()
                return None, _settle_dependents(con, job_id, now)
            return None, []

        return self.store.write(unit)

    def progress(self, job_id: str, attempt: int, fraction: float, message: str, checkpoint: Any = None, *, wait: bool = False) -> None:
        """Record progress of attempt ``attempt`` (ignored once that attempt is over)."""
        params = [fraction, texts.encode(message), json.dumps(checkpoint) if checkpoint is not None else None, utcnow(), job_id, attempt]

        def unit(con: duckdb.DuckDBPyConnection) -> None:
            con.execute(
                """UPDATE jobs SET progress = ?, message = ?, checkpoint = coalesce(?, checkpoint), updated_at = ?
                   WHERE id = ? AND attempts = ? AND status = 'running'""",
                params,
            ).fetchall()

        future = self.store.submit(unit)
        if wait:
            future.result()

    def renew(self, owner: str, job_ids: Iterable[str], lease_s: float) -> None:
        ids = list(job_ids)
        if not ids:
            return
        now = utcnow()
        self.store.execute(
            """UPDATE jobs SET lease_expires_at = ? WHERE status = 'running' AND lease_owner = ? AND list_contains(?, id)""",
            [now + dt.timedelta(seconds=lease_s), owner, ids],
        )

    def finish(
        self,
        job_id: str,
        attempt: int,
        status: str,
        *,
        result: Any = None,
        error: str | None = None,
        message: str | None = None,
    ) -> Pushes:
        """running → done | failed | cancelled, for attempt ``attempt`` only."""
        assert status in FINISHED
        result_json = json.dumps(result) if result is not None else None

        def unit(con: duckdb.DuckDBPyConnection) -> Pushes:
            now = utcnow()
            changed = con.execute(
                """UPDATE jobs SET status = ?, result = ?, error = ?, message = coalesce(?, message),
                   progress = CASE WHEN ? = 'done' THEN 1 ELSE progress END,
                   finished_at = ?, updated_at = ?, lease_expires_at = NULL, queue_ref = NULL
                   WHERE id = ? AND attempts = ? AND status = 'running' RETURNING waited_on""",
                [status, result_json, texts.encode(error), texts.encode(message), status, now, now, job_id, attempt],
            ).fetchall()
            return _settle_dependents(con, job_id, now) if changed and changed[0][0] else []

        return self.store.write(unit)

    def retry_later(self, job_id: str, attempt: int, delay_s: float, error: str, message: str) -> Push | None:
        """running → queued again after a transient failure, to run in ``delay_s`` seconds."""

        def unit(con: duckdb.DuckDBPyConnection) -> Push | None:
            now = utcnow()
            eta = now + dt.timedelta(seconds=delay_s)
            ref = new_ref()
            rows = con.execute(
                """UPDATE jobs SET status = 'queued', error = ?, message = ?, run_after = ?, queue_ref = ?,
                   lease_expires_at = NULL, lease_owner = NULL, updated_at = ?
                   WHERE id = ? AND attempts = ? AND status = 'running' RETURNING priority""",
                [texts.encode(error), texts.encode(message), eta, ref, now, job_id, attempt],
            ).fetchall()
            return Push(job_id, ref, rows[0][0], eta) if rows else None

        return self.store.write(unit)

    def interrupted(self, job_id: str, attempt: int) -> None:
        """running → queued because the app is shutting down; the attempt does not count.

        No trigger: recovery at the next start finds the job missing from the queue and pushes it.
        """
        now = utcnow()
        self.store.execute(
            """UPDATE jobs SET status = 'queued', attempts = attempts - 1, lease_expires_at = NULL, lease_owner = NULL,
               queue_ref = NULL, updated_at = ? WHERE id = ? AND attempts = ? AND status = 'running'""",
            [now, job_id, attempt],
        )

    def cancel(self, job_id: str, *, running_is_orphan: bool) -> tuple[JobResult, Pushes]:
        """A queued job is cancelled at once; a running one is asked to stop (cooperatively).

        ``running_is_orphan``: no process runs jobs now (the CLI with the app stopped), so a
        ``running`` row is a leftover of a crash and can be cancelled directly.
        """

        def unit(con: duckdb.DuckDBPyConnection) -> tuple[JobResult, Pushes]:
            job = _must_get(con, job_id)
            now = utcnow()
            if job.finished:
                raise JobStateError(f"The job {job_id} has already finished ({job.status}); there is nothing to cancel.")
            if job.status == QUEUED or running_is_orphan:
                con.execute(
                    """UPDATE jobs SET status = 'cancelled', finished_at = ?, updated_at = ?, queue_ref = NULL,
                       lease_expires_at = NULL, cancel_requested = true WHERE id = ?""",
                    [now, now, job_id],
                ).fetchall()
                pushes = _settle_dependents(con, job_id, now)
            else:
                con.execute("UPDATE jobs SET cancel_requested = true, updated_at = ? WHERE id = ?", [now, job_id]).fetchall()
                pushes = []
            return _must_get(con, job_id), pushes

        return self.store.write(unit)

    def retry(self, job_id: str) -> tuple[JobResult, Pushes]:
        """failed | cancelled → queued, with a fresh count of attempts."""

        def unit(con: duckdb.DuckDBPyConnection) -> tuple[JobResult, Pushes]:
            job = _must_get(con, job_id)
            if job.status not in (FAILED, CANCELLED):
                raise JobStateError(f"The job {job_id} is {job.status}; only failed or cancelled jobs can be retried.")
            now = utcnow()
            con.execute(
                """UPDATE jobs SET status = 'queued', attempts = 0, progress = 0, message = '', result = NULL, error = NULL,
                   started_at = NULL, finished_at = NULL, run_after = NULL, lease_expires_at = NULL, lease_owner = NULL,
                   cancel_requested = false, checkpoint = NULL, updated_at = ? WHERE id = ?""",
                [now, job_id],
            ).fetchall()
            job = _must_get(con, job_id)
            pushes = _schedule_if_ready(con, job, now)
            return _must_get(con, job_id), pushes

        return self.store.write(unit)

    def recover(
        self,
        *,
        live_refs: Collection[str],
        running_alive: Callable[[JobResult], bool],
        queued_grace_s: float = 0.0,
    ) -> Pushes:
        """Put back what a crash or a lost trigger left behind; the triggers to push.

        - ``running`` jobs for which ``running_alive(job)`` is false (at start-up: all of them, the
          instance lock proves no other process runs jobs; later: an expired lease not held by a
          job this process runs) go back to ``queued`` — or fail, once out of attempts.
        - ``queued`` jobs whose trigger is not in the queue (``live_refs``) get a new one, if their
          parents are done; ``queued_grace_s`` skips jobs changed very recently (a trigger being
          taken right now is briefly in neither place).
        """

        def unit(con: duckdb.DuckDBPyConnection) -> Pushes:
            now = utcnow()
            pushes: Pushes = []
            requeued: set[str] = set()
            running = [_row_to_job(r) for r in con.execute(f"SELECT {_COLUMNS} FROM jobs WHERE status = 'running'").fetchall()]
            for job in running:
                if running_alive(job):
                    continue
                if job.cancel_requested:
                    con.execute(
                        "UPDATE jobs SET status = 'cancelled', finished_at = ?, updated_at = ?, queue_ref = NULL WHERE id = ?",
                        [now, now, job.id],
                    ).fetchall()
                    pushes += _settle_dependents(con, job.id, now)
                    continue
                # Out of attempts: claim() fails it with a plain message when the trigger arrives.
                con.execute(
                    """UPDATE jobs SET status = 'queued', lease_expires_at = NULL, lease_owner = NULL, queue_ref = NULL,
                       message = ?, updated_at = ? WHERE id = ?""",
                    [texts.encode(INTERRUPTED()), now, job.id],
                ).fetchall()
                requeued.add(job.id)
            cutoff = now - dt.timedelta(seconds=queued_grace_s)
            queued = [_row_to_job(r) for r in con.execute(f"SELECT {_COLUMNS} FROM jobs WHERE status = 'queued' ORDER BY id").fetchall()]
            for job in queued:
                if job.id not in requeued and (job.updated_at > cutoff or job.queue_ref in live_refs):
                    continue
                pushes += _schedule_if_ready(con, job, now)
            return pushes

        return self.store.write(unit)
