"""``fieldbook sync now|status|configure|online|offline``: the library side, on the database
directly or through the app.

Like store/fielddata/admin.py: when Fieldbook runs it owns the database, so the command goes over the
control channel (the app registers ``register_control``); when it does not run, the CLI takes the
instance lock itself and opens the database. Both end in ``handle``. A password never travels
over the control channel: the CLI puts it into the keyring (shared by both processes) first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from store.core.config import AppConfig
from store.core.db import Store
from store.core.errors import InstanceError
from store.core.instance import CONTROL_NAME, ControlServer, InstanceLock, send_command
from store.sync import credentials, settings
from store.sync.state import status

COMMANDS = ("sync.now", "sync.status", "sync.configure", "sync.online", "sync.offline")


def status_info(store: Store) -> dict[str, Any]:
    """The status plus what only this process knows: the keyring backend and whether it holds a
    password (noted in ``sync_state`` too, for the Settings page, which never asks the keyring)."""
    info = status(store, fresh=True).to_dict()
    info["keyring"] = credentials.keyring_info().to_dict()
    info["has_password"] = bool(settings.refresh_password_flag(store, str(info["server"]))) if info["server"] else False
    return info


def handle(store: Store, command: str, args: dict[str, Any]) -> dict[str, Any]:
    if command == "sync.now":
        from store.sync.engine import sync_now  # on demand: not every start needs the engine

        return sync_now(store, args.get("url") or None).to_dict()
    if command == "sync.status":
        return status_info(store)
    if command == "sync.configure":
        stored = args.get("password_stored")
        return settings.configure(
            store, str(args.get("url") or ""), user=args.get("user") or None, password_stored=stored if isinstance(stored, bool) else None
        ).to_dict()
    if command in ("sync.online", "sync.offline"):
        settings.set_online(store, command == "sync.online")
        return settings.load(store).to_dict()
    raise InstanceError(f"Unknown command {command!r}.")


def register_control(control: ControlServer, current_store: Callable[[], Store]) -> None:
    """Serve the ``sync.*`` commands on the running app's control channel."""
    for command in COMMANDS:
        control.register(command, _handler(current_store, command))


def _handler(current_store: Callable[[], Store], command: str) -> Callable[[dict[str, Any]], Any]:
    return lambda args: handle(current_store(), command, args)


def run(cfg: AppConfig, command: str, args: dict[str, Any], *, wait_for_app: float = 15.0) -> dict[str, Any]:
    lock = InstanceLock(cfg.paths.runtime_dir)
    if not lock.acquire():
        deadline = time.monotonic() + wait_for_app  # the app may be starting
        while not (cfg.paths.runtime_dir / CONTROL_NAME).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        try:
            result: dict[str, Any] = send_command(cfg.paths.runtime_dir, command, args, timeout=3600)
        except InstanceError as exc:
            if "Unknown command" in str(exc):
                raise InstanceError("The running Fieldbook is older than this command; close it and run the command again.") from None
            raise
        return result
    try:
        cfg.paths.ensure()
        store = Store.open(cfg.paths.database, min_free_mb=cfg.min_free_mb)
        try:
            settings.apply_config(store, cfg)  # the config file's defaults, as the app would see them
            return handle(store, command, args)
        finally:
            store.close()
    finally:
        lock.release()
