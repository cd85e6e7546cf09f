"""Paths.ensure(): every folder is created, or a StoreError names the one that cannot be used.

Tests run as root, where chmod cannot make a folder unwritable; a path below a regular file can
never be created, whoever runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.core.config import load_config
from store.core.errors import StoreError
from store.core.paths import resolve_paths


def test_ensure_creates_every_folder(tmp_path: Path) -> None:
    paths = resolve_paths(home=tmp_path / "home")
    paths.ensure()
    for folder in paths.folders().values():
        assert folder.is_dir(), folder


def test_ensure_is_repeatable_and_leaves_no_probe_files(tmp_path: Path) -> None:
    paths = resolve_paths(home=tmp_path)
    paths.ensure()
    paths.ensure()
    for folder in paths.folders().values():
        assert list(folder.iterdir()) == [], folder


def test_ensure_keeps_existing_content(tmp_path: Path) -> None:
    paths = resolve_paths(home=tmp_path)
    paths.data_dir.mkdir(parents=True)
    (paths.data_dir / "keep.txt").write_text("x")
    paths.ensure()
    assert (paths.data_dir / "keep.txt").read_text() == "x"


def test_home_below_a_file_names_the_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    paths = resolve_paths(home=tmp_path / "file" / "sub")
    with pytest.raises(StoreError) as info:
        paths.ensure()
    message = str(info.value)
    assert "data folder" in message
    assert str(paths.data_dir) in message
    assert "FIELDBOOK_HOME" in message


def test_the_failing_folder_is_the_one_named(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    logs = tmp_path / "file" / "logs"
    paths = load_config(environ={"FIELDBOOK_HOME": str(tmp_path / "home"), "FIELDBOOK_LOGS_DIR": str(logs)}).paths
    with pytest.raises(StoreError) as info:
        paths.ensure()
    message = str(info.value)
    assert f"logs folder {logs}" in message
    assert str(paths.data_dir) not in message
    assert (tmp_path / "file").read_text() == "not a folder"


def test_folder_that_is_a_file(tmp_path: Path) -> None:
    paths = resolve_paths(home=tmp_path)
    paths.data_dir.parent.mkdir(parents=True, exist_ok=True)
    paths.inbox_dir.write_text("oops")
    with pytest.raises(StoreError, match="inbox folder"):
        paths.ensure()
