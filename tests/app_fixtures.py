from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.desktop import runtime
from store.core.config import load_config
from store.core.db import Store
from tests.conftest import ROOT, clean_env

SCRIPT = str(ROOT / "app" / "main.py")
TOKEN = "test-token"


@contextmanager
def installed_runtime(home: Path, *, with_jobs: bool = False) -> Iterator[runtime.Runtime]:
    """The app's runtime on a store in ``home`` (with a running job service if asked), installed
    as the running app installs it; uninstalled and closed afterwards."""
    cfg = load_config(clean_env(home))
    cfg.paths.ensure()
    store = Store.open(cfg.paths.database)
    jobs = None
    if with_jobs:
        from jobs.queue import JobQueue
        from jobs.service import JobService

        jobs = JobService(store, JobQueue(cfg.paths.jobs_queue), data_dir=cfg.paths.data_dir, user="tester")
        jobs.start()
    current = runtime.Runtime(cfg, store, TOKEN, "tester", jobs=jobs)
    runtime.install(current)
    try:
        yield current
    finally:
        runtime.install(None)
        if jobs is not None:
            jobs.stop()
        store.close()


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[runtime.Runtime]:
    with installed_runtime(tmp_path) as current:
        yield current


@pytest.fixture
def new_session(rt: runtime.Runtime) -> Callable[..., AppTest]:
    """A fresh browser session (as after a refresh): new session_state, same store."""

    def make(token: str | None = TOKEN, **params: str) -> AppTest:
        at = AppTest.from_file(SCRIPT, default_timeout=30)
        if token is not None:
            at.query_params["t"] = token
        at.query_params.update(params)
        return at.run()

    return make
