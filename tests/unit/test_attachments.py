"""Attachments: content-addressed files written durably, one row each, a size limit that writes
nothing, and no temporary files left behind."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from store.core.db import Store
from store.core.errors import ValidationError
from store.core.values import FileRef
from store.fielddata.attachments import attachment_path, read_attachment, save_attachment

MB = 1_048_576


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "attachments"


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def attachment_rows(store: Store) -> list[tuple[object, ...]]:
    return store.read("SELECT sha256, name, size, mime FROM attachments ORDER BY sha256")


def test_save_writes_content_addressed_file_and_row(store: Store, folder: Path) -> None:
    data = "Feldnotiz: 12 Stück ☃\n".encode()
    sha = hashlib.sha256(data).hexdigest()
    ref = save_attachment(store, folder, "notiz.txt", data, "text/plain", max_bytes=MB)
    assert ref == FileRef(sha, "notiz.txt", len(data), "text/plain")
    assert attachment_path(folder, sha) == folder / sha[:2] / sha
    assert files_under(folder) == [folder / sha[:2] / sha]
    assert (folder / sha[:2] / sha).read_bytes() == data
    assert attachment_rows(store) == [(sha, "notiz.txt", len(data), "text/plain")]
    assert read_attachment(folder, ref) == data


def test_empty_file_and_unknown_mime(store: Store, folder: Path) -> None:
    ref = save_attachment(store, folder, "empty", b"", None, max_bytes=MB)
    assert ref == FileRef(hashlib.sha256(b"").hexdigest(), "empty", 0, None)
    assert read_attachment(folder, ref) == b""
    assert attachment_rows(store) == [(ref.sha256, "empty", 0, None)]


def test_same_content_is_stored_once(store: Store, folder: Path) -> None:
    data = bytes(range(256)) * 100
    first = save_attachment(store, folder, "a.bin", data, "application/octet-stream", max_bytes=MB)
    second = save_attachment(store, folder, "copy of a.bin", data, "application/octet-stream", max_bytes=MB)
    assert first.sha256 == second.sha256
    assert second.name == "copy of a.bin"
    assert files_under(folder) == [attachment_path(folder, first.sha256)]
    assert store.read("SELECT count(*) FROM attachments") == [(1,)]
    assert read_attachment(folder, second) == data


def test_different_contents_get_different_files(store: Store, folder: Path) -> None:
    refs = [save_attachment(store, folder, f"f{i}", f"content {i}".encode(), None, max_bytes=MB) for i in range(5)]
    assert len({r.sha256 for r in refs}) == 5
    assert files_under(folder) == sorted(attachment_path(folder, r.sha256) for r in refs)
    assert [read_attachment(folder, r) for r in refs] == [f"content {i}".encode() for i in range(5)]


def test_too_large_file_is_refused_and_nothing_is_written(store: Store, folder: Path) -> None:
    data = b"x" * (2 * MB + 1)
    with pytest.raises(ValidationError) as info:
        save_attachment(store, folder, "holiday video.mp4", data, "video/mp4", max_bytes=2 * MB)
    message = str(info.value)
    assert "holiday video.mp4" in message
    assert "2 MB" in message
    assert "Traceback" not in message and "Error" not in message
    assert files_under(folder) == []
    assert attachment_rows(store) == []


def test_file_of_exactly_max_bytes_is_accepted(store: Store, folder: Path) -> None:
    data = b"y" * 1000
    ref = save_attachment(store, folder, "limit.bin", data, None, max_bytes=1000)
    assert read_attachment(folder, ref) == data


def test_no_temporary_files_are_left(store: Store, folder: Path) -> None:
    for i in range(10):
        save_attachment(store, folder, f"f{i}", f"data {i % 3}".encode() * 1000, None, max_bytes=MB)
    leftovers = [p for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".")]
    assert leftovers == []
    assert len(files_under(folder)) == 3


def save_all_at_once(store: Store, folder: Path, data: bytes, sessions: int) -> tuple[list[FileRef], list[BaseException]]:
    """``sessions`` threads save ``data`` at the same moment: their references and errors."""
    barrier = threading.Barrier(sessions)
    errors: list[BaseException] = []
    refs: list[FileRef] = []

    def save(i: int) -> None:
        barrier.wait()
        try:
            refs.append(save_attachment(store, folder, f"photo-{i}.jpg", data, "image/jpeg", max_bytes=MB))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(sessions)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    return refs, errors


def test_same_content_saved_by_many_sessions_at_once(store: Store, folder: Path) -> None:
    # Two people attaching the same photo at the same moment: every save succeeds, one file.
    for round_ in range(5):
        data = f"the same photo, round {round_}".encode() * 5000
        refs, errors = save_all_at_once(store, folder, data, sessions=8)
        assert errors == [], f"round {round_}: {len(errors)} of 8 saves failed, e.g. {errors[0]!r}"
        assert len(refs) == 8
        assert read_attachment(folder, refs[0]) == data
    assert store.read("SELECT count(*) FROM attachments") == [(5,)]
    assert [p for p in folder.rglob("*.tmp")] == []
