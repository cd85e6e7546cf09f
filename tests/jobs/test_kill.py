"""The kill test: a child process runs the job system; the parent SIGKILLs it at random moments
and starts it again; in the end every job has finished, and no job's side effect is missing or
there twice. Each job (``test.effect``) takes a random time, then writes a file through temp +
rename and inserts a row keyed by its number only if missing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from jobs.service import JobService
from store.core.db import Store
from tests.conftest import REPORT, ROOT


def _start_child(home: Path, log: Path) -> subprocess.Popen[str]:
    with open(log, "a") as errors:  # the child gets its own copy of the file descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "tests.jobs.kill_child", str(home)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )


def _wait_line(proc: subprocess.Popen[str], wanted: str, timeout: float) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"child ended ({proc.wait()}) before {wanted!r}")
        if line.strip() == wanted:
            return
    raise AssertionError(f"child did not print {wanted!r} within {timeout} s")


def _kill(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    if proc.stdout is not None:
        proc.stdout.close()


def run_kill_test(tmp_path: Path, jobs: int, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    home = tmp_path / "data"
    home.mkdir(parents=True)
    log = tmp_path / "child.log"
    store = Store.open(home / "fieldbook.duckdb")
    store.execute("CREATE TABLE effects (n INTEGER, job_id VARCHAR, content VARCHAR)")
    offline = JobService(store, None, data_dir=home)  # enqueued while no app runs: recovery pushes them
    ids = {offline.enqueue("test.effect", {"n": n, "ms": rng.randint(5, 150)}): n for n in range(jobs)}
    store.close()

    started = time.monotonic()
    for k in range(kills):
        child = _start_child(home, log)
        if k == 0:
            time.sleep(rng.uniform(0.2, 0.5))  # the first kill may land during start-up and recovery
        else:
            _wait_line(child, "ready", 60)
            time.sleep(rng.uniform(0.05, 1.0))
        _kill(child)
    child = _start_child(home, log)
    _wait_line(child, "ready", 60)
    _wait_line(child, "finished", 120)
    assert child.wait(30) == 0, log.read_text()[-3000:]
    child.stdout.close()  # type: ignore[union-attr]
    elapsed = time.monotonic() - started

    store = Store.open(home / "fieldbook.duckdb")
    try:
        rows = store.read("SELECT id, status, attempts, error FROM jobs")
        effects = store.read("SELECT n, job_id, content FROM effects")
    finally:
        store.close()
    statuses = Counter(status for _, status, _, _ in rows)
    assert statuses == {"done": jobs}, (statuses, [r for r in rows if r[1] != "done"][:5], log.read_text()[-3000:])
    per_job = Counter(n for n, _, _ in effects)
    assert sorted(per_job) == list(range(jobs)), "a side effect is missing"
    assert max(per_job.values()) == 1, f"side effects duplicated: {[n for n, c in per_job.items() if c > 1]}"
    assert all(content == f"job {n}: {n * n}\n" and ids[job_id] == n for n, job_id, content in effects)
    files = sorted((home / "effects").iterdir())
    assert [f.name for f in files] == [f"{n:05d}.txt" for n in range(jobs)], "stray or missing files (a temp file left behind?)"
    assert all(f.read_text() == f"job {int(f.stem)}: {int(f.stem) ** 2}\n" for f in files)
    rerun = sum(1 for _, _, attempts, _ in rows if attempts > 1)
    assert rerun >= 1, "no kill hit a running job: the test proved nothing"
    REPORT.append(f"kill test: {jobs} jobs, {kills} × SIGKILL + restart, {rerun} job(s) re-run after a kill; all done once, in {elapsed:.1f} s")


def test_kill_9_loses_and_duplicates_nothing(tmp_path):
    run_kill_test(tmp_path, jobs=100, kills=3, seed=5)


@pytest.mark.slow
def test_kill_9_many_times(tmp_path):
    run_kill_test(tmp_path, jobs=400, kills=12, seed=11)
