"""Restore: put a verified snapshot in place of the database, never overwriting it in place.

Order (each step a kill point for the crash tests): the source is unpacked and verified into a
staging folder next to the database (``Snapshots.stage``) → the writer stops taking writes and
drains → a pre-restore snapshot of the current data (pinned, so the previous state stays
restorable) → the store is closed → missing attachments are copied in → the staged database
(already a temp file, fsynced) is renamed over the database → the folder is fsynced. The caller
then opens the store again, which migrates an older schema. A kill before the rename leaves the
old database, after it the new one: never a mix.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from store.core.crashpoints import step
from store.core.db import Store
from store.core.disk import free_mb
from store.core.errors import SnapshotError
from store.core.fsutil import copy_durable, fsync_dir, remove_tree
from store.core.texts import said
from store.fielddata.attachments import attachment_path
from store.snapshots.engine import STEP_DONE, Progress, SnapshotInfo, Snapshots, Staged, manifest, no_progress
from store.snapshots.errors import NoSpaceError

log = logging.getLogger(__name__)

RESTORED_DATABASE_DOES_MATCH = said("snap.restored_database_does_match", "The restored database does not match {label} (tables {names}).")

STEP_SAVING_THE_CURRENT_DATA_AS_A_SNAPSHOT = said("snap.step.saving_the_current_data_as_a_snapshot", "saving the current data as a snapshot")
STEP_COPYING_ATTACHMENTS = said("snap.step.copying_attachments", "copying attachments")
STEP_PUTTING_THE_RESTORED_DATABASE_IN_PLACE = said("snap.step.putting_the_restored_database_in_place", "putting the restored database in place")
STEP_CHECKING_THE_SNAPSHOT = said("snap.step.checking_the_snapshot", "checking the snapshot")

STAGING_PREFIX = ".restore-"


def staging_folder(database: Path) -> Path:
    """A fresh staging folder beside ``database`` (same disk, so the final rename is atomic)."""
    for old in database.parent.glob(f"{STAGING_PREFIX}*"):
        remove_tree(old)  # left by a restore that was stopped
    folder = database.parent / f"{STAGING_PREFIX}{os.getpid()}"
    folder.mkdir()
    return folder


def swap_in(store: Store, snaps: Snapshots, staged: Staged, *, progress: Progress = no_progress) -> SnapshotInfo:
    """Replace ``store``'s database by ``staged``; returns the pre-restore snapshot.

    ``store`` is closed when this returns or raises: the caller reopens the file in any case (it
    holds the old data if anything before the rename failed).
    """
    database = store.path
    with snaps.lock:
        try:
            progress(0.5, STEP_SAVING_THE_CURRENT_DATA_AS_A_SNAPSHOT())
            store.writer.close()  # no write can slip in between the pre-restore snapshot and the swap
            step("restore: writes stopped")
            pre = snaps.create_quiescent("pre-restore")
        finally:
            store.close(checkpoint=False)
        step("restore: store closed")
        progress(0.75, STEP_COPYING_ATTACHMENTS())
        attachments = snaps.attachments_dir
        for sha, source in staged.attachments.items():
            target = attachment_path(attachments, sha)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                copy_durable(source, target)
                fsync_dir(target.parent)
        step("restore: attachments in place")
        wal = database.with_name(database.name + ".wal")
        if wal.exists():
            # Empty after the pre-restore snapshot's CHECKPOINT; a WAL left beside the new file
            # would be replayed into it. Never deleted: set aside like any WAL we cannot use.
            recovery = database.parent / "recovery"
            recovery.mkdir(exist_ok=True)
            os.replace(wal, recovery / f"{wal.name}.before-restore-{pre.id}")
            fsync_dir(database.parent)
            step("restore: old WAL set aside")
        progress(0.9, STEP_PUTTING_THE_RESTORED_DATABASE_IN_PLACE())
        os.replace(staged.database, database)
        fsync_dir(database.parent)
        step("restore: database replaced")
    log.info("restored %s; the previous data is snapshot %s", staged.label, pre.id)
    return pre


def check_space(store: Store, snaps: Snapshots) -> None:
    """Refuse early when the pre-restore snapshot of the current data would not fit."""
    needed = store.path.stat().st_size
    free = free_mb(snaps.dir)
    if free < needed / 1_048_576 + snaps.min_free_mb:
        raise NoSpaceError(
            f"Only {free:.0f} MB are free on the disk of {snaps.dir}; the snapshot of the current data that a restore "
            "takes first does not fit. Free some space; nothing was changed."
        )


def restore(
    snaps: Snapshots,
    store: Store,
    source: str | Path,
    passphrase: str | None,
    *,
    reopen: Callable[[], Store],
    before_swap: Callable[[], None] = lambda: None,
    progress: Progress = no_progress,
) -> dict[str, Any]:
    """Restore ``source`` (snapshot id, ``latest`` or ``.fbsnap`` path) over ``store``'s database.

    Verifies first (nothing changes if that fails), then ``before_swap()`` (stop what uses the
    store), ``swap_in``, and ``reopen()`` — which must open the database again and install the new
    store wherever it is used; it runs even if the swap failed (the old data is then still there).
    """
    folder = staging_folder(store.path)
    try:
        progress(0.05, STEP_CHECKING_THE_SNAPSHOT())
        staged = snaps.stage(source, passphrase, folder, progress=lambda f, m: progress(0.05 + f * 0.4, m))
        check_space(store, snaps)
        before_swap()
        try:
            pre = swap_in(store, snaps, staged, progress=progress)
        finally:
            reopened = reopen()
        check_restored(reopened, staged)
        progress(1.0, STEP_DONE())
        return {
            "restored": staged.manifest["id"],
            "source": staged.label,
            "created_at": staged.manifest["created_at"],
            "schema_version": staged.manifest["schema_version"],
            "schema_version_now": reopened.schema_version(),
            "previous": pre.id,
        }
    finally:
        remove_tree(folder)


def check_restored(store: Store, staged: Staged) -> None:
    """After reopening: the tables of the snapshot have its row counts (a migration may add tables)."""
    counts = store.writer.submit_exclusive(manifest.row_counts, writes=False).result()
    wrong = [t for t, n in staged.manifest["tables"].items() if t not in ("schema_migrations", "events") and counts.get(t) != n]
    if wrong:
        raise SnapshotError(RESTORED_DATABASE_DOES_MATCH(label=staged.label, names=', '.join(wrong)))
