"""Fixtures shared by the sync tests: a server set up for Fieldbook, devices (real DuckDB files)
closed after the test, and a private keyring (never the real home's)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from store.core.db import Store
from store.sync import init_server
from tests.sync.helpers import open_device
from tests.sync.keyring_home import private_keyring


@pytest.fixture
def server(pg_url: str) -> str:
    init_server(pg_url)
    return pg_url


@pytest.fixture
def devices(tmp_path: Path) -> Iterator[Callable[[str], Store]]:
    opened: list[Store] = []

    def make(name: str) -> Store:
        store = open_device(tmp_path, name)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def keyring_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from private_keyring(tmp_path, monkeypatch)
