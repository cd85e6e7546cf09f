"""The .fbsnap container: round trips, encryption, and refusing anything that is not intact."""

from __future__ import annotations

import hashlib
import json
import os
import random
import struct
from pathlib import Path

import pytest

from store.snapshots import fbsnap as snapfile
from store.snapshots.errors import PassphraseError, SnapshotInvalid

MANIFEST = {"format": "fieldbook-snapshot", "id": "x", "note": "ümlaut 🌳"}


def _files(tmp_path: Path) -> list[tuple[str, Path, str]]:
    db = tmp_path / "src.duckdb"
    db.write_bytes(os.urandom(2_500_000))  # crosses the 1 MiB chunk boundary twice
    att = tmp_path / "att"
    att.write_bytes(b"photo" * 100)
    sha = hashlib.sha256(att.read_bytes()).hexdigest()
    return [("fieldbook.duckdb", db, hashlib.sha256(db.read_bytes()).hexdigest()), (f"attachments/{sha}", att, sha)]


@pytest.mark.parametrize("passphrase", [None, "correct horse 🐎"])
def test_round_trip(tmp_path: Path, passphrase: str | None) -> None:
    files = _files(tmp_path)
    out = tmp_path / "x.fbsnap"
    snapfile.write(out, MANIFEST, files, passphrase)
    assert snapfile.check_complete(out) is bool(passphrase)
    dest = tmp_path / "dest"
    dest.mkdir()
    assert snapfile.extract(out, dest, passphrase) == MANIFEST
    for name, source, _ in files:
        assert (dest / name).read_bytes() == source.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


def test_encrypted_content_is_not_readable(tmp_path: Path) -> None:
    files = _files(tmp_path)
    out = tmp_path / "x.fbsnap"
    snapfile.write(out, MANIFEST, files, "secret")
    assert b"fieldbook-snapshot" not in out.read_bytes()
    assert files[0][1].read_bytes()[:4096] not in out.read_bytes()


def test_wrong_and_missing_passphrase(tmp_path: Path) -> None:
    out = tmp_path / "x.fbsnap"
    snapfile.write(out, MANIFEST, _files(tmp_path), "secret")
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(PassphraseError, match="passphrase for x.fbsnap is wrong"):
        snapfile.extract(out, dest, "Secret")
    with pytest.raises(PassphraseError, match="encrypted: give its passphrase"):
        snapfile.extract(out, dest, None)


def test_not_a_snapshot_and_other_format_version(tmp_path: Path) -> None:
    junk = tmp_path / "junk.fbsnap"
    junk.write_text("hello, I am a text file\n")
    with pytest.raises(SnapshotInvalid, match="not a Fieldbook snapshot file"):
        snapfile.extract(junk, tmp_path, None)
    out = tmp_path / "x.fbsnap"
    snapfile.write(out, MANIFEST, _files(tmp_path))
    data = bytearray(out.read_bytes())
    data[len(snapfile.MAGIC) : len(snapfile.MAGIC) + 2] = struct.pack(">H", 7)
    out.write_bytes(bytes(data))
    with pytest.raises(SnapshotInvalid, match="format version 7; this Fieldbook reads version 1"):
        snapfile.extract(out, tmp_path, None)


def test_source_that_changed_is_refused_and_nothing_written(tmp_path: Path) -> None:
    files = _files(tmp_path)
    files[0] = (files[0][0], files[0][1], "0" * 64)
    out = tmp_path / "x.fbsnap"
    with pytest.raises(SnapshotInvalid, match="does not match its checksum"):
        snapfile.write(out, MANIFEST, files)
    assert not out.exists() and not list(tmp_path.glob(".x.fbsnap*"))


