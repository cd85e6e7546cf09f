"""Task logic with Huey's immediate mode (a push runs the job at once, in the caller's thread),
and the pure helpers: backoff, estimates, ids, argument checks."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from app.i18n import LANGUAGES, TEXTS
from jobs.consumer import InProcessConsumer, start_consumer
from jobs.context import write_atomic
from jobs.errors import BadJobArguments, JobNotFound, JobStateError, UnknownJobError
from jobs.ledger import Push
from jobs.model import JobResult, estimate_remaining, format_duration, new_job_id, utcnow
from jobs.policy import RetryPolicy, backoff_delay
from jobs.queue import JobQueue
from jobs.registry import REGISTRY, Registry
from store.core.migrations import MIGRATIONS
from tests.conftest import ROOT
from tests.jobs import tasks

# -- pure helpers -------------------------------------------------------------------------


def test_backoff_grows_exponentially_within_its_jitter_and_cap():
    rng = random.Random(7)
    for attempt, raw in [(1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0), (9, 300.0), (30, 300.0)]:
        delays = [backoff_delay(attempt, 2.0, 300.0, 0.2, rng) for _ in range(200)]
        assert raw * 0.8 <= min(delays) and max(delays) <= raw * 1.2
        assert max(delays) - min(delays) > raw * 0.2  # really jittered
    assert RetryPolicy(base_delay=1, jitter=0).delay(3) == 4.0


def test_remaining_time_estimate():
    assert estimate_remaining(0.25, 30.0) == pytest.approx(90.0)
    assert estimate_remaining(0.0, 30.0) is None  # too early to tell
    assert estimate_remaining(0.5, None) is None
    assert estimate_remaining(1.0, 12.0) == 0.0
    assert [format_duration(s) for s in (None, 4.4, 61, 3725)] == ["–", "4 s", "1 min 01 s", "1 h 02 min"]


def test_job_ids_are_uuid7_unique_and_sorted():
    ids = [new_job_id() for _ in range(3000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert {uuid.UUID(i).version for i in ids} == {7}


def test_job_result_is_json_ready():
    job = JobResult(id="x", name="demo", args={"a": 1}, status="queued", depends_on=("p",), started_at=utcnow())
    data = json.loads(json.dumps(job.to_dict()))
    assert data["depends_on"] == ["p"] and dt.datetime.fromisoformat(data["started_at"])


def test_write_atomic_leaves_no_temp_file(tmp_path):
    target = tmp_path / "out" / "report.txt"
    write_atomic(target, "first", tag="job1")
    write_atomic(target, b"second", tag="job1")
    assert target.read_text() == "second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.txt"]


def test_every_text_has_german_and_english():
    missing = [key for key, entry in TEXTS.items() if any(not entry.get(lang) for lang in LANGUAGES)]
    assert not missing
    for key in ("jobs.start_demo", "jobs.cancel", "jobs.retry", "jobs.indicator.running", "job.demo.sleep_steps"):
        assert key in TEXTS


def test_jobs_table_is_migration_3():
    assert [m.version for m in MIGRATIONS][:3] == [1, 2, 3]
    assert MIGRATIONS[2].name == "job ledger"


# -- the registry -------------------------------------------------------------------------


def test_arguments_are_checked_against_the_task():
    spec = REGISTRY.get("demo.sleep_steps")
    assert spec.bind({"steps": 3}) == {"steps": 3}
    assert spec.bind(None) == {}
    for bad, words in [
        ({"stpes": 3}, "no argument 'stpes'"),
        ({"steps": "3"}, "must be a whole number"),
        ({"steps": True}, "must be a whole number"),
        ({"delay": "slow"}, "must be a number"),
        ({"steps": 0}, "between 1 and"),
        (["steps"], "must be an object"),
    ]:
        with pytest.raises(BadJobArguments) as info:
            spec.bind(bad)  # type: ignore[arg-type]
        assert words in str(info.value)
        assert info.value.exit_code == 2
    with pytest.raises(BadJobArguments, match="needs the argument 'key'"):
        REGISTRY.get("test.flaky").bind({"fail_times": 1})


def test_unknown_task_names_the_known_ones():
    with pytest.raises(UnknownJobError) as info:
        REGISTRY.get("demo.sleep_step")
    assert "no job called 'demo.sleep_step'" in str(info.value) and "demo.sleep_steps" in str(info.value)


def test_a_name_cannot_be_taken_twice():
    registry = Registry()
    registry.task("x.y")(tasks.noop)
    registry.task("x.y")(tasks.noop)  # the same function again (a module re-imported) is fine
    with pytest.raises(ValueError, match="already registered"):
        registry.task("x.y")(tasks.boom)


# -- a job from start to end (immediate mode) ---------------------------------------------


def test_demo_job_runs_reports_progress_and_leaves_a_file(make_service):
    service = make_service(queue="immediate")
    job_id = service.enqueue("demo.sleep_steps", {"steps": 4, "delay": 0}, created_by="tester")
    job = service.poll(job_id)
    assert job.status == "done" and job.progress == 1.0 and job.message == "4/4"
    assert job.attempts == 1 and job.created_by == "tester" and job.error is None
    assert job.started_at is not None and job.finished_at is not None and job.started_at <= job.finished_at
    report = job.result["path"]
    assert Path(report).read_text().startswith("demo.sleep_steps: 4 steps")
    assert service.list()[0].id == job_id


def test_unknown_name_and_bad_arguments_are_refused_at_once(make_service):
    service = make_service(queue="immediate")
    with pytest.raises(UnknownJobError):
        service.enqueue("no.such.job")
    with pytest.raises(BadJobArguments):
        service.enqueue("demo.sleep_steps", {"steps": -1})
    with pytest.raises(JobNotFound):
        service.enqueue("test.noop", depends_on=["nope"])
    assert service.list() == []


def test_a_raising_task_fails_at_once_with_a_plain_message(make_service):
    service = make_service(queue="immediate")
    job = service.poll(service.enqueue("test.boom"))
    assert job.status == "failed" and job.attempts == 1  # not transient: no retry
    assert job.error == "ValueError: the value 42 is not allowed here"
    assert "Traceback" not in job.error
    assert tasks.RUNS["boom"] and len(tasks.RUNS["boom"]) == 1


def test_a_result_that_is_not_json_fails_plainly(make_service):
    service = make_service(queue="immediate")
    job = service.poll(service.enqueue("test.unserializable"))
    assert job.status == "failed" and "result could not be stored" in (job.error or "")


def test_ledger_rows_the_registry_does_not_know_fail_plainly(make_service):
    """A job written by another version (or by hand) with an unknown name or bad arguments."""
    service = make_service(queue="immediate")
    for name, args, words in [("gone.task", {}, "no job called 'gone.task'"), ("demo.sleep_steps", {"steps": "x"}, "whole number")]:
        job = JobResult(id=new_job_id(), name=name, args=args, status="queued", max_attempts=3)
        for push in service.ledger.insert(job):
            service.queue.push(push)
        after = service.poll(job.id)
        assert after.status == "failed" and words in (after.error or "")
    assert service.poll(service.enqueue("test.noop")).status == "done"  # the queue goes on


def test_dependencies_run_in_order_and_failures_cascade(make_service):
    service = make_service(queue=None)
    parent = service.enqueue("test.record", {"key": "parent"})
    child = service.enqueue("test.record", {"key": "child"}, depends_on=[parent])
    grandchild = service.enqueue("test.record", {"key": "grandchild"}, depends_on=[child])
    broken = service.enqueue("test.boom")
    orphan = service.enqueue("test.record", {"key": "orphan"}, depends_on=[broken, parent])
    orphan_child = service.enqueue("test.record", {"key": "orphan-child"}, depends_on=[orphan])
    service.store.close()
    # the same ledger, now with an immediate queue: recovery pushes the ready jobs, each run
    # releases its children
    runner = make_service(queue="immediate", home=service.store.path.parent)
    assert [runner.poll(j).status for j in (parent, child, grandchild)] == ["done"] * 3
    assert [k for k in tasks.order() if k != "boom"] == ["parent", "child", "grandchild"]
    assert runner.poll(broken).status == "failed"
    assert runner.poll(orphan).status == "failed" and f"the job {broken} it depends on failed" in (runner.poll(orphan).error or "")
    assert runner.poll(orphan_child).status == "failed" and orphan in (runner.poll(orphan_child).error or "")
    assert "orphan" not in tasks.RUNS


def test_cancel_and_retry_rules(make_service):
    service = make_service(queue=None)  # the CLI with the app stopped: the ledger only
    job_id = service.enqueue("test.noop")
    assert service.poll(job_id).status == "queued" and service.poll(job_id).queue_ref is not None
    assert service.cancel(job_id).status == "cancelled"
    with pytest.raises(JobStateError, match="already finished"):
        service.cancel(job_id)
    again = service.retry(job_id)
    assert again.status == "queued" and again.attempts == 0 and again.error is None
    with pytest.raises(JobStateError, match="only failed or cancelled"):
        service.retry(job_id)
    with pytest.raises(JobNotFound):
        service.poll("no-such-id")


def test_consumer_runs_off_the_main_thread_without_signal_handlers(tmp_path):
    queue = JobQueue(tmp_path / "q.sqlite3")
    ran = threading.Event()
    queue.attach(lambda job_id, ref: ran.set())
    box: list[InProcessConsumer] = []
    starter = threading.Thread(target=lambda: box.append(start_consumer(queue.huey, workers=1)))
    starter.start()
    starter.join()
    consumer = box[0]
    try:
        assert consumer.is_running()
        queue.huey.enqueue(queue._task.s("some-job"))
        assert ran.wait(5)
    finally:
        consumer.stop(graceful=True)
        queue.close()
    assert not consumer.is_running()


def test_an_idle_worker_wakes_at_once_when_a_job_is_pushed(tmp_path):
    queue = JobQueue(tmp_path / "q.sqlite3")
    consumer = start_consumer(queue.huey, workers=1, max_delay=30.0, initial_delay=30.0, wake=queue.wake)
    seen = threading.Event()
    queue.attach(lambda job_id, ref: seen.set())
    try:
        time.sleep(0.2)  # the worker polled, found nothing, and sleeps for 30 s
        started = time.monotonic()
        queue.push(Push("job", "ref-1", 0, None))
        assert seen.wait(5)
        assert time.monotonic() - started < 2  # not after its 30 s back-off
    finally:
        consumer.stop(graceful=True)
        queue.close()


def test_jobs_never_imports_streamlit():
    code = "import sys, jobs.admin, jobs.tasks; jobs.tasks.load(); assert 'streamlit' not in sys.modules, 'streamlit imported'"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
