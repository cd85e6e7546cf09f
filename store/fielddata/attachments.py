"""Files users attach: stored once by the sha256 of their content, written durably.

The file goes to ``attachments/ab/abcdef…`` through a temp file, fsync and rename, before its row
is committed, so a row never points at a half-written file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from store.core.db import Store
from store.core.errors import ValidationError
from store.core.fsutil import fsync_dir
from store.core.values import FileRef

SHA256 = re.compile(r"[0-9a-f]{64}")


def valid_sha256(value: object) -> bool:
    """A content hash as Fieldbook writes it: 64 lower-case hex digits, nothing else."""
    return isinstance(value, str) and SHA256.fullmatch(value) is not None


def attachment_path(folder: Path, sha256: str) -> Path:
    """The file of ``sha256`` in ``folder``. Every reference that reaches here may come from another
    device, a snapshot or an import: one that is not a content hash (``../../etc/hostname``) is
    refused, and the path is checked to stay inside ``folder``."""
    if not valid_sha256(sha256):
        raise ValidationError(f"{str(sha256)[:80]!r} is not a valid attachment reference.")
    path = folder / sha256[:2] / sha256
    if os.path.commonpath([os.path.abspath(path), os.path.abspath(folder)]) != os.path.abspath(folder):
        raise ValidationError(f"{sha256!r} does not name a file in the attachment store.")  # unreachable with 64 hex digits
    return path


def strip_invalid_refs(data: Any) -> tuple[Any, list[str]]:
    """``data`` (a record's values) with every file reference that is not a content hash replaced by
    None, and the names of the fields it happened to. For data from outside (a pulled change)."""
    if not isinstance(data, dict):
        return data, []
    cleaned: dict[str, Any] = {}
    bad: list[str] = []
    for name, value in data.items():
        if isinstance(value, dict) and "sha256" in value and not valid_sha256(value.get("sha256")):
            cleaned[name] = None
            bad.append(str(name))
        else:
            cleaned[name] = value
    return cleaned, bad


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
