"""The Jobs page and the header's job indicator, run by Streamlit's AppTest against a real store
and a real job service (Huey consumer threads on a SQLite file)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.desktop import runtime
from jobs.model import JobResult, new_job_id
from store.core.config import load_config
from store.core.db import Store
from store.inputs.uistate import UiState, save_ui_state
from tests.app_fixtures import installed_runtime
from tests.conftest import ROOT, clean_env

SCRIPT = str(ROOT / "app" / "main.py")
TOKEN = "test-token"


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[runtime.Runtime]:
    with installed_runtime(tmp_path, with_jobs=True) as current:
        yield current


@pytest.fixture
def jobs_page(rt: runtime.Runtime) -> Callable[[], AppTest]:
    def open_page() -> AppTest:
        at = AppTest.from_file(SCRIPT, default_timeout=30)
        at.query_params["t"] = TOKEN
        at.query_params["page"] = "jobs"
        return at.run()

    return open_page


def captions(at: AppTest) -> str:
    return " | ".join(c.value for c in at.caption)


def progress_values(at: AppTest) -> list[float]:
    return [p.value for p in at.get("progress")]


def test_empty_page_keeps_one_row_and_the_header_slot(jobs_page):
    at = jobs_page()
    assert not at.exception
    assert "**Fieldbook · Jobs**" in [m.value for m in at.markdown]  # the header's title line
    assert "No jobs yet" in captions(at)
    assert at.button(key="jobs_start_demo").label == "Start demo job"
    assert not at.button(key="jobs_start_demo").disabled


def test_start_demo_job_shows_progress_and_can_be_cancelled(jobs_page, rt):
    at = jobs_page()
    at.button(key="jobs_start_demo").click().run()
    assert not at.exception
    [job] = rt.jobs.list()
    assert job.name == "demo.sleep_steps" and job.created_by == "tester"
    assert f"Job {job.id[-12:]} started." in captions(at)
    rt.jobs.wait(job.id, statuses=("running",))
    time.sleep(1.2)
    at.run()
    assert "Running" in " ".join(m.value for m in at.markdown)
    assert progress_values(at) and 0 < progress_values(at)[0] < 100  # percent
    assert "running for" in captions(at) and "left" in captions(at)
    assert "1 running" in captions(at)  # the header's indicator
    assert at.button(key="jobs_retry_0").disabled and not at.button(key="jobs_cancel_0").disabled

    at.button(key="jobs_cancel_0").click().run()
    assert rt.jobs.wait(job.id, timeout=5).status == "cancelled"
    at.run()
    assert "Cancelled" in " ".join(m.value for m in at.markdown)
    assert not at.button(key="jobs_retry_0").disabled and at.button(key="jobs_cancel_0").disabled


def test_finished_job_offers_its_file_and_failed_job_its_error(jobs_page, rt):
    done = rt.jobs.wait(rt.jobs.enqueue("demo.sleep_steps", {"steps": 2, "delay": 0}))
    bogus = JobResult(id=new_job_id(), name="gone.task", args={}, status="queued", max_attempts=1)  # from another version
    rt.jobs._push(rt.jobs.ledger.insert(bogus))
    assert rt.jobs.wait(bogus.id).status == "failed"
    at = jobs_page()
    assert done.status == "done"
    [download] = at.get("download_button")
    assert download.proto.label == "Download"
    text = captions(at)
    assert "took" in text and "2 steps done" in text and '{"steps"' not in text  # in words; the raw result behind "Details"
    assert any('"steps": 2' in c.value for c in at.code)
    assert "error: There is no job called 'gone.task'" in text  # shown as it is, in the row
    row_texts = [m.value for m in at.markdown]
    assert sum("Done" in t for t in row_texts) == 1


def test_a_job_refused_for_good_offers_no_retry_and_names_its_task_in_words(jobs_page, rt, tmp_path):
    """A refused import (its file did not pass the check) failed on its first of three attempts:
    the same run would fail the same way, so Retry is off; the row names the task in words, no
    "attempt 1 of 3", and the technical name is in the details."""
    from store.fielddata.projects import create_project
    from store.formdef import demo_form

    project = create_project(rt.store, "Trees", demo_form(), user=rt.user, source="demo")
    bad = tmp_path / "trees.csv"
    bad.write_text("species,dbh_cm\nquercus_robur,lots\n", encoding="utf-8")
    job_id = rt.jobs.enqueue("records.import", {"project_id": project.id, "path": str(bad)})
    refused = rt.jobs.wait(job_id)
    assert refused.status == "failed" and refused.attempts == 1 and refused.error.startswith("Nothing was imported: 1 problem.")
    at = jobs_page()
    assert at.button(key="jobs_retry_0").disabled
    row = " ".join(m.value for m in at.markdown)
    assert "Import records" in row and "attempt" not in row.split("Job ")[0]
    assert any("task records\\.import" in m.value or "task records.import" in m.value for m in at.markdown)
    assert not at.get("download_button")  # no file: no (disabled) Download either


def test_retry_from_the_page(jobs_page, rt):
    job_id = rt.jobs.enqueue("demo.sleep_steps", {"steps": 50, "delay": 0.1})
    rt.jobs.cancel(job_id)
    rt.jobs.wait(job_id)
    at = jobs_page()
    at.button(key="jobs_retry_0").click().run()
    assert rt.jobs.poll(job_id).status in ("queued", "running")
    assert "queued again" in captions(at)
    rt.jobs.cancel(job_id)


def test_page_in_german(jobs_page, rt):
    save_ui_state(rt.store, "tester", UiState(page="jobs", prefs={"language": "de"}))
    rt.jobs.wait(rt.jobs.enqueue("demo.sleep_steps", {"steps": 1, "delay": 0}))
    at = jobs_page()
    assert "**Fieldbook · Aufgaben**" in [m.value for m in at.markdown]
    assert at.button(key="jobs_start_demo").label == "Demo-Aufgabe starten"
    assert at.button(key="jobs_cancel_0").label == "Abbrechen" and at.button(key="jobs_retry_0").label == "Wiederholen"
    assert "Demo-Aufgabe" in " ".join(m.value for m in at.markdown)
    assert "dauerte" in captions(at)


def test_without_a_job_service_the_page_says_so(tmp_path):
    cfg = load_config(clean_env(tmp_path))
    cfg.paths.ensure()
    store = Store.open(cfg.paths.database)
    runtime.install(runtime.Runtime(cfg, store, TOKEN, "tester"))
    try:
        at = AppTest.from_file(SCRIPT, default_timeout=30)
        at.query_params["t"] = TOKEN
        at.query_params["page"] = "jobs"
        at.run()
        assert not at.exception
        assert at.button(key="jobs_start_demo").disabled
        assert "Background jobs are not running." in captions(at)
    finally:
        runtime.install(None)
        store.close()
