from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def settle(page: Any) -> None:
    """Wait until Streamlit has finished the current run."""
    page.wait_for_selector(IDLE, state="attached")
    page.wait_for_timeout(100)  # a callback's rerun may start right after; let it register
    page.wait_for_selector(IDLE, state="attached")


def layout_shift(page: Any) -> float:
    """Cumulative layout shift (without shifts right after input) since this page load."""
    return float(page.evaluate("(window.__fbShifts || []).reduce((a, e) => a + e.value, 0)"))


def shift_sources(page: Any) -> list[Any]:
    return page.evaluate("window.__fbShifts || []")


def header(page: Any) -> Any:
    return page.locator(".st-key-fb_header")


def sidebar_button(page: Any, name: str) -> Any:
    return page.get_by_test_id("stSidebar").get_by_role("button", name=name)
