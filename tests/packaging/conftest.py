"""Fixtures for the frozen app: the executable (built on demand), running it as a command or as
the app, and what every page of it must not show."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import RunningApp, clean_env, spawn
from tests.e2e.conftest import settle
from tests.packaging.dist import ensure_dist

# Anything Streamlit shows for a failed script or a st.error; a frozen build that misses a module
# shows a ModuleNotFoundError in the first of these.
ERROR_SELECTOR = '[data-testid="stException"], [data-testid="stAlertContentError"]'


@pytest.fixture(scope="session")
def frozen() -> Path:
    """dist/Fieldbook/Fieldbook, fresh for the current sources."""
    return ensure_dist()


def run_frozen(exe: Path, home: Path, *args: str, timeout: float = 60, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the frozen executable with ``args`` to completion, in a clean environment."""
    return subprocess.run([str(exe), *args], env=clean_env(home, **env), cwd=cwd or home.parent, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def start_frozen(tmp_path: Path, frozen: Path) -> Iterator[Callable[..., RunningApp]]:
    """Start the frozen app (``FIELDBOOK_WINDOW=none`` unless given); all are stopped at the end."""
    started: list[RunningApp] = []

    def start(home: Path | None = None, *, exe: Path | None = None, wait: bool = True, **env: str) -> RunningApp:
        app = spawn([str(exe or frozen)], home or tmp_path / "home", tmp_path, wait=False, **env)
        started.append(app)
        if wait:
            app.wait_ready()
        return app

    yield start
    for app in started:
        app.close()


def expect_no_errors(page: Any) -> None:
    """The page finished its run and shows no exception and no error message."""
    settle(page)
    errors = page.locator(ERROR_SELECTOR)
    assert errors.count() == 0, f"the page shows an error: {errors.first.inner_text()}"
    expect(page.get_by_test_id("stApp")).not_to_contain_text("ModuleNotFoundError")


def visit_every_page(page: Any) -> int:
    """Click each page of the sidebar and check that it renders without an error; return how many."""
    buttons = page.get_by_test_id("stSidebar").get_by_role("button")
    expect(buttons.first).to_be_visible()
    settle(page)
    count = buttons.count()
    assert count >= 3, f"the sidebar lists too few pages: {buttons.all_inner_texts()}"
    for i in range(count):
        buttons.nth(i).click()
        expect_no_errors(page)
    return count
