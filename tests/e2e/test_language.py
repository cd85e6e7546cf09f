"""One language at a time (issue 15, item 7): every page and every report, in German, holds no
English sentence from Fieldbook's own tables — neither the UI's (``app/i18n``) nor the store's
(``store/core/texts.py``: import reports, file errors, job errors, project names) — and no English
words of Streamlit's file uploader; numbers and dates are written the German way.

The reports are made as a person makes them: a project name that is taken, a form file with
warnings, a table file that cannot be read, a CSV import that is refused row by row, and the
Jobs page that lists the refused import.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import string
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

import jobs
import store
from app.i18n import TEXTS, t
from store.core.texts import ENGLISH
from tests.e2e.conftest import main, open_row, settle, sidebar_button

pytestmark = pytest.mark.e2e

# Streamlit's own English in the widgets Fieldbook uses (app/styles.py replaces the uploader's)
STREAMLIT_ENGLISH = ("per file", "Drag and drop", "Browse files")
MIN_WORDS = 3  # shorter pieces ("Fieldbook", "OK", "CSV") are the same in both languages


def _pieces(sentence: str) -> list[str]:
    """The fixed parts of ``sentence`` between its {fields}, long enough to be English prose."""
    parts = [literal for literal, _, _, _ in string.Formatter().parse(sentence)]
    return [p.strip(" .,:;()“”'\"·…") for p in parts if len(p.split()) >= MIN_WORDS]


def english_pieces() -> set[str]:
    importlib.import_module("app.operations")  # the one app module that says sentences the store's way
    for package in (store, jobs):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    found: set[str] = set()
    for entry in TEXTS.values():
        if entry["en"] != entry.get("de"):
            found.update(_pieces(entry["en"]))
    for english, one in ENGLISH.values():
        for sentence in (english, one):
            if sentence:
                found.update(_pieces(sentence))
    return {p for p in found if len(p.split()) >= MIN_WORDS}


def english_in(text: str, pieces: set[str]) -> list[str]:
    flat = " ".join(text.split())
    return sorted(p for p in pieces | set(STREAMLIT_ENGLISH) if p in flat)


def _page_text(page: Any) -> str:
    return str(page.locator("body").inner_text())


def _xlsform(path: Path) -> Path:
    """A form with what the XLSForm import warns about: a setting Fieldbook does not use, a
    question recorded automatically, an acknowledge question an expression reads."""
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::English (en)", "label::Deutsch (de)", "relevant"])
    survey.append(["start", "start", "", "", ""])
    survey.append(["acknowledge", "consent", "Landowner agreed", "Eigentümer einverstanden", ""])
    survey.append(["text", "note_text", "Notes", "Notizen", "${consent} = 'OK'"])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "default_language", "style"])
    settings.append(["Hecken", "hedges", "Deutsch (de)", "pages"])
    book.save(path)
    return path


def test_every_page_and_report_in_german_has_no_english(start_app, page, tmp_path):
    pieces = english_pieces()
    assert len(pieces) > 200  # the tables were read (a broken reader would find nothing to miss)
    app = start_app(None, FIELDBOOK_LANGUAGE="de")
    found: dict[str, list[str]] = {}

    def check(where: str) -> str:
        text = _page_text(page)
        english = english_in(text, pieces)
        if english:
            found[where] = english
        assert not re.search(r"\d{4}/\d{2}/\d{2}|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}", text), f"{where}: a date as yyyy/mm/dd or ISO"
        return text

    page.goto(app.url + "&page=home")
    settle(page)
    main(page).get_by_role("button", name="Öffnen").first.click()  # the demo project
    settle(page)
    for name in ("home", "records", "dashboard", "form", "data", "jobs", "snapshots", "conflicts", "settings", "inputs"):
        page.goto(app.url + f"&page={name}")
        settle(page)
        text = check(name)
        if name == "home":  # the projects list's dates and counts, the German way
            assert re.search(r"\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}", text), "a date and time as 07.12.2026, 10:35"
    page.goto(app.url + "&page=records")
    settle(page)
    for arrow in ("Zurück", "Vor", "Vorige Seite", "Nächste Seite"):  # named in words, not "←" or "▶"
        expect(page.get_by_role("button", name=arrow, exact=True)).to_be_visible()
    editor = open_row(page, 0, label="Bemerkungen")
    expect(editor).to_be_visible()
    settle(page)
    check("record")
    values = main(page).locator("input").evaluate_all("els => els.map(e => e.value)")
    day = "".join(main(page).get_by_test_id("stDateInputField").first.inner_text().split())
    assert re.fullmatch(r"0[45]\.05\.2026", day), f"the editor's date input, the German way: {day}"
    assert "64,5" in values or "33,2" in values, f"the editor's decimal, the German way: {values}"
    expect(page.locator("html")).to_have_attribute("lang", "de")  # a screen reader speaks German
    expect(page.get_by_test_id("stSkipToContent")).to_have_text("Zum Hauptinhalt springen")

    # -- reports ------------------------------------------------------------------------------
    m = main(page)
    sidebar_button(page, "Projekte").click()
    settle(page)
    m.get_by_text(t("de", "projects.new")).click()
    settle(page)
    name = m.get_by_label(t("de", "projects.name"))
    name.fill("Tree survey (demo)")  # taken: the demo project's name
    name.press("Enter")
    settle(page)
    expect(m.get_by_role("button", name="Datei wählen")).to_be_visible()  # the uploader's own words, German
    m.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(_xlsform(tmp_path / "hecken.xlsx")))
    settle(page)
    expect(m.get_by_test_id("stFileChip")).to_contain_text(re.compile(r"\d,\d\s?KB"))  # its size: 5,6 KB, not 5.6KB
    expect(m.get_by_role("button", name="Entfernen: hecken.xlsx")).to_be_visible()  # not "Remove hecken.xlsx"
    m.get_by_role("button", name=t("de", "projects.create")).click()
    expect(m.get_by_text("Es gibt schon ein Projekt namens", exact=False)).to_be_visible()
    check("projects: a name that is taken")

    name.fill("Hecken")
    name.press("Enter")
    settle(page)
    m.get_by_role("button", name=t("de", "projects.create")).click()
    expect(m.get_by_role("button", name=t("de", "projects.open_created"))).to_be_visible(timeout=20_000)
    expect(m.get_by_text(t("de", "projects.report"))).to_be_visible()
    check("projects: the report of a form file with warnings")
    m.get_by_role("button", name=t("de", "projects.open_created")).click()  # imports go into it
    settle(page)
    sidebar_button(page, "Export & Import").click()
    settle(page)
    empty = tmp_path / "leer.csv"
    empty.write_bytes(b"")
    m.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(empty))
    settle(page)
    expect(m.get_by_text("ist leer", exact=False).first).to_be_visible()
    check("import: an empty file")

    bad = tmp_path / "baeume.csv"
    bad.write_text("note_text,consent,Förster\nam Weg,vielleicht,Ana\nam Bach,ja,Ben\n", encoding="utf-8")
    m.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(bad))
    settle(page)
    expect(m.get_by_text("Förster", exact=False).first).to_be_visible()
    check("import: the preview's warnings")
    m.get_by_role("button", name=t("de", "data.import.start")).click()
    expect(m.get_by_text("Nichts wurde importiert", exact=False).first).to_be_visible(timeout=30_000)
    expect(m.get_by_text("Zeile 2", exact=False).first).to_be_visible()
    check("import: the report of a refused import")

    sidebar_button(page, "Aufgaben").click()
    settle(page)
    expect(m.get_by_text("Nichts wurde importiert", exact=False).first).to_be_visible()
    check("jobs: a refused import")

    assert not found, "English on German pages:\n" + "\n".join(f"{where}: {english}" for where, english in found.items())
