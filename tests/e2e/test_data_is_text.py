"""Data is text on every page, never Markdown or HTML (issue 20, item 9).

A label from a form file, a person's name and the values themselves reach tables and captions.
Markdown there once loaded a remote image (a tracking beacon) from the dashboard's "Locations"
table and showed links and bold text. Markdown and HTML are planted in every label, choice, name
and value; the pages must show them as the literal text, with no image, link or emphasis made
from them, and no request leaving for the beacon.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from store.core.config import load_config
from store.core.db import Store
from store.fielddata.projects import create_project
from store.fielddata.records import import_records
from store.formdef import form_from_json
from store.inputs.uistate import UiState, save_ui_state
from tests.conftest import clean_env
from tests.e2e.conftest import main, open_row, settle, sidebar_button

pytestmark = pytest.mark.e2e

BEACON = "http://beacon.invalid/pixel.png"
PLANT = f"**bold** _it_ [link](http://evil.invalid) ![b]({BEACON}) <img src='{BEACON}'> <b>html</b>"
AUTHOR = f"**ada** ![a]({BEACON})"


def seed(home: Path) -> None:
    cfg = load_config(clean_env(home))
    cfg.paths.ensure()
    form = form_from_json({
        "title": "T",
        "fields": [
            {"name": "spot", "type": "geopoint", "label": {"en": f"Spot {PLANT}"}},
            {"name": "kind", "type": "select_one", "label": {"en": f"Kind {PLANT}"}, "choice_list": "k"},
            {"name": "note", "type": "text", "label": {"en": f"Note {PLANT}"}},
        ],
        "choice_lists": {"k": [{"name": "a", "label": {"en": f"Choice {PLANT}"}}]},
    })
    store = Store.open(cfg.paths.database)
    try:
        project = create_project(store, f"Plots {PLANT}"[:100], form, user=AUTHOR)
        import_records(store, project.id, [{"spot": {"lat": 52.5, "lon": 13.4, "accuracy": 3.0}, "kind": "a", "note": PLANT}], user=AUTHOR)
        save_ui_state(store, "tester", UiState(page="dashboard", params={"project": project.id}, prefs={"project": project.id}))
    finally:
        store.close()


def _text(page: Any) -> str:
    """What main shows, without the invisible word joiners that keep URLs from becoming links."""
    return " ".join(main(page).inner_text().replace("\u2060", "").split())


def _wait_text(page: Any, *needles: str) -> str:
    """The page's text once every needle is in it (tables are drawn after the headings above them)."""
    deadline = time.monotonic() + 15
    while True:
        shown = _text(page)
        if all(n in shown for n in needles) or time.monotonic() > deadline:
            assert all(n in shown for n in needles), (needles, shown)
            return shown
        page.wait_for_timeout(100)


def _no_markup_from_data(page: Any) -> None:
    m = main(page)
    made = m.locator("img[src*='beacon'], a[href*='evil'], a[href*='beacon']").evaluate_all(
        "els => els.map(e => { let p = e; while (p && !(p.dataset && p.dataset.testid && p.dataset.testid !== 'stMarkdownContainer')) p = p.parentElement;"
        " return (p ? p.dataset.testid : '?') + ': ' + e.outerHTML.slice(0, 80) + ' in ' + (p ? p.innerText.slice(0, 60) : ''); })"
    )
    assert not made, "\n".join(made)
    for tag in ("strong", "em", "b"):
        made = [t for t in m.locator(tag).all_inner_texts() if t.strip() in ("bold", "it", "html", "ada")]
        assert not made, (tag, made)


def test_labels_names_and_values_are_shown_as_text(start_app, page, tmp_path):
    home = tmp_path / "home"
    seed(home)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    app = start_app(home, LOGNAME="tester", USER="tester")
    page.goto(app.url)
    settle(page)
    expect(main(page).get_by_text("Records per author")).to_be_visible()
    _wait_text(page, AUTHOR, f"Spot {PLANT}", f"Plots {PLANT}"[:60])  # the literal texts, asterisks, brackets and all
    _no_markup_from_data(page)

    sidebar_button(page, "Form").click()
    settle(page)
    expect(main(page).get_by_text("Published versions")).to_be_visible()
    _wait_text(page, AUTHOR)
    _no_markup_from_data(page)

    sidebar_button(page, "Projects").click()
    settle(page)
    _wait_text(page, f"Plots {PLANT}"[:60])
    _no_markup_from_data(page)

    sidebar_button(page, "Records").click()
    settle(page)
    notes = open_row(page, label=re.compile(r"^Note "))
    expect(notes).to_have_value(PLANT)
    settle(page)
    _wait_text(page, f"Kind {PLANT}")
    chosen = main(page).get_by_test_id("stSelectbox").evaluate("e => e.textContent + ' ' + Array.from(e.querySelectorAll('input')).map(i => i.value).join(' ')")
    assert f"Choice {PLANT}" in chosen.replace("\u2060", ""), chosen
    _no_markup_from_data(page)
    assert not [u for u in requests if "beacon" in u or "evil" in u]
