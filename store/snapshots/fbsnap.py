"""The portable snapshot file (``.fbsnap``): database, manifest and attachments in one file.

Layout (all integers big-endian)::

    magic     b"FBSNAP\\r\\n\\x1a\\n"   (a text-mode transfer that mangles line ends is caught here)
    version   u16                     FORMAT_VERSION
    header    u32 length + JSON       {"encryption": null | {...scrypt and AES-GCM parameters}}
    body      plain:     the payload
              encrypted: records  u8 last · u32 length · AES-GCM(chunk of the payload)
    trailer   b"FBEND" + sha256 of every byte before the trailer

    payload   entries  b"E" · u16 name length · name · u64 size · bytes,  then b"Z"
              names: "manifest.json" (always first), "fieldbook.duckdb", "attachments/<sha256>"

The trailer checksum covers the whole file, so any flipped byte or cut is found even where the
entries' own checksums (in the manifest) would not look, and it is checked before a passphrase
is blamed: a key check that fails on an intact file means a wrong passphrase.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from store.core import texts
from store.core.crashpoints import step
from store.core.fsutil import CHUNK, fsync_dir
from store.core.texts import said
from store.snapshots import crypt as snapcrypt
from store.snapshots.errors import PassphraseError, SnapshotInvalid

MAGIC = b"FBSNAP\r\n\x1a\n"
FORMAT_VERSION = 1
TRAILER = b"FBEND"
SUFFIX = ".fbsnap"
MANIFEST = "manifest.json"
DATABASE = "fieldbook.duckdb"
_ATTACHMENT = re.compile(r"attachments/[0-9a-f]{64}")  # fullmatch: `$` would let a final newline through
_MAX_HEADER = 64 * 1024
WHY_AN_ENCRYPTED_BLOCK_HAS_A = said("snap.why.an_encrypted_block_has_a", "an encrypted block has a bad frame")
WHY_AN_ENTRY_HAS_A_BAD = said("snap.why.an_entry_has_a_bad", "an entry has a bad name")
WHY_DATA_FOLLOWS_ITS_END = said("snap.why.data_follows_its_end", "data follows its end")
WHY_ITS_CHECKSUM_DOES_NOT_MATCH = said("snap.why.its_checksum_does_not_match", "its checksum does not match")
WHY_ITS_CONTENT_ENDS_TOO_EARLY = said("snap.why.its_content_ends_too_early", "its content ends too early")
WHY_ITS_HEADER_CANNOT_BE_READ = said("snap.why.its_header_cannot_be_read", "its header cannot be read")
WHY_ITS_HEADER_IS_IMPLAUSIBLY_LARGE = said("snap.why.its_header_is_implausibly_large", "its header is implausibly large")
WHY_ITS_MANIFEST_CANNOT_BE_READ = said("snap.why.its_manifest_cannot_be_read", "its manifest cannot be read")
WHY_ITS_MANIFEST_IS_NOT_WHERE = said("snap.why.its_manifest_is_not_where", "its manifest is not where it belongs")
WHY_IT_ENDS_TOO_EARLY_CUT = said("snap.why.it_ends_too_early_cut", "it ends too early (cut off?)")
WHY_IT_HAS_NO_MANIFEST = said("snap.why.it_has_no_manifest", "it has no manifest")
WHY_CHECKSUM_CHANGED = said("snap.why.checksum_changed", "its checksum does not match (incomplete or changed)")
WHY_BLOCK_FAILS = said("snap.why.block_fails", "encrypted block {index} fails its check")
WHY_TWICE = said("snap.why.twice", "it holds {name} twice")
WHY_UNEXPECTED = said("snap.why.unexpected", "it holds an unexpected entry {name!r}")
DAMAGED = said("snap.damaged", "The snapshot file {name} is damaged: {why}. Nothing was changed; use another copy.")
OTHER_FORMAT = said(
    "snap.other_format",
    "{name} is a snapshot file of format version {version}; this Fieldbook reads version {reads}. Use the Fieldbook that made it. Nothing was changed.",
)

DOES_MATCH_CHECKSUM_SNAPSHOT = said("snap.does_match_checksum_snapshot", "{source} does not match its checksum in the snapshot's manifest: the snapshot is damaged.")
FIELDBOOK_SNAPSHOT_FILE_FBSNAP = said("snap.fieldbook_snapshot_file_fbsnap", "{name} is not a Fieldbook snapshot file (.fbsnap). Nothing was changed.")
ENCRYPTED_GIVE_PASSPHRASE = said("snap.encrypted_give_passphrase", "{name} is encrypted: give its passphrase.")
PASSPHRASE_WRONG = said("snap.passphrase_wrong", "The passphrase for {name} is wrong. Nothing was changed.")


def is_encrypted(path: Path) -> bool:
    """Whether ``path`` is an encrypted ``.fbsnap`` (``SnapshotInvalid`` if it is none at all)."""
    with open(path, "rb") as fh:
        return _read_header(_Reader(fh, path))[0]["encryption"] is not None


def check_complete(path: Path) -> bool:
    """Whether ``path`` is encrypted, after checking it is a whole ``.fbsnap`` (magic, version,
    whole-file checksum); ``SnapshotInvalid`` if not. Needs no passphrase."""
    path = Path(path)
    with open(path, "rb") as fh:
        reader = _Reader(fh, path)
        header, _ = _read_header(reader)
        fh.seek(0, os.SEEK_END)
        if not _trailer_matches(fh, path, reader):
            raise _damaged(path, WHY_CHECKSUM_CHANGED())
    return header["encryption"] is not None


# -- writing ------------------------------------------------------------------------------------


class _HashingWriter:
    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.fh.write(data)
        self.digest.update(data)


class _Sealer:
    """Buffers the payload into chunks and writes each as an encrypted record."""

    def __init__(self, out: _HashingWriter, cipher: snapcrypt.Cipher) -> None:
        self.out = out
        self.cipher = cipher
        self.buffer = bytearray()
        self.index = 0

    def write(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) > snapcrypt.CHUNK:
            self._record(bytes(self.buffer[: snapcrypt.CHUNK]), last=False)
            del self.buffer[: snapcrypt.CHUNK]

    def close(self) -> None:
        self._record(bytes(self.buffer), last=True)
        self.buffer.clear()

    def _record(self, chunk: bytes, last: bool) -> None:
        sealed = self.cipher.seal(self.index, chunk, last)
        self.out.write(struct.pack(">BI", 1 if last else 0, len(sealed)) + sealed)
        self.index += 1


def write(
    out: Path,
    manifest: dict[str, Any],
    files: Sequence[tuple[str, Path, str]],
    passphrase: str | None = None,
) -> int:
    """Write ``out`` from ``manifest`` and ``files`` (entry name, source path, expected sha256).

    Each source is checked against its sha256 while it is copied; a mismatch raises
    ``SnapshotInvalid`` and leaves no file. ``out`` appears complete or not at all (temp file,
    fsync, rename). Returns the size of the file.
    """
    out = Path(out)
    for stale in out.parent.glob(f".{out.name}.*.tmp"):  # left by an export that was killed
        stale.unlink(missing_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            sink = _HashingWriter(fh)
            encryption: dict[str, Any] | None = None
            cipher = None
            if passphrase:
                encryption, cipher = snapcrypt.new_encryption(passphrase)
            header = json.dumps({"encryption": encryption}, sort_keys=True).encode()
            start = MAGIC + struct.pack(">HI", FORMAT_VERSION, len(header)) + header
            sink.write(start)
            payload: Any = sink
            if cipher is not None:
                cipher.header = start
                payload = _Sealer(sink, cipher)
            _entry(payload, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
            for name, source, sha in files:
                _file_entry(payload, name, source, sha)
                step(f"export: wrote {name}")
            payload.write(b"Z")
            if cipher is not None:
                payload.close()
            fh.write(TRAILER + sink.digest.digest())
            fh.flush()
            os.fsync(fh.fileno())
        step("export: file written and synced")
        os.replace(tmp, out)
        fsync_dir(out.parent)
        step("export: renamed into place")
    finally:
        tmp.unlink(missing_ok=True)
    return out.stat().st_size


def _entry(payload: Any, name: str, data: bytes) -> None:
    encoded = name.encode()
    payload.write(b"E" + struct.pack(">H", len(encoded)) + encoded + struct.pack(">Q", len(data)))
    payload.write(data)


def _file_entry(payload: Any, name: str, source: Path, sha: str) -> None:
    size = source.stat().st_size
    encoded = name.encode()
    payload.write(b"E" + struct.pack(">H", len(encoded)) + encoded + struct.pack(">Q", size))
    digest = hashlib.sha256()
    written = 0
    with open(source, "rb") as fh:
        while written < size and (block := fh.read(min(CHUNK, size - written))):
            digest.update(block)
            payload.write(block)
            written += len(block)
    if written != size or digest.hexdigest() != sha:
        raise SnapshotInvalid(DOES_MATCH_CHECKSUM_SNAPSHOT(source=str(source)))


# -- reading ------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, fh: IO[bytes], path: Path) -> None:
        self.fh = fh
        self.path = path
        self.digest = hashlib.sha256()

    def exact(self, n: int) -> bytes:
        data = self.fh.read(n)
        if len(data) != n:
            raise _damaged(self.path, WHY_IT_ENDS_TOO_EARLY_CUT())
        self.digest.update(data)
        return data

    def drain(self) -> None:
        while block := self.fh.read(CHUNK):
            self.digest.update(block)


def _damaged(path: Path, why: str) -> SnapshotInvalid:
    return SnapshotInvalid(DAMAGED(name=path.name, why=why))


def _read_header(reader: _Reader) -> tuple[dict[str, Any], bytes]:
    """The header and the raw bytes up to its end (authenticated with every encrypted chunk)."""
    magic = reader.fh.read(len(MAGIC))
    reader.digest.update(magic)
    if magic != MAGIC:
        raise SnapshotInvalid(FIELDBOOK_SNAPSHOT_FILE_FBSNAP(name=reader.path.name))
    sizes = reader.exact(6)
    version, length = struct.unpack(">HI", sizes)
    if version != FORMAT_VERSION:
        raise SnapshotInvalid(OTHER_FORMAT(name=reader.path.name, version=str(version), reads=str(FORMAT_VERSION)))
    if length > _MAX_HEADER:
        raise _damaged(reader.path, WHY_ITS_HEADER_IS_IMPLAUSIBLY_LARGE())
    raw = reader.exact(length)
    try:
        header = json.loads(raw)
        if not isinstance(header, dict) or "encryption" not in header:
            raise ValueError("no encryption field")
    except ValueError:
        raise _damaged(reader.path, WHY_ITS_HEADER_CANNOT_BE_READ()) from None
    return header, magic + sizes + raw


class _Opener:
    """The decrypted payload of an encrypted body, read record by record."""

    def __init__(self, reader: _Reader, cipher: snapcrypt.Cipher) -> None:
        self.reader = reader
        self.cipher = cipher
        self.buffer = b""
        self.index = 0
        self.finished = False

    def exact(self, n: int) -> bytes:
        while len(self.buffer) < n:
            if self.finished:
                raise _damaged(self.reader.path, WHY_ITS_CONTENT_ENDS_TOO_EARLY())
            last, length = struct.unpack(">BI", self.reader.exact(5))
            if last not in (0, 1) or length > snapcrypt.CHUNK + snapcrypt.TAG_SIZE:
                raise _damaged(self.reader.path, WHY_AN_ENCRYPTED_BLOCK_HAS_A())
            try:
                self.buffer += self.cipher.open(self.index, self.reader.exact(length), bool(last))
            except snapcrypt.ChunkInvalid:
                raise _damaged(self.reader.path, WHY_BLOCK_FAILS(index=str(self.index))) from None
            self.index += 1
            self.finished = bool(last)
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data


def extract(path: Path, dest: Path, passphrase: str | None = None) -> dict[str, Any]:
    """Unpack the ``.fbsnap`` at ``path`` into the folder ``dest``; return its manifest.

    Raises ``SnapshotInvalid`` (not a snapshot, another format version, damaged, cut off) or
    ``PassphraseError`` (encrypted and no or a wrong passphrase). The whole-file checksum is
    checked before anything is returned; the caller still checks the entries against the manifest.
    """
    path, dest = Path(path), Path(dest)
    with open(path, "rb") as fh:
        reader = _Reader(fh, path)
        header, start = _read_header(reader)
        payload: Any = reader
        if header["encryption"] is not None:
            if not passphrase:
                raise PassphraseError(ENCRYPTED_GIVE_PASSPHRASE(name=path.name))
            try:
                cipher = snapcrypt.open_encryption(header["encryption"], passphrase)
            except (snapcrypt.KeyMismatch, ValueError) as exc:
                reader.drain()  # intact file → the passphrase is wrong; damaged → say so
                if not _trailer_matches(fh, path, reader):
                    raise _damaged(path, WHY_ITS_CHECKSUM_DOES_NOT_MATCH()) from None
                if isinstance(exc, ValueError):
                    raise _damaged(path, texts.of(exc)) from None
                raise PassphraseError(PASSPHRASE_WRONG(name=path.name)) from None
            cipher.header = start
            payload = _Opener(reader, cipher)
        manifest = _unpack(payload, path, dest)
        if isinstance(payload, _Opener) and (not payload.finished or payload.buffer):
            raise _damaged(path, WHY_DATA_FOLLOWS_ITS_END())
        tag = fh.read(len(TRAILER))
        expected = reader.digest.digest()
        digest = fh.read(32)
        if tag != TRAILER or digest != expected:
            raise _damaged(path, WHY_ITS_CHECKSUM_DOES_NOT_MATCH())
        if fh.read(1):
            raise _damaged(path, WHY_DATA_FOLLOWS_ITS_END())
    return manifest


def _trailer_matches(fh: IO[bytes], path: Path, reader: _Reader) -> bool:
    """With ``fh`` at its end: whether the last 37 bytes are a trailer over everything before them."""
    size = fh.tell()
    if size < len(TRAILER) + 32:
        return False
    fh.seek(0)
    digest = hashlib.sha256()
    remaining = size - len(TRAILER) - 32
    while remaining > 0 and (block := fh.read(min(CHUNK, remaining))):
        digest.update(block)
        remaining -= len(block)
    return fh.read(len(TRAILER)) == TRAILER and fh.read(32) == digest.digest()


def _unpack(payload: Any, path: Path, dest: Path) -> dict[str, Any]:
    manifest: dict[str, Any] | None = None
    seen: set[str] = set()
    for name, size in _entries(payload, path):
        if name in seen:
            raise _damaged(path, WHY_TWICE(name=name))
        seen.add(name)
        if manifest is None and name != MANIFEST:
            raise _damaged(path, WHY_ITS_MANIFEST_IS_NOT_WHERE())
        if name == MANIFEST:
            try:
                manifest = json.loads(payload.exact(size))
            except ValueError:
                raise _damaged(path, WHY_ITS_MANIFEST_CANNOT_BE_READ()) from None
            if not isinstance(manifest, dict):
                raise _damaged(path, WHY_ITS_MANIFEST_CANNOT_BE_READ())
            (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            remaining = size
            while remaining:
                block = payload.exact(min(CHUNK, remaining))
                out.write(block)
                remaining -= len(block)
            out.flush()
            os.fsync(out.fileno())
    if manifest is None:
        raise _damaged(path, WHY_IT_HAS_NO_MANIFEST())
    return manifest


def _entries(payload: Any, path: Path) -> Iterator[tuple[str, int]]:
    while True:
        kind = payload.exact(1)
        if kind == b"Z":
            return
        if kind != b"E":
            raise _damaged(path, WHY_AN_ENTRY_HAS_A_BAD())
        (length,) = struct.unpack(">H", payload.exact(2))
        try:
            name = payload.exact(length).decode("ascii")
        except UnicodeDecodeError:
            raise _damaged(path, WHY_AN_ENTRY_HAS_A_BAD()) from None
        if name not in (MANIFEST, DATABASE) and not _ATTACHMENT.fullmatch(name):
            raise _damaged(path, WHY_UNEXPECTED(name=name))
        (size,) = struct.unpack(">Q", payload.exact(8))
        yield name, size
