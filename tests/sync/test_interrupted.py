"""Syncs cut off the hard way: the device SIGKILLed mid-push and mid-pull (a child process), and the
server stopped mid-push. Afterwards no change is missing and none is there twice."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from store.core.db import Store
from store.core.errors import SyncError
from store.fielddata.records import import_records
from store.sync import init_server, status, sync_now
from tests.conftest import ROOT
from tests.sync.helpers import USER, local_records, new_project, open_device, outbox, server_records, server_rows
from tests.sync.pg import PgServer

pytestmark = pytest.mark.slow
N = 3000


def _kill_when(db, url, phase, after, batch=100):
    """Run a sync in a child and SIGKILL it once it reported ``phase`` progress ≥ ``after``."""
    with subprocess.Popen(
        [sys.executable, "-m", "tests.sync.sync_child", str(db), url, str(batch)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        seen = []
        for line in child.stdout:
            seen.append(line.strip())
            kind, _, count = line.partition(" ")
            if kind == phase and int(count) >= after:
                child.send_signal(signal.SIGKILL)
                break
        child.wait(timeout=60)
        assert child.returncode == -signal.SIGKILL, (seen[-3:], child.stderr.read())


def _assert_each_change_once(url, expected):
    total, distinct = server_rows(url, "SELECT count(*), count(DISTINCT change_id) FROM change_log")[0]
    assert total == distinct == expected


@pytest.mark.parametrize("after", [300, 1700])
def test_device_killed_mid_push_then_recovered(tmp_path, pg_url, after):
    init_server(pg_url)
    store = open_device(tmp_path, "a")
    project = new_project(store)
    import_records(store, project, [{"plot": i} for i in range(N)], user=USER)
    db = store.path
    store.close()

    _kill_when(db, pg_url, "push", after)
    on_server = server_rows(pg_url, "SELECT count(*) FROM change_log")[0][0]
    assert after <= on_server < N + 2  # some batches went, the rest did not

    store = Store.open(db)
    try:
        # Killed between the server's commit and the local delete, one batch is still in the outbox.
        assert outbox(store) in (N + 2 - on_server, N + 2 - on_server + 100)
        report = sync_now(store, pg_url)
        assert report.pending == 0 and outbox(store) == 0
        _assert_each_change_once(pg_url, N + 2)
        assert local_records(store) == server_records(pg_url) and len(server_records(pg_url)) == N
    finally:
        store.close()


def test_device_killed_mid_pull_then_recovered(tmp_path, pg_url):
    init_server(pg_url)
    a = open_device(tmp_path, "a")
    project = new_project(a)
    import_records(a, project, [{"plot": i} for i in range(N)], user=USER)
    sync_now(a, pg_url)
    b = open_device(tmp_path, "b")
    db = b.path
    b.close()

    _kill_when(db, pg_url, "pull", 1200)
    b = Store.open(db)
    try:
        got = b.read_one("SELECT count(*) FROM records")[0]
        cursor = status(b).cursor
        assert 1000 <= got < N and got + 2 == cursor  # the batches before the kill are there, with exactly their cursor
        report = sync_now(b, pg_url)
        assert report.pulled == N + 2 - cursor
        assert local_records(b) == server_records(pg_url) == local_records(a)
        # Each pulled version applied once: one history row and one audit row per record.
        assert b.read("SELECT count(*), count(DISTINCT record_id) FROM record_versions") == [(N, N)]
        assert b.read("SELECT count(*) FROM audit_log WHERE action = 'sync' AND entity = 'record'") == [(N,)]
        assert outbox(b) == 0
    finally:
        b.close()
        a.close()


def test_server_stopped_mid_push_keeps_the_outbox_and_the_next_sync_completes(tmp_path):
    pg = PgServer()
    try:
        url = pg.url(pg.create_database())
        init_server(url)
        store = open_device(tmp_path, "a")
        project = new_project(store)
        import_records(store, project, [{"plot": i} for i in range(N)], user=USER)
        before = local_records(store)

        def stop_after_first_batch(phase, done):
            if phase == "push" and done == 1000:
                pg.stop("immediate")

        with pytest.raises(SyncError) as failed:
            sync_now(store, url, progress=stop_after_first_batch, push_batch=1000)
        assert "Cannot reach the server" in str(failed.value) or "did not answer" in str(failed.value)
        assert outbox(store) == N + 2 - 1000  # only the committed batch left the outbox
        assert local_records(store) == before
        assert "Cannot reach" in (status(store).last_error or "") or status(store).last_error

        pg.start()
        report = sync_now(store, url)
        assert report.pushed == N + 2 - 1000 and outbox(store) == 0 and status(store).last_error is None
        _assert_each_change_once(url, N + 2)
        assert local_records(store) == server_records(url)
        store.close()
    finally:
        pg.close()
