from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from store.core.config import AppConfig
from store.core.db import Store
from store.snapshots.engine import Snapshots, for_config
from tests.snapshots.helpers import config, open_filled


@pytest.fixture
def cfg(tmp_path: Path) -> AppConfig:
    return config(tmp_path / "home")


@pytest.fixture
def filled(cfg: AppConfig) -> Iterator[Store]:
    """A store with rows in every table and three attachments (two with the same content)."""
    store = open_filled(cfg)
    yield store
    store.close()


@pytest.fixture
def snaps(cfg: AppConfig) -> Snapshots:
    return for_config(cfg)
