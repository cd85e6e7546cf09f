"""Snapshots as a user meets them in the real app: take one, change data, restore it, the old
data is back; upload a .fbsnap and restore it; the clean shutdown takes a snapshot."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect

from tests.conftest import REPORT, run_cli
from tests.e2e.conftest import layout_shift, settle, shift_sources, sidebar_button

pytestmark = pytest.mark.e2e


def main(page: Any) -> Any:
    return page.get_by_test_id("stMain")


def go(page: Any, name: str) -> None:
    if name == "Inputs":  # not in the navigation (the widget demonstration): by its address
        url = urlsplit(page.url)
        query = {**dict(parse_qsl(url.query)), "page": "inputs"}  # the launch token stays
        page.goto(urlunsplit(url._replace(query=urlencode(query))))
    else:
        sidebar_button(page, name).click()
    settle(page)


def set_observer(page: Any, value: str) -> None:
    go(page, "Inputs")
    field = main(page).get_by_label("Observer *")
    field.fill(value)
    field.press("Enter")
    settle(page)


def expect_observer(page: Any, value: str) -> None:
    go(page, "Inputs")
    expect(main(page).get_by_label("Observer *")).to_have_value(value)


def confirm_restore(page: Any, button: str, source: str) -> None:
    page.locator(f".st-key-{button} button").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("The current state is kept first as a pinned snapshot")
    dialog.get_by_role("button", name="Restore now").click()
    expect(page.locator(".st-key-fbsnap-status")).to_contain_text(f"Restored {source}", timeout=60_000)
    settle(page)


def test_take_change_restore_and_upload(start_app, page, tmp_path):
    app = start_app()
    page.goto(app.url + "&page=inputs")
    settle(page)
    set_observer(page, "Before")

    go(page, "Snapshots")
    page.wait_for_timeout(1500)
    shift_before = layout_shift(page)
    page.locator(".st-key-snap_create button").click()

    expect(page.locator(".st-key-fbsnap-status")).to_contain_text("taken and verified", timeout=60_000)
    settle(page)
    expect(main(page).get_by_test_id("stDataFrame")).to_be_visible()
    create_shift = layout_shift(page) - shift_before

    set_observer(page, "After")
    go(page, "Snapshots")
    shift_before = layout_shift(page)
    confirm_restore(page, "snap_restore", "snapshot ")
    restore_shift = layout_shift(page) - shift_before
    expect_observer(page, "Before")

    # the state before the restore was kept: export it with the CLI (through the running app), upload it
    listing = json.loads(run_cli(app.home, "snapshot", "list", "--json").stdout)
    previous = next(s for s in listing if s["reason"] == "pre-restore")
    out = tmp_path / "after.fbsnap"
    assert run_cli(app.home, "snapshot", "export", previous["id"], "--out", str(out)).returncode == 0
    go(page, "Snapshots")
    main(page).get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(out))
    settle(page)
    confirm_restore(page, "snap_upload_restore", "after.fbsnap")
    expect_observer(page, "After")

    page.reload()  # a new session sees the restored data too
    expect(main(page).get_by_label("Observer *")).to_have_value("After")

    assert app.stop() == 0
    reasons = [s["reason"] for s in json.loads(run_cli(app.home, "snapshot", "list", "--json").stdout)]
    assert reasons.count("pre-restore") == 2 and "manual" in reasons and reasons[0] == "shutdown"
    REPORT.append(f"layout shift (CLS), snapshots page: take a snapshot {create_shift:.3f}, restore {restore_shift:.3f}")
    assert create_shift < 0.01 and restore_shift < 0.01, shift_sources(page)
