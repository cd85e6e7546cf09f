"""Online mode: sync this device's records with a central PostgreSQL server.

``init_server(url)`` sets up (or updates) the server's tables; ``settings.configure(store, url)``
sets the server this device syncs with (the password goes to the OS keyring,
store/sync/credentials.py); ``sync_now(store)`` pushes the outbox and pulls the other devices'
changes; ``status(store)`` says what is pending. The sync and the connection test run as jobs
(jobs/tasks/sync.py), periodically while online. No streamlit here; the CLI is store/sync/cli.py.
"""

from store.sync.engine import SyncReport, sync_now
from store.sync.server_schema import init_server
from store.sync.state import SyncStatus, status

__all__ = ["SyncReport", "SyncStatus", "init_server", "status", "sync_now"]
