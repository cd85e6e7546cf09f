"""Connecting to the sync server, with timeouts, and turning driver errors into plain sentences.

The URL may name the user (``postgresql://alice@host:5432/fieldbook``); a password is passed
separately and never stored: ``public_url`` is the only form of the URL that is written anywhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg

from store.errors import SyncError
from store.sync.errors import ServerRefused, ServerUnreachable, ServerUrlError, SyncTimeout

CONNECT_TIMEOUT_S = 10
STATEMENT_TIMEOUT_MS = 120_000  # one batch of 1,000 changes takes well under a second


def public_url(url: str) -> str:
    """``url`` without a password (the form that may be stored, logged and shown)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = (parts.username or "") + "@" + (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def check_url(url: str) -> str:
    url = (url or "").strip()
    if not url.startswith(("postgresql://", "postgres://")):
        raise ServerUrlError("The server URL must look like postgresql://USER@HOST:PORT/DATABASE.")
    return url


def connect(url: str, *, password: str | None = None, statement_timeout_ms: int = STATEMENT_TIMEOUT_MS) -> psycopg.Connection:
    """An open connection (autocommit: every transaction is explicit) or a ``SyncError`` that says why not."""
    url = check_url(url)
    kwargs: dict[str, object] = {"connect_timeout": CONNECT_TIMEOUT_S, "options": f"-c statement_timeout={int(statement_timeout_ms)}"}
    if password is not None:
        kwargs["password"] = password
    try:
        return psycopg.connect(url, application_name="fieldbook-sync", autocommit=True, **kwargs)  # type: ignore[arg-type]
    except psycopg.Error as exc:
        raise translate(exc, url) from None


def translate(exc: BaseException, url: str) -> SyncError:
    """A driver error as a plain ``SyncError`` (the URL shown without password)."""
    if isinstance(exc, SyncError):
        return exc
    shown = public_url(url)
    text = str(exc).lower()
    if isinstance(exc, psycopg.errors.QueryCanceled) or "timeout" in text or "timed out" in text:
        return SyncTimeout(f"The server {shown} did not answer in time. Your changes are kept; try again later.")
    if "password" in text or "authentication" in text or "role" in text and "does not exist" in text:
        return ServerRefused(f"The server {shown} refused the user name or password. Check them and try again.")
    if "database" in text and "does not exist" in text:
        return ServerRefused(f"The database in {shown} does not exist on that server. Check the URL.")
    if "ssl" in text or "tls" in text or "certificate" in text:
        return ServerRefused(f"A secure (TLS) connection to {shown} failed: {str(exc).strip().splitlines()[0]}.")
    if isinstance(exc, psycopg.OperationalError):
        return ServerUnreachable(
            f"Cannot reach the server {shown}: it is down, the address is wrong, or there is no network. "
            "Your changes are kept and will be sent at the next sync."
        )
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return SyncError(f"The sync with {shown} failed: {first}. Your changes are kept; nothing was lost.")
