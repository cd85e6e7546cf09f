"""The running app, as the Streamlit script sees it.

The launcher opens the store and starts the server in the same process, then installs a
``Runtime`` here; the script (run by Streamlit on its own threads) reads it with ``current()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # light at import: the launcher starts the server before the store's modules load
    from jobs import JobService
    from store.core import AppConfig, Store
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
    snapshots: Any = None  # app.desktop.snapshot_service.SnapshotService; None when not started
    generation: int = 0  # bumped by a restore: sessions then drop their cached state (app/generation.py)
    inputs: InputStore = field(init=False)

    def __post_init__(self) -> None:
        from store.inputs import InputStore

        self.inputs = InputStore(self.store)


_lock = threading.Lock()
_current: Runtime | None = None
_settled = threading.Event()  # set: current() answers at once; clear while the app is starting
_settled.set()
STARTING_TIMEOUT_S = 120.0


def starting() -> None:
    """The server serves the window's page before the store is open (start-up in parallel): until
    ``install`` (or a failed start's ``install(None)``), a script run asking ``current()`` waits."""
    _settled.clear()


def install(runtime: Runtime | None) -> None:
    global _current
    with _lock:
        _current = runtime
    _settled.set()


def current() -> Runtime | None:
    _settled.wait(STARTING_TIMEOUT_S)
    return _current


def peek() -> Runtime | None:
    """The running app if it has started, else None, at once (``/health`` must not wait)."""
    with _lock:
        return _current
