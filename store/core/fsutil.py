"""Durable file operations: fsync files and folders, replace atomically, copy with a checksum."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

CHUNK = 1 << 20


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def copy_hashed(src: Path, dst: Path) -> str:
    """Copy ``src`` to ``dst`` (fsynced) and return the sha256 of what was written."""
    digest = hashlib.sha256()
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while block := fin.read(CHUNK):
            digest.update(block)
            fout.write(block)
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest()


def copy_durable(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` through a temp file, fsync, rename: ``dst`` is whole or absent."""
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    shutil.copyfile(src, tmp)
    fsync_file(tmp)
    os.replace(tmp, dst)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def catch_up(source: Path, target: Path, block: int = 1 << 20) -> None:
    """Make ``target`` equal to ``source`` by rewriting only the blocks that differ."""
    with open(source, "rb") as src, open(target, "r+b") as dst:
        offset = 0
        while data := src.read(block):
            if dst.read(len(data)) != data:
                dst.seek(offset)
                dst.write(data)
            offset += len(data)
            dst.seek(offset)
        dst.truncate(offset)
