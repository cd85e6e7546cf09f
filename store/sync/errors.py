"""Why a sync failed, one class per cause a person can act on.

``str(error)`` is the plain sentence for the user; the local data is never touched by a failed sync
(the outbox keeps every change until the server has committed it).
"""

from __future__ import annotations

from store.errors import ConfigError, SyncError


class ServerUnreachable(SyncError):
    """No connection: wrong host or port, the server is down, or the network is gone."""


class ServerRefused(SyncError):
    """The server answered but refused us: wrong user, password, database, or TLS settings."""


class SyncTimeout(SyncError):
    """The server took too long (connecting or running a statement)."""


class ServerTooOld(SyncError):
    """The PostgreSQL version is older than the one Fieldbook needs."""


class ServerSchemaTooNew(SyncError):
    """The server was set up by a newer Fieldbook."""


class ServerNotInitialised(SyncError):
    """The database has no Fieldbook tables yet (``fieldbook sync init-server``)."""


class ServerUrlError(ConfigError):
    """No server URL, or one that cannot be used."""
