"""Fieldbook's folders and files are the user's alone.

Everything Fieldbook creates is private: folders 0700, files 0600. The launcher sets the process
umask (``restrict_umask``), so files DuckDB, SQLite, the log handler or a snapshot writer create
are 0600 without each knowing it; folders are made with ``private_folder``.

Two kinds of folder:

- **The runtime folder** (lock, control channel). Its default without ``XDG_RUNTIME_DIR`` is the
  predictable ``<tmp>/fieldbook-<uid>``, which another local user could create first and fill
  with a symlinked lock file or a fake control file. ``runtime_folder`` refuses it (``StoreError``,
  exit 3) unless it is a real folder (not a symlink) owned by this user that nobody else can write
  to; one only readable by others (an earlier Fieldbook made it 0755) is tightened to 0700.
- **The data folders** (data, snapshots, inbox, logs, config). A folder this user owns that others
  can read is tightened once — the folder and everything in it — with a log line; the next start
  finds it 0700 and walks nothing. A folder owned by someone else is left alone (an administrator
  set it up so) but never trusted for the runtime.

Files in the runtime folder are opened with ``O_NOFOLLOW`` (``open_private``): a symlink planted
there is refused, never followed. Nothing here applies on Windows, whose user folders are private.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from store.core.errors import StoreError

log = logging.getLogger(__name__)

POSIX = os.name == "posix"
FOLDER_MODE = 0o700
FILE_MODE = 0o600
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def restrict_umask() -> None:
    """Files and folders this process creates are private (0600 / 0700) unless made otherwise."""
    if POSIX:
        os.umask(0o077)


def runtime_folder(folder: Path) -> Path:
    """``folder``, created private if missing; ``StoreError`` unless it is safe to keep the lock
    and the control channel in."""
    folder = Path(folder)
    if not POSIX:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=FOLDER_MODE)
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"Fieldbook cannot create its runtime folder {folder} ({exc.strerror or exc}).") from None
    try:
        info = os.lstat(folder)
    except OSError as exc:
        raise StoreError(f"Fieldbook cannot use its runtime folder {folder} ({exc.strerror or exc}).") from None
    problem = None
    if stat.S_ISLNK(info.st_mode):
        problem = "it is a symbolic link"
    elif not stat.S_ISDIR(info.st_mode):
        problem = "it is not a folder"
    elif info.st_uid != os.getuid():
        problem = f"it belongs to another user (uid {info.st_uid})"
    elif info.st_mode & 0o022:
        problem = "other users can write to it"
    if problem:
        raise StoreError(
            f"Fieldbook will not use the runtime folder {folder}: {problem}, so another user could take over "
            "Fieldbook's lock and control channel. Remove it (or ask an administrator to), or set "
            "FIELDBOOK_RUNTIME_DIR to a folder of your own."
        )
    if stat.S_IMODE(info.st_mode) != FOLDER_MODE:
        os.chmod(folder, FOLDER_MODE)
        log.warning("made the runtime folder %s private (it was %o)", folder, stat.S_IMODE(info.st_mode))
    return folder


def private_folder(folder: Path) -> None:
    """Create ``folder`` (0700) or, if this user owns it and others can get in, tighten it and
    everything in it once (folders 0700, files 0600), saying so in the log."""
    folder = Path(folder)
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=FOLDER_MODE, exist_ok=True)
    if not POSIX:
        return
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid() or not info.st_mode & 0o077:
        return  # already private, or not ours to change (a symlink to a chosen place, an admin's folder)
    changed = tighten_tree(folder)
    log.warning("made %s private: %d folders and files were readable by other users", folder, changed)


def tighten_tree(top: Path) -> int:
    """chmod folders 0700 and files 0600 under ``top`` (this user's, never through symlinks); how many changed."""
    changed = 0
    uid = os.getuid()
    for root, dirs, files in os.walk(top, followlinks=False):
        for name, mode in [(root, FOLDER_MODE)] + [(os.path.join(root, f), FILE_MODE) for f in files]:
            try:
                info = os.lstat(name)
            except OSError:
                continue
            if stat.S_ISLNK(info.st_mode) or info.st_uid != uid or not info.st_mode & 0o077:
                continue
            try:
                os.chmod(name, stat.S_IMODE(info.st_mode) & mode)
                changed += 1
            except OSError:
                log.warning("could not make %s private", name)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
    return changed


def open_private(path: Path, flags: int, *, exclusive: bool = False) -> int:
    """``os.open`` for a file in the runtime folder: never through a symlink, created 0600, and
    with ``exclusive`` refused if it exists (``FileExistsError``)."""
    flags |= NOFOLLOW | (os.O_CREAT | os.O_EXCL if exclusive else 0)
    try:
        return os.open(path, flags, FILE_MODE)
    except OSError as exc:
        if NOFOLLOW and os.path.islink(path):
            raise StoreError(
                f"Fieldbook will not use {path}: it is a symbolic link, which another user may have planted. "
                "Remove it, or set FIELDBOOK_RUNTIME_DIR to a folder of your own."
            ) from None
        raise exc from None
