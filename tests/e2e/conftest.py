from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


RUNS_DONE = "() => { const r = window.__fbRuns; return !r || r.done >= r.asked; }"


def settle(page: Any) -> None:
    """Wait until Streamlit has finished every run this page asked for (tests/conftest.py's
    RUN_TRACKER_JS), then until it is idle."""
    page.wait_for_function(RUNS_DONE)
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


def main(page: Any) -> Any:
    return page.get_by_test_id("stMain")


def open_row(page: Any, row: int = 0, label: Any = "Notes") -> Any:
    """Open data row ``row`` (0-based) of the records list by its row marker at the left edge of
    the grid canvas; returns the record editor's box labelled ``label`` (text or pattern). A click that lands while the grid is
    still being drawn (a loaded machine) selects nothing: then the list, settled, is clicked again
    — never a row whose editor is already opening, which a second click would deselect."""
    from playwright.sync_api import expect

    grid = main(page).get_by_test_id("stDataFrame")
    expect(grid).to_be_visible()
    notes = main(page).get_by_label(label)
    for attempt in range(3):
        grid.click(position={"x": 12, "y": 35 * (row + 1) + 17})
        try:
            expect(notes).to_be_visible(timeout=5000)
            return notes
        except AssertionError:
            settle(page)
            if notes.is_visible() or attempt == 2:
                break
    expect(notes).to_be_visible()
    return notes


def create_project(page: Any, name: str, form: Any) -> None:
    """On the Projects page: a new project ``name`` from the form file ``form``, then open it (a form
    without warnings opens at once; with warnings, the report offers to open it)."""
    from playwright.sync_api import expect

    m = main(page)
    m.get_by_label("Project name").fill(name)
    m.get_by_label("Project name").press("Enter")
    settle(page)
    m.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(form))
    settle(page)
    m.get_by_role("button", name="Create project").click()
    expect(m.get_by_text(f"Project “{name}” created", exact=False)).to_be_visible()
    settle(page)
    offer = m.get_by_role("button", name="Open the new project")
    opened = m.get_by_text(f"{name} · 0 records")
    expect(offer.or_(opened).first).to_be_visible()
    if offer.is_visible():
        offer.click()
        settle(page)
    expect(m.get_by_text(f"{name} · 0 records")).to_be_visible()


def choose(page: Any, label: str, option: str, scope: Any = None) -> None:
    """Open a select box's list (in ``scope``, else the main area) and pick ``option``
    (re-opening it if a rerun closed the list)."""
    box = (scope if scope is not None else main(page)).get_by_role("combobox", name=label)
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(5):
        box.click()
        try:
            wanted.wait_for(state="visible", timeout=2000)
            break
        except Exception:
            settle(page)
    wanted.click()
    settle(page)


def type_segments(page: Any, label: str, **segments: str) -> None:
    """Type into a date or time field segment by segment (they are separate spinbuttons)."""
    from playwright.sync_api import expect

    for name, text in segments.items():
        segment = main(page).get_by_role("spinbutton", name=f"{name}, {label}")
        segment.click()
        segment.press_sequentially(text, delay=30)
        expect(segment).to_have_text(text)
    page.keyboard.press("Tab")  # leaving the field commits it
    settle(page)
