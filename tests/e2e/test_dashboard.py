"""The dashboard as a user sees it in headless Chromium: records written through the store
before the app starts, and the figures on the page match them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from app.desktop.lifecycle import current_user
from store.core.config import load_config
from store.core.db import Store
from store.fielddata.projects import create_project
from store.fielddata.records import create_record, import_records
from store.formdef.demo import demo_form
from store.inputs.uistate import UiState, save_ui_state
from tests.conftest import REPORT, clean_env
from tests.e2e.conftest import header, layout_shift, settle

pytestmark = pytest.mark.e2e


def tree(lat: float, lon: float, **more: Any) -> dict[str, Any]:
    return {"species": "fagus_sylvatica", "health": "fair", "location": {"lat": lat, "lon": lon, "accuracy": 4.0}, **more}


def seed(home: Path) -> None:
    cfg = load_config(clean_env(home))
    cfg.paths.ensure()
    store = Store.open(cfg.paths.database)
    try:
        empty = create_project(store, "Empty", demo_form(), user="ada")
        trees = create_project(store, "Street trees", demo_form(), user="ada")
        import_records(store, trees.id, [tree(52.5, 13.3), tree(52.6, 13.5, notes="hollow"), tree(52.4, 13.4)], user="ada")
        create_record(store, trees.id, {"species": "tilia_cordata"}, user="bob", status="draft")
        save_ui_state(store, current_user(), UiState(page="dashboard", params={"project": empty.id}, prefs={"project": trees.id}))
    finally:
        store.close()


def main(page: Any) -> Any:
    return page.get_by_test_id("stMain")


def metric(page: Any, label: str) -> Any:
    return main(page).get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_figures_match_records_made_before_start(start_app, page, tmp_path):
    home = tmp_path / "home"
    seed(home)
    app = start_app(home)

    page.goto(app.url + "&page=dashboard")  # the empty project first: the same boxes, no figures
    expect(header(page)).to_contain_text("Dashboard")
    expect(main(page).get_by_text("Dashboard of “Empty”")).to_be_visible()
    expect(metric(page, "Records")).to_have_text("0")
    expect(main(page).get_by_text("No records yet.").first).to_be_visible()
    settle(page)
    empty_boxes = [page.locator(f".st-key-{k}").bounding_box() for k in ("dash_per_day", "dash_completeness")]

    # The sidebar opens the dashboard of the remembered project (the preference, not the deep link).
    page.get_by_test_id("stSidebar").get_by_role("button", name="Dashboard").click()
    settle(page)
    expect(main(page).get_by_text("Dashboard of “Street trees”")).to_be_visible()
    settle(page)
    page.wait_for_timeout(1500)
    before = layout_shift(page)

    expect(metric(page, "Records")).to_have_text("4")
    expect(metric(page, "Final")).to_have_text("3")
    expect(metric(page, "Drafts")).to_have_text("1")
    authors = page.locator(".st-key-dash_per_author tbody tr")
    expect(authors).to_have_count(2)
    expect(authors.nth(0)).to_contain_text("ada")
    expect(authors.nth(0)).to_contain_text("3")
    expect(authors.nth(1)).to_contain_text("bob")
    completeness = page.locator(".st-key-dash_completeness")
    expect(completeness.get_by_text("Species: 100% filled")).to_be_visible()
    expect(completeness.get_by_text("Location: 75% filled")).to_be_visible()
    expect(completeness.get_by_text("Notes: 25% filled")).to_be_visible()
    geo = page.locator(".st-key-dash_geo tbody tr")
    expect(geo).to_have_count(1)
    expect(geo.first).to_contain_text("Location")
    expect(geo.first).to_contain_text("52.4 – 52.6")
    expect(geo.first).to_contain_text("13.3 – 13.5")
    expect(page.locator(".st-key-dash_per_day canvas, .st-key-dash_per_day svg").first).to_be_visible()

    full_boxes = [page.locator(f".st-key-{k}").bounding_box() for k in ("dash_per_day", "dash_completeness")]
    assert [(b["y"], b["height"]) for b in full_boxes] == [(b["y"], b["height"]) for b in empty_boxes]  # type: ignore[index]
    REPORT.append(f"layout shift (CLS), dashboard after load: {layout_shift(page) - before:.3f}")
