"""Zero-loss input as a user meets it: every widget kind filled in the real app, then a reload,
a kill -9 and a normal restart — every value is back on the right page; undo/redo across a
restart; layout shift measured over the journey."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import REPORT
from tests.e2e.conftest import choose, header, layout_shift, main, settle, shift_sources, type_segments

pytestmark = pytest.mark.e2e


def fill_every_widget(page: Any, photo: Path) -> None:
    m = main(page)
    m.get_by_label("Observer *").fill("Ada Lövelace 🌳")
    m.get_by_label("Observer *").press("Enter")
    settle(page)
    m.get_by_label("Notes").fill("line 1\nline 2")
    m.get_by_label("Notes").press("Control+Enter")
    settle(page)
    m.get_by_label("Count").fill("42")
    m.get_by_label("Count").press("Enter")
    settle(page)
    choose(page, "Species *", "Beech")
    choose(page, "Habitats", "Wetland")
    page.keyboard.press("Escape")
    settle(page)
    m.get_by_text("Verified").click()
    settle(page)
    m.get_by_text("Rain").click()
    settle(page)
    type_segments(page, "Date observed", year="2024", month="05", day="17")
    type_segments(page, "Time observed", hour="10", minute="30")
    thumb = m.get_by_role("slider")
    thumb.focus()
    for _ in range(5):  # five rapid changes of one key
        thumb.press("ArrowRight")
    settle(page)
    m.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(photo))
    expect(m.get_by_text("photo.png")).to_be_visible()
    settle(page)


def expect_every_widget(page: Any) -> None:
    m = main(page)
    expect(header(page)).to_contain_text("Inputs")
    expect(m.get_by_label("Observer *")).to_have_value("Ada Lövelace 🌳")
    expect(m.get_by_label("Notes")).to_have_value("line 1\nline 2")
    expect(m.get_by_label("Count")).to_have_value("42")
    expect(m.get_by_role("combobox", name="Species *")).to_have_value("Beech")
    expect(m.get_by_test_id("stMultiSelect").filter(has_text="Habitats")).to_contain_text("Wetland")
    expect(m.get_by_role("checkbox", name="Verified")).to_be_checked()
    expect(m.get_by_role("radio", name="Rain")).to_be_checked()
    expect(m.get_by_role("spinbutton", name="year, Date observed")).to_have_text("2024")
    expect(m.get_by_role("spinbutton", name="month, Date observed")).to_have_text("05")
    expect(m.get_by_role("spinbutton", name="day, Date observed")).to_have_text("17")
    expect(m.get_by_role("spinbutton", name="hour, Time observed")).to_have_text("10")
    expect(m.get_by_role("spinbutton", name="minute, Time observed")).to_have_text("30")
    expect(m.get_by_role("slider")).to_have_value("5")
    expect(m.get_by_text("photo.png")).to_be_visible()


def test_every_widget_survives_reload_kill_and_restart(start_app, page, tmp_path):
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    shifts: dict[str, float] = {}

    app = start_app()
    page.goto(app.url + "&page=inputs")
    expect(header(page)).to_contain_text("Inputs")
    settle(page)
    page.wait_for_timeout(2500)
    shifts["load"] = layout_shift(page)
    fill_every_widget(page, photo)
    shifts["filling 11 widgets"] = layout_shift(page) - shifts["load"]
    filling_sources = [e for e in shift_sources(page) if e["t"] > 0][-6:]

    page.reload()  # (a) refresh
    expect_every_widget(page)
    settle(page)
    shifts["reload"] = layout_shift(page)

    app.kill()  # (b) kill -9: no shutdown, no checkpoint
    app = start_app(app.home)
    page.goto(app.url)
    expect_every_widget(page)

    assert app.stop(signal.SIGTERM) == 0  # (c) normal close and start
    app = start_app(app.home)
    page.goto(app.url)
    expect_every_widget(page)
    settle(page)
    shifts["restart"] = layout_shift(page)

    REPORT.append("layout shift (CLS), inputs journey: " + ", ".join(f"{k} {v:.3f}" for k, v in shifts.items()))
    assert shifts["filling 11 widgets"] < 0.01, "\n".join(map(str, filling_sources))


def test_settle_waits_for_the_run_a_change_asked_for(start_app, page):
    """settle() reads Streamlit's websocket (tests/conftest.py RUN_TRACKER_JS): a change must
    count as one run asked for, and settle must return only once that run has finished —
    else the protocol's field numbers changed with a Streamlit upgrade."""
    app = start_app()
    page.goto(app.url + "&page=inputs")
    settle(page)
    observer = main(page).get_by_label("Observer *")
    observer.fill("tracked")
    before = page.evaluate("window.__fbRuns")
    observer.press("Enter")
    page.wait_for_function(f"window.__fbRuns.asked > {before['asked']}")  # sent at once or within a frame
    settle(page)
    # the header's fragment asks for runs of its own (run_every): count only that ours is done
    assert page.evaluate("window.__fbRuns.done") >= before["asked"] + 1
    assert app.stop() == 0
    app = start_app(app.home)
    page.goto(app.url + "&page=inputs")
    expect(main(page).get_by_label("Observer *")).to_have_value("tracked")


