"""Files users attach: stored once by the sha256 of their content, written durably.

The file goes to ``attachments/ab/abcdef…`` through a temp file, fsync and rename, before its row
is committed, so a row never points at a half-written file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from store.db import Store
from store.errors import ValidationError
from store.fsutil import fsync_dir
from store.values import FileRef


def attachment_path(folder: Path, sha256: str) -> Path:
    return folder / sha256[:2] / sha256


def save_attachment(store: Store, folder: Path, name: str, data: bytes, mime: str | None, max_bytes: int) -> FileRef:
    """Store ``data`` (at most ``max_bytes``) and return its reference; returns once committed."""
    if len(data) > max_bytes:
        raise ValidationError(
            f"The file {name} is larger than the limit of {_mb(max_bytes)} ({len(data):,} bytes; at most {max_bytes:,})."
        )
    sha = hashlib.sha256(data).hexdigest()
    target = attachment_path(folder, sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # a private temp name: two sessions may store the same content at the same moment
        fd, tmp = tempfile.mkstemp(prefix=f".{sha}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    store.execute(
        "INSERT INTO attachments (sha256, name, size, mime, created_at) VALUES (?, ?, ?, ?, now()) ON CONFLICT DO NOTHING",
        [sha, name, len(data), mime],
    )
    return FileRef(sha, name, len(data), mime)


def _mb(n: int) -> str:
    return f"{n // 1_048_576} MB" if n % 1_048_576 == 0 else f"{n / 1_048_576:.1f} MB"


def read_attachment(folder: Path, ref: FileRef) -> bytes:
    return attachment_path(folder, ref.sha256).read_bytes()
