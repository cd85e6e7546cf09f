"""Two devices meet in PostgreSQL, as their users see it (headless Chromium, two real launchers,
a real server): an admin sets the server up with the CLI; device A configures it in Settings, goes
online and syncs its demo project; device B (a fresh install) configures the same server and
finds A's records; both edit the same record offline; both sync; B sees the conflict in the header,
opens it, picks per field and saves; A syncs again and holds the merged record with the conflict
settled — on the server too. Nothing typed on either device is lost on the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from store.core.db import Store
from store.fielddata.demo import NAME
from store.fielddata.records import get_record
from store.sync.conflicts import count_unresolved
from tests.conftest import run_cli
from tests.e2e.conftest import header, main, open_row, settle, sidebar_button
from tests.sync.helpers import server_rows

pytestmark = pytest.mark.e2e


def _type(page: Any, box: Any, text: str) -> None:
    box.fill(text)
    box.press("Enter")
    settle(page)


def _status(page: Any) -> Any:
    return header(page).locator(".st-key-fb_sync_indicator")


def _sync_now(page: Any) -> None:
    """Settings → Sync now (the callers wait for what the sync brings, not for a header text that an
    earlier sync may already show)."""
    sidebar_button(page, "Settings").click()
    settle(page)
    button = main(page).get_by_role("button", name="Sync now")
    expect(button).to_be_enabled(timeout=30_000)  # a sync started by going online may still run
    button.click()
    settle(page)


def _set_online(page: Any, online: bool) -> None:
    """Settings → the online switch; going online starts a sync within a second or two."""
    sidebar_button(page, "Settings").click()
    settle(page)
    if ("Offline" not in _status(page).inner_text()) != online:
        main(page).get_by_text("Online mode: sync with the server").click()
        settle(page)
    if online:
        expect(_status(page)).not_to_contain_text("waiting", timeout=30_000)
        expect(_status(page)).to_contain_text("Synced", timeout=30_000)
    else:
        expect(_status(page)).to_contain_text("Offline")


def _configure(page: Any, url: str) -> None:
    """Settings → Sync: the server's address and user (the test server trusts its users), Save, online."""
    parts = urlsplit(url)
    sidebar_button(page, "Settings").click()
    settle(page)
    m = main(page)
    _type(page, m.get_by_role("textbox", name="Server address (URL)"), f"postgresql://{parts.hostname}:{parts.port}{parts.path}")
    _type(page, m.get_by_role("textbox", name="User name"), parts.username or "")
    m.get_by_role("button", name="Save").click()
    expect(m.get_by_text("Saved.")).to_be_visible()
    settle(page)
    expect(_status(page)).to_contain_text("Offline")
    _set_online(page, True)


def _open_first_tree(page: Any) -> Any:
    """Projects → the demo project → the oak (found by its notes); returns the Notes box."""
    sidebar_button(page, "Projects").click()
    settle(page)
    expect(main(page).get_by_text(NAME)).to_be_visible()
    main(page).get_by_role("button", name="Open").click()
    settle(page)
    search = main(page).get_by_role("textbox", name="Search")
    _type(page, search, "oak")
    expect(main(page).get_by_text("1–1 of 1")).to_be_visible()
    notes = open_row(page)
    settle(page)
    return notes


def _edit_notes_and_save(page: Any, text: str) -> None:
    notes = _open_first_tree(page)
    notes.fill(text)
    notes.press("Control+Enter")
    settle(page)
    main(page).get_by_role("button", name="Save as final").click()
    expect(main(page).get_by_text("Saved as final", exact=False)).to_be_visible()
    settle(page)


def _oak(home: Path) -> tuple[str, dict[str, Any], int]:
    """(record id, data, unresolved conflicts) of the oak on a device, read after its app stopped."""
    store = Store.open(home / "data" / "fieldbook.duckdb")
    try:
        row = store.read_one("SELECT id FROM records WHERE data->>'species' = 'quercus_robur'")
        assert row is not None
        rid = row[0]
        return rid, get_record(store, rid).data, count_unresolved(store)
    finally:
        store.close()


