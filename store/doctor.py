"""Health checks for ``fieldbook doctor`` (and, later, the health page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from store.core.config import AppConfig
from store.core.disk import free_mb
from store.core.errors import FieldbookError, InstanceError
from store.core.instance import InstanceLock, send_command
from store.core.migrations import MIGRATIONS


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    warning: bool = False  # healthy, but worth knowing


def check_paths(cfg: AppConfig) -> Check:
    try:
        cfg.paths.ensure()
    except FieldbookError as exc:
        return Check("folders", False, str(exc))
    return Check("folders", True, ", ".join(f"{k}={v}" for k, v in cfg.paths.folders().items()))


def check_disk(cfg: AppConfig) -> Check:
    try:
        free = free_mb(cfg.paths.data_dir)
    except OSError as exc:
        return Check("disk space", False, f"cannot read free space: {exc}")
    ok = free >= cfg.min_free_mb
    detail = f"{free:,.0f} MB free (minimum {cfg.min_free_mb} MB)"
    return Check("disk space", ok, detail if ok else detail + ": free some space")


def check_database(cfg: AppConfig) -> Check:
    db = cfg.paths.database
    if not db.exists():
        return Check("database", True, f"{db} does not exist yet; it is created at the first start")
    lock = InstanceLock(cfg.paths.runtime_dir)
    try:
        acquired = lock.acquire()
    except FieldbookError as exc:
        return Check("database", False, str(exc))
    if not acquired:
        try:
            status = send_command(cfg.paths.runtime_dir, "status", timeout=10)
        except InstanceError as exc:
            return Check("database", False, f"Fieldbook holds the database but does not answer: {exc}")
        return Check("database", True, f"in use by the running Fieldbook (PID {status['pid']}), schema version {status['schema_version']}")
    try:
        try:
            con = duckdb.connect(str(db), read_only=True)
        except duckdb.Error as exc:
            return Check("database", False, f"{db} cannot be opened: {exc}")
        try:
            version = con.execute("SELECT max(version) FROM schema_migrations").fetchall()[0][0]
            con.execute("PRAGMA database_size").fetchall()
        except duckdb.Error as exc:
            return Check("database", False, f"{db} opens but cannot be read: {exc}")
        finally:
            con.close()
    finally:
        lock.release()
    known = max(m.version for m in MIGRATIONS)
    if version is not None and version > known:
        return Check("database", False, f"schema version {version} is newer than this Fieldbook knows ({known})")
    size = db.stat().st_size / (1024 * 1024)
    wal = db.with_name(db.name + ".wal")
    wal_note = f"; a WAL of {wal.stat().st_size} bytes is replayed at the next start" if wal.exists() else ""
    return Check("database", True, f"{db} ({size:.1f} MB), schema version {version}{wal_note}")


def check_keyring() -> Check:
    """The keyring that holds the sync password: named, and called "not secure" when it is a plain file."""
    from store.sync.credentials import keyring_info

    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception as exc:
        return Check("keyring", False, f"no keyring backend: {exc}")
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    info = keyring_info()
    if not info.usable:
        return Check("keyring", False, f"{name}: passwords cannot be stored (the sync password can come from PGPASSWORD or ~/.pgpass)")
    if not info.secure:
        return Check("keyring", True, f"{name}: not secure (plaintext file): anyone who can read your files can read the sync password", warning=True)
    return Check("keyring", True, name)


def _sync_values(cfg: AppConfig) -> dict[str, Any] | str | None:
    """The sync state: from the running app, else read-only from the file; None when there is no
    database yet; a sentence when it cannot be read (the database check reports why)."""
    db = cfg.paths.database
    if not db.exists():
        return None
    lock = InstanceLock(cfg.paths.runtime_dir)
    try:
        acquired = lock.acquire()
    except FieldbookError as exc:
        return str(exc)
    if not acquired:
        try:
            info: dict[str, Any] = send_command(cfg.paths.runtime_dir, "sync.status", timeout=10)
        except InstanceError as exc:
            return str(exc)
        return info
    try:
        con = duckdb.connect(str(db), read_only=True)
        try:
            known = dict(con.execute("SELECT key, value FROM sync_state").fetchall())
            pending = con.execute("SELECT count(*) FROM changes").fetchall()[0][0]
        finally:
            con.close()
    except duckdb.Error as exc:
        return f"cannot be read: {str(exc).splitlines()[0]}"
    finally:
        lock.release()
    explicit = known.get("online")
    return {
        "online": explicit == "1" if explicit is not None else cfg.mode == "online",
        "server": known.get("server"), "last_sync": known.get("last_sync_at"), "last_error": known.get("last_error"),
        "failures": int(known.get("failures") or 0), "next_attempt_at": known.get("next_attempt_at"), "pending": int(pending),
    }


def check_sync(cfg: AppConfig) -> Check:
    """Online mode: off is fine; on without a server is a problem; a failing sync is a warning."""
    found = _sync_values(cfg)
    if isinstance(found, str):
        return Check("sync", True, f"sync state unknown ({found})", warning=True)
    if found is None:
        return Check("sync", True, "online mode is on; nothing synced yet" if cfg.mode == "online" else "offline")
    if not found["online"]:
        return Check("sync", True, "offline" + (f" (server {found['server']} set)" if found["server"] else ""))
    if not found["server"]:
        return Check("sync", False, "online mode is on but no server is set: run `fieldbook sync configure --url URL`")
    if found["last_error"]:
        nxt = f"; next try {found['next_attempt_at']}" if found.get("next_attempt_at") else ""
        return Check("sync", True, f"{found['last_error']} ({found['failures']} failed in a row{nxt})", warning=True)
    return Check("sync", True, f"online with {found['server']}; last sync {found['last_sync'] or 'never'}; {found['pending']:,} change(s) waiting")


def run_checks(cfg: AppConfig) -> list[Check]:
    checks = [check_paths(cfg)]
    if checks[0].ok:
        checks += [check_disk(cfg), check_database(cfg)]
    checks.append(check_keyring())
    if checks[0].ok:
        checks.append(check_sync(cfg))
    return checks
