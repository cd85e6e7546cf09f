"""The sync settings of this device: server URL and user, online switch, interval; and the
connection test.

Kept in DuckDB's ``sync_state`` (store/sync/state.py) — the URL only in its public form, never a
password: passwords go to the OS keyring (store/sync/credentials.py). The online switch and the
interval default to the config file's ``mode`` and ``sync_interval_min`` until the user changes
them (``apply_config`` refreshes those defaults at every start).

``check_connection`` talks to the network: it runs in a job or the CLI, never in a page rerun;
likewise anything that asks the keyring (``refresh_password_flag``): the page reads the flag that
``configure``, a sync, a connection test and ``sync status`` leave in ``sync_state``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from store.core.config import AppConfig
from store.core.db import Store
from store.core.errors import ConfigError, SyncError
from store.sync import credentials, state
from store.sync.connect import check_url, connect, public_url, server_identity, split_password, translate, url_user, with_user
from store.sync.errors import ServerNotInitialised, error_code

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = state.DEFAULT_INTERVAL_S
MIN_INTERVAL_S, MAX_INTERVAL_S = 60, 86_400


@dataclass(frozen=True)
class SyncSettings:
    url: str | None  # public URL incl. user, never a password: postgresql://alice@host:5432/fieldbook
    user: str | None
    online: bool  # default from config `mode` until the user switches
    interval_s: int

    def to_dict(self) -> dict[str, object]:
        return {"url": self.url, "user": self.user, "online": self.online, "interval_s": self.interval_s}


def _config_defaults(cfg: AppConfig) -> dict[str, str | None]:
    return {state.CONFIG_MODE: cfg.mode, state.CONFIG_INTERVAL: str(int(cfg.sync_interval_min) * 60)}


def apply_config(store: Store, cfg: AppConfig) -> None:
    """Remember the config file's defaults (online mode, interval) so that every reader of the
    store — the header's ``status``, the CLI — agrees with the app; written only when changed."""
    wanted = _config_defaults(cfg)
    known = state.values(store)
    if any(known.get(k) != v for k, v in wanted.items()):
        state.save(store, **wanted)


def load(store: Store, cfg: AppConfig | None = None) -> SyncSettings:
    known = state.values(store)
    if cfg is not None:
        known = {**known, **_config_defaults(cfg)}
    url = known.get(state.SERVER)
    return SyncSettings(url=url, user=url_user(url) if url else None, online=state.is_online(known), interval_s=state.interval_of(known))


def configure(
    store: Store, url: str, *, user: str | None = None, password: str | None = None, password_stored: bool | None = None
) -> SyncSettings:
    """Set the server (and user, and password) this device syncs with.

    ``user`` overrides the URL's user; a password inside the URL goes to the keyring and is
    stripped; ``password=None`` keeps the stored one, ``""`` forgets it. ``password_stored`` tells
    what a caller that used the keyring itself (the CLI) found there. A different server (host,
    port or database) clears the failures of the old one and is tried soon; each server keeps its
    own cursor, so going back to an earlier server resumes where this device stopped with it.
    Does not wait for a running sync (it finishes with the server it started with).
    Raises ``ServerUrlError`` / ``KeyringError`` with a plain sentence; nothing is changed then.
    """
    url = check_url(url)
    bare, in_url = split_password(url)
    shown = with_user(bare, (user or "").strip() or None)
    check_url(shown)
    if password is None and in_url is not None:
        password = in_url
    if password == "":
        credentials.forget_password(shown)
        password_stored = False
    elif password is not None:
        credentials.save_password(shown, password)  # first: a keyring that refuses leaves everything as it was
        password_stored = True

    def unit(con: duckdb.DuckDBPyConnection) -> None:
        known = dict(con.execute("SELECT key, value FROM sync_state").fetchall())
        previous = known.get(state.SERVER)
        update: dict[str, str | None] = {state.SERVER: shown}
        if previous is None or server_identity(previous) != server_identity(shown):
            if previous is not None and known.get(state.CURSOR) is not None:  # an older version's single cursor: the old server's
                if state.cursor_key(previous) not in known:
                    update[state.cursor_key(previous)] = known[state.CURSOR]
                update[state.CURSOR] = None
            update.update({
                state.FAILURES: "0", state.LAST_ERROR: None, state.LAST_ERROR_CODE: None, state.NEXT_ATTEMPT: datetime.now(UTC).isoformat(),
            })
        elif previous != shown:  # another user on the same server: its earlier refusal may no longer hold
            update.update({state.FAILURES: "0", state.NEXT_ATTEMPT: datetime.now(UTC).isoformat()})
        if password_stored is not None:
            update[state.password_key(shown)] = "1" if password_stored else "0"
        state.set_values(con, update)

    store.write(unit)
    state.invalidate(store)
    log.info("sync server set to %s", shown)
    return load(store)


