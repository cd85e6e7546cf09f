"""The field data app as a user meets it, in headless Chromium against the real launcher:
import an XLSForm, fill a record using every field type (relevance and constraints behave),
reload mid-way (the draft is intact), save, edit, see the history, export CSV and check its
content, import a CSV with one bad row (the report names the row; nothing is committed)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.conftest import REPORT
from tests.e2e.conftest import choose, create_project, layout_shift, main, settle, sidebar_button, type_segments

pytestmark = pytest.mark.e2e

SURVEY = [
    ("type", "name", "label::English (en)", "label::Deutsch (de)", "required", "constraint", "constraint_message::English (en)", "relevant", "calculation", "parameters"),
    ("note", "intro", "Walk the hedge, then record it.", "Die Hecke ablaufen, dann erfassen.", "", "", "", "", "", ""),
    ("text", "observer", "Observer", "Beobachter", "yes", "", "", "", "", ""),
    ("integer", "stems", "Stems", "Stämme", "", ". >= 0", "Stems cannot be negative", "", "", ""),
    ("decimal", "length", "Length (m)", "Länge (m)", "", ". > 0 and . < 1000", "Length must be between 0 and 1000 m", "", "", ""),
    ("select_one cond", "condition", "Condition", "Zustand", "yes", "", "", "", "", ""),
    ("text", "damage", "What is damaged?", "Was ist beschädigt?", "", "", "", "${condition} = 'poor'", "", ""),
    ("select_multiple sp", "species", "Species", "Arten", "", "", "", "", "", ""),
    ("date", "surveyed", "Survey date", "Datum", "", "", "", "", "", ""),
    ("time", "start_time", "Start time", "Beginn", "", "", "", "", "", ""),
    ("dateTime", "checked_at", "Checked at", "Geprüft am", "", "", "", "", "", ""),
    ("acknowledge", "consent", "Landowner agreed", "Eigentümer einverstanden", "", "", "", "", "", ""),
    ("range", "cover", "Cover (%)", "Deckung (%)", "", "", "", "", "", "start=0 end=100 step=5"),
    ("geopoint", "location", "Location", "Ort", "", "", "", "", "", ""),
    ("image", "photo", "Photo", "Foto", "", "", "", "", "", ""),
    ("file", "sketch", "Sketch", "Skizze", "", "", "", "", "", ""),
    ("calculate", "length_km", "Length (km)", "Länge (km)", "", "", "", "", "${length} div 1000", ""),
]
CHOICES = [
    ("list_name", "name", "label::English (en)", "label::Deutsch (de)"),
    ("cond", "good", "Good", "Gut"),
    ("cond", "poor", "Poor", "Schlecht"),
    ("sp", "hawthorn", "Hawthorn", "Weißdorn"),
    ("sp", "blackthorn", "Blackthorn", "Schlehe"),
    ("sp", "hazel", "Hazel", "Hasel"),
]


def _xlsform(path: Path) -> Path:
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    for row in SURVEY:
        survey.append(list(row))
    choices = book.create_sheet("choices")
    for row in CHOICES:
        choices.append(list(row))
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "default_language"])
    settings.append(["Hedge survey", "hedges", "English (en)"])
    book.save(path)
    return path


def _fill_record(page: Any, photo: Path, sketch: Path) -> None:
    m = main(page)
    expect(m.get_by_text("Walk the hedge, then record it.")).to_be_visible()
    m.get_by_label("Observer *").fill("Ana Müller")
    m.get_by_label("Observer *").press("Enter")
    settle(page)
    m.get_by_label("Stems").fill("-1")
    m.get_by_label("Stems").press("Enter")
    expect(m.get_by_text("Stems cannot be negative")).to_be_visible()
    m.get_by_label("Stems").fill("12")
    m.get_by_label("Stems").press("Enter")
    expect(m.get_by_text("Stems cannot be negative")).to_have_count(0)
    m.get_by_label("Length (m)").fill("250.5")
    m.get_by_label("Length (m)").press("Enter")
    settle(page)
    expect(m.get_by_text("Length (km): 0.2505")).to_be_visible()  # calculated as the user types
    expect(m.get_by_label("What is damaged?")).to_have_count(0)  # not relevant yet
    choose(page, "Condition *", "Poor")
    m.get_by_label("What is damaged?").fill("gap at the north end")
    m.get_by_label("What is damaged?").press("Enter")
    settle(page)
    choose(page, "Species", "Hawthorn")
    choose(page, "Species", "Hazel")
    page.keyboard.press("Escape")
    settle(page)
    type_segments(page, "Survey date", year="2026", month="06", day="14")
    type_segments(page, "Start time", hour="09", minute="45")
    type_segments(page, "Checked at", year="2026", month="06", day="15")
    type_segments(page, "Checked at (time)", hour="17", minute="05")
    m.get_by_text("Yes", exact=True).click()
    settle(page)
    thumb = m.get_by_role("slider")
    thumb.focus()
    for _ in range(3):
        thumb.press("ArrowRight")
    settle(page)
    m.get_by_label("Location").fill("52.52, 13.405, 8")
    m.get_by_label("Location").press("Enter")
    settle(page)
    uploads = m.get_by_test_id("stFileUploader").locator("input[type=file]")
    uploads.nth(0).set_input_files(str(photo))
    expect(m.get_by_text("hedge.png")).to_be_visible()
    settle(page)
    uploads.nth(1).set_input_files(str(sketch))
    expect(m.get_by_text("sketch.txt")).to_be_visible()
    settle(page)


def _expect_record(page: Any) -> None:
    m = main(page)
    expect(m.get_by_label("Observer *")).to_have_value("Ana Müller")
    expect(m.get_by_label("Stems")).to_have_value("12")
    expect(m.get_by_label("What is damaged?")).to_have_value("gap at the north end")
    expect(m.get_by_role("combobox", name="Condition *")).to_have_value("Poor")
    expect(m.get_by_test_id("stMultiSelect").filter(has_text="Species")).to_contain_text("Hazel")
    expect(m.get_by_role("spinbutton", name="day, Survey date")).to_have_text("14")
    expect(m.get_by_role("spinbutton", name="minute, Checked at (time)")).to_have_text("05")
    expect(m.get_by_role("radio", name="Yes")).to_be_checked()
    expect(m.get_by_role("slider")).to_have_value("15")
    expect(m.get_by_label("Location")).to_have_value("52.52, 13.405, 8")
    expect(m.get_by_text("hedge.png")).to_be_visible()
    expect(m.get_by_text("sketch.txt")).to_be_visible()


def test_xlsform_record_every_type_edit_history_export_and_import(start_app, page, tmp_path):
    form = _xlsform(tmp_path / "hedges.xlsx")
    photo = tmp_path / "hedge.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    sketch = tmp_path / "sketch.txt"
    sketch.write_text("north end: gap of 3 m\n")
    app = start_app(None, FIELDBOOK_DEMO_PROJECT="false")
    page.goto(app.url)
    settle(page)
    create_project(page, "Hedges", form)  # and opened

    main(page).get_by_role("button", name="New record").click()
    settle(page)
    page.wait_for_timeout(1500)  # late load-time shifts (lazy widget code) belong to the load
    before = layout_shift(page)
    _fill_record(page, photo, sketch)
    REPORT.append(f"layout shift (CLS), record editor: filling 15 fields of every type, one shown by relevance: {layout_shift(page) - before:.3f}")

    page.reload()  # mid-way: nothing saved as a version yet, the draft is intact
    settle(page)
    _expect_record(page)
    settle(page)
    main(page).get_by_role("button", name="Save as final").click()
    expect(main(page).get_by_text("Saved as final (version 2).")).to_be_visible()
    settle(page)

    main(page).get_by_label("Observer *").fill("Ana Müller-Berg")
    main(page).get_by_label("Observer *").press("Enter")
    settle(page)
    main(page).get_by_role("button", name="Save as final").click()
    expect(main(page).get_by_text("Saved as final (version 3).")).to_be_visible()
    main(page).get_by_text("History").click()
    for version in ("v1", "v2", "v3"):
        expect(main(page).get_by_text(version, exact=True)).to_be_visible()
    expect(main(page).get_by_text("Observer: Ana Müller → Ana Müller-Berg")).to_be_visible()  # v3: old → new
    settle(page)
    before = layout_shift(page)
    main(page).get_by_role("button", name="View").nth(1).click()  # v2, whole, before restoring it
    expect(page.get_by_text("Version 2 as it was saved")).to_be_visible()
    expect(page.get_by_role("button", name="Restore", exact=True)).to_be_enabled()
    page.keyboard.press("Escape")
    settle(page)
    REPORT.append(f"layout shift (CLS), history: a version viewed whole: {layout_shift(page) - before:.3f}")

    sidebar_button(page, "Export & import").click()
    settle(page)
    main(page).get_by_role("button", name="Start export").click()
    download_button = main(page).get_by_role("button", name="Download")
    expect(download_button).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        download_button.click()
    exported = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(exported) == 1
    row = exported[0]
    assert row["observer"] == "Ana Müller-Berg"
    assert row["stems"] == "12" and row["length"] == "250.5" and row["length_km"] == "0.2505"
    assert row["condition"] == "Poor" and row["damage"] == "gap at the north end"
    assert row["surveyed"] == "2026-06-14" and row["checked_at"].startswith("2026-06-15T17:05")
    assert row["location_lat"] == "52.52" and row["location_lon"] == "13.405"
    assert "Hawthorn" in row["species"] and "Hazel" in row["species"]
    settle(page)

    bad = tmp_path / "more.csv"
    bad.write_text("observer,stems,condition\nBen,3,good\nCara,minus four,good\nDan,5,poor\n", encoding="utf-8")
    main(page).get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(bad))
    expect(main(page).get_by_text("more.csv: 3 columns. First rows:")).to_be_visible()
    settle(page)
    main(page).get_by_role("button", name="Check and import").click()
    expect(main(page).get_by_text("Nothing was imported", exact=False).first).to_be_visible(timeout=30_000)
    expect(main(page).get_by_text("Row 3", exact=False).first).to_be_visible()
    sidebar_button(page, "Records").click()
    expect(main(page).get_by_text("Hedges · 1 records")).to_be_visible()
