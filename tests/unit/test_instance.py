"""One Fieldbook per data folder: the OS file lock and the token-protected control channel."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from store.core.errors import ConfigError, InstanceError, StoreError
from store.core.instance import CONTROL_NAME, ControlServer, InstanceLock, _mac, send_command


@pytest.fixture
def lock(tmp_path: Path) -> Iterator[InstanceLock]:
    lk = InstanceLock(tmp_path / "run")
    yield lk
    lk.release()


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlServer]:
    # One server for the module: stop() waits for serve_forever's 0.5 s poll.
    srv = ControlServer(tmp_path_factory.mktemp("run"))
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def server(running: ControlServer) -> Iterator[ControlServer]:
    control = running.runtime_dir / CONTROL_NAME
    saved = control.read_bytes()
    yield running
    control.write_bytes(saved)


# -- InstanceLock ----------------------------------------------------------------------------


def test_acquire_writes_our_pid(lock: InstanceLock) -> None:
    assert lock.acquire() is True
    assert lock.holder_pid() == os.getpid()


def test_second_lock_in_same_process_is_refused(lock: InstanceLock, tmp_path: Path) -> None:
    # flock belongs to the open file description: a second open of the file conflicts even here.
    assert lock.acquire()
    other = InstanceLock(tmp_path / "run")
    assert other.acquire() is False
    assert lock.holder_pid() == os.getpid()  # the refused attempt did not clear the PID


def test_release_lets_the_next_one_in(lock: InstanceLock, tmp_path: Path) -> None:
    assert lock.acquire()
    lock.release()
    assert lock.holder_pid() is None
    other = InstanceLock(tmp_path / "run")
    try:
        assert other.acquire()
    finally:
        other.release()
    lock.release()  # releasing twice is harmless


def test_lock_of_killed_process_is_taken_over(
    lock: InstanceLock, tmp_path: Path, child_ready: Callable[..., subprocess.Popen[str]]
) -> None:
    holder = child_ready(
        "import sys, time\n"
        "from pathlib import Path\n"
        "from store.core.instance import InstanceLock\n"
        "held = InstanceLock(Path(sys.argv[1]))\n"
        "assert held.acquire()\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n",
        str(tmp_path / "run"),
    )
    assert lock.acquire() is False
    assert lock.holder_pid() == holder.pid
    holder.kill()  # SIGKILL: no clean-up, the lock file still names the dead PID
    holder.wait()
    assert lock.holder_pid() == holder.pid
    assert lock.acquire() is True
    assert lock.holder_pid() == os.getpid()


# -- ControlServer ---------------------------------------------------------------------------


def test_ping_returns_pid(server: ControlServer) -> None:
    assert send_command(server.runtime_dir, "ping") == {"pid": os.getpid()}


def test_registered_command_gets_its_args(server: ControlServer) -> None:
    server.register("echo", lambda args: {"got": args})
    assert send_command(server.runtime_dir, "echo", {"x": 1, "name": "Ünïcødé"}) == {"got": {"x": 1, "name": "Ünïcødé"}}


def request(runtime_dir: Path, payload: bytes) -> dict[str, object]:
    info = json.loads((runtime_dir / CONTROL_NAME).read_text())
    with socket.create_connection(("127.0.0.1", info["port"]), timeout=10) as sock:
        sock.sendall(payload)
        with sock.makefile("rb") as reader:
            return json.loads(reader.readline())


def write_private(path: Path, text: str) -> None:
    path.unlink(missing_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
        fh.write(text)


def test_a_client_without_the_token_is_not_allowed(server: ControlServer) -> None:
    """The handshake's second step with a MAC made from a guessed token: refused, nothing runs."""
    called: list[object] = []
    server.register("secret", called.append)
    info = json.loads((server.runtime_dir / CONTROL_NAME).read_text())
    with socket.create_connection(("127.0.0.1", info["port"]), timeout=10) as sock, sock.makefile("rwb") as stream:
        stream.write(json.dumps({"hello": os.urandom(32).hex()}).encode() + b"\n")
        stream.flush()
        nonce = bytes.fromhex(json.loads(stream.readline())["nonce"])
        body = json.dumps({"command": "secret", "args": {}})
        stream.write(json.dumps({"mac": _mac("guessed", b"client", nonce, body.encode()), "body": body}).encode() + b"\n")
        stream.flush()
        reply = json.loads(stream.readline())
    assert reply == {"ok": False, "error": "Not allowed."}
    assert called == []


def test_the_old_plain_token_request_is_not_understood(server: ControlServer) -> None:
    called: list[object] = []
    server.register("secret", called.append)
    reply = request(server.runtime_dir, json.dumps({"token": server.token, "command": "secret"}).encode() + b"\n")
    assert reply["ok"] is False and called == []