def password_stored(store: Store, url: str | None) -> bool | None:
    """Whether the keyring holds a password for ``url``'s user and server, as last seen (None: not
    known yet). Reads only the database: safe in a page rerun."""
    return state.password_stored(state.values(store), url)


def refresh_password_flag(store: Store, url: str | None = None) -> bool | None:
    """Ask the keyring whether it holds a password for ``url`` (default: the configured server) and
    note the answer. Keyring I/O (may wait on D-Bus or an unlock prompt): jobs, the CLI and the
    scheduler's thread only, never a page rerun."""
    url = url or state.get(store, state.SERVER)
    if not url:
        return None
    stored = credentials.has_password(url)
    state.remember_password(store, url, stored)
    return stored


def set_online(store: Store, online: bool) -> None:
    """Switch online mode on or off; on: the periodic sync tries soon (within a second or two)."""
    update: dict[str, str | None] = {state.ONLINE: "1" if online else "0"}
    if online:
        update[state.NEXT_ATTEMPT] = datetime.now(UTC).isoformat()
    state.save(store, **update)
    log.info("sync switched %s", "online" if online else "offline")


def set_interval(store: Store, seconds: int) -> None:
    """How often the periodic sync runs while online (60 s to 24 h)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not MIN_INTERVAL_S <= seconds <= MAX_INTERVAL_S:
        raise ConfigError(f"The sync interval must be a whole number of seconds between {MIN_INTERVAL_S} (1 minute) and {MAX_INTERVAL_S:,} (24 hours).")
    state.save(store, **{state.INTERVAL: str(seconds)})


# -- the connection test ----------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    code: str  # "ok" | "url" | "unreachable" | "refused" | "tls" | "timeout" | "too_old" | "schema_new" | "not_initialised" | "error"
    message: str  # plain English sentence (the UI shows a localised sentence for `code`, this as detail)
    server_version: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "code": self.code, "message": self.message, "server_version": self.server_version}


def _server_version(number: int) -> str:
    major = number // 10000
    return f"{major}.{number % 10000}" if major >= 10 else f"{major}.{number // 100 % 100}.{number % 100}"


def resolve_password(url: str, password: str | None, *, remember: Store | None = None) -> str | None:
    """The password to connect with: given, else inside the URL, else the keyring's (else libpq's
    own). With ``remember``, what the keyring said is noted for the Settings page."""
    if password:
        return password
    _, in_url = split_password(url)
    if in_url is not None:
        return in_url
    found = credentials.password_for(url)
    if remember is not None:
        state.remember_password(remember, public_url(url), found is not None)
    return found


def check_connection(store: Store, url: str | None = None, *, user: str | None = None, password: str | None = None) -> ConnectionCheck:
    """Connect, check the PostgreSQL version and Fieldbook's tables, and say how it went.

    Never raises for network or server problems (they are the answer). ``url`` defaults to the
    configured server; ``password`` to the one in the keyring.
    """
    try:
        chosen = url or state.get(store, state.SERVER)
        if not chosen:
            return ConnectionCheck(False, "url", "No sync server is set. Enter one like postgresql://USER@HOST:PORT/DATABASE.")
        chosen = check_url(chosen)
        target = with_user(chosen, (user or "").strip() or None)
        _, in_url = split_password(chosen)
        if not (password or in_url):
            password = credentials.password_for(target)
            state.remember_password(store, target, password is not None)
        return _check(target, password or in_url)
    except (SyncError, ConfigError) as exc:
        return ConnectionCheck(False, error_code(exc), str(exc))
    except Exception as exc:  # a bug must not break the Settings page: say it in one sentence
        log.exception("connection test failed unexpectedly")
        return ConnectionCheck(False, "error", f"The connection test failed unexpectedly ({type(exc).__name__}); see the log.")


def _check(url: str, password: str | None) -> ConnectionCheck:
    import psycopg  # here, with the server schema's checks: the app's start imports this module, not the driver

    from store.sync.server_schema import KNOWN_VERSION, applied_versions, check_schema, check_version

    shown = public_url(url)
    conn = connect(url, password=password, statement_timeout_ms=30_000)
    try:
        version = _server_version(conn.info.server_version)
        try:
            check_version(conn)
            applied = applied_versions(conn)
            check_schema(conn, applied)
        except psycopg.Error as exc:
            raise translate(exc, url, password) from None
        except SyncError as exc:
            return ConnectionCheck(False, error_code(exc), str(exc), version)
        if KNOWN_VERSION not in applied:
            missing = ServerNotInitialised(
                f"The server {shown} (PostgreSQL {version}) answers, but has no Fieldbook tables yet (or older ones). "
                "An admin sets it up with `fieldbook sync init-server --url URL`."
            )
            return ConnectionCheck(False, missing.code, str(missing), version)
        return ConnectionCheck(True, "ok", f"Connected to {shown} (PostgreSQL {version}); Fieldbook's tables are ready.", version)
    finally:
        conn.close()
