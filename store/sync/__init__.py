"""Online mode: sync this device's records with a central PostgreSQL server.

``init_server(url)`` sets up (or updates) the server's tables; ``settings.configure(store, url)``
sets the server this device syncs with (the password goes to the OS keyring,
store/sync/credentials.py); ``sync_now(store)`` pushes the outbox and pulls the other devices'
changes; ``status(store)`` says what is pending. The sync and the connection test run as jobs
(jobs/tasks/sync.py), periodically while online. No streamlit here; the CLI is store/sync/cli.py.

Its public face (below) loads on first use: the app imports ``store.sync.state`` for its header at every
start, and the engine's and the server schema's modules (~0.1 s) need not come with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.core.lazy import public_face

if TYPE_CHECKING:
    from store.sync.conflicts import open_conflict_of as open_conflict_of
    from store.sync.credentials import known_keyring_info as known_keyring_info
    from store.sync.engine import SyncReport as SyncReport
    from store.sync.engine import sync_now as sync_now
    from store.sync.errors import KeyringError as KeyringError
    from store.sync.errors import ServerUrlError as ServerUrlError
    from store.sync.quarantine import quarantined as quarantined
    from store.sync.server_schema import init_server as init_server
    from store.sync.settings import password_stored as password_stored
    from store.sync.state import SyncStatus as SyncStatus
    from store.sync.state import status as status

__all__, __getattr__, __dir__ = public_face(
    __name__,
    {
        "conflicts": "open_conflict_of",
        "credentials": "known_keyring_info",
        "engine": "SyncReport sync_now",
        "errors": "KeyringError ServerUrlError",
        "quarantine": "quarantined",
        "server_schema": "init_server",
        "settings": "password_stored",
        "state": "SyncStatus status",
    },
)
