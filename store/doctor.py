"""Health checks for ``fieldbook doctor`` (and, later, the health page)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from store.config import AppConfig
from store.disk import free_mb
from store.errors import FieldbookError, InstanceError
from store.instance import InstanceLock, send_command
from store.migrations import MIGRATIONS


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
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception as exc:
        return Check("keyring", False, f"no keyring backend: {exc}")
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    insecure = "plaintext" in name.lower() or "null" in name.lower() or "fail" in name.lower()
    if "fail" in name.lower():
        return Check("keyring", False, f"{name}: passwords cannot be stored")
    if insecure:
        return Check("keyring", True, f"{name}: not secure (passwords stored as plain text)", warning=True)
    return Check("keyring", True, name)


def run_checks(cfg: AppConfig) -> list[Check]:
    checks = [check_paths(cfg)]
    if checks[0].ok:
        checks += [check_disk(cfg), check_database(cfg)]
    checks.append(check_keyring())
    return checks
