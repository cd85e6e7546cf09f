"""``fieldbook snapshot …``: list, create, verify, export, restore, prune — through the running
app or directly.

When Fieldbook runs it owns the database (DuckDB allows one writing process), so the CLI sends
the command over the control channel (store/core/instance.py) and the app carries it out, restore
included (the app comes back on the restored data). When it does not run, the CLI takes the
instance lock itself — so the app cannot start meanwhile — and works on the files.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from store.core.config import AppConfig
from store.core.db import Store
from store.core.instance import CONTROL_NAME, ControlServer, InstanceLock, send_command
from store.snapshots import fbsnap as snapfile
from store.snapshots import restore as restore_module
from store.snapshots.engine import Progress, Snapshots, for_config, no_progress

COMMANDS = ("list", "create", "verify", "export", "restore", "prune")


class Host(Protocol):
    """What the commands need: the snapshots, the store in use, and a way to restore over it."""

    snapshots: Snapshots

    def current_store(self) -> Store: ...

    def restore(self, source: str, passphrase: str | None, progress: Progress = no_progress) -> dict[str, Any]: ...


def is_file_ref(target: str) -> bool:
    """A path to a ``.fbsnap`` rather than a snapshot id."""
    return target.endswith(snapfile.SUFFIX) or "/" in target or "\\" in target or Path(target).is_file()


def handle(host: Host, command: str, args: dict[str, Any]) -> Any:
    """Carry out one command; plain JSON values back. Errors are ``FieldbookError``s."""
    snaps = host.snapshots
    passphrase = args.get("passphrase") or None
    if command == "list":
        return [s.to_dict() for s in snaps.all()]
    if command == "create":
        return snaps.create(host.current_store(), str(args.get("reason") or "manual")).to_dict()
    if command == "verify":
        target = str(args["target"])
        if is_file_ref(target):
            data = snaps.verify_file(Path(target), passphrase)
            return {"file": target, "id": data["id"], "created_at": data["created_at"], "reason": data["reason"],
                    "schema_version": data["schema_version"], "tables": data["tables"], "verified": True}
        return snaps.verify(target).to_dict()
    if command == "export":
        out = snaps.export(str(args.get("id") or "latest"), Path(args["out"]), passphrase)
        return {"path": str(out), "size": out.stat().st_size, "encrypted": bool(passphrase)}
    if command == "restore":
        return host.restore(str(args["source"]), passphrase)
    if command == "prune":
        dry = bool(args.get("dry_run"))
        return {"removed": snaps.prune(dry_run=dry), "dry_run": dry}
    raise ValueError(f"unknown snapshot command {command!r}")


def register_control(control: ControlServer, host: Host) -> None:
    """Serve ``snapshot.<command>`` on the running app's control channel."""
    for command in COMMANDS:
        control.register(f"snapshot.{command}", _handler(host, command))


def _handler(host: Host, command: str) -> Callable[[dict[str, Any]], Any]:
    return lambda args: handle(host, command, args)


def open_store(cfg: AppConfig, snaps: Snapshots) -> Store:
    """Open the database; a migration of existing data is preceded by a pinned snapshot."""

    def before_migrate(applied: list[int]) -> None:
        snaps.create_quiescent("pre-migration")

    return Store.open(cfg.paths.database, min_free_mb=cfg.min_free_mb, before_migrate=before_migrate)


class DirectHost:
    """The commands on the files, for when the app is not running (the caller holds the lock)."""

    def __init__(self, cfg: AppConfig) -> None:
        self.cfg = cfg
        self.snapshots = for_config(cfg)
        self._store: Store | None = None

    def current_store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.cfg, self.snapshots)
        return self._store

    def restore(self, source: str, passphrase: str | None, progress: Progress = no_progress) -> dict[str, Any]:
        store = self.current_store()

        def reopen() -> Store:
            self._store = open_store(self.cfg, self.snapshots)
            return self._store

        return restore_module.restore(self.snapshots, store, source, passphrase, reopen=reopen, progress=progress)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def run(cfg: AppConfig, command: str, args: dict[str, Any], *, wait_for_app: float = 15.0) -> Any:
    """The CLI's way in: through the running app if there is one, else directly."""
    lock = InstanceLock(cfg.paths.runtime_dir)
    if not lock.acquire():
        deadline = time.monotonic() + wait_for_app  # the app may be starting
        while not (cfg.paths.runtime_dir / CONTROL_NAME).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        return send_command(cfg.paths.runtime_dir, f"snapshot.{command}", args, timeout=3600)
    try:
        cfg.paths.ensure()
        host = DirectHost(cfg)
        try:
            return handle(host, command, args)
        finally:
            host.close()
    finally:
        lock.release()


# -- text output ------------------------------------------------------------------------------


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


def _verified(flag: bool | None) -> str:
    return "–" if flag is None else ("yes" if flag else "FAILED")


def format_list(snaps: list[dict[str, Any]]) -> str:
    if not snaps:
        return "No snapshots yet."
    lines = [f"{'ID':<20}  {'TAKEN (local time)':<19}  {'REASON':<13}  {'SIZE':>9}  {'VERIFIED':<8}  PINNED"]
    for s in snaps:
        taken = _local(s["created_at"])
        lines.append(f"{s['id']:<20}  {taken:<19}  {s['reason'][:13]:<13}  {_size(s['size']):>9}  {_verified(s['verified']):<8}  {'yes' if s['pinned'] else ''}")
    return "\n".join(lines)


def _local(iso: str) -> str:
    import datetime as dt

    return dt.datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def format_result(command: str, result: Any) -> str:
    if command == "create":
        return f"Snapshot {result['id']} taken ({_size(result['size'])}, writes paused {result['write_pause_s'] * 1000:.0f} ms); verified: {_verified(result['verified'])}."
    if command == "verify":
        what = result.get("file") or f"Snapshot {result['id']}"
        return f"{what} is intact: checksums match, the database opens, row counts match its manifest."
    if command == "export":
        return f"Exported to {result['path']} ({_size(result['size'])}{', encrypted' if result['encrypted'] else ''})."
    if command == "restore":
        return (
            f"Restored {result['source']} (taken {_local(result['created_at'])}, schema version {result['schema_version']}"
            f"{' → ' + str(result['schema_version_now']) if result['schema_version_now'] != result['schema_version'] else ''}). "
            f"The previous data is kept as snapshot {result['previous']}."
        )
    if command == "prune":
        removed = result["removed"]
        verb = "Would remove" if result["dry_run"] else "Removed"
        return f"{verb} {len(removed)} snapshot(s)" + (": " + ", ".join(removed) if removed else ".")
    return str(result)
