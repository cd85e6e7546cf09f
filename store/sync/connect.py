"""Connecting to the sync server, with timeouts, and turning driver errors into plain sentences.

The URL may name the user (``postgresql://alice@host:5432/fieldbook``); a password is passed
separately and never stored with it: ``public_url`` is the only form of the URL that is written
anywhere, and the password lives in the OS keyring (store/sync/credentials.py). A password as a
query parameter (``?password=``, ``passfile``, ``sslpassword``) is refused, and no text of the
driver that might echo a password (libpq repeats a URL it cannot parse) reaches a message.

psycopg is imported where a URL is checked or a connection made, not with this module: the app
imports it (through the sync status in its header) at every start, and psycopg costs ~0.3 s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from store.core.errors import SyncError
from store.sync.errors import ServerRefused, ServerTls, ServerUnreachable, ServerUrlError, SyncTimeout

# Read at every connect, so a test (or a caller on a slow network) can change it. libpq's minimum is 2 s.
CONNECT_TIMEOUT_S = 10
STATEMENT_TIMEOUT_MS = 120_000  # one batch of 1,000 changes takes well under a second
DEFAULT_PORT = 5432
URL_SHAPE = "postgresql://USER@HOST:PORT/DATABASE"
# Query parameters that carry a secret (or name a file of them): never kept in a URL.
SECRET_PARAMS = ("password", "passfile", "sslpassword")

if TYPE_CHECKING:
    import psycopg

# Driver messages that mean "the connection went away", whatever the transport (a lost TLS
# connection says "SSL SYSCALL error: EOF detected": that is not a TLS problem).
_LOST = (
    "server closed the connection unexpectedly", "connection has been closed unexpectedly", "eof detected",
    "connection refused", "could not translate host name", "name or service not known", "no route to host",
    "network is unreachable", "connection reset", "could not connect", "consuming input failed", "the connection is lost",
)


def _netloc(user: str | None, host: str, port: int | None) -> str:
    shown_host = f"[{host}]" if ":" in host else host
    who = f"{quote(user, safe='')}@" if user else ""
    return who + shown_host + (f":{port}" if port else "")


def public_url(url: str) -> str:
    """``url`` without a password (the form that may be stored, logged and shown)."""
    parts = urlsplit(url)
    query = parts.query
    if any(name.lower() in SECRET_PARAMS for name, _ in parse_qsl(query, keep_blank_values=True)):
        query = urlencode([(n, v) for n, v in parse_qsl(query, keep_blank_values=True) if n.lower() not in SECRET_PARAMS])
    elif parts.password is None:
        return url
    netloc = parts.netloc if parts.password is None else _netloc(unquote(parts.username or "") or None, parts.hostname or "", parts.port)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def split_password(url: str) -> tuple[str, str | None]:
    """(``url`` without password, the password it carried or None)."""
    parts = urlsplit(url)
    return public_url(url), None if parts.password is None else unquote(parts.password)


def url_user(url: str) -> str | None:
    user = urlsplit(url).username
    return unquote(user) if user else None


def with_user(url: str, user: str | None) -> str:
    """``url`` (public form) naming ``user`` instead of the user it names; unchanged for an empty ``user``."""
    url = public_url(url)
    if not user:
        return url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, _netloc(user, parts.hostname or "", parts.port), parts.path, parts.query, parts.fragment))


def server_identity(url: str) -> str:
    """``host:port/database``: the same server whichever user connects (its seq numbers are the same)."""
    parts = urlsplit(url)
    host = (parts.hostname or parse_qs(parts.query).get("host", [""])[0]).lower()
    return f"{host}:{parts.port or DEFAULT_PORT}{parts.path or '/'}"


def keyring_key(url: str) -> str:
    """The name a password is kept under in the keyring: ``user@host:port/database``."""
    return f"{url_user(url) or ''}@{server_identity(url)}"


def check_url(url: str) -> str:
    """``url`` stripped, or ``ServerUrlError`` with a sentence that says what is wrong with it.

    The sentences never repeat the URL: it may carry a password.
    """
    url = (url or "").strip()
    if not url.startswith(("postgresql://", "postgres://")):
        raise ServerUrlError(f"The server URL must look like {URL_SHAPE}.", "shape")
    if any(c.isspace() for c in url):
        raise ServerUrlError(f"The server URL must not contain spaces; it looks like {URL_SHAPE}.", "spaces")
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "Invalid IPv6 URL" for an unclosed [
        raise ServerUrlError(f"The server URL cannot be read; it looks like {URL_SHAPE}.", "unreadable") from None
    if any(name.lower() in SECRET_PARAMS for name, _ in parse_qsl(parts.query, keep_blank_values=True)):
        raise ServerUrlError(
            "The server URL must not carry a password as a parameter (?password=…): enter the password in its own field "
            "(or with `fieldbook sync configure --password-file`); it is kept in the system keyring.",
            "password_param",
        )
    if _ambiguous(parts.netloc, parts.path):
        raise ServerUrlError(
            "The server URL cannot be split into user, password and host: write an @ in the user name or password as %40 "
            "and a / as %2F.",
            "ambiguous",
        )
    try:
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        raise ServerUrlError(f"The port in the server URL must be a number between 1 and 65535 ({URL_SHAPE}).", "port") from None
    if not parts.hostname and "host" not in parse_qs(parts.query):
        raise ServerUrlError(f"The server URL names no host; it looks like {URL_SHAPE}.", "host")
    if parts.path.strip("/") == "":
        raise ServerUrlError(f"The server URL names no database; it looks like {URL_SHAPE}.", "database")
    _check_libpq_reads(url)
    return url


def _ambiguous(netloc: str, path: str) -> bool:
    """An @ or / inside the user name or password that was not %-escaped: libpq would read the URL
    differently from us (``u:p@ss@host`` → host ``ss@host``; ``u:pa/ss@host/db`` → host ``u``)."""
    if netloc.count("@") > 1:
        return True
    segments = path.lstrip("/").split("/")
    return "@" not in netloc and len(segments) > 1 and "@" in segments[0]


def _check_libpq_reads(url: str) -> None:
    """libpq reads the URL as we do, or ``ServerUrlError`` — without libpq's text, which repeats
    the part it could not read (the password, for a bad %-escape in it)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        parsed = conninfo_to_dict(url)
    except psycopg.Error:
        raise ServerUrlError(
            "The server URL cannot be read: a % must be followed by two hexadecimal digits (write a % in the password as %25, "
            f"a / as %2F, an @ as %40). It looks like {URL_SHAPE}.",
            "unreadable",
        ) from None
    in_query = [n for n in SECRET_PARAMS if n in parsed and not (n == "password" and urlsplit(url).password is not None)]
    if in_query:  # e.g. a parameter name written with %-escapes
        raise ServerUrlError(
            "The server URL must not carry a password as a parameter (?password=…): enter the password in its own field "
            "(or with `fieldbook sync configure --password-file`); it is kept in the system keyring.",
            "password_param",
        )


