"""Fixtures shared by the unit tests: real DuckDB files under ``tmp_path``, real child processes."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from store.core.db import Store

REPO_ROOT = Path(__file__).resolve().parents[2]
WAIT = 30  # seconds; only reached if the writer hangs


@contextmanager
def writer_held(store: Store) -> Iterator[None]:
    """Keep the writer busy inside a unit until the block ends, so that what the block submits
    is queued and taken as one batch afterwards."""
    started, release = threading.Event(), threading.Event()

    def blocker(con: duckdb.DuckDBPyConnection) -> None:
        started.set()
        release.wait(WAIT)

    future = store.submit(blocker)
    assert started.wait(WAIT), "writer never ran the blocker"
    try:
        yield
    finally:
        release.set()
        future.result(WAIT)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "fieldbook.duckdb"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """A migrated store on a fresh file; closed at the end (closing twice is harmless)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    s = Store.open(db_path)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def child_ready() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start ``python -c CODE ARGS`` (able to import Fieldbook) and wait for its ``ready`` line.

    The child prints ``ready`` once it holds what the test needs (a lock, an open database).
    Children still running at the end are killed.
    """
    children: list[subprocess.Popen[str]] = []

    def start(code: str, *args: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        children.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != "ready":
            proc.kill()
            _, err = proc.communicate()
            raise AssertionError(f"child did not get ready: {line!r}\n{err}")
        return proc

    yield start
    for proc in children:
        proc.kill()
        proc.communicate()
