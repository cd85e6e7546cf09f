"""One Fieldbook per data folder: the instance lock and the local control channel.

DuckDB lets one process write a file, so the first launch owns the data; a second launch finds
the lock held and asks the first, over the control channel, to show its window. The lock is an OS
file lock (``flock``/``msvcrt``), so a crashed process releases it by dying: a stale lock file
(dead PID) is simply taken over. The control channel is a loopback TCP socket; its port and a
random token are in ``control.json`` (mode 0600) in the private runtime folder
(``store.core.private.runtime_folder``). The admin CLI uses the same channel to act through a running
app.

Both ends prove they hold the token, and it never crosses the socket: whatever listens on the port
of a stale ``control.json`` (another local user's program, after Fieldbook crashed) must answer a
challenge before the client sends anything — a snapshot passphrase, say:

1. client → server ``{"hello": Nc}`` (a fresh random nonce)
2. server → client ``{"proof": HMAC(token, "server" Nc), "nonce": Ns}``; the client checks it
3. client → server ``{"mac": HMAC(token, "client" Ns body), "body": body}``; the server checks it
4. server → client the reply.
"""

from __future__ import annotations

import contextlib
import hashlib
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

from store.core.errors import FieldbookError, InstanceError, StoreError
from store.core.private import open_private, runtime_folder

log = logging.getLogger(__name__)

LOCK_NAME = "fieldbook.lock"
NONCE_BYTES = 32
HANDSHAKE_S = 10.0
MAX_LINE = 1_000_000
CONTROL_NAME = "control.json"

Handler = Callable[[dict[str, Any]], Any]


class InstanceLock:
    """An exclusive, non-blocking lock on ``runtime_dir/fieldbook.lock`` holding our PID."""

    def __init__(self, runtime_dir: Path) -> None:
        self.path = Path(runtime_dir) / LOCK_NAME
        self._fh: Any = None

    def acquire(self) -> bool:
        """Take the lock; ``False`` if another live process holds it."""
        runtime_folder(self.path.parent)
        fh = os.fdopen(open_private(self.path, os.O_RDWR | os.O_CREAT), "r+b")  # held open for the life of the process
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
            with os.fdopen(open_private(self.path, os.O_RDONLY), "rb") as fh:
                return int(fh.read(32).strip() or 0) or None
        except (OSError, ValueError, StoreError):
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
        self.connection.settimeout(HANDSHAKE_S)
        owner = self.server.owner
        try:
            hello = json.loads(self.rfile.readline(MAX_LINE) or b"{}")
            challenge = bytes.fromhex(str(hello.get("hello", "")))
            if len(challenge) != NONCE_BYTES:
                raise ValueError("no challenge")
            nonce = secrets.token_bytes(NONCE_BYTES)
            self._send({"proof": _mac(owner.token, b"server", challenge), "nonce": nonce.hex()})
            request = json.loads(self.rfile.readline(MAX_LINE) or b"{}")
            body = str(request.get("body", ""))
            if not hmac.compare_digest(str(request.get("mac", "")), _mac(owner.token, b"client", nonce, body.encode())):
                reply: dict[str, Any] = {"ok": False, "error": "Not allowed."}
            else:
                self.connection.settimeout(None)  # a restore or an export may take a while
                reply = owner.dispatch(json.loads(body))
        except (ValueError, AttributeError, TypeError):  # JSON, hex or shape: not our client
            reply = {"ok": False, "error": "The request was not understood."}
        except OSError:
            return  # the client went away or stalled
        self._send(reply)

    def _send(self, message: dict[str, Any]) -> None:
        self.wfile.write(json.dumps(message, default=str).encode() + b"\n")
        self.wfile.flush()


