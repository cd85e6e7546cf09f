"""The running app, as the Streamlit script sees it.

The launcher opens the store and starts the server in the same process, then installs a
``Runtime`` here; the script (run by Streamlit on its own threads) reads it with ``current()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jobs.service import JobService
from store.config import AppConfig
from store.db import Store
from store.inputs import InputStore


@dataclass
class Runtime:
    config: AppConfig
    store: Store
    launch_token: str
    user: str
    request_quit: Callable[[], None] = lambda: None
    window_strategy: str = "none"
    jobs: JobService | None = None  # background jobs; None when not started (e.g. page tests)
    snapshots: Any = None  # app.snapshot_service.SnapshotService; None when not started
    generation: int = 0  # bumped by a restore: sessions then drop their cached state (app/generation.py)
    inputs: InputStore = field(init=False)

    def __post_init__(self) -> None:
        self.inputs = InputStore(self.store)


_lock = threading.Lock()
_current: Runtime | None = None


def install(runtime: Runtime | None) -> None:
    global _current
    with _lock:
        _current = runtime


def current() -> Runtime | None:
    return _current
