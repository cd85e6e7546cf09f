"""Benchmarks of the job system: enqueue-to-start latency, idle CPU of the consumer, throughput of
no-op jobs — each next to plain Huey with the same consumer settings (no ledger) as the baseline.
They print figures ("Fieldbook figures" at the end of the pytest output) and assert only that the
work was done.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_jobs.py -m bench -s
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from pathlib import Path

import pytest
from huey import SqliteHuey

from jobs import tasks as builtin_tasks
from jobs.consumer import start_consumer
from jobs.queue import JobQueue
from jobs.service import JobService
from store.core.db import Store
from tests.conftest import REPORT
from tests.jobs import tasks

pytestmark = pytest.mark.bench

builtin_tasks.load()

IDLE_S = 4.0
SAMPLES = 150
COUNT = 300


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _wait(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.0005)


class PlainHuey:
    """The baseline: Huey alone, same file type and consumer settings, a task that notes its start."""

    def __init__(self, path: Path) -> None:
        self.huey = SqliteHuey("plain", filename=str(path), results=False)
        self.started: dict[int, float] = {}

        @self.huey.task()
        def note(n: int) -> None:
            self.started[n] = time.monotonic()

        self.note = note
        self.consumer = start_consumer(self.huey, workers=2)

    def close(self) -> None:
        self.consumer.stop(graceful=True)
        self.huey.storage.close()


def _latencies(enqueue, started, count: int, rng: random.Random) -> list[float]:
    samples = []
    for i in range(count):
        time.sleep(rng.uniform(0, 0.05))  # idle gaps, so the workers' polling backoff matters
        t0 = time.monotonic()
        enqueue(i)
        _wait(lambda i=i: started(i) is not None)
        samples.append(started(i) - t0)
    return samples


def test_jobs_latency_idle_cpu_and_throughput(tmp_path):
    rng = random.Random(3)
    store = Store.open(tmp_path / "fieldbook.duckdb")
    # idle CPU of the process before the job system starts (the store's writer idles on a queue)
    time.sleep(0.5)
    cpu0, wall0 = time.process_time(), time.monotonic()
    time.sleep(IDLE_S)
    base_idle = (time.process_time() - cpu0) / (time.monotonic() - wall0)

    service = JobService(store, JobQueue(tmp_path / "jobs.sqlite3"), data_dir=tmp_path)
    service.start()
    try:
        time.sleep(1.5)  # the workers' polling has backed off to its slowest
        cpu0, wall0 = time.process_time(), time.monotonic()
        time.sleep(IDLE_S)
        idle = (time.process_time() - cpu0) / (time.monotonic() - wall0)

        def first_run(key: str) -> float | None:
            runs = tasks.RUNS.get(key)
            return runs[0] if runs else None

        after_idle = []
        for i in range(3):
            time.sleep(1.5)
            t0 = time.monotonic()
            service.enqueue("test.record", {"key": f"idle-{i}"})
            _wait(lambda i=i: first_run(f"idle-{i}") is not None)
            after_idle.append(first_run(f"idle-{i}") - t0)  # type: ignore[operator]

        latencies = _latencies(
            lambda i: service.enqueue("test.record", {"key": f"lat-{i}"}),
            lambda i: first_run(f"lat-{i}"),
            SAMPLES,
            rng,
        )

        count = COUNT
        t0 = time.monotonic()
        ids = [service.enqueue("test.noop") for _ in range(count)]
        enqueued = time.monotonic() - t0
        _wait(lambda: service.ledger.counts().get("done", 0) >= count + SAMPLES + 3, timeout=120)
        total = time.monotonic() - t0
        assert all(service.poll(i).status == "done" for i in ids[:: count // 10])
    finally:
        service.stop()
        store.close()

    plain = PlainHuey(tmp_path / "plain.sqlite3")
    try:
        plain_lat = _latencies(lambda i: plain.note(i), plain.started.get, SAMPLES, rng)
        plain.started.clear()
        t0 = time.monotonic()
        for i in range(count):
            plain.note(i)
        _wait(lambda: len(plain.started) >= count, timeout=120)
        plain_total = time.monotonic() - t0
    finally:
        plain.close()

    REPORT.append(
        f"jobs enqueue → task starts, {SAMPLES} jobs with idle gaps: p50 {ms(pct(latencies, 50))}, p99 {ms(pct(latencies, 99))}; "
        f"after 1.5 s idle: max {ms(max(after_idle))}; plain Huey (same consumer settings, no ledger): "
        f"p50 {ms(pct(plain_lat, 50))}, p99 {ms(pct(plain_lat, 99))}"
    )
    REPORT.append(
        f"jobs idle CPU (2 workers + scheduler + keeper, {IDLE_S:g} s): {idle * 100:.2f}% of one core; "
        f"the same process before the job system started: {base_idle * 100:.2f}%"
    )
    REPORT.append(
        f"jobs throughput, {count} no-op jobs: {count / total:,.0f} jobs/s end to end (enqueue alone {count / enqueued:,.0f}/s, "
        f"3 ledger commits per job); plain Huey no-op tasks: {count / plain_total:,.0f}/s"
    )
    assert statistics.median(latencies) > 0
    assert threading.active_count() >= 1
