"""Snapshots: consistent copies of the database, kept in the snapshots folder.

A snapshot is made **by the store's writer** (``submit_exclusive``: no write runs meanwhile):
CHECKPOINT, count the rows, copy the file. (Copying the file while DuckDB writes and checkpoints
gave 0 of 12 usable copies; the writer-held copy was consistent every time.) To keep that pause
short, the file is first copied while writes go on — an inconsistent draft — and the pause only
rewrites the blocks that differ from it (502 MB: pause 0.2 s instead of 1.4 s). Everything else —
fsync, checksums, attachments, manifest, verification — happens after the writer is released.

Layout of ``snapshots_dir``::

    <id>/manifest.json       what it holds (store/snapshots/manifest.py)
    <id>/fieldbook.duckdb    the database
    <id>/status.json         mutable: verified when and with what result, pinned
    attachments/ab/<sha256>  attachments, content-addressed and shared: an unchanged one is
                             stored once whatever the number of snapshots
    .tmp-*                   work in progress; a crash leaves it behind, the next start removes it

A snapshot appears by renaming its finished folder into place, so a snapshot is listed complete or
not at all. Every step of making one calls ``crashpoints.step`` for the kill-at-step tests.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import os
import re
import shutil
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from store import __version__
from store.core.crashpoints import step
from store.core.db import Store
from store.core.disk import free_mb
from store.core.errors import SnapshotError
from store.core.fsutil import catch_up, copy_hashed, fsync_dir, fsync_file, remove_tree, sha256_file
from store.core.texts import said
from store.fielddata.attachments import attachment_path, valid_sha256
from store.snapshots import fbsnap as snapfile
from store.snapshots import manifest
from store.snapshots.errors import NoSpaceError, SnapshotInvalid, SnapshotNotFound
from store.snapshots.info import AUTO_PIN, Progress, SnapshotInfo, Staged, no_progress
from store.snapshots.retention import Candidate, Policy, to_remove

log = logging.getLogger(__name__)

_ID = re.compile(r"\d{8}T\d{6}Z(-\d+)?")  # fullmatch

SNAPSHOT_LABEL = said("snap.label", "snapshot {id}")
THERE_SNAPSHOT_YET = said("snap.there_snapshot_yet", "There is no snapshot yet.")
THERE_SNAPSHOT_FIELDBOOK_SNAPSHOT = said("snap.there_snapshot_fieldbook_snapshot", "There is no snapshot {ref!r}. `fieldbook snapshot list` shows the ones there are.")
DATABASE_COULD_CHECKPOINTED_READER = said("snap.database_could_checkpointed_reader", "The database could not be checkpointed (a reader is still busy); the snapshot was not taken. Try again.")
DISK_BECAME_FULL_WHILE = said("snap.disk_became_full_while", "The disk of {folder} became full while the snapshot was copied; nothing was changed.")
DISK_BECAME_FULL_WHILE2 = said("snap.disk_became_full_while2", "The disk of {folder} became full while the snapshot was written; nothing was changed.")
THERE_FILE = said("snap.there_file", "There is no file {path}.")
DATABASE_FILE_MISSING = said("snap.database_file_missing", "The database file of {label} is missing. Nothing was changed.")
DISK_BECAME_FULL_WHILE3 = said("snap.disk_became_full_while3", "The disk became full while {label} was checked; nothing was changed.")
DATABASE_DOES_MATCH_CHECKSUM = said("snap.database_does_match_checksum", "The database of {label} does not match its checksum: it is damaged. Nothing was changed.")
MISSES_ATTACHMENT_CANNOT_RESTORED = said("snap.misses_attachment_cannot_restored", "{label} misses the attachment {sha}…: it cannot be restored completely. Nothing was changed.")
ATTACHMENT_DAMAGED = said("snap.attachment_damaged", "The attachment {sha}… of {label} is damaged. Nothing was changed.")
HOLDS_DATABASE = said("snap.holds_database", "{label} holds no database. Nothing was changed.")
DATABASE_DOES_MATCH_CHECKSUM2 = said("snap.database_does_match_checksum2", "The database in {label} does not match its checksum: it is damaged. Nothing was changed.")
ATTACHMENT_DAMAGED2 = said("snap.attachment_damaged2", "The attachment {sha}… in {label} is damaged. Nothing was changed.")
FOLDER_DOES_EXIST = said("snap.folder_does_exist", "The folder {folder} does not exist.")
SNAPSHOT_MISSES_ATTACHMENT_CANNOT = said("snap.snapshot_misses_attachment_cannot", "Snapshot {id} misses the attachment {sha}…; it cannot be exported. Nothing was written.")
DISK_FULL_EXPORT_WRITTEN = said("snap.disk_full_export_written", "The disk of {folder} is full; the export was not written.")
EXPORT_FAILED_WRITTEN = said("snap.export_failed_written", "The export to {path} failed: {reason}. Nothing was written.")
DATABASE_COULD_READ_SNAPSHOT = said("snap.database_could_read_snapshot", "The database could not be read for the snapshot: {reason}")

STEP_COPYING_THE_DATABASE = said("snap.step.copying_the_database", "copying the database")
STEP_CHECKING_THE_COPY = said("snap.step.checking_the_copy", "checking the copy")
STEP_STORING_ATTACHMENTS = said("snap.step.storing_attachments", "storing attachments")
STEP_VERIFYING = said("snap.step.verifying", "verifying")
STEP_DONE = said("snap.step.done", "done")
STEP_UNPACKING = said("snap.step.unpacking", "unpacking")
STEP_CHECKING = said("snap.step.checking", "checking")
STEP_COPYING = said("snap.step.copying", "copying")
STEP_OPENING_THE_COPY = said("snap.step.opening_the_copy", "opening the copy")
STEP_WRITING_THE_FILE = said("snap.step.writing_the_file", "writing the file")


@dataclass
class _Captured:
    tables: dict[str, int]
    schema_version: int
    attachments: list[str]
    pause_s: float
    commits: int | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _no_space(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EDQUOT)


class Snapshots:
    """The snapshots of one data folder. Thread-safe; one instance per process owns the folder."""

    def __init__(
        self,
        snapshots_dir: Path,
        database: Path,
        attachments_dir: Path,
        *,
        min_free_mb: int = 0,
        policy: Policy | None = None,
    ) -> None:
        self.dir = Path(snapshots_dir)
        self.database = Path(database)
        self.attachments_dir = Path(attachments_dir)
        self.min_free_mb = min_free_mb
        self.policy = policy or Policy()
        self.lock = threading.RLock()
        self.last_commit_mark: tuple[int, int] | None = None  # (id of the writer, its commits at the last snapshot)
        self.dir.mkdir(parents=True, exist_ok=True)
        for leftover in self.dir.glob(".tmp-*"):
            remove_tree(leftover)
        for leftover in self.dir.glob(".trash-*"):
            remove_tree(leftover)

    @property
    def cas_dir(self) -> Path:
        return self.dir / "attachments"

    def cas_path(self, sha: str) -> Path:
        return attachment_path(self.cas_dir, sha)

    # -- reading ------------------------------------------------------------------------------

    def all(self) -> list[SnapshotInfo]:
        """Every complete snapshot, newest first (an unreadable one is listed as failed)."""
        found = []
        for folder in self.dir.iterdir():
            if folder.is_dir() and _ID.fullmatch(folder.name):
                info = self._load(folder)
                if info is not None:
                    found.append(info)
        return sorted(found, key=lambda s: (s.manifest["created_at"], s.id), reverse=True)

    def _load(self, folder: Path) -> SnapshotInfo | None:
        try:
            data = json.loads((folder / manifest.MANIFEST).read_text(encoding="utf-8"))
            manifest.created_at(data)
            data["files"][manifest.DATABASE]["size"]
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("snapshot folder %s has no readable manifest", folder)
            return None
        try:
            status = json.loads((folder / "status.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            status = {}
        return SnapshotInfo(folder.name, folder, data, status)

    def get(self, ref: str) -> SnapshotInfo:
        """The snapshot ``ref`` (an id, or ``latest``); ``SnapshotNotFound`` if there is none."""
        snaps = self.all()
        if ref == "latest":
            if not snaps:
                raise SnapshotNotFound(THERE_SNAPSHOT_YET())
            return snaps[0]
        for snap in snaps:
            if snap.id == ref:
                return snap
        raise SnapshotNotFound(THERE_SNAPSHOT_FIELDBOOK_SNAPSHOT(ref=ref))

    # -- making -------------------------------------------------------------------------------

    def create(self, store: Store, reason: str = "manual", *, verify: bool = True, progress: Progress = no_progress) -> SnapshotInfo:
        """Snapshot ``store`` through its writer; returns the finished (and verified) snapshot."""
        with self.lock:
            self._check_space(self.database.stat().st_size)
            writer = store.writer

            def capture(con: duckdb.DuckDBPyConnection) -> _Captured:
                captured = self._capture(con, tmp)
                captured.commits = writer.commits  # exact: nothing else runs on the writer now
                return captured

            snap_id, tmp = self._new_folder()
            try:
                progress(0.05, STEP_COPYING_THE_DATABASE())
                # A first copy while writes go on (not consistent), so that the pause below only
                # brings it up to date: it compares blocks and rewrites the ones that differ.
                self._copy(self.database, tmp / manifest.DATABASE)
                captured = writer.submit_exclusive(capture).result()
                info = self._finish(snap_id, tmp, captured, reason, verify, progress)
            except BaseException:
                remove_tree(tmp)
                raise
            if captured.commits is not None:
                self.last_commit_mark = (id(writer), captured.commits)
            return info

    def create_quiescent(self, reason: str, *, progress: Progress = no_progress) -> SnapshotInfo:
        """Snapshot the database while its owner guarantees that nothing writes (before a
        migration inside ``Store.open``, or a restore after the writer was closed).

        DuckDB shares one database instance between connections to the same file in a process,
        so this connection sees (and checkpoints) exactly what the store's own connection has.
        """
        with self.lock:
            self._check_space(self.database.stat().st_size)
            snap_id, tmp = self._new_folder()
            try:
                con = duckdb.connect(str(self.database))
                try:
                    captured = self._capture(con, tmp)
                finally:
                    con.close()
                return self._finish(snap_id, tmp, captured, reason, True, progress)
            except BaseException:
                remove_tree(tmp)
                raise

    def changed_since_last(self, store: Store) -> bool:
        """Whether ``store`` committed anything since the last snapshot taken of it here.

        A store this object has not snapshotted yet (just opened, or just restored) counts as
        changed once it has committed anything since it was opened.
        """
        commits = store.writer.commits
        mark = self.last_commit_mark
        if mark is None or mark[0] != id(store.writer):
            return commits > 0
        return commits != mark[1]

    def _new_folder(self) -> tuple[str, Path]:
        base = _now().strftime("%Y%m%dT%H%M%SZ")
        n = 1
        snap_id = base
        while (self.dir / snap_id).exists() or (self.dir / f".tmp-{snap_id}").exists():
            n += 1
            snap_id = f"{base}-{n}"
        tmp = self.dir / f".tmp-{snap_id}"
        tmp.mkdir()
        step("snapshot: work folder made")
        return snap_id, tmp

    def _check_space(self, needed_bytes: int) -> None:
        free = free_mb(self.dir)
        need = needed_bytes / 1_048_576 + self.min_free_mb
        if free < need:
            raise NoSpaceError(
                f"Only {free:.0f} MB are free on the disk of {self.dir}; a snapshot needs {need:.0f} MB "
                f"(the database plus the {self.min_free_mb} MB Fieldbook keeps free). Free some space; nothing was changed."
            )

    def _capture(self, con: duckdb.DuckDBPyConnection, tmp: Path) -> _Captured:
        """On a connection nothing else writes through: CHECKPOINT, count, copy. The write pause."""
        started = time.perf_counter()
        con.execute("CHECKPOINT").fetchall()
        wal = self.database.with_name(self.database.name + ".wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise SnapshotError(DATABASE_COULD_CHECKPOINTED_READER())
        captured = _Captured(row_counts_safe(con), manifest.schema_version(con), manifest.attachment_hashes(con), 0.0)
        try:
            target = tmp / manifest.DATABASE
            if target.exists():
                catch_up(self.database, target)
            else:
                shutil.copyfile(self.database, target)
        except OSError as exc:
            if _no_space(exc):
                raise NoSpaceError(DISK_BECAME_FULL_WHILE(folder=str(self.dir))) from None
            raise
        captured.pause_s = time.perf_counter() - started
        return captured

    def _copy(self, source: Path, target: Path) -> None:
        try:
            shutil.copyfile(source, target)
        except OSError as exc:
            if _no_space(exc):
                raise NoSpaceError(DISK_BECAME_FULL_WHILE(folder=str(self.dir))) from None
            raise

    def _finish(self, snap_id: str, tmp: Path, captured: _Captured, reason: str, verify: bool, progress: Progress) -> SnapshotInfo:
        step("snapshot: database copied")
        db = tmp / manifest.DATABASE
        try:
            progress(0.4, STEP_CHECKING_THE_COPY())
            fsync_file(db)
            digest = sha256_file(db)
            step("snapshot: database synced")
            progress(0.6, STEP_STORING_ATTACHMENTS())
            stored, missing = self._store_attachments(captured.attachments)
            step("snapshot: attachments stored")
            data = {
                "format": manifest.FORMAT,
                "format_version": manifest.FORMAT_VERSION,
                "id": snap_id,
                "app_version": __version__,
                "schema_version": captured.schema_version,
                "created_at": _now().isoformat(),
                "reason": reason,
                "host": socket.gethostname(),
                "tables": captured.tables,
                "files": {manifest.DATABASE: {"size": db.stat().st_size, "sha256": digest}},
                "attachments": stored,
                "attachments_missing": missing,
                "write_pause_s": round(captured.pause_s, 4),
            }
            _write_json(tmp / manifest.MANIFEST, data)
            status = {"pinned": reason in AUTO_PIN}
            _write_json(tmp / "status.json", status)
            fsync_dir(tmp)
            step("snapshot: manifest written")
            os.rename(tmp, self.dir / snap_id)
            fsync_dir(self.dir)
            step("snapshot: published")
        except OSError as exc:
            if _no_space(exc):
                raise NoSpaceError(DISK_BECAME_FULL_WHILE2(folder=str(self.dir))) from None
            raise
        log.info("snapshot %s (%s) taken; writes paused %.3f s", snap_id, reason, captured.pause_s)
        info = self.get(snap_id)
        if verify:
            progress(0.8, STEP_VERIFYING())
            try:
                info = self.verify(snap_id)
            except SnapshotInvalid as exc:
                log.warning("snapshot %s failed its verification: %s", snap_id, exc)
                info = self.get(snap_id)
        progress(1.0, STEP_DONE())
        return info

    def _store_attachments(self, hashes: list[str]) -> tuple[dict[str, int], list[str]]:
        """Copy attachments into the shared store unless already there; (sha → size, missing)."""
        stored: dict[str, int] = {}
        missing: list[str] = []
        for sha in hashes:
            if not valid_sha256(sha):  # a reference from outside that is no content hash: no file to keep
                log.warning("attachment reference %r is not a content hash; it is not in the snapshot", str(sha)[:80])
                missing.append(str(sha))
                continue
            target = self.cas_path(sha)
            if target.exists():
                stored[sha] = target.stat().st_size
                continue
            source = attachment_path(self.attachments_dir, sha)
            if not source.exists():
                log.warning("attachment %s is in the database but its file is missing", sha)
                missing.append(sha)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{sha}.{os.getpid()}.tmp")
            try:
                if copy_hashed(source, tmp) != sha:
                    log.warning("attachment file %s does not match its hash; not copied", source)
                    missing.append(sha)
                    continue
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
            fsync_dir(target.parent)
            stored[sha] = target.stat().st_size
        return stored, missing

    # -- checking -----------------------------------------------------------------------------

    def verify(self, ref: str) -> SnapshotInfo:
        """Check the snapshot ``ref`` in full (checksums, the database opens on a temp copy, row
        counts); record the result. ``SnapshotInvalid`` if it fails."""
        with self.lock:
            info = self.get(ref)
            work = self.dir / f".tmp-verify-{info.id}-{os.getpid()}"
            work.mkdir()
            try:
                self._stage_local(info, work)
            except SnapshotInvalid as exc:
                self._set_status(info, verified=False, problem=str(exc))
                raise
            finally:
                remove_tree(work)
            self._set_status(info, verified=True, problem=None)
            return self.get(info.id)

    def verify_file(self, path: Path, passphrase: str | None = None) -> dict[str, Any]:
        """Check a ``.fbsnap`` file in full; its manifest, or ``SnapshotInvalid``/``PassphraseError``."""
        with self.lock:
            work = self.dir / f".tmp-verify-file-{os.getpid()}-{time.monotonic_ns()}"
            work.mkdir()
            try:
                return self.stage(path, passphrase, work).manifest
            finally:
                remove_tree(work)

    def _set_status(self, info: SnapshotInfo, **changes: Any) -> None:
        status = {**info.status, **changes}
        if "verified" in changes:
            status["verified_at"] = _now().isoformat()
        _write_json(info.path / "status.json", status)

    def pin(self, ref: str, pinned: bool = True) -> SnapshotInfo:
        with self.lock:
            info = self.get(ref)
            self._set_status(info, pinned=pinned, pinned_by="person")  # kept whatever retention says
            return self.get(info.id)

    def stage(self, source: str | Path, passphrase: str | None, folder: Path, *, progress: Progress = no_progress) -> Staged:
        """Unpack and verify ``source`` (a snapshot id, ``latest``, or a ``.fbsnap`` path) in ``folder``.

        Nothing outside ``folder`` changes. Raises ``SnapshotInvalid``, ``PassphraseError`` or
        ``SnapshotNotFound`` with a sentence for the user.
        """
        text = str(source)
        path = Path(text)
        if text.endswith(snapfile.SUFFIX) or os.sep in text or path.is_file():
            if not path.is_file():
                raise SnapshotNotFound(THERE_FILE(path=str(path)))
            progress(0.1, STEP_UNPACKING())
            data = snapfile.extract(path, folder, passphrase)
            label = path.name
            manifest.check(data, label)
            progress(0.5, STEP_CHECKING())
            return self._verify_unpacked(folder, data, label)
        return self._stage_local(self.get(text), folder, progress)

    def _stage_local(self, info: SnapshotInfo, folder: Path, progress: Progress = no_progress) -> Staged:
        label = SNAPSHOT_LABEL(id=info.id)
        data = manifest.check(info.manifest, label)
        entry = data["files"][manifest.DATABASE]
        source = info.path / manifest.DATABASE
        if not source.exists():
            raise SnapshotInvalid(DATABASE_FILE_MISSING(label=label))
        progress(0.1, STEP_COPYING())
        try:
            digest = copy_hashed(source, folder / manifest.DATABASE)
        except OSError as exc:
            if _no_space(exc):
                raise NoSpaceError(DISK_BECAME_FULL_WHILE3(label=label)) from None
            raise
        if digest != entry["sha256"]:
            raise SnapshotInvalid(DATABASE_DOES_MATCH_CHECKSUM(label=label))
        attachments = {}
        for sha in data["attachments"]:
            cas = self.cas_path(sha)
            if not cas.exists():
                raise SnapshotInvalid(MISSES_ATTACHMENT_CANNOT_RESTORED(label=label, sha=sha[:12]))
            if sha256_file(cas) != sha:
                raise SnapshotInvalid(ATTACHMENT_DAMAGED(sha=sha[:12], label=label))
            attachments[sha] = cas
        progress(0.6, STEP_OPENING_THE_COPY())
        manifest.check_database(folder / manifest.DATABASE, data, label)
        return Staged(folder, data, attachments, label)

    def _verify_unpacked(self, folder: Path, data: dict[str, Any], label: str) -> Staged:
        entry = data["files"][manifest.DATABASE]
        db = folder / manifest.DATABASE
        if not db.exists():
            raise SnapshotInvalid(HOLDS_DATABASE(label=label))
        if db.stat().st_size != entry["size"] or sha256_file(db) != entry["sha256"]:
            raise SnapshotInvalid(DATABASE_DOES_MATCH_CHECKSUM2(label=label))
        attachments = {}
        for sha in data["attachments"]:
            path = folder / "attachments" / sha
            if not path.exists():
                raise SnapshotInvalid(MISSES_ATTACHMENT_CANNOT_RESTORED(label=label, sha=sha[:12]))
            if sha256_file(path) != sha:
                raise SnapshotInvalid(ATTACHMENT_DAMAGED2(sha=sha[:12], label=label))
            attachments[sha] = path
        manifest.check_database(db, data, label)
        return Staged(folder, data, attachments, label)

    # -- export -------------------------------------------------------------------------------

    def export(self, ref: str, out: Path, passphrase: str | None = None, *, progress: Progress = no_progress) -> Path:
        """Write the snapshot ``ref`` as one ``.fbsnap`` file at ``out`` (whole or not at all)."""
        with self.lock:
            info = self.get(ref)
            data = manifest.check(info.manifest, f"snapshot {info.id}")
            out = Path(out)
            if out.is_dir():
                out = out / f"fieldbook-{info.id}{snapfile.SUFFIX}"
            if not out.parent.is_dir():
                raise SnapshotNotFound(FOLDER_DOES_EXIST(folder=str(out.parent)))
            files = [(manifest.DATABASE, info.path / manifest.DATABASE, data["files"][manifest.DATABASE]["sha256"])]
            for sha in data["attachments"]:
                cas = self.cas_path(sha)
                if not cas.exists():
                    raise SnapshotInvalid(SNAPSHOT_MISSES_ATTACHMENT_CANNOT(id=info.id, sha=sha[:12]))
                files.append((f"attachments/{sha}", cas, sha))
            progress(0.1, STEP_WRITING_THE_FILE())
            try:
                snapfile.write(out, data, files, passphrase)
            except OSError as exc:
                if _no_space(exc):
                    raise NoSpaceError(DISK_FULL_EXPORT_WRITTEN(folder=str(out.parent))) from None
                raise SnapshotError(EXPORT_FAILED_WRITTEN(path=str(out), reason=str(exc.strerror or exc))) from None
            progress(1.0, STEP_DONE())
            return out

    # -- retention ----------------------------------------------------------------------------

    def prune(self, *, dry_run: bool = False) -> list[str]:
        """Remove the snapshots retention does not keep (and attachments no snapshot needs)."""
        with self.lock:
            snaps = self.all()
            candidates = [Candidate(s.id, s.created_at, s.pinned, s.verified is True, s.auto_pinned) for s in snaps]
            doomed = to_remove(candidates, self.policy)
            if dry_run:
                return doomed
            for snap_id in doomed:
                trash = self.dir / f".trash-{snap_id}"
                os.rename(self.dir / snap_id, trash)
                remove_tree(trash)
            if doomed:
                fsync_dir(self.dir)
                self._collect_attachments()
                log.info("pruned %d snapshot(s): %s", len(doomed), ", ".join(doomed))
            return doomed

    def _collect_attachments(self) -> None:
        needed = {sha for s in self.all() for sha in s.manifest.get("attachments", {})}
        if not self.cas_dir.exists():
            return
        for path in self.cas_dir.glob("*/*"):
            if path.name.startswith("."):
                continue
            if path.name not in needed:
                path.unlink(missing_ok=True)


def row_counts_safe(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    try:
        return manifest.row_counts(con)
    except duckdb.Error as exc:
        raise SnapshotError(DATABASE_COULD_READ_SNAPSHOT(reason=str(exc))) from None


def for_config(cfg: Any) -> Snapshots:
    """The ``Snapshots`` of a loaded ``AppConfig``."""
    policy = Policy(cfg.snapshot_keep_hourly, cfg.snapshot_keep_daily, cfg.snapshot_keep_weekly, cfg.snapshot_keep_pre_restore)
    paths = cfg.paths
    return Snapshots(paths.snapshots_dir, paths.database, paths.attachments_dir, min_free_mb=cfg.min_free_mb, policy=policy)


