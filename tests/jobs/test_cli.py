"""``fieldbook jobs …`` as a command: on the ledger while the app is stopped, through the control
channel while it runs; plain messages and exit codes for bad input."""

from __future__ import annotations

import json
import time

from launcher import build_parser
from tests.conftest import ROOT, run_cli

DEMO_ARGS = json.dumps({"steps": 2, "delay": 0.05})


def ok(result) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout.strip()


def show(home, job_id: str) -> dict:
    return json.loads(ok(run_cli(home, "jobs", "show", job_id, "--json")))


def wait_status(home, job_id: str, wanted: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = show(home, job_id)
        if job["status"] == wanted:
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.3)


def test_offline_commands_change_the_ledger_and_the_app_runs_the_job_later(tmp_path, start_app):
    home = tmp_path / "home"
    assert ok(run_cli(home, "jobs", "list")) == "No jobs."
    job_id = ok(run_cli(home, "jobs", "enqueue", "demo.sleep_steps", "--args", DEMO_ARGS))
    assert len(job_id) == 36
    listing = ok(run_cli(home, "jobs", "list"))
    assert job_id in listing and "queued" in listing and "demo.sleep_steps" in listing
    assert ok(run_cli(home, "jobs", "cancel", job_id)) == f"Job {job_id}: cancelled."
    assert ok(run_cli(home, "jobs", "retry", job_id)) == f"Job {job_id}: queued again."
    job = show(home, job_id)
    assert job["status"] == "queued" and job["args"] == {"steps": 2, "delay": 0.05} and "(command line)" in job["created_by"]
    text = ok(run_cli(home, "jobs", "show", job_id))
    assert f"id:         {job_id}" in text and "status:     queued" in text

    start_app(home)  # recovery puts the job on the queue
    done = wait_status(home, job_id, "done")
    assert done["progress"] == 1.0 and done["result"]["steps"] == 2
    assert json.loads(ok(run_cli(home, "jobs", "list", "--json")))[0]["id"] == job_id


def test_commands_go_through_the_running_app(tmp_path, start_app):
    home = tmp_path / "home"
    app = start_app(home)
    long_id = ok(run_cli(home, "jobs", "enqueue", "demo.sleep_steps", "--args", json.dumps({"steps": 300, "delay": 0.1})))
    quick_id = ok(run_cli(home, "jobs", "enqueue", "demo.sleep_steps", "--args", DEMO_ARGS, "--priority", "5"))
    wait_status(home, quick_id, "done")
    running = wait_status(home, long_id, "running")
    assert running["started_at"]
    listed = json.loads(ok(run_cli(home, "jobs", "list", "--json", "--status", "running")))
    assert [j["id"] for j in listed] == [long_id]
    assert "asked to stop" in ok(run_cli(home, "jobs", "cancel", long_id))
    assert wait_status(home, long_id, "cancelled", timeout=10)["status"] == "cancelled"
    assert app.proc.poll() is None


def test_bad_input_gets_a_plain_message_and_exit_code(tmp_path):
    home = tmp_path / "home"
    cases = [
        (("jobs", "enqueue", "no.such.job"), 2, "There is no job called 'no.such.job'"),
        (("jobs", "enqueue", "demo.sleep_steps", "--args", "{steps: 3}"), 2, "--args is not valid JSON"),
        (("jobs", "enqueue", "demo.sleep_steps", "--args", "[1, 2]"), 2, "must be a JSON object"),
        (("jobs", "enqueue", "demo.sleep_steps", "--args", '{"steps": "many"}'), 2, "must be a whole number"),
        (("jobs", "show", "0000"), 1, "There is no job 0000"),
        (("jobs", "retry", "0000"), 1, "There is no job 0000"),
        (("jobs",), 2, "usage: fieldbook jobs"),
    ]
    for args, code, words in cases:
        result = run_cli(home, *args)
        assert result.returncode == code, (args, result.stderr)
        assert words in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout


def test_every_jobs_command_is_documented():
    readme = (ROOT / "README.md").read_text()
    jobs = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction").choices["jobs"]
    commands = next(a for a in jobs._actions if a.__class__.__name__ == "_SubParsersAction").choices
    assert set(commands) == {"list", "enqueue", "show", "cancel", "retry"}
    missing = [name for name in commands if f"`fieldbook jobs {name}" not in readme]
    assert not missing
