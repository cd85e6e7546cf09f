"""Fixtures for the job tests: real DuckDB files and real Huey SQLite queues under ``tmp_path``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from jobs import tasks as builtin_tasks
from jobs.queue import JobQueue
from jobs.service import JobService
from store.core.db import Store
from tests.jobs import tasks

Make = Callable[..., JobService]

builtin_tasks.load()


@pytest.fixture(autouse=True)
def _clear_runs() -> Iterator[None]:
    tasks.RUNS.clear()
    yield
    tasks.RUNS.clear()


def close(service: JobService) -> None:
    """Stop the service and close its store (both safe to repeat)."""
    service.stop()
    service.store.close()


@pytest.fixture
def make_service(tmp_path: Path) -> Iterator[Make]:
    """``make_service(queue="sqlite"|"immediate"|None, start=True, **JobService options)``.

    Every service made is stopped and its store closed at the end. Services made one after the
    other on the same ``home`` see the same database and queue file (a restart).
    """
    made: list[JobService] = []

    def make(*, home: Path | None = None, queue: str | None = "sqlite", start: bool = True, **options: object) -> JobService:
        home = home or tmp_path / "data"
        home.mkdir(parents=True, exist_ok=True)
        store = Store.open(home / "fieldbook.duckdb")
        job_queue = {"sqlite": lambda: JobQueue(home / "jobs.sqlite3"), "immediate": JobQueue.immediate, None: lambda: None}[queue]()
        service = JobService(store, job_queue, data_dir=home, **options)  # type: ignore[arg-type]
        made.append(service)
        if start and job_queue is not None:
            service.start()
        return service

    yield make
    for service in reversed(made):
        close(service)
