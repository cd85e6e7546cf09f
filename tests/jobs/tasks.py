"""Tasks the job tests run; importing this module registers them (names start with ``test.``).

Runs are recorded in process memory (``RUNS``), so a test can see which job ran when and how
often; the kill test's ``test.effect`` leaves its mark on disk and in the database instead.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from typing import Any

from jobs.context import JobContext
from jobs.errors import TransientJobError
from jobs.registry import task

RUNS: defaultdict[str, list[float]] = defaultdict(list)  # key → start time of every run (monotonic)
_lock = threading.Lock()


def record(key: str) -> int:
    """Note a run of ``key``; returns how many runs it has had, this one included."""
    with _lock:
        RUNS[key].append(time.monotonic())
        return len(RUNS[key])


def order() -> list[str]:
    """Keys in the order their first run started."""
    with _lock:
        return [k for k, _ in sorted(RUNS.items(), key=lambda kv: kv[1][0])]


@task("test.noop", max_attempts=1)
def noop(ctx: JobContext) -> None:
    return None


@task("test.record", max_attempts=1)
def record_run(ctx: JobContext, key: str, seconds: float = 0.0) -> dict[str, Any]:
    record(key)
    if seconds:
        ctx.sleep(seconds)
    return {"key": key}


@task("test.sleep", max_attempts=1)
def sleep(ctx: JobContext, seconds: float, key: str = "", cooperative: bool = True) -> dict[str, Any]:
    if key:
        record(key)
    if cooperative:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ctx.progress(1 - (deadline - time.monotonic()) / seconds, "sleeping")
            if not ctx.sleep(min(0.05, max(0.0, deadline - time.monotonic()))):
                ctx.check_cancelled()
    else:
        time.sleep(seconds)  # ignores every request to stop
    return {"slept": seconds}


@task("test.flaky", max_attempts=4, retry_delay=0.2, jitter=0.2)
def flaky(ctx: JobContext, key: str, fail_times: int) -> dict[str, Any]:
    run = record(key)
    if run <= fail_times:
        raise TransientJobError(f"the server is busy (run {run})")
    return {"runs": run}


@task("test.poison", max_attempts=3, retry_delay=0.1, jitter=0.1)
def poison(ctx: JobContext, key: str = "poison") -> None:
    record(key)
    raise TransientJobError("the input file is damaged")


@task("test.boom", max_attempts=3, retry_delay=0.1)
def boom(ctx: JobContext, key: str = "boom") -> None:
    record(key)
    raise ValueError("the value 42 is not allowed here")


@task("test.oserror", max_attempts=2, retry_delay=0.1, transient=(OSError,))
def oserror(ctx: JobContext, key: str = "oserror") -> dict[str, int]:
    run = record(key)
    if run == 1:
        raise ConnectionResetError("connection reset by peer")
    return {"runs": run}


@task("test.unserializable", max_attempts=1)
def unserializable(ctx: JobContext) -> object:
    return object()


@task("test.effect", max_attempts=20)
def effect(ctx: JobContext, n: int, ms: int) -> dict[str, Any]:
    """The kill test's job: take a while, then leave a deterministic, idempotent mark.

    The file is written through a temp file and renamed; the row is inserted only if missing,
    in one unit of work, so running the job again after a crash changes nothing.
    """
    steps = max(1, ms // 20)
    for step in range(steps):
        ctx.progress(step / steps, f"{step}/{steps}")
        if not ctx.sleep(ms / 1000 / steps):
            ctx.check_cancelled()
    content = f"job {n}: {n * n}\n"
    path = ctx.data_dir / "effects" / f"{n:05d}.txt"
    ctx.write_atomic(path, content)
    ctx.store.write(
        lambda con: con.execute(
            "INSERT INTO effects SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM effects WHERE n = ?)",
            [n, ctx.job_id, content, n],
        ).fetchall()
    )
    return {"n": n, "path": str(path)}