def test_a_server_that_cannot_prove_the_token_gets_nothing(tmp_path: Path) -> None:
    """Fieldbook crashed and another program took its control port: the CLI must not send it the
    token, the command or its arguments (a snapshot passphrase)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    received: list[bytes] = []

    def impostor() -> None:
        conn, _ = listener.accept()
        with conn, conn.makefile("rwb") as stream:
            received.append(stream.readline())
            stream.write(json.dumps({"proof": "0" * 64, "nonce": "00" * 32}).encode() + b"\n")
            stream.flush()
            conn.settimeout(2)
            try:
                received.append(stream.read())
            except OSError:
                pass

    thread = threading.Thread(target=impostor)
    thread.start()
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    write_private(runtime / CONTROL_NAME, json.dumps({"pid": 1, "port": listener.getsockname()[1], "token": "the-real-token"}))
    with pytest.raises(InstanceError, match="did not prove"):
        send_command(runtime, "snapshot.export", {"passphrase": "correct horse battery staple"})
    thread.join(10)
    listener.close()
    seen = b"".join(received)
    assert b"hello" in seen
    assert b"the-real-token" not in seen and b"passphrase" not in seen and b"correct horse" not in seen and b"snapshot" not in seen


def test_wrong_token_through_send_command(server: ControlServer) -> None:
    path = server.runtime_dir / CONTROL_NAME
    info = json.loads(path.read_text())
    path.write_text(json.dumps({**info, "token": "guessed"}))
    with pytest.raises(InstanceError, match="did not prove"):
        send_command(server.runtime_dir, "ping")


def test_garbage_request_gets_a_plain_answer(server: ControlServer) -> None:
    reply = request(server.runtime_dir, b"this is not json\n")
    assert reply["ok"] is False and "not understood" in str(reply["error"])


def test_unknown_command(server: ControlServer) -> None:
    with pytest.raises(InstanceError, match="Unknown command 'fly'"):
        send_command(server.runtime_dir, "fly")


@pytest.mark.parametrize("error", [ConfigError("The setting 'port' is wrong."), StoreError("The database is busy.")])
def test_fieldbook_error_is_carried_over(server: ControlServer, error: Exception) -> None:
    def fail(args: dict[str, object]) -> None:
        raise error

    server.register("fail", fail)
    with pytest.raises(InstanceError) as info:
        send_command(server.runtime_dir, "fail")
    assert str(info.value) == str(error)
    assert info.value.exit_code == type(error).exit_code


def test_unexpected_error_is_not_leaked(server: ControlServer) -> None:
    def crash(args: dict[str, object]) -> None:
        raise KeyError("internal detail")

    server.register("crash", crash)
    with pytest.raises(InstanceError) as info:
        send_command(server.runtime_dir, "crash")
    assert "internal detail" not in str(info.value)
    assert info.value.exit_code == 1


def test_control_file_is_private(server: ControlServer) -> None:
    path = server.runtime_dir / CONTROL_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    info = json.loads(path.read_text())
    assert info["pid"] == os.getpid() and info["token"] == server.token
    assert not path.with_suffix(".tmp").exists()


def test_stop_removes_control_file(tmp_path: Path) -> None:
    srv = ControlServer(tmp_path)
    srv.start()
    assert send_command(tmp_path, "ping") == {"pid": os.getpid()}
    srv.stop()
    assert not (tmp_path / CONTROL_NAME).exists()
    with pytest.raises(InstanceError, match="not running"):
        send_command(tmp_path, "ping")
    srv.stop()  # twice is harmless


def test_stale_control_file_is_reported(tmp_path: Path) -> None:
    srv = ControlServer(tmp_path)
    srv.start()
    stale = (tmp_path / CONTROL_NAME).read_text()
    srv.stop()
    write_private(tmp_path / CONTROL_NAME, stale)  # left behind by a crash: nobody listens
    with pytest.raises(InstanceError, match="does not answer"):
        send_command(tmp_path, "ping", timeout=5)


def test_an_app_that_dies_after_taking_the_command_is_reported_as_unknown(tmp_path: Path) -> None:
    """The app answered the handshake, took the command, and died before replying: the CLI must
    not claim nothing happened (a restore may have been applied) nor print a garbled-answer error."""
    token = "t" * 43
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def dies() -> None:
        conn, _ = listener.accept()
        with conn, conn.makefile("rwb") as stream:
            challenge = bytes.fromhex(json.loads(stream.readline())["hello"])
            stream.write(json.dumps({"proof": _mac(token, b"server", challenge), "nonce": "11" * 32}).encode() + b"\n")
            stream.flush()
            stream.readline()  # the command arrives; then the process is gone

    thread = threading.Thread(target=dies)
    thread.start()
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    write_private(runtime / CONTROL_NAME, json.dumps({"pid": 4242, "port": listener.getsockname()[1], "token": token}))
    with pytest.raises(InstanceError, match="whether it was done is not known") as info:
        send_command(runtime, "snapshot.restore", {"source": "latest"})
    assert "snapshot list" in str(info.value)
    thread.join(10)
    listener.close()
