"""A new record exists from its first input: "New record" left untouched leaves nothing (the demo
project once grew from 3 to 7 "records" by looking), and what was typed into a new record before
a kill -9 is a record after the restart, shown in the list with its values, marked unsaved."""

from __future__ import annotations

import csv
import io
import signal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import REPORT
from tests.e2e.conftest import layout_shift, main, settle, sidebar_button

pytestmark = pytest.mark.e2e

DBH = "Trunk diameter at breast height (cm)"


def _grid_rows(page: Any) -> list[dict[str, str]]:
    """The rows the records grid shows, by its own "Download as CSV" (the grid is a canvas)."""
    grid = main(page).get_by_test_id("stDataFrame")
    # without the file picker the grid saves by an ordinary download (set before the page loads)
    assert page.evaluate("window.showSaveFilePicker === undefined")
    grid.hover()
    with page.expect_download() as info:
        grid.get_by_role("button", name="Download as CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _open_demo(page: Any, total: int) -> None:
    main(page).get_by_role("button", name="Open").click()
    expect(main(page).get_by_text(f"Tree survey (demo) · {total} records")).to_be_visible()
    settle(page)


def test_new_record_left_untouched_leaves_nothing_and_the_first_input_creates_it(start_app, page):
    page.add_init_script("delete window.showSaveFilePicker")
    app = start_app()
    page.goto(app.url)
    settle(page)
    _open_demo(page, 3)
    for _ in range(3):  # look, go back: nothing written
        main(page).get_by_role("button", name="New record").click()
        expect(main(page).get_by_text("New record · created by its first input")).to_be_visible()
        settle(page)
        main(page).get_by_role("button", name="List").click()
        expect(main(page).get_by_text("Tree survey (demo) · 3 records")).to_be_visible()
        settle(page)
    sidebar_button(page, "Dashboard").click()
    settle(page)
    expect(main(page).get_by_test_id("stMetric").filter(has_text="Records").get_by_text("3", exact=True)).to_be_visible()
    sidebar_button(page, "Records").click()
    settle(page)

    main(page).get_by_role("button", name="New record").click()
    settle(page)
    page.wait_for_timeout(1000)
    before = layout_shift(page)
    dbh = main(page).locator(f"input[aria-label='{DBH} *']")
    dbh.click()
    dbh.press_sequentially("41.5", delay=30)
    page.wait_for_timeout(600)  # a pause in typing: committed, the record created
    REPORT.append(f"layout shift (CLS), a new record's first input creates it: {layout_shift(page) - before:.3f}")
    assert layout_shift(page) - before <= 0.001
    app.stop(signal.SIGKILL)

    app = start_app(app.home)
    page.goto(app.url)
    settle(page)
    expect(main(page).locator(f"input[aria-label='{DBH} *']")).to_have_value("41.5")  # the editor comes back
    main(page).get_by_role("button", name="List").click()
    expect(main(page).get_by_text("Tree survey (demo) · 4 records")).to_be_visible()
    settle(page)
    rows = _grid_rows(page)
    assert [(r["Status"], r[DBH]) for r in rows if r["Status"] != "Final"] == [("Draft · unsaved changes", "41.5")], rows
