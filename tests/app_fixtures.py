from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import runtime
from store.config import load_config
from store.db import Store
from tests.conftest import ROOT, clean_env

SCRIPT = str(ROOT / "app" / "main.py")
TOKEN = "test-token"


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[runtime.Runtime]:
    cfg = load_config(clean_env(tmp_path))
    cfg.paths.ensure()
    store = Store.open(cfg.paths.database)
    current = runtime.Runtime(cfg, store, TOKEN, "tester")
    runtime.install(current)
    yield current
    runtime.install(None)
    store.close()


@pytest.fixture
def new_session(rt: runtime.Runtime) -> Callable[..., AppTest]:
    """A fresh browser session (as after a refresh): new session_state, same store."""

    def make(token: str | None = TOKEN, **params: str) -> AppTest:
        at = AppTest.from_file(SCRIPT, default_timeout=30)
        if token is not None:
            at.query_params["t"] = token
        at.query_params.update(params)
        return at.run()

    return make
