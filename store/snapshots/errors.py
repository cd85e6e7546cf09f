"""Errors of snapshots, exports and restores. ``exit_code`` is what ``fieldbook snapshot …`` exits with."""

from __future__ import annotations

from store.core.errors import SnapshotError


class SnapshotNotFound(SnapshotError):
    """No snapshot with that id, or no such file."""

    exit_code = 2


class SnapshotInvalid(SnapshotError):
    """Not a snapshot, damaged, an unknown format, a newer schema, a missing attachment."""

    exit_code = 4


class PassphraseError(SnapshotError):
    """The snapshot file is encrypted and the passphrase is missing or wrong."""

    exit_code = 5


class NoSpaceError(SnapshotError):
    """Too little free disk space to make or restore a snapshot safely."""
