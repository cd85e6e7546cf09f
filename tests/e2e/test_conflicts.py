"""Resolving a conflict in the real app (headless Chromium, the real launcher): the app's database
and a second device edit the same record offline and sync through a real PostgreSQL before the
app starts; on the Conflicts page the user picks per field, merges the notes by hand and saves; a
reload shows it resolved and the record holds the merged values."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from store.core.db import Store
from store.fielddata.projects import create_project
from store.fielddata.records import create_record, get_record, save_record
from store.sync import init_server, sync_now
from store.sync.conflicts import count_unresolved
from tests.e2e.conftest import layout_shift, main, settle
from tests.sync.helpers import FORM, open_device

pytestmark = pytest.mark.e2e


def _prepare(home: Path, other_folder: Path, url: str) -> str:
    """A conflict in the app's database, made the way sync makes it. Returns the record id."""
    init_server(url)
    (home / "data").mkdir(parents=True, exist_ok=True)
    mine = Store.open(home / "data" / "fieldbook.duckdb")
    theirs = open_device(other_folder, "other")
    try:
        project = create_project(mine, "Hedge plots", FORM, user="anna").id
        rid = create_record(mine, project, {"plot": 1, "notes": "start"}, user="anna").id
        sync_now(mine, url)
        sync_now(theirs, url)
        save_record(mine, rid, {"plot": 2, "notes": "dry"}, user="anna", status="draft")
        save_record(theirs, rid, {"plot": 3, "notes": "wet"}, user="ben", status="final")  # later: in use
        sync_now(mine, url)
        sync_now(theirs, url)
        sync_now(mine, url)
        assert count_unresolved(mine) == 1
    finally:
        mine.close()
        theirs.close()
    return rid


def _row(page, name: str):
    return main(page).locator(f".st-key-cfrow-{name}")


def test_pick_merge_save_reload_and_the_record_holds_the_merge(start_app, page, pg_url, tmp_path):
    home = tmp_path / "home"
    rid = _prepare(home, tmp_path, pg_url)
    app = start_app(home)
    page.goto(app.url + "&page=conflicts")
    settle(page)
    expect(main(page).get_by_text("1 open conflict")).to_be_visible()
    main(page).get_by_role("button", name="Compare").click()
    settle(page)
    save = main(page).get_by_role("button", name="Save resolution")
    expect(save).to_be_disabled()
    expect(main(page).get_by_text("3 left: Plot, Notes, Status")).to_be_visible()
    shift_before = layout_shift(page)

    _row(page, "plot").get_by_text("This device").click()
    settle(page)
    _row(page, "notes").get_by_text("Edit").click()
    settle(page)
    merged = _row(page, "notes").get_by_role("textbox")
    expect(merged).to_be_enabled()
    expect(merged).to_have_value("dry / wet")
    merged.fill("dry, then wet")
    merged.press("Enter")
    settle(page)
    expect(main(page).get_by_text("1 left: Status")).to_be_visible()
    _row(page, "_status").get_by_text("Other device").click()
    settle(page)
    assert layout_shift(page) - shift_before < 0.01  # choosing moved nothing

    page.reload()  # the choices come back from the store
    settle(page)
    expect(_row(page, "notes").get_by_role("textbox")).to_have_value("dry, then wet")
    expect(_row(page, "plot").get_by_role("radio", name="This device")).to_be_checked()
    save = main(page).get_by_role("button", name="Save resolution")
    expect(save).to_be_enabled()
    save.click()
    settle(page)
    expect(main(page).get_by_text("Resolved: version")).to_be_visible()

    page.reload()
    settle(page)
    expect(main(page).get_by_text("No open conflicts.")).to_be_visible()
    main(page).get_by_text("Resolved conflicts (1)").click()
    settle(page)
    main(page).get_by_role("button", name="Open record").click()
    settle(page)
    expect(main(page).get_by_role("textbox", name="Notes")).to_have_value("dry, then wet")
    expect(main(page).get_by_role("textbox", name="Plot")).to_have_value("2")
    assert app.stop() == 0

    store = Store.open(home / "data" / "fieldbook.duckdb")
    try:
        record = get_record(store, rid)
        assert (record.data, record.status) == ({"plot": 2, "notes": "dry, then wet"}, "final")
        assert count_unresolved(store) == 0
    finally:
        store.close()
