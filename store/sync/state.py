"""This device's sync bookkeeping in DuckDB: ``sync_state`` (key → value) and its ``conflicts``.

Keys: ``server`` (the URL without password: the configured server; only ``settings.configure``
changes it, and a sync adopts its URL only when none is set), ``cursor:<host:port/database>`` (the
last seq of THAT server applied here: one cursor per server, so a sync still running with the old
server after the server was changed moves only the old server's cursor; ``cursor`` without a
server is the single cursor of older versions, read as the cursor of the configured server),
``password:<user@host:port/database>`` ("1"/"0": whether the keyring holds a password for it, as
last seen by configure, a sync, a connection test or ``sync status`` — so that the Settings page
never asks the keyring, which may wait on D-Bus or an unlock prompt), ``last_sync_at``,
``last_error`` and ``last_error_code``; ``online`` ("1"/"0", only once the user switched) and ``config_mode`` (the
config file's ``mode``, refreshed at every start: the default until the user switches);
``interval_s`` / ``config_interval_s`` likewise; ``failures`` (consecutive failed syncs),
``next_attempt_at`` (when the periodic sync tries next: the interval after a success, a growing
backoff after failures) and ``last_attempt_at``. Never a password. The outcome of a sync (failures,
last error, next attempt) is recorded only while the server it ran with is still the configured one.

``status`` is what the fixed header shows on every rerun, so it is cached under ``SYNC_TAG`` and
the projects tag (every write of the outbox invalidates the latter); writes here invalidate the
former, and a short TTL bounds anything else (e.g. a conflict resolved elsewhere).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb

from store.core.db import Store
from store.fielddata.projects import PROJECTS_TAG
from store.sync.connect import keyring_key, server_identity

SERVER, CURSOR, LAST_SYNC, LAST_ERROR = "server", "cursor", "last_sync_at", "last_error"
LAST_ERROR_CODE, ONLINE, CONFIG_MODE = "last_error_code", "online", "config_mode"
INTERVAL, CONFIG_INTERVAL = "interval_s", "config_interval_s"
FAILURES, NEXT_ATTEMPT, LAST_ATTEMPT = "failures", "next_attempt_at", "last_attempt_at"

SYNC_TAG = "sync"
STATUS_TTL_S = 2.0
DEFAULT_INTERVAL_S = 300
BACKOFF_BASE_S = 30.0  # after the first failure; doubles with each further one
BACKOFF_MAX_S = 1800.0  # and never more than this (nor more than the interval)
BACKOFF_JITTER = 0.2
RETRY_AFTER_CANCEL_S = 30.0  # a sync stopped part-way with changes left: the next one comes soon


def set_values(con: duckdb.DuckDBPyConnection, values: dict[str, str | None]) -> None:
    """Inside a writer unit: upsert ``values`` into ``sync_state``."""
    for key, value in values.items():
        con.execute(
            """INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, now())
               ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at""",
            [key, value],
        ).fetchall()


def invalidate(store: Store) -> None:
    """Drop the cached status (call after writing outbox, conflicts or sync_state outside this module)."""
    store.cache.invalidate(SYNC_TAG)


def save(store: Store, **values: str | None) -> None:
    store.write(lambda con: set_values(con, values))
    invalidate(store)


def get(store: Store, key: str) -> str | None:
    row = store.read_one("SELECT value FROM sync_state WHERE key = ?", [key])
    return None if row is None else row[0]


def values(store: Store) -> dict[str, str | None]:
    return dict(store.read("SELECT key, value FROM sync_state"))


def cursor_key(server: str) -> str:
    """The ``sync_state`` key of the cursor of ``server`` (any spelling of the same host, port and database)."""
    return f"{CURSOR}:{server_identity(server)}"


def password_key(server: str) -> str:
    return f"password:{keyring_key(server)}"


def cursor_of(known: dict[str, str | None], server: str | None) -> int:
    """The last seq of ``server`` applied here (0 for a server never pulled from)."""
    if not server:
        return 0
    if cursor_key(server) in known:
        return _int(known.get(cursor_key(server)))
    configured = known.get(SERVER)
    if configured and server_identity(configured) == server_identity(server):
        return _int(known.get(CURSOR))  # written by an older version: the configured server's
    return 0


def cursor(store: Store, server: str | None = None) -> int:
    """The cursor of ``server`` (default: the configured server)."""
    known = values(store)
    return cursor_of(known, server or known.get(SERVER))


def password_stored(known: dict[str, str | None], server: str | None) -> bool | None:
    """Whether the keyring holds a password for ``server``'s user, as last seen (None: not known yet)."""
    if not server:
        return None
    flag = known.get(password_key(server))
    return None if flag is None else flag == "1"


def remember_password(store: Store, server: str, stored: bool) -> None:
    """Note whether the keyring holds a password for ``server`` (written only when it changed)."""
    if password_stored(values(store), server) != stored:
        save(store, **{password_key(server): "1" if stored else "0"})


def _ours(known: dict[str, str | None], server: str | None) -> bool:
    """Whether a sync with ``server`` is a sync with the configured server (its outcome counts)."""
    configured = known.get(SERVER)
    return not configured or not server or keyring_key(configured) == keyring_key(server)


def is_online(values: dict[str, str | None]) -> bool:
    """The user's switch if they used it, else the config file's ``mode``."""
    explicit = values.get(ONLINE)
    if explicit is not None:
        return explicit == "1"
    return values.get(CONFIG_MODE) == "online"


def interval_of(values: dict[str, str | None]) -> int:
    for key in (INTERVAL, CONFIG_INTERVAL):
        try:
            return int(values.get(key) or "")
        except ValueError:
            continue
    return DEFAULT_INTERVAL_S


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


# -- failures and backoff -------------------------------------------------------------------


