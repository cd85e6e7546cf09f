"""The running app, as the Streamlit script sees it.

The launcher opens the store and starts the server in the same process, then installs a
``Runtime`` here; the script (run by Streamlit on its own threads) reads it with ``current()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from store.config import AppConfig
from store.db import Store


@dataclass
class Runtime:
    config: AppConfig
    store: Store
    launch_token: str
    user: str
    request_quit: Callable[[], None] = lambda: None
    window_strategy: str = "none"


_lock = threading.Lock()
_current: Runtime | None = None


def install(runtime: Runtime | None) -> None:
    global _current
    with _lock:
        _current = runtime


def current() -> Runtime | None:
    return _current
