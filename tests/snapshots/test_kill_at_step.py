"""Kill at step N (SQLite's crash-test pattern) for snapshot, export and restore.

Each operation runs in a child process that SIGKILLs itself at its N-th durable step
(``FBTEST_KILL_AT_STEP``, store/core/crashpoints.py), for N = 1, 2, … until it completes. After every
kill the data must be entirely old or entirely new, and open.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from store.core.db import Store
from store.snapshots import admin as snapadmin
from store.snapshots.engine import for_config
from tests.conftest import REPORT, ROOT, clean_env
from tests.snapshots.helpers import config, dump_store, files, open_filled

pytestmark = pytest.mark.slow


def run_child(home: Path, step: int, *args: str) -> subprocess.CompletedProcess[str]:
    env = clean_env(home, FBTEST_KILL_AT_STEP=str(step))
    return subprocess.run([sys.executable, "-m", "tests.snapshots.crash_child", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def live_dump(home: Path) -> dict:
    cfg = config(home)
    store = Store.open(cfg.paths.database)
    try:
        return dump_store(store)
    finally:
        store.close()


def template(tmp_path: Path, tag: str) -> tuple[Path, dict]:
    home = tmp_path / f"template-{tag}"
    cfg = config(home)
    store = open_filled(cfg, tag)
    for_config(cfg).create(store, "base")
    data = dump_store(store)
    store.close()
    return home, data


def kill_loop(tmp_path: Path, template_home: Path, check, *args: str) -> int:
    """Run the operation, killed at step 1, 2, …; ``check(home, killed)`` after each; the step count."""
    for n in range(1, 200):
        home = tmp_path / f"run-{args[0]}-{n}"
        shutil.copytree(template_home, home)
        result = run_child(home, n, *args)
        killed = result.returncode == -signal.SIGKILL
        assert killed or result.returncode == 0, result.stderr
        check(home, killed)
        shutil.rmtree(home)
        if not killed:
            assert "completed" in result.stdout
            return n - 1
    raise AssertionError("the operation never completed")


def test_snapshot_killed_at_every_step(tmp_path: Path) -> None:
    base, data = template(tmp_path, "old")

    def check(home: Path, killed: bool) -> None:
        cfg = config(home)
        snaps = for_config(cfg)
        new = [s for s in snaps.all() if s.reason == "crash-test"]
        assert len(new) in ((0, 1) if killed else (1,))
        for s in new:
            assert snaps.verify(s.id).verified  # a listed snapshot is always complete
        assert live_dump(home) == data

    steps = kill_loop(tmp_path, base, check, "snapshot")
    REPORT.append(f"kill at step N: snapshot has {steps} steps; killed at each, the data was old or new and opened")
    assert steps >= 5


def test_export_killed_at_every_step(tmp_path: Path) -> None:
    base, data = template(tmp_path, "old")
    out = tmp_path / "out.fbsnap"

    def check(home: Path, killed: bool) -> None:
        if out.exists():
            manifest = for_config(config(home)).verify_file(out, "pw")
            assert manifest["reason"] == "base"
            out.unlink()
        else:
            assert killed
        assert live_dump(home) == data

    steps = kill_loop(tmp_path, base, check, "export", str(out))
    REPORT.append(f"kill at step N: export has {steps} steps; the file was absent or complete every time")
    assert steps >= 3


def test_restore_killed_at_every_step(tmp_path: Path) -> None:
    base, old = template(tmp_path, "old")
    source_home, new = template(tmp_path, "new")
    source = tmp_path / "new.fbsnap"
    snapadmin.run(config(source_home), "export", {"id": "latest", "out": str(source), "passphrase": "pw"})
    new_files = files(config(source_home).paths.attachments_dir)
    outcomes = {"old": 0, "new": 0}

    def check(home: Path, killed: bool) -> None:
        now = live_dump(home)  # it opens
        assert now in (old, new)
        state = "new" if now == new else "old"
        outcomes[state] += 1
        if state == "new":  # the database never points at attachments that are not there
            attached = files(config(home).paths.attachments_dir)
            assert all(attached.get(name) == data for name, data in new_files.items())
        if not killed:
            assert state == "new"

    steps = kill_loop(tmp_path, base, check, "restore", str(source))
    REPORT.append(f"kill at step N: restore has {steps} steps; after the kills old {outcomes['old']}×, new {outcomes['new'] - 1}×, never a mix")
    assert steps >= 8 and outcomes["old"] >= 5