@pytest.mark.parametrize("passphrase", [None, "secret"])
def test_every_damage_is_found(tmp_path: Path, passphrase: str | None) -> None:
    """20 random byte flips and 20 random cuts: each one refused with a plain message."""
    out = tmp_path / "x.fbsnap"
    snapfile.write(out, MANIFEST, _files(tmp_path), passphrase)
    good = out.read_bytes()
    rng = random.Random(6)
    refused = 0
    for n in range(40):
        bad = bytearray(good)
        if n % 2 == 0:
            pos = rng.randrange(len(bad))
            bad[pos] ^= 1 << rng.randrange(8)
        else:
            del bad[rng.randrange(len(bad)) :]
        damaged = tmp_path / f"bad{n}.fbsnap"
        damaged.write_bytes(bytes(bad))
        dest = tmp_path / f"d{n}"
        dest.mkdir()
        with pytest.raises((SnapshotInvalid, PassphraseError)) as info:
            snapfile.extract(damaged, dest, passphrase)
        assert "Traceback" not in str(info.value)
        if isinstance(info.value, PassphraseError):
            pytest.fail(f"damage #{n} was reported as a wrong passphrase: {info.value}")
        refused += 1
    assert refused == 40


def test_manifest_must_come_first(tmp_path: Path) -> None:
    payload = b"E" + struct.pack(">H", 16) + b"fieldbook.duckdb" + struct.pack(">Q", 1) + b"x" + b"Z"
    header = json.dumps({"encryption": None}).encode()
    body = snapfile.MAGIC + struct.pack(">HI", 1, len(header)) + header + payload
    out = tmp_path / "odd.fbsnap"
    out.write_bytes(body + snapfile.TRAILER + hashlib.sha256(body).digest())
    with pytest.raises(SnapshotInvalid, match="manifest is not where it belongs"):
        snapfile.extract(out, tmp_path, None)


def _crafted(tmp_path: Path, header: dict[str, object], payload: bytes) -> Path:
    """A file whose trailer checksum is right: what an attacker who knows the format writes."""
    raw = json.dumps(header).encode()
    body = snapfile.MAGIC + struct.pack(">HI", 1, len(raw)) + raw + payload
    out = tmp_path / "crafted.fbsnap"
    out.write_bytes(body + snapfile.TRAILER + hashlib.sha256(body).digest())
    return out


def _entry(name: str, data: bytes) -> bytes:
    return b"E" + struct.pack(">H", len(name.encode())) + name.encode() + struct.pack(">Q", len(data)) + data


def test_an_entry_name_ending_in_a_newline_is_refused(tmp_path: Path) -> None:
    sha = hashlib.sha256(b"photo").hexdigest()
    manifest = json.dumps(MANIFEST).encode()
    payload = _entry("manifest.json", manifest) + _entry(f"attachments/{sha}\n", b"photo") + b"Z"
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(SnapshotInvalid):
        snapfile.extract(_crafted(tmp_path, {"encryption": None}, payload), dest, None)
    assert not [p for p in dest.rglob("*") if "\n" in p.name]


@pytest.mark.parametrize(("n", "r", "p"), [(2**20, 32, 16), (2**15, 8, 2), (2**14, 8, 1), ("32768", 8, 1), (32768.0, 8, 1), (True, 8, 1)])
def test_key_settings_not_fieldbooks_are_refused_before_deriving(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n, r, p) -> None:
    """A file may not choose the key derivation's cost: 4 GB and minutes per attempt at the top."""
    from store.snapshots import crypt as snapcrypt

    out = tmp_path / "good.fbsnap"
    snapfile.write(out, MANIFEST, _files(tmp_path), "secret")
    data = out.read_bytes()
    length = struct.unpack(">I", data[len(snapfile.MAGIC) + 2 : len(snapfile.MAGIC) + 6])[0]
    start = len(snapfile.MAGIC) + 6
    header = json.loads(data[start : start + length])
    header["encryption"].update(n=n, r=r, p=p)
    crafted = _crafted(tmp_path, header, data[start + length : -len(snapfile.TRAILER) - 32])
    derived: list[object] = []
    monkeypatch.setattr(snapcrypt, "derive_key", lambda *a: derived.append(a) or b"\0" * 32)
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(SnapshotInvalid, match="key settings .* are not Fieldbook's"):
        snapfile.extract(crafted, dest, "secret")
    assert derived == []