def test_text_typed_and_never_left_survives_kill_and_reload(start_app, page):
    """A text input commits after a pause in typing (app/widgets.py LIVE_PAUSE), not on leaving
    the field: typed, never left, the app killed 0.5 s after the last key — the text is there; and
    typing on after a commit loses no character and keeps the caret at the end."""
    app = start_app()
    page.goto(app.url + "&page=inputs")
    settle(page)
    observer = main(page).get_by_label("Observer *")
    observer.click()
    observer.press_sequentially("Ada ", delay=30)
    page.wait_for_timeout(600)  # a commit and its rerun happen while the field has the focus
    observer.press_sequentially("Lövelace", delay=30)
    expect(observer).to_have_value("Ada Lövelace")
    assert observer.evaluate("e => [document.activeElement === e, e.selectionStart, e.value.length]") == [True, 12, 12]
    page.wait_for_timeout(500)
    app.kill()
    again = start_app(app.home)
    page.goto(again.url + "&page=inputs")
    expect(observer).to_have_value("Ada Lövelace")
    observer.click()
    observer.press("End")
    observer.press_sequentially(" 🌳", delay=30)
    page.wait_for_timeout(500)
    page.reload()
    expect(observer).to_have_value("Ada Lövelace 🌳")
    settle(page)
    main(page).get_by_role("heading", name="Inputs", exact=True).click()  # focus leaves the field
    page.keyboard.press("Control+z")  # one undo step per pause, not per character
    expect(observer).to_have_value("Ada Lövelace")
    version = main(page).get_by_label("Name of a new version")  # a stored input too, not a loose widget
    version.click()
    version.press_sequentially("Morgenrunde", delay=30)
    page.wait_for_timeout(500)
    page.reload()
    expect(version).to_have_value("Morgenrunde")


def test_undo_redo_across_restart(start_app, page):
    app = start_app()
    page.goto(app.url + "&page=inputs")
    observer = main(page).get_by_label("Observer *")
    for text in ("first", "second"):
        observer.fill(text)
        observer.press("Enter")
        settle(page)
    main(page).get_by_role("heading", name="Inputs", exact=True).click()  # focus leaves the field
    page.keyboard.press("Control+z")
    expect(observer).to_have_value("first")
    settle(page)

    assert app.stop(signal.SIGTERM) == 0
    app = start_app(app.home)
    page.goto(app.url)
    observer = main(page).get_by_label("Observer *")
    expect(observer).to_have_value("first")
    main(page).get_by_role("button", name="Undo").click()
    expect(observer).to_have_value("")
    main(page).get_by_role("button", name="Redo").click()
    expect(observer).to_have_value("first")
    main(page).get_by_role("heading", name="Inputs", exact=True).click()
    page.keyboard.press("Control+y")
    expect(observer).to_have_value("second")
    page.keyboard.press("Control+z")
    expect(observer).to_have_value("first")
    page.keyboard.press("Control+Shift+z")
    expect(observer).to_have_value("second")


def test_invalid_value_is_kept_as_draft_and_blocks_save(start_app, page):
    app = start_app()
    page.goto(app.url + "&page=inputs")
    count = main(page).get_by_label("Count")
    count.fill("-5")
    count.press("Enter")
    expect(main(page).get_by_text("Must be at least 0.")).to_be_visible()
    expect(main(page).get_by_role("button", name="Save")).to_be_disabled()
    expect(main(page).get_by_text("Cannot save yet")).to_be_visible()
    settle(page)
    page.reload()
    expect(main(page).get_by_label("Count")).to_have_value("-5")


def test_oversized_upload_is_refused_with_a_message(start_app, page, tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * (3 * 1_048_576 // 2))
    app = start_app(None, FIELDBOOK_MAX_UPLOAD_MB="1")
    page.goto(app.url + "&page=inputs")
    uploader = main(page).get_by_test_id("stFileUploader")
    uploader.locator("input[type=file]").set_input_files(str(big))
    expect(main(page).get_by_text("big.png is 1.5 MB; files can be at most 1.0 MB.")).to_be_visible()
    settle(page)
    expect(main(page).get_by_text("big.png · ")).to_have_count(0)  # nothing stored
    assert not list((app.home / "data" / "attachments").glob("*/*"))


def test_a_project_rename_typed_survives_a_reload_and_applies(start_app, page):
    """The rename box of a project (Projects → More) is a stored input like every other."""
    app = start_app()
    page.goto(app.url)
    settle(page)
    main(page).get_by_role("button", name="More").first.click()
    box = page.get_by_label("New name")
    box.fill("Hecken 2026")
    page.wait_for_timeout(600)  # committed while typing, the field never left
    page.reload()
    settle(page)
    main(page).get_by_role("button", name="More").first.click()
    expect(page.get_by_label("New name")).to_have_value("Hecken 2026")
    page.get_by_role("button", name="Rename", exact=True).click()
    settle(page)
    expect(main(page).get_by_text("Hecken 2026", exact=True)).to_be_visible()


def test_uploads_beyond_the_held_budget_are_refused_with_a_message(start_app, page, tmp_path):
    """Streamlit holds an upload in memory until a run takes it: the edge (app/desktop/edge.py
    UploadBudget) refuses what would take one window beyond FIELDBOOK_MAX_UPLOAD_HELD_MB."""
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * (3 * 1_048_576 // 2))
    app = start_app(None, FIELDBOOK_MAX_UPLOAD_HELD_MB="1")
    page.goto(app.url + "&page=inputs")
    uploader = main(page).get_by_test_id("stFileUploader")
    uploader.locator("input[type=file]").set_input_files(str(big))
    expect(uploader.get_by_text("Too many files are waiting to be saved (1 MB)")).to_be_visible()
    settle(page)
    expect(main(page).get_by_text("big.png · ")).to_have_count(0)  # nothing stored
    assert not list((app.home / "data" / "attachments").glob("*/*"))
    assert "upload refused: over the budget" in app.logs(80)
