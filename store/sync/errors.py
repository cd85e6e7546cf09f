"""Why a sync failed, one class per cause a person can act on.

``str(error)`` is the plain sentence for the user; ``code`` is a short stable name the UI turns
into a sentence in its own language (``error_code``). The local data is never touched by a failed
sync (the outbox keeps every change until the server has committed it).
"""

from __future__ import annotations

from store.core.errors import ConfigError, SyncError


class ServerUnreachable(SyncError):
    """No connection: wrong host or port, the server is down, or the network is gone."""

    code = "unreachable"


class ServerRefused(SyncError):
    """The server answered but refused us: wrong user, password or database."""

    code = "refused"


class ServerTls(ServerRefused):
    """A secure (TLS) connection was asked for and could not be made."""

    code = "tls"


class SyncTimeout(SyncError):
    """The server took too long (connecting or running a statement)."""

    code = "timeout"


class ServerTooOld(SyncError):
    """The PostgreSQL version is older than the one Fieldbook needs."""

    code = "too_old"


class ServerSchemaTooNew(SyncError):
    """The server was set up by a newer Fieldbook."""

    code = "schema_new"


class ServerNotInitialised(SyncError):
    """The database has no Fieldbook tables yet (``fieldbook sync init-server``)."""

    code = "not_initialised"


class ServerUrlError(ConfigError):
    """No server URL, or one that cannot be used.

    ``reason`` says which rule the URL broke (one of ``URL_REASONS``), so that the UI can say it in
    its own language; ``values`` fill that sentence (never a password).
    """

    code = "url"

    def __init__(self, message: str, reason: str = "shape", **values: str) -> None:
        super().__init__(message)
        self.reason = reason if reason in URL_REASONS else "shape"
        self.values = values


# Why a URL was refused: no server set, the wrong form, spaces, a port that is not a number, no host,
# no database, a password as a query parameter, an @ or : that libpq reads differently, libpq cannot
# read it at all, or it names another server than the one this device syncs with.
URL_REASONS = ("none", "shape", "spaces", "port", "host", "database", "password_param", "ambiguous", "unreadable", "other_server")


class KeyringError(ConfigError):
    """The password cannot be stored in (or removed from) the system keyring."""

    code = "keyring"

    def __init__(self, message: str, reason: str = "store") -> None:
        super().__init__(message)
        self.reason = reason  # "unusable" (no keyring that can store passwords), "store" or "remove"


CODES = ("ok", "url", "unreachable", "refused", "tls", "timeout", "too_old", "schema_new", "not_initialised", "keyring", "error")


def error_code(exc: BaseException) -> str:
    """The short name of why a sync or a connection test failed (``"error"`` when there is none)."""
    code = getattr(exc, "code", None)
    return code if isinstance(code, str) and code in CODES else "error"
