"""Export files appear all at once: written under a temp name beside the target, then renamed.

No reader (a user opening the folder, the Jobs page offering a download) can ever see a
half-written export under its final name: the temp file is fsynced and renamed in one step, and
removed when the export fails or is cancelled. The temp name is fixed per target and ``tag`` (the
job id), so a job re-run after a crash overwrites what the crashed attempt left.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from store.core.fsutil import fsync_dir, fsync_file


def temp_path(path: Path, tag: str) -> Path:
    return path.with_name(f".{path.name}.{tag}.part")


@contextmanager
def atomic_output(path: Path, tag: str = "export") -> Iterator[Path]:
    """Yield a temp path to write; on a clean exit it becomes ``path`` (fsynced), else it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path, tag)
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        fsync_file(tmp)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
