"""The record journey by keyboard alone: open a project, open a record from the list, type into
it, save it — Tab, Shift+Tab, arrows and Enter, no mouse. After each move to another page the
focus is on that page (its heading or the header's title), not on the document's body; the
sidebar marks the current page with aria-current."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import main, settle

pytestmark = pytest.mark.e2e

FOCUS_ON_PAGE = "() => document.activeElement && document.activeElement !== document.body"


def tab_to(page: Any, predicate: str, *, back: bool = False, limit: int = 120) -> None:
    """Press Tab (Shift+Tab with ``back``) until ``predicate`` (JS, on document.activeElement) holds."""
    check = f"() => {{ const e = document.activeElement; return !!e && ({predicate}); }}"
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate(check):
            return
    raise AssertionError(f"no element reached by Tab matches {predicate}")


def open_the_list(page: Any) -> None:
    """ArrowDown on the focused select box until its list shows — as a user does, who looks before
    pressing Enter. A second press is allowed: a header poll (a fragment run) that comes as the list
    opens makes Streamlit re-render it closed (app/views/jobs.py indicator(); rare since it polls
    slowly while no job runs)."""
    option = page.get_by_role("option").first
    for _ in range(2):
        page.keyboard.press("ArrowDown")
        try:
            expect(option).to_be_visible(timeout=2000)
            return
        except AssertionError:
            continue
    expect(option).to_be_visible()


def focus_moved_to_the_page(page: Any) -> None:
    page.wait_for_function(FOCUS_ON_PAGE, timeout=5000)
    where = page.evaluate("document.activeElement.closest('[data-testid=stMain], [data-testid=stHeader], .st-key-fb_header') !== null")
    assert where, page.evaluate("document.activeElement.outerHTML.slice(0, 200)")


def test_the_record_journey_by_keyboard_alone(start_app, page):
    app = start_app()
    page.goto(app.url + "&page=home")
    settle(page)
    expect(page.get_by_test_id("stSidebar").locator('button[aria-current="page"]')).to_have_accessible_name("Projects")

    tab_to(page, "e.tagName === 'BUTTON' && e.innerText.trim() === 'Open'")
    page.keyboard.press("Enter")
    settle(page)
    expect(main(page).get_by_text("Tree survey (demo) · 3 records")).to_be_visible()
    focus_moved_to_the_page(page)
    expect(page.get_by_test_id("stSidebar").locator('button[aria-current="page"]')).to_have_accessible_name("Records")

    tab_to(page, "e.getAttribute('role') === 'combobox' && e.closest('[data-testid=stSelectbox]')?.innerText.includes('Open a record')")
    open_the_list(page)
    page.keyboard.press("Enter")
    settle(page)
    notes = main(page).get_by_label("Notes")
    expect(notes).to_be_visible()
    focus_moved_to_the_page(page)

    tab_to(page, "e.tagName === 'TEXTAREA'")
    page.keyboard.press("End")
    page.keyboard.type(" — checked by keyboard", delay=20)
    page.keyboard.press("Control+Enter")
    settle(page)
    tab_to(page, "e.tagName === 'BUTTON' && e.innerText.trim() === 'Save as draft'", back=True)
    page.keyboard.press("Enter")
    expect(main(page).get_by_text("Saved as draft (version 2).")).to_be_visible()
    assert notes.input_value().endswith(" — checked by keyboard")

    tab_to(page, "e.tagName === 'BUTTON' && e.innerText.trim().endsWith('List')", back=True)
    page.keyboard.press("Enter")
    settle(page)
    expect(main(page).get_by_text("Tree survey (demo) · 3 records")).to_be_visible()
    focus_moved_to_the_page(page)