def _mac(token: str, side: bytes, nonce: bytes, body: bytes = b"") -> str:
    return hmac.new(token.encode(), side + b"\0" + nonce + b"\0" + body, hashlib.sha256).hexdigest()


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
        """Run an authenticated request (the handshake checked the token)."""
        if not isinstance(request, dict):
            return {"ok": False, "error": "The request was not understood."}
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
        runtime_folder(self.runtime_dir)
        path = self.runtime_dir / CONTROL_NAME
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)  # a crash's leftover (or a planted link: unlink removes the link itself)
        with os.fdopen(open_private(tmp, os.O_WRONLY, exclusive=True), "w") as fh:
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
    info = _read_control(Path(runtime_dir))
    token = str(info.get("token", ""))
    body = json.dumps({"command": command, "args": args or {}})
    challenge = secrets.token_bytes(NONCE_BYTES)
    sent = False
    try:
        with socket.create_connection(("127.0.0.1", int(info["port"])), timeout=timeout) as sock, sock.makefile("rwb") as stream:
            stream.write(json.dumps({"hello": challenge.hex()}).encode() + b"\n")
            stream.flush()
            sock.settimeout(min(timeout, HANDSHAKE_S))
            answer = _read_reply(stream)
            if not isinstance(answer, dict) or not hmac.compare_digest(str(answer.get("proof", "")), _mac(token, b"server", challenge)):
                raise InstanceError(
                    "The program listening on Fieldbook's control port did not prove it is this Fieldbook (it may be "
                    f"another user's); nothing was sent to it. Remove {Path(runtime_dir) / CONTROL_NAME} if Fieldbook is not running."
                )
            nonce = bytes.fromhex(str(answer.get("nonce", "")))
            stream.write(json.dumps({"mac": _mac(token, b"client", nonce, body.encode()), "body": body}).encode() + b"\n")
            stream.flush()
            sent = True
            sock.settimeout(timeout)
            reply = _read_reply(stream)
    except (OSError, ValueError) as exc:
        if sent:  # the command reached the app, which then stopped (or garbled its answer): say what is known
            raise InstanceError(
                f"The running Fieldbook (PID {info.get('pid')}) stopped answering while it carried out “{command}”, so "
                "whether it was done is not known. Start Fieldbook again and check (after a restore, `fieldbook snapshot list` "
                "shows a new pre-restore snapshot if the restore was applied)."
            ) from None
        if isinstance(exc, OSError):
            raise InstanceError(f"The running Fieldbook (PID {info.get('pid')}) does not answer: {exc}.") from None
        raise InstanceError("The running Fieldbook sent an answer that could not be read; nothing was sent to it.") from None
    if not isinstance(reply, dict):
        raise InstanceError("The running Fieldbook sent an answer that could not be read.")
    if not reply.get("ok"):
        error = InstanceError(reply.get("error", "The running Fieldbook refused the command."))
        error.exit_code = int(reply.get("exit_code", 1))
        raise error
    return reply.get("result")


def _read_reply(stream: Any) -> Any:
    line = stream.readline(MAX_LINE)
    if not line:
        raise ConnectionResetError("the connection was closed")
    return json.loads(line)


def _read_control(runtime_dir: Path) -> dict[str, Any]:
    """``control.json``, trusted only in a private runtime folder and when private itself."""
    path = runtime_dir / CONTROL_NAME
    if not runtime_dir.exists():
        raise InstanceError("Fieldbook is not running (no control channel found).")
    runtime_folder(runtime_dir)
    try:
        fd = open_private(path, os.O_RDONLY)
    except FileNotFoundError:
        raise InstanceError("Fieldbook is not running (no control channel found).") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if os.name == "posix" and (info.st_uid != os.getuid() or info.st_mode & 0o077):
            raise StoreError(f"Fieldbook will not trust {path}: it is not private to you. Remove it and start Fieldbook again.")
        try:
            data = json.loads(fh.read(MAX_LINE))
        except ValueError:
            raise InstanceError("Fieldbook is not running (its control file cannot be read).") from None
    if not isinstance(data, dict) or not isinstance(data.get("port"), int):
        raise InstanceError("Fieldbook is not running (its control file cannot be read).")
    return data
