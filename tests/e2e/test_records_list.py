"""The records list in the real app: the demo project on first start, search and pages, a click
on a row opens the record, and "List" returns to the same filters and page; deleting the demo
project removes it for good."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from store.core.db import Store
from store.fielddata.projects import list_projects
from store.fielddata.records import import_records
from tests.conftest import REPORT
from tests.e2e.conftest import choose, layout_shift, main, open_row, settle, sidebar_button

pytestmark = pytest.mark.e2e


def _seed(home: Path, n: int = 60) -> None:
    """More trees in the demo project, written before the app starts (the file is not locked)."""
    store = Store.open(home / "data" / "fieldbook.duckdb")
    try:
        (demo,) = list_projects(store)
        rows = [{"species": "tilia_cordata", "notes": f"lime {i:02d}"} for i in range(n)]
        import_records(store, demo.id, rows, user="seed")
    finally:
        store.close()


def test_demo_project_search_pages_open_and_back(start_app, page):
    app = start_app()
    assert app.stop() == 0
    _seed(app.home)
    app = start_app(app.home)
    page.goto(app.url)
    settle(page)
    expect(main(page).get_by_text("Tree survey (demo)")).to_be_visible()
    main(page).get_by_role("button", name="Open").click()
    expect(main(page).get_by_text("Tree survey (demo) · 63 records")).to_be_visible()
    settle(page)
    shift_before = layout_shift(page)

    choose(page, "Sort by", "Notes")
    main(page).get_by_text("Newest / largest first").click()  # ascending: lime 00, lime 01, …
    settle(page)
    search = main(page).get_by_role("textbox", name="Search")
    search.fill("lime")
    search.press("Enter")
    expect(main(page).get_by_text("1–25 of 60 · page 1 of 3")).to_be_visible()
    main(page).get_by_role("button", name="Next page").click()
    expect(main(page).get_by_text("26–50 of 60 · page 2 of 3")).to_be_visible()
    settle(page)
    REPORT.append(f"layout shift (CLS), records list search + next page: {layout_shift(page) - shift_before:.3f}")

    open_row(page, 0)
    expect(main(page).get_by_role("button", name="Save as final")).to_be_visible()
    notes = main(page).get_by_label("Notes")
    expect(notes).to_have_value("lime 25")  # page 2 starts with the 26th
    settle(page)
    main(page).get_by_role("button", name="List").click()
    expect(main(page).get_by_text("26–50 of 60 · page 2 of 3")).to_be_visible()
    expect(main(page).get_by_role("textbox", name="Search")).to_have_value("lime")

    page.reload()  # filters and page are stored, not only in the browser
    expect(main(page).get_by_text("26–50 of 60 · page 2 of 3")).to_be_visible()
    settle(page)

    sidebar_button(page, "Projects").click()
    settle(page)
    main(page).get_by_role("button", name="More").click()
    page.get_by_role("button", name="Delete").click()
    expect(main(page).get_by_text("moved to the bin", exact=False)).to_be_visible()
    settle(page)
    assert app.stop() == 0
    app = start_app(app.home)  # the demo does not come back
    page.goto(app.url)
    expect(main(page).get_by_text("Bin (1)")).to_be_visible()
    expect(main(page).get_by_role("button", name="Open")).to_have_count(0)
