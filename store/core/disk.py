"""Free-space guard: a CHECKPOINT that hits a full disk can corrupt the file, so refuse early."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from store.core.errors import DiskFullError
from store.core.texts import said

CANNOT_START = said(
    "disk.cannot_start",
    "Fieldbook cannot start: only {free} MB are free on the disk of {folder} (it needs {needs} MB). "
    "Free some space and start it again; your data is unchanged.",
)
TOO_LITTLE = said(
    "disk.too_little",
    "Only {free} MB are free on the disk of {folder}; Fieldbook needs at least {needs} MB to save safely. Free some space; nothing was saved.",
)


def free_mb(folder: Path) -> float:
    return shutil.disk_usage(folder).free / (1024 * 1024)


def raise_if_disk_full(folder: Path, min_free_mb: int, error: BaseException) -> None:
    """Explain ``error`` as a full disk when ``folder``'s disk is below ``min_free_mb``.

    On a full disk SQLite, DuckDB and the log fail with their own words ("disk I/O error");
    the user needs to hear that the disk is full. Does nothing when there is enough space.
    """
    try:
        free = free_mb(folder)
    except OSError:
        return
    if free < min_free_mb:
        raise DiskFullError(CANNOT_START(free=str(round(free)), folder=str(folder), needs=str(min_free_mb))) from error


class DiskGuard:
    """Raises ``DiskFullError`` when ``folder``'s disk has less than ``min_free_mb`` free.

    The answer is cached for ``interval`` seconds so that the writer can ask before every batch.
    """

    def __init__(self, folder: Path, min_free_mb: int, interval: float = 1.0) -> None:
        self.folder = folder
        self.min_free_mb = min_free_mb
        self.interval = interval
        self._checked_at = float("-inf")
        self._free = float("inf")

    def check(self) -> None:
        now = time.monotonic()
        if now - self._checked_at >= self.interval:
            self._free = free_mb(self.folder)
            self._checked_at = now
        if self._free < self.min_free_mb:
            raise DiskFullError(TOO_LITTLE(free=str(round(self._free)), folder=str(self.folder), needs=str(self.min_free_mb)))
