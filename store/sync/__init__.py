"""Online mode: sync this device's records with a central PostgreSQL server.

``init_server(url)`` sets up (or updates) the server's tables; ``sync_now(store, url)`` pushes the
outbox and pulls the other devices' changes; ``status(store)`` says what is pending. No streamlit
here; the CLI is store/sync/cli.py.
"""

from store.sync.engine import SyncReport, sync_now
from store.sync.server_schema import init_server
from store.sync.state import SyncStatus, status

__all__ = ["SyncReport", "SyncStatus", "init_server", "status", "sync_now"]
