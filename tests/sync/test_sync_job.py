"""The sync and the connection test as jobs on a real consumer (Huey on SQLite), and the periodic
sync scheduler against a real PostgreSQL that is stopped and started: online → sync soon; failures
→ a growing backoff; recovery → back to the interval; offline → nothing. The password of a
connection test never reaches the job ledger or the queue file."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from jobs.queue import JobQueue
from jobs.service import JobService
from jobs.tasks import sync as sync_tasks
from jobs.tasks.sync import CHECK_TASK, TASK, SyncScheduler, request_check, request_sync
from store.core.db import Store
from store.fielddata.records import create_record
from store.sync import engine, init_server, settings, state
from store.sync.connect import connect
from store.sync.state import status
from tests.sync.helpers import USER, local_records, new_project, outbox, server_records
from tests.sync.pg import PgServer

ROLE, ROLE_PASSWORD = "fb_job_user", "typed-Only-0nce"



@pytest.fixture
def home(tmp_path):
    folder = tmp_path / "dev"
    folder.mkdir()
    return folder


@pytest.fixture
def jobs(home):
    store = Store.open(home / "fieldbook.duckdb")
    service = JobService(store, JobQueue(home / "jobs.sqlite3"), data_dir=home, periodics={}, progress_interval=0.05)
    service.start()
    yield service
    service.stop()
    store.close()


def wait_until(predicate, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def sync_jobs(service):
    return service.list(name=TASK, limit=None)


def test_sync_now_as_a_job_and_a_second_request_joins_the_first(jobs, pg_url):
    store = jobs.store
    init_server(pg_url)
    settings.configure(store, pg_url)
    project = new_project(store)
    for i in range(20):
        create_record(store, project, {"plot": i}, user=USER)
    with engine._lock_for(store):  # another sync holds the device: the job waits, running
        first = request_sync(jobs)
        wait_until(lambda: jobs.poll(first).status == "running", what="the job to start")
        assert request_sync(jobs) == first and request_sync(jobs, reason="periodic") == first
    done = jobs.wait(first, timeout=60)
    assert done.status == "done", done.error
    assert done.result["pushed"] == 22 and done.result["pending"] == 0 and done.args == {"reason": "manual"}
    assert done.progress == 1.0 and "push 22" in done.message
    assert local_records(store) == server_records(pg_url) and outbox(store) == 0
    again = request_sync(jobs)
    assert again != first and jobs.wait(again, timeout=60).result["pushed"] == 0


def test_a_failed_sync_job_says_why_and_keeps_everything(jobs):
    store = jobs.store
    settings.configure(store, "postgresql://alice@127.0.0.1:1/fb")
    new_project(store)
    failed = jobs.wait(request_sync(jobs), timeout=60)
    assert failed.status == "failed" and "Cannot reach the server" in failed.error
    assert outbox(store) == 2 and status(store).failures == 1 and status(store).last_error_code == "unreachable"
    skipped = jobs.wait(request_sync(jobs, reason="periodic"), timeout=60)  # offline: the periodic run does nothing
    assert skipped.result == {"skipped": "offline", "reason": "periodic"} and status(store).failures == 1


def test_the_connection_test_job_keeps_the_typed_password_out_of_the_ledger(jobs, home, pg_server, keyring_home):
    pg_server.password_role(ROLE, ROLE_PASSWORD)
    database = pg_server.create_database()
    url = f"postgresql://{ROLE}@127.0.0.1:{pg_server.port}/{database}"
    try:
        right = jobs.wait(request_check(jobs, url, password=ROLE_PASSWORD), timeout=60)
        assert right.status == "done" and right.result["code"] == "not_initialised", right.result  # connected: the password worked
        assert set(right.args) == {"url", "secret"} and right.args["url"] == url
        wrong = jobs.wait(request_check(jobs, url, password="not-" + ROLE_PASSWORD), timeout=60)
        assert wrong.result["code"] == "refused" and not wrong.result["ok"]
        inline = jobs.wait(request_check(jobs, url.replace(ROLE, f"{ROLE}:{ROLE_PASSWORD}")), timeout=60)
        assert inline.result["code"] == "not_initialised" and inline.args["url"] == url
        gone = jobs.wait(jobs.enqueue(CHECK_TASK, {"url": url, "secret": "not-a-token"}), timeout=60)
        assert gone.result["code"] == "error" and "no longer available" in gone.result["message"]
        assert credentials_untouched(keyring_home)
    finally:
        pg_server.drop_database(database)
    jobs.store.checkpoint()
    for path in home.rglob("*"):
        if path.is_file():
            assert ROLE_PASSWORD.encode() not in path.read_bytes(), f"the password leaked into {path}"


def credentials_untouched(data_home):
    return not (data_home / "python_keyring").exists()  # a test's password is not stored


def test_the_scheduler_follows_online_backoff_recovery_and_offline(home, monkeypatch):
    monkeypatch.setattr(state, "BACKOFF_BASE_S", 0.4)  # 0.4 s, 0.8 s, 1.6 s … instead of 30 s, 60 s …
    pg = PgServer()
    store = Store.open(home / "fieldbook.duckdb")
    service = JobService(store, JobQueue(home / "jobs.sqlite3"), data_dir=home, periodics={})
    service.start()
    scheduler = SyncScheduler(lambda: store, lambda: service, tick_s=0.1, min_gap_s=0.3)
    scheduler.start()
    try:
        url = pg.url(pg.create_database())
        init_server(url)
        settings.configure(store, url)
        new_project(store)
        time.sleep(1.0)
        assert sync_jobs(service) == [], "offline: no periodic sync"

        settings.set_online(store, True)
        wait_until(lambda: status(store).last_sync is not None and outbox(store) == 0, what="the first periodic sync")
        assert [j.args["reason"] for j in sync_jobs(service)] == ["periodic"]
        assert 250 <= (status(store).next_attempt_at - datetime.now(UTC)).total_seconds() <= 300  # the interval
        time.sleep(0.6)
        assert len(sync_jobs(service)) == 1, "nothing more until the interval is over"

        pg.stop()
        create_record(store, new_project(store, "Down"), {"plot": 1}, user=USER)  # work goes on while the server is down
        waiting = outbox(store)
        state.save(store, **{state.NEXT_ATTEMPT: datetime.now(UTC).isoformat()})  # the interval is over
        wait_until(lambda: len(service.list(name=TASK, statuses=("failed",), limit=None)) >= 3, what="three failed periodic syncs")
        assert status(store).failures >= 3
        failed = [j for j in sync_jobs(service) if j.status == "failed"]
        assert failed and all("Cannot reach the server" in (j.error or "") for j in failed)
        starts = sorted(j.started_at for j in failed)[:3]
        gaps = [(b - a).total_seconds() for a, b in zip(starts, starts[1:], strict=False)]
        assert gaps[1] > gaps[0], f"the backoff grows: {gaps}"
        assert outbox(store) == waiting and status(store).last_error_code == "unreachable"

        pg.start()
        wait_until(lambda: status(store).failures == 0 and outbox(store) == 0, timeout=30, what="recovery")
        assert local_records(store) == server_records(url) and status(store).last_error is None

        settings.set_online(store, False)
        count = len(sync_jobs(service))
        state.save(store, **{state.NEXT_ATTEMPT: datetime.now(UTC).isoformat()})
        time.sleep(1.0)
        assert len(sync_jobs(service)) == count, "offline: the periodic sync stops"
        assert status(store).next_attempt_at is None
    finally:
        scheduler.stop()
        service.stop()
        store.close()
        pg.close()


def test_the_password_handoff_is_one_time(monkeypatch):
    token = sync_tasks._give("pw")
    assert sync_tasks._take(token) == "pw" and sync_tasks._take(token) is None
    old = sync_tasks._give("pw")
    monkeypatch.setattr(sync_tasks, "HANDOFF_TTL_S", 0.0)
    time.sleep(0.01)
    assert sync_tasks._take(old) is None


def test_a_connection_test_of_a_server_that_is_set_up(jobs, pg_url):
    init_server(pg_url)
    with connect(pg_url) as conn:
        assert conn.info.server_version >= 130000
    settings.configure(jobs.store, pg_url)
    done = jobs.wait(request_check(jobs), timeout=60)
    assert done.result["ok"] and done.result["code"] == "ok" and done.args == {}


def test_a_cancelled_sync_with_changes_left_is_tried_again_soon(jobs, pg_url):
    """A sync job cancelled while it waited for another sync stops before pushing: with changes
    still waiting, the next periodic attempt comes after ``RETRY_AFTER_CANCEL_S``, not after the
    whole interval; a sync stopped with nothing left waits for the interval."""
    store = jobs.store
    init_server(pg_url)
    settings.configure(store, pg_url)
    settings.set_interval(store, 3600)
    new_project(store)
    with engine._lock_for(store):
        job = request_sync(jobs)
        wait_until(lambda: jobs.poll(job).status == "running", what="the job to start")
        jobs.cancel(job)
        started = datetime.now(UTC)
    assert jobs.wait(job, timeout=60).status == "cancelled"
    assert outbox(store) == 2 and status(store).failures == 0 and status(store).last_error is None
    due = datetime.fromisoformat(state.get(store, state.NEXT_ATTEMPT) or "")
    assert 0 < (due - started).total_seconds() <= state.RETRY_AFTER_CANCEL_S + 5

    done = engine.sync_now(store)
    assert done.pending == 0
    stopped = engine.sync_now(store, check_cancelled=lambda: True)  # cancelled, but nothing was left to do
    assert stopped.pending == 0
    due = datetime.fromisoformat(state.get(store, state.NEXT_ATTEMPT) or "")
    assert (due - datetime.now(UTC)).total_seconds() > 3000  # the interval (an hour)


def test_the_scheduler_notes_whether_the_keyring_holds_the_password(home, keyring_home):
    """The Settings page never asks the keyring; the scheduler's thread does, at start and when the
    configured server changes, and leaves the answer in the database."""
    from store.sync import credentials

    store = Store.open(home / "fieldbook.duckdb")
    scheduler = SyncScheduler(lambda: store, lambda: None)
    try:
        assert scheduler.note_password() is None  # no server yet
        url = "postgresql://alice@127.0.0.1:5432/fb"
        state.save(store, **{state.SERVER: url})  # set by an older version: no flag yet
        credentials.save_password(url, "in the keyring")
        assert settings.password_stored(store, url) is None
        assert scheduler.note_password() is True and settings.password_stored(store, url) is True
        assert scheduler.note_password() is None  # asked once per server
        bob = "postgresql://bob@127.0.0.1:5432/fb"
        settings.configure(store, bob)  # no password typed: the flag is not known ...
        assert settings.password_stored(store, bob) is None
        assert scheduler.note_password() is False and settings.password_stored(store, bob) is False  # ... until the thread asked
    finally:
        store.close()


def test_the_scheduler_asks_the_keyring_only_after_the_first_page(home, monkeypatch):
    """Loading the keyring's backends (≈ 0.5 s the first time) must not compete with the app's
    first page: the scheduler's first work waits for the event the app sets once that page is
    shown, or for its time limit when no page comes (no window); a stop meanwhile ends it."""
    from store.sync import credentials

    calls: list[float] = []
    monkeypatch.setattr(credentials, "keyring_info", lambda: calls.append(time.monotonic()))
    store = Store.open(home / "fieldbook.duckdb")
    try:
        shown = threading.Event()
        waiting = SyncScheduler(lambda: store, lambda: None, tick_s=0.05)
        waiting.start(after=shown, at_most_s=30)
        time.sleep(0.5)
        assert calls == [], "nothing before the first page"
        shown.set()
        wait_until(lambda: len(calls) == 1, what="the keyring asked once the page is shown")
        waiting.stop()

        no_page = SyncScheduler(lambda: store, lambda: None, tick_s=0.05)
        started = time.monotonic()
        no_page.start(after=threading.Event(), at_most_s=0.4)
        wait_until(lambda: len(calls) == 2, what="the keyring asked after the time limit")
        assert calls[1] - started >= 0.35
        no_page.stop()

        stopped = SyncScheduler(lambda: store, lambda: None, tick_s=0.05)
        stopped.start(after=threading.Event(), at_most_s=30)
        stopped.stop(timeout=5)
        assert stopped._thread is not None and not stopped._thread.is_alive()
        assert len(calls) == 2
    finally:
        store.close()