def connect(url: str, *, password: str | None = None, statement_timeout_ms: int = STATEMENT_TIMEOUT_MS) -> psycopg.Connection:
    """An open connection (autocommit: every transaction is explicit) or a ``SyncError`` that says why not."""
    import psycopg

    url = check_url(url)
    kwargs: dict[str, object] = {"connect_timeout": CONNECT_TIMEOUT_S, "options": f"-c statement_timeout={int(statement_timeout_ms)}"}
    if password is not None:
        kwargs["password"] = password
    try:
        return psycopg.connect(url, application_name="fieldbook-sync", autocommit=True, **kwargs)  # type: ignore[arg-type]
    except psycopg.Error as exc:
        raise translate(exc, url, password) from None


def _secrets(url: str, password: str | None) -> list[str]:
    """The passwords a driver text might echo: the URL's (as written and decoded) and the one given."""
    found = [password or ""]
    netloc = urlsplit(url).netloc
    userinfo, at, _ = netloc.rpartition("@")
    if at and ":" in userinfo:
        raw = userinfo.split(":", 1)[1]
        found += [raw, unquote(raw)]
    return [s for s in found if s]


def driver_text(exc: BaseException, url: str, password: str | None = None) -> str | None:
    """The first line of a driver message, or None when it contains any piece (4 characters or
    more, or the whole of a shorter one) of a password that may be in play: then it is not shown."""
    first = str(exc).strip().splitlines()[0].strip() if str(exc).strip() else ""
    for secret in _secrets(url, password):
        size = min(4, len(secret))
        if any(secret[i : i + size] in first for i in range(len(secret) - size + 1)):
            return None
    return first or None


def translate(exc: BaseException, url: str, password: str | None = None) -> SyncError:
    """A driver error as a plain ``SyncError`` (the URL shown without password, and no driver text
    that could repeat the password)."""
    if isinstance(exc, SyncError):
        return exc
    import psycopg

    shown = public_url(url)
    text = str(exc).lower()
    if isinstance(exc, psycopg.errors.QueryCanceled) or "timeout" in text or "timed out" in text:
        return SyncTimeout(f"The server {shown} did not answer in time. Your changes are kept; try again later.")
    if "no password supplied" in text:
        return ServerRefused(
            f"The server {shown} asks for a password and none is stored for this user. "
            "Enter it in Settings or with `fieldbook sync configure --url URL`."
        )
    if "password" in text or "authentication" in text or "role" in text and "does not exist" in text:
        return ServerRefused(f"The server {shown} refused the user name or password. Check them and try again.")
    if "database" in text and "does not exist" in text:
        return ServerRefused(f"The database in {shown} does not exist on that server. Check the URL.")
    if isinstance(exc, psycopg.OperationalError) and any(lost in text for lost in _LOST):
        return _unreachable(shown)
    detail = driver_text(exc, url, password)
    if "ssl" in text or "tls" in text or "certificate" in text or "gssapi" in text:
        why = f": {detail.rstrip('.')}" if detail else ""
        return ServerTls(f"A secure (TLS) connection to {shown} could not be made{why}. Ask the server's admin which TLS settings to use.")
    if isinstance(exc, psycopg.OperationalError):
        return _unreachable(shown)
    why = detail.rstrip(".") if detail else type(exc).__name__
    return SyncError(f"The sync with {shown} failed: {why}. Your changes are kept; nothing was lost.")


def _unreachable(shown: str) -> ServerUnreachable:
    return ServerUnreachable(
        f"Cannot reach the server {shown}: it is down, the address is wrong, or there is no network. "
        "Your changes are kept and will be sent at the next sync."
    )
