"""Online mode: sync this device's records with a central PostgreSQL server.

``init_server(url)`` sets up (or updates) the server's tables; ``settings.configure(store, url)``
sets the server this device syncs with (the password goes to the OS keyring,
store/sync/credentials.py); ``sync_now(store)`` pushes the outbox and pulls the other devices'
changes; ``status(store)`` says what is pending. The sync and the connection test run as jobs
(jobs/tasks/sync.py), periodically while online. No streamlit here; the CLI is store/sync/cli.py.

The names below load on first use: the app imports ``store.sync.state`` for its header at every
start, and the engine's and the server schema's modules (~0.1 s) need not come with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.sync.engine import SyncReport, sync_now
    from store.sync.server_schema import init_server
    from store.sync.state import SyncStatus, status

_WHERE = {"SyncReport": "engine", "sync_now": "engine", "init_server": "server_schema", "SyncStatus": "state", "status": "state"}

__all__ = ["SyncReport", "SyncStatus", "init_server", "status", "sync_now"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
