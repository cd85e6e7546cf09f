"""The job system with a real Huey consumer (worker threads) on a real SQLite queue file and a
real DuckDB ledger: priorities, retries and backoff, cancel, dependencies, schedules, time limits,
leases, recovery, periodic jobs, shutdown."""

from __future__ import annotations

import datetime as dt
import threading
import time

from jobs.model import JobResult, new_job_id, utcnow
from jobs.periodic import Periodic
from tests.jobs import tasks
from tests.jobs.conftest import close


def wait_until(predicate, timeout: float = 10.0, every: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(every)


def test_a_job_starts_at_once_and_finishes(make_service):
    service = make_service()
    started = time.monotonic()
    job = service.wait(service.enqueue("test.record", {"key": "a"}), timeout=10)
    assert job.status == "done" and job.result == {"key": "a"}
    assert tasks.RUNS["a"][0] - started < 1.0  # polling tuned: well under a second


def test_higher_priority_runs_first_fifo_within(make_service):
    service = make_service(workers=1)
    blocker = service.enqueue("test.sleep", {"seconds": 0.4, "key": "blocker"})
    wait_until(lambda: tasks.RUNS["blocker"])
    ids = [
        service.enqueue("test.record", {"key": key}, priority=priority)
        for key, priority in [("low-1", 0), ("high-1", 10), ("mid", 5), ("low-2", 0), ("high-2", 10)]
    ]
    for job_id in [blocker, *ids]:
        assert service.wait(job_id).status == "done"
    assert tasks.order() == ["blocker", "high-1", "high-2", "mid", "low-1", "low-2"]


def test_transient_errors_are_retried_with_growing_delays(make_service):
    service = make_service()
    job = service.wait(service.enqueue("test.flaky", {"key": "f", "fail_times": 2}), timeout=20)
    assert job.status == "done" and job.attempts == 3 and job.result == {"runs": 3}
    assert job.error is None and job.message == ""  # no stale retry note on a finished job
    runs = tasks.RUNS["f"]
    gaps = [b - a for a, b in zip(runs, runs[1:], strict=False)]
    # policy: 0.2 s then 0.4 s, ±20 %; Huey's scheduler looks at due retries once a second
    assert gaps[0] >= 0.16 and gaps[1] >= 0.32
    assert sum(gaps) < 6


def test_a_listed_exception_type_counts_as_transient(make_service):
    service = make_service()
    job = service.wait(service.enqueue("test.oserror"), timeout=15)
    assert job.status == "done" and job.attempts == 2


def test_a_poisoned_job_fails_after_its_attempts_and_blocks_nothing(make_service):
    service = make_service(workers=1)
    poisoned = service.enqueue("test.poison")
    others = [service.enqueue("test.record", {"key": f"other-{i}"}) for i in range(3)]
    assert all(service.wait(j).status == "done" for j in others)  # not stuck behind the retries
    job = service.wait(poisoned, timeout=20)
    assert job.status == "failed" and job.attempts == 3 and len(tasks.RUNS["poison"]) == 3
    assert job.error == "Failed 3 times; the last error: the input file is damaged"


def test_cancel_a_queued_job(make_service):
    service = make_service(workers=1)
    blocker = service.enqueue("test.sleep", {"seconds": 0.5, "key": "blocker"})
    wait_until(lambda: tasks.RUNS["blocker"])
    waiting = service.enqueue("test.record", {"key": "never"})
    assert service.cancel(waiting).status == "cancelled"
    assert service.wait(blocker).status == "done"
    time.sleep(0.3)
    assert "never" not in tasks.RUNS
    assert service.poll(waiting).status == "cancelled" and service.poll(waiting).attempts == 0


def test_cancel_a_running_job(make_service):
    service = make_service()
    job_id = service.enqueue("test.sleep", {"seconds": 30, "key": "long"})
    wait_until(lambda: service.poll(job_id).progress > 0)
    asked = time.monotonic()
    assert service.cancel(job_id).cancel_requested
    job = service.wait(job_id, timeout=5)
    assert job.status == "cancelled" and time.monotonic() - asked < 2
    assert service.poll(job_id).finished_at is not None


def test_a_child_starts_only_after_its_parent_is_done(make_service):
    service = make_service()
    parent = service.enqueue("test.sleep", {"seconds": 0.4, "key": "parent"})
    child = service.enqueue("test.record", {"key": "child"}, depends_on=[parent])
    assert service.poll(child).queue_ref is None  # waiting: not on the queue at all
    done_parent, done_child = service.wait(parent), service.wait(child)
    assert done_child.status == "done"
    assert done_child.started_at >= done_parent.finished_at


def test_cancelling_a_parent_fails_its_waiting_children(make_service):
    service = make_service()
    parent = service.enqueue("test.sleep", {"seconds": 30})
    child = service.enqueue("test.record", {"key": "child"}, depends_on=[parent])
    wait_until(lambda: service.poll(parent).status == "running")
    service.cancel(parent)
    assert service.wait(child).status == "failed"
    assert service.poll(child).error == f"Did not run: the job {parent} it depends on was cancelled."


def test_a_scheduled_job_waits_for_its_time(make_service):
    service = make_service()
    job_id = service.enqueue("test.record", {"key": "later"}, delay_s=1.5)
    time.sleep(0.8)
    assert service.poll(job_id).status == "queued"
    job = service.wait(job_id, timeout=10)
    assert job.status == "done"
    waited = (job.started_at - job.created_at).total_seconds()
    assert 1.4 <= waited < 4.0  # Huey's scheduler checks once a second


def test_a_job_past_its_time_limit_fails_and_frees_the_worker(make_service):
    service = make_service(workers=1, stop_grace=0.3)
    stuck = service.enqueue("test.sleep", {"seconds": 10, "cooperative": False}, timeout_s=0.5)
    after = service.enqueue("test.record", {"key": "after"})
    started = time.monotonic()
    job = service.wait(stuck, timeout=10)
    assert job.status == "failed" and job.error == "The job took longer than its limit of 0.5 s and was stopped."
    assert service.wait(after).status == "done"  # the single worker moved on
    assert time.monotonic() - started < 5


def test_a_cooperative_task_stops_at_its_time_limit(make_service):
    service = make_service()
    job = service.wait(service.enqueue("test.sleep", {"seconds": 10}, timeout_s=0.3), timeout=5)
    assert job.status == "failed" and "limit of 0.3 s" in (job.error or "")


def test_the_lease_is_renewed_while_a_job_runs(make_service):
    service = make_service(lease_s=0.6, sweep_s=0.2)
    job_id = service.enqueue("test.sleep", {"seconds": 2.0, "key": "leased"})
    wait_until(lambda: service.poll(job_id).status == "running")
    leases = set()
    while service.poll(job_id).status == "running":
        job = service.poll(job_id)
        if job.lease_expires_at is not None:
            leases.add(job.lease_expires_at)
            assert job.lease_expires_at > utcnow() - dt.timedelta(seconds=0.3)
        time.sleep(0.1)
    assert len(leases) >= 3  # renewed again and again
    assert service.poll(job_id).status == "done" and len(tasks.RUNS["leased"]) == 1  # never taken for dead


def test_an_expired_lease_is_recovered_while_the_app_runs(make_service):
    service = make_service(lease_s=0.6, sweep_s=0.2)
    # a run whose end was never recorded (e.g. the disk was full at that moment)
    job = JobResult(id=new_job_id(), name="test.record", args={"key": "stale"}, status="queued", max_attempts=3)
    service.ledger.insert(job)
    service.store.execute(
        "UPDATE jobs SET status = 'running', attempts = 1, lease_owner = 'gone', lease_expires_at = ? WHERE id = ?",
        [utcnow() - dt.timedelta(seconds=1), job.id],
    )
    done = service.wait(job.id, timeout=10)
    assert done.status == "done" and done.attempts == 2


def test_startup_recovers_interrupted_and_untriggered_jobs(make_service, tmp_path):
    home = tmp_path / "data"
    offline = make_service(home=home, queue=None)
    queued = offline.enqueue("test.record", {"key": "queued-offline"})  # never reached Huey
    crashed = offline.enqueue("test.record", {"key": "crashed"}, max_attempts=3)
    offline.store.execute(  # as if a kill -9 hit it while it ran: Huey has already forgotten it
        "UPDATE jobs SET status = 'running', attempts = 1, lease_owner = 'dead', lease_expires_at = ? WHERE id = ?",
        [utcnow() + dt.timedelta(minutes=5), crashed],
    )
    close(offline)
    service = make_service(home=home)
    assert service.wait(queued).status == "done"
    job = service.wait(crashed)
    assert job.status == "done" and job.attempts == 2  # the lock proves its owner is dead: no waiting for the lease


def test_a_job_out_of_attempts_after_crashes_fails_plainly(make_service, tmp_path):
    home = tmp_path / "data"
    offline = make_service(home=home, queue=None)
    job_id = offline.enqueue("test.record", {"key": "crasher"}, max_attempts=2)
    offline.store.execute("UPDATE jobs SET status = 'running', attempts = 2 WHERE id = ?", [job_id])
    close(offline)
    service = make_service(home=home)
    job = service.wait(job_id)
    assert job.status == "failed" and job.error == "Stopped 2 times before it could finish (the app was closed or crashed)."
    assert "crasher" not in tasks.RUNS


def test_shutdown_puts_a_running_job_back_and_it_resumes_after_restart(make_service, tmp_path):
    home = tmp_path / "data"
    service = make_service(home=home)
    job_id = service.enqueue("demo.sleep_steps", {"steps": 40, "delay": 0.05})
    wait_until(lambda: service.poll(job_id).progress >= 0.25)
    stopping = time.monotonic()
    close(service)
    assert time.monotonic() - stopping < 3
    again = make_service(home=home, queue=None)
    interrupted = again.poll(job_id)
    assert interrupted.status == "queued" and interrupted.attempts == 0  # the interruption does not count
    close(again)
    restarted = make_service(home=home)
    job = restarted.wait(job_id, timeout=10)
    assert job.status == "done" and job.attempts == 1
    assert job.result["resumed_at"] >= 10  # continued from its checkpoint, not from step 0


def test_retry_runs_a_failed_job_again(make_service):
    service = make_service()
    job_id = service.enqueue("test.flaky", {"key": "r", "fail_times": 5}, max_attempts=1)
    assert service.wait(job_id).status == "failed"
    for _ in range(5):
        service.retry(job_id)
        service.wait(job_id)
    job = service.poll(job_id)
    assert job.status == "done" and job.attempts == 1 and job.result == {"runs": 6}


def test_periodic_jobs_run_on_their_interval_and_remember_it(make_service, tmp_path):
    home = tmp_path / "data"
    periodic = {"tick": Periodic("tick", "test.record", every_s=0.5, args={"key": "tick"}, run_at_start=True)}
    service = make_service(home=home, periodics=periodic)
    wait_until(lambda: len(tasks.RUNS["tick"]) >= 3, timeout=10)
    runs = service.list(tag="periodic:tick", limit=None)
    assert all(job.created_by == "periodic" for job in runs)
    close(service)
    # restarted with a long interval: the last run was just now, so nothing is due yet
    count = len(tasks.RUNS["tick"])
    make_service(home=home, periodics={"tick": Periodic("tick", "test.record", every_s=60, args={"key": "tick"}, run_at_start=True)})
    time.sleep(1.5)
    assert len(tasks.RUNS["tick"]) == count


def test_a_periodic_run_is_skipped_while_the_last_one_runs(make_service):
    periodic = {"slow": Periodic("slow", "test.sleep", every_s=0.2, args={"seconds": 1.5, "key": "slow"}, run_at_start=True)}
    service = make_service(periodics=periodic)
    wait_until(lambda: tasks.RUNS["slow"], timeout=5)
    time.sleep(1.0)
    assert len(tasks.RUNS["slow"]) == 1
    assert len(service.list(tag="periodic:slow", statuses=["queued", "running"])) == 1


def test_many_jobs_at_once_each_run_exactly_once(make_service):
    service = make_service()
    ids = [service.enqueue("test.record", {"key": f"k{i}"}) for i in range(40)]
    for job_id in ids:
        assert service.wait(job_id).status == "done"
    assert sorted(tasks.RUNS) == sorted(f"k{i}" for i in range(40))
    assert all(len(v) == 1 for v in tasks.RUNS.values())
    assert service.ledger.counts() == {"done": 40}


def test_stop_leaves_no_threads_behind(make_service):
    before = {t.name for t in threading.enumerate()}
    for _ in range(3):
        service = make_service()
        service.wait(service.enqueue("test.noop"))
        close(service)
    time.sleep(0.2)
    leftover = {t.name for t in threading.enumerate() if t.is_alive()} - before
    assert not leftover
