"""What a snapshot is, as the rest of Fieldbook sees it: its listing entry (``SnapshotInfo``), a
snapshot unpacked and verified for a restore (``Staged``), and the progress callback the long
operations report to. The engine that makes them is ``store.snapshots.engine``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.snapshots import manifest

Progress = Callable[[float, str], None]
AUTO_PIN = ("pre-restore", "pre-migration")  # the state before a restore or migration stays restorable


def no_progress(fraction: float, message: str) -> None:
    pass


@dataclass(frozen=True)
class SnapshotInfo:
    id: str
    path: Path
    manifest: dict[str, Any]
    status: dict[str, Any]

    @property
    def created_at(self) -> dt.datetime:
        return manifest.created_at(self.manifest)

    @property
    def reason(self) -> str:
        return str(self.manifest.get("reason", ""))

    @property
    def size(self) -> int:
        return int(self.manifest["files"][manifest.DATABASE]["size"])

    @property
    def pinned(self) -> bool:
        return bool(self.status.get("pinned"))

    @property
    def auto_pinned(self) -> str:
        """The reason this snapshot was pinned without a person asking ("pre-restore"), else ""."""
        if not self.pinned or self.status.get("pinned_by") == "person":
            return ""
        return self.reason if self.reason in AUTO_PIN else ""

    @property
    def verified(self) -> bool | None:
        """True/False after a verification, None if never verified."""
        value = self.status.get("verified")
        return None if value is None else bool(value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.manifest["created_at"],
            "reason": self.reason,
            "size": self.size,
            "schema_version": self.manifest["schema_version"],
            "app_version": self.manifest["app_version"],
            "host": self.manifest["host"],
            "tables": self.manifest["tables"],
            "attachments": len(self.manifest["attachments"]),
            "pinned": self.pinned,
            "verified": self.verified,
            "verified_at": self.status.get("verified_at"),
            "problem": self.status.get("problem"),
            "write_pause_s": self.manifest.get("write_pause_s"),
            "path": str(self.path),
        }


@dataclass(frozen=True)
class Staged:
    """A snapshot unpacked and verified in ``folder``, ready to be swapped in by a restore."""

    folder: Path
    manifest: dict[str, Any]
    attachments: dict[str, Path]  # sha256 → where the verified file is now
    label: str

    @property
    def database(self) -> Path:
        return self.folder / manifest.DATABASE
