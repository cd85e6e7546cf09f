"""Fieldbook's folders and files are the user's alone (store/core/private.py)."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from store.core.errors import StoreError
from store.core.instance import CONTROL_NAME, ControlServer, InstanceLock
from store.core.private import private_folder, runtime_folder


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_a_new_runtime_folder_is_private(tmp_path: Path) -> None:
    folder = runtime_folder(tmp_path / "shared" / "fieldbook-1000")
    assert mode(folder) == 0o700


def test_a_symlinked_runtime_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "attacker"
    elsewhere.mkdir(mode=0o700)
    (tmp_path / "run").symlink_to(elsewhere)
    with pytest.raises(StoreError, match="symbolic link") as info:
        runtime_folder(tmp_path / "run")
    assert info.value.exit_code == 3


def test_a_runtime_folder_others_can_write_to_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    os.chmod(folder, 0o777)
    with pytest.raises(StoreError, match="other users can write"):
        runtime_folder(folder)


def test_a_readable_runtime_folder_of_ours_is_tightened(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    os.chmod(folder, 0o755)
    with caplog.at_level(logging.WARNING):
        runtime_folder(folder)
    assert mode(folder) == 0o700
    assert "made the runtime folder" in caplog.text


def test_a_planted_lock_symlink_is_not_followed(tmp_path: Path) -> None:
    """Attack 1(a): the lock file is a symlink to a file of the victim's; taking the lock must not truncate it."""
    victim = tmp_path / "precious.txt"
    victim.write_text("years of field notes")
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    (run / "fieldbook.lock").symlink_to(victim)
    with pytest.raises(StoreError, match="symbolic link"):
        InstanceLock(run).acquire()
    assert victim.read_text() == "years of field notes"


def test_a_planted_control_file_tmp_link_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    (run / "control.tmp").symlink_to(victim)
    server = ControlServer(run)
    server.start()
    try:
        assert victim.read_text() == "keep me"
        assert mode(run / CONTROL_NAME) == 0o600 and not (run / CONTROL_NAME).is_symlink()
    finally:
        server.stop()


def test_a_data_folder_readable_by_others_is_tightened_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = tmp_path / "data"
    (data / "attachments").mkdir(parents=True)
    for name in ("fieldbook.duckdb", "fieldbook.duckdb.wal", "attachments/ab.jpg"):
        (data / name).write_bytes(b"x")
        os.chmod(data / name, 0o644)
    os.chmod(data, 0o755)
    os.chmod(data / "attachments", 0o755)
    with caplog.at_level(logging.WARNING):
        private_folder(data)
    assert mode(data) == 0o700 and mode(data / "attachments") == 0o700
    assert {mode(data / n) for n in ("fieldbook.duckdb", "fieldbook.duckdb.wal", "attachments/ab.jpg")} == {0o600}
    assert "made" in caplog.text and "private" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        private_folder(data)  # the next start: nothing to do, nothing said
    assert caplog.text == ""


def test_a_symlink_inside_is_not_followed_when_tightening(tmp_path: Path) -> None:
    outside = tmp_path / "shared.txt"
    outside.write_text("x")
    os.chmod(outside, 0o644)
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(data, 0o755)
    (data / "link").symlink_to(outside)
    private_folder(data)
    assert mode(outside) == 0o644
