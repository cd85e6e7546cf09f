"""The form editor as a user meets it, in the real app in headless Chromium: add a field, edit
its label, move it, reload in the middle (the draft and the unapplied edit are intact), edit a
choice, kill -9 the app and start it again (the draft is intact), publish, and the new version is
listed and stored. Layout shift is measured while editing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from app.desktop.lifecycle import current_user
from store.core.config import load_config
from store.core.db import Store
from store.fielddata.projects import create_project, form_versions, load_form
from store.formdef.demo import demo_form
from store.inputs.uistate import UiState, save_ui_state
from tests.conftest import REPORT, clean_env
from tests.e2e.conftest import choose, header, layout_shift, main, settle

pytestmark = pytest.mark.e2e


def make_project(home: Path, page: str) -> str:
    """A project made through the store before the app starts, opened on ``page``."""
    cfg = load_config(clean_env(home))
    cfg.paths.ensure()
    store = Store.open(cfg.paths.database)
    try:
        project = create_project(store, "Street trees", demo_form(), user=current_user(), source="demo")
        save_ui_state(store, current_user(), UiState(page=page, params={"project": project.id}, prefs={"project": project.id}))
        return project.id
    finally:
        store.close()


def fill(page: Any, scope: Any, label: str, text: str) -> None:
    box = scope.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")  # Enter commits a text input (its value is stored then)
    settle(page)


def click(page: Any, key: str) -> None:
    """Click the button with Streamlit key ``key`` (Streamlit also draws a hidden copy of it)."""
    page.locator(f".st-key-{key}").get_by_role("button").first.click()
    settle(page)


def edit_cell(page: Any, row: int, x: float, text: str) -> None:
    """Type ``text`` into a cell of the choices table (a canvas: cells are found by position;
    a double click opens the cell's editor, a text area over the canvas)."""
    grid = page.locator(".st-key-fe_panel [data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    editor = page.locator("textarea.gdg-input")
    for _ in range(5):  # a rerun may redraw the table under the first clicks
        box = grid.bounding_box()
        page.mouse.dblclick(box["x"] + x, box["y"] + 35 * (row + 1) + 17)  # below the 35 px header
        try:
            editor.wait_for(state="visible", timeout=2000)
            break
        except Exception:
            settle(page)
    editor.fill(text)
    editor.press("Enter")
    settle(page)


def field_order(page: Any) -> list[str]:
    """Field names in the order the list shows them (each row shows its name as code)."""
    return page.locator(".st-key-fe_fields code").all_inner_texts()


def test_add_edit_move_reload_publish(start_app, page, tmp_path):
    home = tmp_path / "home"
    project_id = make_project(home, "form")
    app = start_app(home)
    page.goto(app.url + "&page=form")
    expect(header(page)).to_contain_text("Form")
    settle(page)
    expect(main(page).get_by_text("No unpublished changes: this is version 1.")).to_be_visible()
    settle(page)
    page.wait_for_timeout(1500)
    loaded = layout_shift(page)

    add = page.locator(".st-key-fe_add_area")
    choose(page, "Type", "Whole number", scope=add)
    fill(page, add, "Name", "crew_size")
    fill(page, add, "Label (English)", "Crew size")
    fill(page, add, "Label (German)", "Teamgröße")
    add.get_by_role("button", name="Add field").click()
    settle(page)
    expect(main(page).get_by_text("Field crew_size added to the draft.")).to_be_visible()
    assert field_order(page)[-1] == "crew_size"
    expect(add.get_by_label("Name", exact=True)).to_have_value("")

    click(page, "fe_edit_crew_size")
    panel = page.locator(".st-key-fe_panel")
    expect(panel.get_by_label("Label (English)", exact=True)).to_have_value("Crew size")
    fill(page, panel, "Label (English)", "Crew members")
    expect(panel.get_by_text("Changes not applied yet")).to_be_visible()

    page.reload()  # mid-way: the draft and the edit not yet applied are both intact
    expect(main(page).get_by_text("Draft: changes to version 1")).to_be_visible()
    settle(page)
    panel = page.locator(".st-key-fe_panel")
    expect(panel.get_by_label("Label (English)", exact=True)).to_have_value("Crew members")
    assert field_order(page)[-1] == "crew_size"
    settle(page)
    journey_start = layout_shift(page)

    panel.get_by_role("button", name="Apply to draft").click()
    settle(page)
    expect(main(page).get_by_text("Changes to crew_size are in the draft.")).to_be_visible()
    expect(page.locator(".st-key-fe_fields").get_by_text("Crew members")).to_be_visible()
    click(page, "fe_up_crew_size")
    click(page, "fe_up_crew_size")
    assert field_order(page)[-3:] == ["crew_size", "photo", "notes"]
    shift = layout_shift(page) - journey_start

    click(page, "fe_edit_health")  # choices: the label of "fair" in the table editor
    edit_cell(page, row=1, x=220, text="So-so")
    expect(page.locator(".st-key-fe_panel").get_by_text("Changes not applied yet")).to_be_visible()
    click(page, "fe_apply")
    expect(main(page).get_by_text("Changes to health are in the draft.")).to_be_visible()

    app.kill()  # kill -9: no shutdown; the draft was committed with each edit
    app = start_app(home)
    page.goto(app.url)
    expect(page.locator(".st-key-fe_fields").get_by_text("Crew members")).to_be_visible()
    assert field_order(page)[-3:] == ["crew_size", "photo", "notes"]
    publish = main(page).get_by_role("button", name="Publish as version 2")
    expect(publish).to_be_enabled()
    publish.click()
    settle(page)
    expect(main(page).get_by_text("Published as version 2. New records use it.")).to_be_visible()
    expect(main(page).get_by_text("No unpublished changes: this is version 2.")).to_be_visible()
    versions = page.locator(".st-key-fe_versions")
    expect(versions.locator("tbody tr")).to_have_count(2)
    expect(versions.locator("tbody tr").first).to_contain_text("form editor")
    expect(main(page).get_by_role("button", name="Publish as version 3")).to_be_disabled()

    app.stop()
    store = Store.open(load_config(clean_env(home)).paths.database)
    try:
        version, form = load_form(store, project_id)
        assert version == 2 and form.field("crew_size").label == {"en": "Crew members", "de": "Teamgröße"}
        assert [f.name for f in form.fields][-3:] == ["crew_size", "photo", "notes"]
        assert [(c.name, c.label["en"]) for c in form.choices(form.field("health"))][:2] == [("good", "Good"), ("fair", "So-so")]
        assert [v.source for v in form_versions(store, project_id)] == ["demo", "editor"]
    finally:
        store.close()
    REPORT.append(f"layout shift (CLS), form editor: load {loaded:.3f}, apply+move {shift:.3f}")
    assert shift < 0.01
