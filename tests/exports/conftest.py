"""Fixtures for export/import tests: a real DuckDB file under ``tmp_path``, closed at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from store.core.db import Store
from tests.jobs.conftest import make_service  # noqa: F401  (fixture: a real JobService)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    (tmp_path / "data").mkdir(exist_ok=True)
    s = Store.open(tmp_path / "data" / "fieldbook.duckdb")
    yield s
    s.close()


@pytest.fixture
def attachments(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
