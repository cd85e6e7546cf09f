"""Background jobs as a user meets them: real launcher, real Chromium, a real kill -9."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import REPORT, run_cli
from tests.e2e.conftest import header, layout_shift, settle, shift_sources

pytestmark = pytest.mark.e2e

ROW = '[class*="st-key-fbjob-"]'


def progress_of(row) -> int:
    return int(row.get_by_role("progressbar").get_attribute("aria-valuenow"))


def wait_progress_above(row, value: int, timeout: float = 15) -> int:
    deadline = time.monotonic() + timeout
    while True:
        now = progress_of(row)
        if now > value:
            return now
        assert time.monotonic() < deadline, f"progress stuck at {now}"
        time.sleep(0.1)


def cli_json(home, *args: str):
    result = run_cli(home, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_jobs_journey_progress_reload_kill_and_cancel(start_app, page):
    shifts: dict[str, float] = {}
    app = start_app()
    page.goto(app.url + "&page=jobs")
    expect(header(page)).to_contain_text("Jobs")
    expect(page.locator(ROW).first).to_contain_text("No jobs yet")
    settle(page)
    page.wait_for_timeout(1200)  # a poll of the list and of the header's indicator
    shifts["first load"] = layout_shift(page)
    load_sources = shift_sources(page)

    # start a long job from the page and watch its bar move
    page.get_by_role("button", name="Start demo job").click()
    row = page.locator(ROW).first
    expect(row).to_contain_text("Running", timeout=10_000)
    expect(header(page)).to_contain_text("1 running")
    first = wait_progress_above(row, 0)
    second = wait_progress_above(row, first)
    assert 0 < first < second < 100
    shifts["job starts and progresses"] = layout_shift(page) - shifts["first load"]
    [job] = cli_json(app.home, "jobs", "list", "--json")  # through the running app's control channel
    assert job["status"] == "running" and job["created_by"]

    # reload mid-job: the progress is still there (the ledger has it, not the browser session)
    page.reload()
    row = page.locator(ROW).first
    expect(row).to_contain_text("Running")
    assert progress_of(row) >= second
    settle(page)
    shifts["reload"] = layout_shift(page)
    third = wait_progress_above(row, progress_of(row))
    page.wait_for_timeout(1200)
    shifts["progress after reload"] = layout_shift(page) - shifts["reload"]
    assert third < 100, "the demo job ended too soon for the kill test"

    # kill -9 the app in the middle of the job, start it again: the job resumes and finishes
    app.kill()
    again = start_app(app.home)
    page.goto(again.url + "&page=jobs")
    row = page.locator(ROW).first
    expect(row).to_contain_text(job["id"][-12:])
    settle(page)
    shifts["restart"] = layout_shift(page)
    expect(row).to_contain_text("Done", timeout=30_000)
    assert progress_of(row) == 100
    expect(row.get_by_role("button", name="Download")).to_be_enabled()
    finished = cli_json(again.home, "jobs", "show", job["id"], "--json")
    assert finished["status"] == "done" and finished["attempts"] == 2
    assert finished["result"]["resumed_at"] > 0  # continued from its checkpoint

    # another job, started from the command line, cancelled from the page
    other = run_cli(again.home, "jobs", "enqueue", "demo.sleep_steps", "--args", json.dumps({"steps": 300, "delay": 0.1}))
    assert other.returncode == 0, other.stderr
    other_id = other.stdout.strip()
    other_row = page.locator(ROW, has_text=other_id[-12:])
    expect(other_row).to_contain_text("Running", timeout=10_000)
    wait_progress_above(other_row, 0)
    other_row.get_by_role("button", name="Cancel").click()
    expect(other_row).to_contain_text("Cancelled", timeout=10_000)
    expect(other_row.get_by_role("button", name="Retry")).to_be_enabled()
    page.wait_for_timeout(1200)
    shifts["finish, new job, cancel"] = layout_shift(page) - shifts["restart"]
    assert cli_json(again.home, "jobs", "show", other_id, "--json")["status"] == "cancelled"

    after_load = {k: v for k, v in shifts.items() if k not in ("first load", "reload", "restart")}
    REPORT.append("layout shift (CLS) per step of the jobs journey: " + ", ".join(f"{k} {v:.4f}" for k, v in shifts.items()))
    if load_sources:
        REPORT.append(f"  jobs page first-load shift sources: {load_sources[:4]}")
    # Jobs starting, progressing, finishing and being cancelled must not move anything; page loads
    # still shift (Streamlit applies the page config and the sidebar after its first paint).
    for step, value in after_load.items():
        assert value < 0.01, (step, shift_sources(page)[-5:])
