"""The frozen app under test: ``dist/Fieldbook/``, built with PyInstaller when it is missing or
older than any source it is made from (so ``make test`` on a fresh clone builds it once)."""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT

DIST = ROOT / "dist" / "Fieldbook"
EXECUTABLE = DIST / ("Fieldbook.exe" if sys.platform == "win32" else "Fieldbook")
SOURCES = ("launcher.py", "build.spec", "pyproject.toml", "app", "store", "jobs", "packaging")
BUILD_TIMEOUT = 900  # ~100 s on the 2-core machine; generous for a loaded CI runner


def newest_source() -> float:
    """The latest modification time of any file the build is made from."""
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        newest = max([newest, *(f.stat().st_mtime for f in files)])
    return newest


def is_fresh() -> bool:
    return EXECUTABLE.exists() and EXECUTABLE.stat().st_mtime >= newest_source()


@functools.cache  # once per test run: sources others save meanwhile wait for the next run
def ensure_dist() -> Path:
    """Return the frozen executable, building it first if needed. Fails (never skips) with the
    build's own output when PyInstaller fails."""
    lock_path = ROOT / "build" / ".dist.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs in one tree must not build over each other
        if not is_fresh():
            started, begun = time.monotonic(), time.time()
            staging = ROOT / "build" / "dist-staging"
            shutil.rmtree(staging, ignore_errors=True)
            # `make dist` with the output beside: another test run in this tree may be using dist/ now.
            result = subprocess.run(
                [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", str(staging), "build.spec"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=BUILD_TIMEOUT,
            )
            assert result.returncode == 0, f"PyInstaller failed:\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
            old = ROOT / "build" / f"dist-old-{os.getpid()}"
            DIST.parent.mkdir(exist_ok=True)
            if DIST.exists():
                DIST.rename(old)  # running copies keep their open files
            (staging / DIST.name).rename(DIST)
            shutil.rmtree(old, ignore_errors=True)
            # Stamped with the build's start: PyInstaller may reuse an unchanged executable with its
            # old time, and a source saved during the build must still count as newer.
            os.utime(EXECUTABLE, (begun, begun))
            print(f"built {DIST} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    assert EXECUTABLE.exists(), f"{EXECUTABLE} missing after the build"
    return EXECUTABLE


def dist_size_mb(folder: Path = DIST) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink()) / 1_048_576
