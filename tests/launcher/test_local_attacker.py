"""Another OS user of the same machine against Fieldbook's runtime folder and data (issue 20, 1–2).

The attacker is a real second user (``useradd``; CI runs as root and creates it). The shared
place is a sticky, world-writable folder like ``/tmp``, where the runtime folder's default
``<tmp>/fieldbook-<uid>`` lives when ``XDG_RUNTIME_DIR`` is unset.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli

ATTACKER = "fbattacker"


@pytest.fixture(scope="module")
def attacker() -> Iterator[str]:
    # A real second user needs root (CI runs as root); never skipped: without it the attack is untested.
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.fail("this test creates a second OS user with useradd/runuser: run the tests as root on Linux (CI does)")
    created = subprocess.run(["id", ATTACKER], capture_output=True).returncode != 0
    if created:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", ATTACKER], check=True)
    yield ATTACKER
    if created:
        subprocess.run(["userdel", ATTACKER], check=False)


@pytest.fixture
def shared() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="fb-shared-", dir="/tmp"))
    os.chmod(folder, 0o1777)  # like /tmp
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def as_attacker(*cmd: str) -> None:
    subprocess.run(["runuser", "-u", ATTACKER, "--", *cmd], check=True)


def squat(shared: Path) -> Path:
    """The attacker creates the victim's runtime folder first, open to everyone."""
    folder = shared / f"fieldbook-{os.getuid()}"
    as_attacker("mkdir", "-m", "0777", str(folder))
    return folder


def test_a_symlinked_lock_in_a_squatted_folder_truncates_nothing(attacker, shared, tmp_path):
    victim_file = tmp_path / "thesis.txt"
    victim_file.write_text("three field seasons")
    folder = squat(shared)
    as_attacker("ln", "-s", str(victim_file), str(folder / "fieldbook.lock"))
    for command in (["snapshot", "list"], ["jobs", "list"], ["sync", "status"]):
        result = run_cli(tmp_path / "home", *command, FIELDBOOK_RUNTIME_DIR=str(folder))
        assert result.returncode == 3, (command, result.stdout, result.stderr)
        assert "belongs to another user" in result.stderr and "Traceback" not in result.stderr
    doctor = run_cli(tmp_path / "home", "doctor", FIELDBOOK_RUNTIME_DIR=str(folder))
    assert doctor.returncode == 1 and "[FAIL] folders: Fieldbook will not use the runtime folder" in doctor.stdout
    assert victim_file.read_text() == "three field seasons"


def test_a_planted_control_file_gets_no_passphrase(attacker, shared, tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(1)
    heard: list[bytes] = []
    stop = threading.Event()

    def listen() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    heard.append(conn.recv(65536))
                except OSError:
                    pass

    thread = threading.Thread(target=listen)
    thread.start()
    folder = squat(shared)
    planted = json.dumps({"pid": 1, "port": listener.getsockname()[1], "token": "x"})
    as_attacker("sh", "-c", f"umask 077; printf '%s' '{planted}' > {folder / 'control.json'}")
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("correct horse battery staple\n")
    try:
        result = run_cli(
            tmp_path / "home", "snapshot", "export", "latest", "--out", str(tmp_path / "out.fbsnap"),
            "--passphrase-file", str(passphrase), FIELDBOOK_RUNTIME_DIR=str(folder),
        )
    finally:
        stop.set()
        thread.join(5)
        listener.close()
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "Exported" not in result.stdout and "another user" in result.stderr
    assert not any(b"correct horse" in h for h in heard)


def test_the_app_refuses_a_squatted_runtime_folder_in_plain_words(attacker, shared, tmp_path):
    folder = squat(shared)
    result = run_cli(tmp_path / "home", "run", FIELDBOOK_RUNTIME_DIR=str(folder), timeout=60)
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "will not use the runtime folder" in result.stderr and "PermissionError" not in result.stderr


def test_another_user_cannot_read_the_data(attacker, start_app, tmp_path):
    """Item 2: with a home every user can enter, the attacker reads none of Fieldbook's files."""
    home = tmp_path / "home"
    home.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(home, 0o755)
    app = start_app(home)
    made = [p for p in home.rglob("*") if not p.is_symlink()]
    assert any(p.name == "fieldbook.duckdb" for p in made) and any(p.suffix == ".log" for p in made)
    loose = [f"{p} {stat.filemode(p.stat().st_mode)}" for p in made if p.stat().st_mode & 0o077]
    assert not loose, loose
    probe = subprocess.run(["runuser", "-u", ATTACKER, "--", "cat", str(home / "data" / "fieldbook.duckdb")], capture_output=True)
    assert probe.returncode != 0 and b"Permission denied" in probe.stderr
    app.close()
