"""Real file-system conditions for fault tests: a read-only copy of a folder and a small disk.

Both use mount(8) and so need root (CI runs as root); without it they fail and say so, they
never skip."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _mount(*args: str) -> None:
    assert os.geteuid() == 0, "this test mounts file systems and needs root (CI runs as root)"
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    assert result.returncode == 0, f"mount {' '.join(args)} failed: {result.stderr}"


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True)


@contextmanager
def read_only_view(source: Path, target: Path) -> Iterator[Path]:
    """``source`` visible at ``target`` through a read-only bind mount (nothing is copied)."""
    target.mkdir(parents=True)
    _mount("--bind", str(source), str(target))
    try:
        _mount("-o", "remount,bind,ro", str(target))
        yield target
    finally:
        _umount(target)


@contextmanager
def small_disk(target: Path, size_mb: int) -> Iterator[Path]:
    """A fresh tmpfs of ``size_mb`` MB at ``target``."""
    target.mkdir(parents=True)
    _mount("-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(target))
    try:
        yield target
    finally:
        _umount(target)


def fill(folder: Path, leave_mb: float) -> Path:
    """Write a filler file so that about ``leave_mb`` MB stay free on ``folder``'s disk."""
    filler = folder / "filler.bin"
    free = shutil.disk_usage(folder).free
    want = max(0, free - int(leave_mb * 1_048_576))
    with open(filler, "ab") as fh:
        block = b"\0" * 1_048_576
        while want > 0:
            try:
                fh.write(block[: min(want, len(block))])
                fh.flush()
            except OSError:  # the disk is full: that is what was asked for with leave_mb=0
                break
            want -= len(block)
    return filler


def copy_tree(source: Path, target: Path) -> Path:
    """A copy of ``source`` at ``target``: hard links when on the same disk (instant), else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if os.stat(source).st_dev == os.stat(target.parent).st_dev:
        subprocess.run(["cp", "-al", str(source), str(target)], check=True)
    else:
        shutil.copytree(source, target, symlinks=True)
    return target
