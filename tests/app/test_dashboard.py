"""The Dashboard page in Streamlit's AppTest, on records written to a real DuckDB file."""

from __future__ import annotations

from typing import Any

import pytest

from store.fielddata.projects import Project, create_project
from store.fielddata.records import create_record, delete_record, import_records
from store.formdef.demo import demo_form
from store.inputs.uistate import UiState, save_ui_state


@pytest.fixture
def project(rt) -> Project:
    made = create_project(rt.store, "Trees", demo_form(), user="tester", source="demo")
    save_ui_state(rt.store, "tester", UiState(page="dashboard", params={"project": made.id}, prefs={"project": made.id}))
    return made


def tree(lat: float | None = None, lon: float | None = None, **more: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"species": "quercus_robur", "health": "good", **more}
    if lat is not None:
        data["location"] = {"lat": lat, "lon": lon, "accuracy": None}
    return data


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def progress_texts(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_figures_match_the_records(new_session, rt, project: Project) -> None:
    import_records(rt.store, project.id, [tree(48.1, 11.5), tree(48.3, 11.2, notes="x"), tree()], user="ada")
    create_record(rt.store, project.id, tree(47.9, 11.9), user="bob", status="draft")
    gone = create_record(rt.store, project.id, tree(10.0, 10.0), user="bob")
    delete_record(rt.store, gone.id, user="bob")  # deleted records do not count
    at = new_session()
    assert not at.exception
    assert metrics(at) == {"Records": "4", "Final": "3", "Drafts": "1", "Fields": "10"}
    authors = at.table[0].value
    assert list(authors["Author"]) == ["ada", "bob"] and list(authors["Records"]) == ["3", "1"]
    texts = progress_texts(at)
    assert "Species: 100% filled" in texts and "Location: 75% filled" in texts and "Notes: 25% filled" in texts
    assert "Trunk diameter at breast height (cm): 0% filled" in texts
    geo = at.table[1].value
    assert list(geo["Field"]) == ["Location"] and list(geo["With a location"]) == ["3"]
    assert list(geo["Latitude from – to"]) == ["47.9 – 48.3"]
    assert list(geo["Longitude from – to"]) == ["11.2 – 11.9"]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # the chart per day is drawn


def test_new_record_shows_at_once(new_session, rt, project: Project) -> None:
    at = new_session()
    assert metrics(at)["Records"] == "0"
    create_record(rt.store, project.id, tree(), user="ada")  # the cached figures are invalidated
    at.run()
    assert metrics(at)["Records"] == "1"


def test_empty_project_keeps_the_layout(new_session, rt, project: Project) -> None:
    at = new_session()
    assert not at.exception
    assert metrics(at)["Records"] == "0"
    assert any("No records yet" in m.value for m in at.markdown)
    assert not at.get("progress") and len(at.table) == 1  # only the location summary has rows
    geo = at.table[0].value
    assert list(geo["With a location"]) == ["0"] and list(geo["Latitude from – to"]) == ["—"]


def test_german_labels(new_session, rt, project: Project) -> None:
    save_ui_state(rt.store, "tester", UiState(page="dashboard", params={"project": project.id}, prefs={"language": "de", "project": project.id}))
    create_record(rt.store, project.id, tree(), user="ada")
    at = new_session()
    assert metrics(at)["Datensätze"] == "1"
    assert "Baumart: 100 % ausgefüllt" in progress_texts(at)


def test_without_a_project(new_session, rt) -> None:
    at = new_session(page="dashboard")
    assert not at.exception
    assert any("Choose a project" in i.value for i in at.info)