def backoff_s(failures: int, interval_s: float, rng: random.Random | None = None) -> float:
    """Seconds to wait after ``failures`` consecutive failed syncs: 30 s, 60 s, 120 s, … capped at
    the interval (or 30 min), each times a random factor 1 ± 20 % so that devices that lost the
    server together do not come back in one burst."""
    cap = max(BACKOFF_BASE_S, min(float(interval_s), BACKOFF_MAX_S))
    raw = min(cap, BACKOFF_BASE_S * 2 ** max(0, failures - 1))
    return max(0.0, raw * (1 + (rng or random).uniform(-BACKOFF_JITTER, BACKOFF_JITTER)))


def record_success(store: Store, server: str, *, now: datetime | None = None) -> None:
    """A sync went through: reset the failures; the periodic sync comes back after the interval.
    Nothing is recorded when the configured server changed while it ran (that one is due now)."""
    now = now or datetime.now(UTC)

    def unit(con: duckdb.DuckDBPyConnection) -> None:
        known = dict(con.execute("SELECT key, value FROM sync_state").fetchall())
        if not _ours(known, server):
            return
        set_values(con, {
            LAST_SYNC: now.isoformat(), LAST_ATTEMPT: now.isoformat(), LAST_ERROR: None, LAST_ERROR_CODE: None, FAILURES: "0",
            NEXT_ATTEMPT: (now + timedelta(seconds=interval_of(known))).isoformat(),
        })

    store.write(unit)
    invalidate(store)


def record_cancelled(store: Store, server: str, *, unfinished: bool = False, now: datetime | None = None) -> None:
    """A sync was stopped part-way (cancelled, or the app closing): try again after the interval —
    or soon (``RETRY_AFTER_CANCEL_S``) when it left ``unfinished`` work (outbox rows, or changes on
    the server not yet pulled)."""
    now = now or datetime.now(UTC)

    def unit(con: duckdb.DuckDBPyConnection) -> None:
        known = dict(con.execute("SELECT key, value FROM sync_state").fetchall())
        if not _ours(known, server):
            return
        delay = min(RETRY_AFTER_CANCEL_S, interval_of(known)) if unfinished else interval_of(known)
        set_values(con, {LAST_ATTEMPT: now.isoformat(), NEXT_ATTEMPT: (now + timedelta(seconds=delay)).isoformat()})

    store.write(unit)
    invalidate(store)


def record_failure(store: Store, server: str | None, error: str, code: str, *, now: datetime | None = None) -> int:
    """A sync failed: count it and put the next attempt off by the backoff. Returns the failures in
    a row (unchanged when the configured server changed while the failed sync ran)."""
    now = now or datetime.now(UTC)

    def unit(con: duckdb.DuckDBPyConnection) -> int:
        known = dict(con.execute("SELECT key, value FROM sync_state").fetchall())
        if not _ours(known, server):
            return _int(known.get(FAILURES))
        failures = _int(known.get(FAILURES)) + 1
        delay = backoff_s(failures, interval_of(known))
        set_values(con, {
            LAST_ERROR: error, LAST_ERROR_CODE: code, FAILURES: str(failures), LAST_ATTEMPT: now.isoformat(),
            NEXT_ATTEMPT: (now + timedelta(seconds=delay)).isoformat(),
        })
        return failures

    failures = store.write(unit)
    invalidate(store)
    return failures


# -- status ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncStatus:
    pending: int  # outbox rows not yet on the server
    conflicts: int  # unresolved conflicts kept on this device
    last_sync: datetime | None
    cursor: int
    server: str | None
    last_error: str | None
    online: bool = False
    failures: int = 0  # consecutive failed syncs
    next_attempt_at: datetime | None = None  # when the periodic sync tries next (None when offline)
    last_error_code: str | None = None  # store/sync/errors.py CODES
    interval_s: int = DEFAULT_INTERVAL_S
    last_attempt_at: datetime | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "pending": self.pending, "conflicts": self.conflicts, "cursor": self.cursor, "server": self.server,
            "last_sync": self.last_sync.isoformat() if self.last_sync else None, "last_error": self.last_error,
            "online": self.online, "failures": self.failures,
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
            "last_error_code": self.last_error_code, "interval_s": self.interval_s,
            "last_attempt_at": self.last_attempt_at.isoformat() if self.last_attempt_at else None,
        }


def _compute(store: Store) -> SyncStatus:
    counts = store.read_one(
        "SELECT (SELECT count(*) FROM changes), (SELECT count(*) FROM conflicts WHERE resolved_at IS NULL)"
    )
    known = values(store)
    online = is_online(known)
    return SyncStatus(
        pending=int(counts[0]) if counts else 0,
        conflicts=int(counts[1]) if counts else 0,
        last_sync=_time(known.get(LAST_SYNC)),
        cursor=cursor_of(known, known.get(SERVER)),
        server=known.get(SERVER),
        last_error=known.get(LAST_ERROR),
        online=online,
        failures=_int(known.get(FAILURES)),
        next_attempt_at=_time(known.get(NEXT_ATTEMPT)) if online and known.get(SERVER) else None,
        last_error_code=known.get(LAST_ERROR_CODE),
        interval_s=interval_of(known),
        last_attempt_at=_time(known.get(LAST_ATTEMPT)),
    )


def status(store: Store, *, fresh: bool = False) -> SyncStatus:
    """What the header, the Settings page and ``fieldbook sync status`` show; reads only, needs no
    server, and is cached (well under a millisecond on a hit)."""
    if fresh:
        return _compute(store)
    return store.cache.get_or_compute(("sync.status",), lambda: _compute(store), ttl=STATUS_TTL_S, tags=[SYNC_TAG, PROJECTS_TAG])