def test_two_devices_sync_edit_the_same_record_and_resolve_the_conflict(start_app, browser_context, pg_url, tmp_path):
    done = run_cli(tmp_path / "admin", "sync", "init-server", "--url", pg_url)
    assert done.returncode == 0, done.stderr

    home_a, home_b = tmp_path / "device-a", tmp_path / "device-b"
    app_a = start_app(home_a)
    app_b = start_app(home_b, FIELDBOOK_DEMO_PROJECT="false")  # a second install: nothing of its own yet
    a, b = browser_context.new_page(), browser_context.new_page()
    a.goto(app_a.url)
    b.goto(app_b.url)
    settle(a)
    settle(b)

    # A: configure, go online — the demo project goes to the server
    _configure(a, pg_url)
    assert server_rows(pg_url, "SELECT count(*) FROM records") == [(3,)]

    # B: configure the same server — A's project and records arrive
    _configure(b, pg_url)
    notes_b = _open_first_tree(b)
    expect(notes_b).to_have_value("Old oak by the path")

    # both go offline and edit the same record; then A goes online, then B
    for page in (a, b):
        _set_online(page, False)
    _edit_notes_and_save(a, "from A: bark beetle holes")
    _edit_notes_and_save(b, "from B: woodpecker nest")
    expect(_status(b)).to_contain_text("1 waiting")
    _set_online(a, True)
    _set_online(b, True)  # B's sync sends its edit and receives A's: a concurrent edit
    _sync_now(a)  # A receives B's edit: the conflict is on A too
    expect(_status(a)).to_contain_text("1 conflict", timeout=30_000)

    # B sees the conflict in the header, opens it, merges the notes by hand and saves
    expect(_status(b)).to_contain_text("1 conflict")
    _status(b).get_by_role("button").click()
    settle(b)
    expect(main(b).get_by_text("1 open conflict")).to_be_visible()
    main(b).get_by_role("button", name="Compare").click()
    settle(b)
    row = main(b).locator(".st-key-cfrow-notes")
    row.get_by_text("Edit").click()
    settle(b)
    merged = row.get_by_role("textbox")
    expect(merged).to_be_enabled()
    merged.fill("bark beetle holes; woodpecker nest")
    merged.press("Control+Enter")  # a text area (Notes is multi-line): Enter would add a line
    settle(b)
    for other in ("_status",):  # both saved as final: nothing else should differ
        expect(main(b).locator(f".st-key-cfrow-{other}")).to_have_count(0)
    save = main(b).get_by_role("button", name="Save resolution")
    expect(save).to_be_enabled()
    save.click()
    expect(main(b).get_by_text("Resolved: version", exact=False)).to_be_visible()
    settle(b)
    b.reload()  # the resolution is stored, not only on screen
    settle(b)
    expect(main(b).get_by_text("No open conflicts.")).to_be_visible()

    # B sends the resolution; A receives it: the same record, no open conflict anywhere
    _sync_now(b)
    expect(_status(b)).not_to_contain_text("waiting", timeout=30_000)
    _sync_now(a)
    expect(_status(a)).not_to_contain_text("conflict", timeout=30_000)
    notes_a = _open_first_tree(a)
    expect(notes_a).to_have_value("bark beetle holes; woodpecker nest")
    assert "Traceback" not in a.content() + b.content()

    assert app_a.stop() == 0 and app_b.stop() == 0
    (rid_a, data_a, open_a), (rid_b, data_b, open_b) = _oak(home_a), _oak(home_b)
    assert rid_a == rid_b and data_a == data_b and data_a["notes"] == "bark beetle holes; woodpecker nest"
    assert open_a == 0 and open_b == 0
    server = server_rows(pg_url, "SELECT data->>'notes' FROM records WHERE id = %s", [rid_a])
    assert server == [("bark beetle holes; woodpecker nest",)]
    assert server_rows(pg_url, "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL") == [(0,)]
    assert server_rows(pg_url, "SELECT count(*) FROM conflicts") != [(0,)]  # the concurrent edit was seen, and kept
