"""One Fieldbook per data folder: the instance lock and the local control channel.

DuckDB lets one process write a file, so the first launch owns the data; a second launch finds
the lock held and asks the first, over the control channel, to show its window. The lock is an OS
file lock (``flock``/``msvcrt``), so a crashed process releases it by dying: a stale lock file
(dead PID) is simply taken over. The control channel is a loopback TCP socket; its port and a
random token are in ``control.json`` (mode 0600) in the runtime folder, and every request must
carry the token. The admin CLI uses the same channel to act through a running app.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import os
import secrets
import socket
import socketserver
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from store.errors import FieldbookError, InstanceError, StoreError

log = logging.getLogger(__name__)

LOCK_NAME = "fieldbook.lock"
CONTROL_NAME = "control.json"

Handler = Callable[[dict[str, Any]], Any]


class InstanceLock:
    """An exclusive, non-blocking lock on ``runtime_dir/fieldbook.lock`` holding our PID."""

    def __init__(self, runtime_dir: Path) -> None:
        self.path = Path(runtime_dir) / LOCK_NAME
        self._fh: Any = None

    def acquire(self) -> bool:
        """Take the lock; ``False`` if another live process holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+b")  # noqa: SIM115 - held open for the life of the process
        try:
            _lock_file(fh)
        except OSError:
            fh.close()
            return False
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()).encode())
            fh.flush()
        except OSError as exc:  # a full disk: the lock file cannot hold our PID
            _unlock_file(fh)
            with contextlib.suppress(OSError):  # closing flushes the same unwritable buffer
                fh.close()
            raise StoreError(
                f"Fieldbook cannot write to its runtime folder {self.path.parent} ({exc.strerror or exc}). "
                "Free some disk space, or point FIELDBOOK_RUNTIME_DIR elsewhere."
            ) from None
        self._fh = fh
        return True

    def holder_pid(self) -> int | None:
        try:
            return int(self.path.read_text().strip() or 0) or None
        except (OSError, ValueError):
            return None

    def release(self) -> None:
        if self._fh is None:
            return
        try:
            self._fh.seek(0)
            self._fh.truncate()
            _unlock_file(self._fh)
        finally:
            self._fh.close()
            self._fh = None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds
    import msvcrt

    def _lock_file(fh: Any) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock_file(fh: Any) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock_file(fh: Any) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock_file(fh: Any) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class _RequestHandler(socketserver.StreamRequestHandler):
    server: _ControlTCPServer

    def handle(self) -> None:
        try:
            request = json.loads(self.rfile.readline(1_000_000) or b"{}")
            reply = self.server.owner.dispatch(request)
        except json.JSONDecodeError:
            reply = {"ok": False, "error": "The request was not understood."}
        self.wfile.write(json.dumps(reply, default=str).encode() + b"\n")


class _ControlTCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = False
    owner: ControlServer


class ControlServer:
    """Serves commands to other local processes that know the token."""

    def __init__(self, runtime_dir: Path) -> None:
        self.runtime_dir = Path(runtime_dir)
        self.token = secrets.token_urlsafe(32)
        self.handlers: dict[str, Handler] = {"ping": lambda args: {"pid": os.getpid()}}
        self._server: _ControlTCPServer | None = None
        self._thread: threading.Thread | None = None

    def register(self, command: str, handler: Handler) -> None:
        self.handlers[command] = handler

    def dispatch(self, request: dict[str, Any]) -> dict[str, Any]:
        token = str(request.get("token", ""))
        if not hmac.compare_digest(token.encode(), self.token.encode()):
            return {"ok": False, "error": "Not allowed."}
        handler = self.handlers.get(str(request.get("command")))
        if handler is None:
            return {"ok": False, "error": f"Unknown command {request.get('command')!r}."}
        try:
            return {"ok": True, "result": handler(request.get("args") or {})}
        except FieldbookError as exc:
            return {"ok": False, "error": str(exc), "exit_code": exc.exit_code}
        except Exception:
            log.exception("control command %s failed", request.get("command"))
            return {"ok": False, "error": "The running Fieldbook could not do this; see its log."}

    def start(self) -> None:
        server = _ControlTCPServer(("127.0.0.1", 0), _RequestHandler)
        server.owner = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="control", daemon=True)
        self._thread.start()
        port = server.server_address[1]
        path = self.runtime_dir / CONTROL_NAME
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump({"pid": os.getpid(), "port": port, "token": self.token}, fh)
        os.replace(tmp, path)

    def stop(self) -> None:
        if self._server is None:
            return
        try:
            (self.runtime_dir / CONTROL_NAME).unlink(missing_ok=True)
        finally:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def send_command(runtime_dir: Path, command: str, args: dict[str, Any] | None = None, timeout: float = 30) -> Any:
    """Ask the running Fieldbook to run ``command``; return its result or raise ``InstanceError``."""
    path = Path(runtime_dir) / CONTROL_NAME
    try:
        info = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        raise InstanceError("Fieldbook is not running (no control channel found).") from None
    try:
        with socket.create_connection(("127.0.0.1", int(info["port"])), timeout=timeout) as sock:
            sock.sendall(json.dumps({"token": info["token"], "command": command, "args": args or {}}).encode() + b"\n")
            data = sock.makefile("rb").readline()
    except OSError as exc:
        raise InstanceError(f"The running Fieldbook (PID {info.get('pid')}) does not answer: {exc}.") from None
    try:
        reply = json.loads(data)
    except json.JSONDecodeError:
        raise InstanceError("The running Fieldbook sent an answer that could not be read.") from None
    if not reply.get("ok"):
        error = InstanceError(reply.get("error", "The running Fieldbook refused the command."))
        error.exit_code = int(reply.get("exit_code", 1))
        raise error
    return reply.get("result")
