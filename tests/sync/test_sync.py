"""Push and pull between real DuckDB files and a real PostgreSQL: convergence, no echo, history,
retries that change nothing twice, and concurrent edits kept as conflicts on every side involved.

Who records a conflict (store/sync/push.py, store/sync/apply.py): the server, when a pushed change
was not based on its current version and that version came from another device; and each device
whose own version (made there, or not yet pushed) meets a pulled version not based on it — so with
two devices editing the same record, the server and BOTH devices hold a row with both versions.
"""

from __future__ import annotations

import json
import time

import pytest

from store.core.device import device_of
from store.fielddata.records import create_record, delete_record, get_record, record_history, save_record
from store.sync import init_server, status, sync_now
from store.sync.connect import connect
from store.sync.push import forget_pushed, push_batch, read_outbox
from tests.sync.helpers import USER, local_conflicts, local_records, new_project, outbox, server_records, server_rows


def assert_converged(url, *stores):
    expected = server_records(url)
    assert expected, "the server has records"
    for store in stores:
        assert local_records(store) == expected


def test_two_devices_converge_and_pulled_changes_are_not_pushed_back(server, devices):
    a, b = devices("a"), devices("b")
    project = new_project(a)
    r1, r2, r3 = (create_record(a, project, {"plot": i}, user=USER).id for i in (1, 2, 3))
    report = sync_now(a, server)
    assert (report.pushed, report.pulled, report.pending) == (2 + 3, 0, 0)  # project + form + 3 records
    assert outbox(a) == 0

    report = sync_now(b, server)
    assert report.pulled == 5 and report.pushed == 0
    assert outbox(b) == 0, "pulled changes must not land in the outbox (no echo)"
    assert_converged(server, a, b)

    save_record(b, r1, {"plot": 1, "notes": "checked"}, user=USER, status="final")
    delete_record(b, r2, user=USER)
    r4 = create_record(b, project, {"plot": 4}, user=USER).id
    save_record(a, r3, {"plot": 33}, user=USER, status="draft")
    sync_now(a, server)
    sync_now(b, server)
    sync_now(a, server)
    assert_converged(server, a, b)
    assert get_record(a, r1).data == {"plot": 1, "notes": "checked"} and get_record(a, r2).deleted
    assert get_record(a, r4).data == {"plot": 4} and get_record(b, r3).data == {"plot": 33}
    assert not local_conflicts(a) and not local_conflicts(b)
    assert server_rows(server, "SELECT count(*) FROM conflicts") == [(0,)]

    # The pulled version is in the history with who saved it; an audit row says it came by sync.
    history = record_history(a, r1)
    assert [v.version for v in history] == [2, 1] and history[0].saved_by == USER and "synced" in history[0].note
    audit = a.read("SELECT count(*) FROM audit_log WHERE action = 'sync' AND entity_id = ?", [r1])
    assert audit == [(1,)]
    # And nothing more to do on either side.
    again = sync_now(b, server)
    assert (again.pushed, again.pulled, again.conflicts) == (0, 0, 0)
    assert status(a).pending == 0 and status(a).server == server and status(a).last_sync is not None


def test_a_batch_sent_twice_is_applied_once(server, devices):
    """A lost connection after the server's COMMIT but before the local outbox delete: the next
    sync sends the same batch again; the server must hold each change once and apply it once."""
    a = devices("a")
    project = new_project(a)
    ids = [create_record(a, project, {"plot": i}, user=USER).id for i in range(5)]
    save_record(a, ids[0], {"plot": 100}, user=USER, status="final")
    rows = read_outbox(a)
    device = rows[0].device_id
    with connect(server) as conn:
        first = push_batch(conn, device, rows)
        # ... the acknowledgement is lost here: the outbox still has the rows, so they go again.
        second = push_batch(conn, device, rows)
    assert (first.sent, first.inserted) == (len(rows), len(rows))
    assert (second.sent, second.inserted, second.conflicts) == (len(rows), 0, 0)
    assert server_rows(server, "SELECT count(*), count(DISTINCT change_id) FROM change_log") == [(len(rows), len(rows))]
    assert server_rows(server, "SELECT count(*) FROM records") == [(5,)]
    assert server_rows(server, "SELECT data FROM records WHERE id = %s", [ids[0]]) == [({"plot": 100},)]
    assert server_rows(server, "SELECT count(*) FROM conflicts") == [(0,)]

    # The real retry path: the next sync pushes the same rows again, harmlessly, then forgets them.
    report = sync_now(a, server)
    assert report.pushed == len(rows) and outbox(a) == 0
    assert server_rows(server, "SELECT count(*) FROM change_log") == [(len(rows),)]
    assert_converged(server, a)
    forget_pushed(a, [])  # nothing to forget is fine


def _two_devices_with_one_record(server, devices):
    a, b = devices("a"), devices("b")
    project = new_project(a)
    rid = create_record(a, project, {"plot": 1}, user=USER).id
    sync_now(a, server)
    sync_now(b, server)
    return a, b, rid


def test_concurrent_edits_later_stamp_wins_everywhere_and_both_versions_are_kept(server, devices):
    a, b, rid = _two_devices_with_one_record(server, devices)
    base = get_record(a, rid).hlc
    mine = save_record(a, rid, {"plot": 1, "notes": "from a"}, user=USER, status="draft")
    theirs = save_record(b, rid, {"plot": 1, "notes": "from b"}, user=USER, status="final")  # later stamp
    assert theirs.hlc > mine.hlc

    assert sync_now(a, server).conflicts == 0  # a is first: based on the server's version
    report_b = sync_now(b, server)
    assert report_b.conflicts == 2  # found by the server (push) and by b (pull of a's version)
    sync_now(a, server)
    assert_converged(server, a, b)
    assert get_record(a, rid).data == {"plot": 1, "notes": "from b"} and get_record(a, rid).status == "final"

    winner, loser = server_rows(server, "SELECT winner, loser FROM conflicts WHERE record_id = %s", [rid])[0]
    assert (winner["hlc"], loser["hlc"]) == (theirs.hlc, mine.hlc)
    assert loser["data"] == {"plot": 1, "notes": "from a"} and winner["base_hlc"] == loser["base_hlc"] == base

    on_a, on_b = local_conflicts(a), local_conflicts(b)
    assert len(on_a) == len(on_b) == 1
    assert on_a[0]["winner"] == "remote" and on_a[0]["local"]["data"] == {"plot": 1, "notes": "from a"}
    assert on_a[0]["remote"]["data"] == {"plot": 1, "notes": "from b"}
    assert on_b[0]["winner"] == "local" and on_b[0]["remote"]["data"] == {"plot": 1, "notes": "from a"}
    # a's own version stays in a's history too: nothing is lost.
    assert {"plot": 1, "notes": "from a"} in [v.data for v in record_history(a, rid)]


def test_delete_against_edit_is_a_conflict_too(server, devices):
    a, b, rid = _two_devices_with_one_record(server, devices)
    save_record(a, rid, {"plot": 2}, user=USER, status="final")
    deleted = delete_record(b, rid, user=USER)  # the later one: the delete wins
    sync_now(a, server)
    sync_now(b, server)
    sync_now(a, server)
    assert_converged(server, a, b)
    assert get_record(a, rid).deleted and get_record(b, rid).deleted
    loser = server_rows(server, "SELECT loser FROM conflicts WHERE record_id = %s", [rid])[0][0]
    assert loser["data"] == {"plot": 2} and not loser["deleted"]
    assert [c["winner"] for c in local_conflicts(a)] == ["remote"] and local_conflicts(a)[0]["remote"]["hlc"] == deleted.hlc
    assert [c["winner"] for c in local_conflicts(b)] == ["local"]


def test_the_earlier_edit_pushed_last_does_not_overwrite_the_later_one(server, devices):
    a, b, rid = _two_devices_with_one_record(server, devices)
    early = save_record(a, rid, {"plot": 10}, user=USER, status="draft")
    late = save_record(b, rid, {"plot": 20}, user=USER, status="draft")
    sync_now(b, server)
    sync_now(a, server)  # a's older edit arrives second: kept as the loser, not applied
    sync_now(b, server)
    assert_converged(server, a, b)
    assert server_records(server)[rid][5] == late.hlc
    loser = server_rows(server, "SELECT loser FROM conflicts WHERE record_id = %s", [rid])[0][0]
    assert loser["hlc"] == early.hlc
    assert json.dumps(loser["data"]) == json.dumps({"plot": 10})


def test_an_edit_after_a_pull_is_later_than_the_pulled_version_even_with_a_clock_ahead(server, devices):
    """The pulled stamp is observed by the device clock in the same transaction, so an edit based
    on it never loses to it — even when the other device's wall clock runs an hour ahead."""
    a, b = devices("a"), devices("b")
    device_a = device_of(a)
    device_a.clock._wall_ms = lambda: int(time.time() * 1000) + 3_600_000  # a's clock is an hour fast
    project = new_project(a)
    rid = create_record(a, project, {"plot": 1}, user=USER).id
    sync_now(a, server)
    sync_now(b, server)
    edited = save_record(b, rid, {"plot": 2}, user=USER, status="final")
    assert edited.hlc > get_record(a, rid).hlc
    sync_now(b, server)
    sync_now(a, server)
    assert_converged(server, a, b)
    assert get_record(a, rid).data == {"plot": 2} and not local_conflicts(a) and not local_conflicts(b)
    seen = dict(server_rows(server, "SELECT id, cursor FROM devices"))
    assert set(seen) == {device_a.id, device_of(b).id} and all(c > 0 for c in seen.values())


# -- a file older than what the device once sent (snapshot restored, file copied back) -------------


def _restore(store, snaps, snapshot_id):
    """Restore ``snapshot_id`` over ``store``'s database the way the app does; the reopened store."""
    from store.core.db import Store
    from store.snapshots.restore import restore

    path = store.path
    reopened = []
    restore(snaps, store, snapshot_id, None, reopen=lambda: reopened.append(Store.open(path)) or reopened[-1])
    return reopened[-1]


def test_after_a_snapshot_restore_the_device_gets_its_own_later_changes_back(server, devices, tmp_path):
    """Pushed v1, snapshot, v2 synced, snapshot restored: the restored file's cursor is older and
    the pull used to skip this device's own changes, so v2 never came back here. The server
    knowing changes of this device after its cursor says so: the pull takes them too."""
    from store.snapshots.engine import Snapshots

    a, b = devices("a"), devices("b")
    project = new_project(a)
    rid = create_record(a, project, {"plot": 1, "notes": "v1"}, user=USER).id
    other = create_record(a, project, {"plot": 2, "notes": "pending at the snapshot"}, user=USER).id
    sync_now(a, server, push_batch=3)  # the project, its form and rid; then all
    save_record(a, other, {"plot": 2, "notes": "still in the outbox of the snapshot"}, user=USER, status="draft")
    snaps = Snapshots(tmp_path / "snapshots", a.path, tmp_path / "attachments")
    taken = snaps.create(a)
    v2 = save_record(a, rid, {"plot": 1, "notes": "v2 (synced after the snapshot)"}, user=USER, status="final")
    sync_now(a, server)
    sync_now(b, server)
    assert get_record(b, rid).data["notes"] == "v2 (synced after the snapshot)"

    a = _restore(a, snaps, taken.id)
    try:
        assert get_record(a, rid).data["notes"] == "v1" and outbox(a) == 1  # the snapshot's outbox: pushed already
        report = sync_now(a, server)
        assert report.pulled >= 1 and report.conflicts == 0
        assert get_record(a, rid).data["notes"] == "v2 (synced after the snapshot)" and get_record(a, rid).hlc == v2.hlc
        assert_converged(server, a, b)
        assert not local_conflicts(a) and not local_conflicts(b)
        assert server_rows(server, "SELECT count(*) FROM conflicts") == [(0,)]
        assert server_rows(server, "SELECT count(*), count(DISTINCT change_id) FROM change_log") == server_rows(
            server, "SELECT count(*), count(*) FROM change_log")  # the outbox sent again changed nothing twice
        assert [v.data["notes"] for v in record_history(a, rid)][:1] == ["v2 (synced after the snapshot)"]
        again = sync_now(a, server)
        assert (again.pushed, again.pulled, again.conflicts) == (0, 0, 0)  # caught up: own changes are skipped again
    finally:
        a.close()


def test_a_file_copied_back_by_hand_gets_its_own_later_changes_back_and_edits_after_it_are_kept(server, devices, tmp_path):
    """The same without the snapshot service: the file copied back while closed. An edit made on the
    old file before the sync meets the lost version: both are kept (a conflict), nothing is lost."""
    import shutil

    from store.core.db import Store

    a = devices("a")
    project = new_project(a)
    rid = create_record(a, project, {"plot": 1, "notes": "v1"}, user=USER).id
    keep = create_record(a, project, {"plot": 2, "notes": "only v1"}, user=USER).id
    sync_now(a, server)
    path = a.path
    a.close()
    shutil.copy(path, tmp_path / "copy.duckdb")
    a = Store.open(path)
    save_record(a, rid, {"plot": 1, "notes": "v2"}, user=USER, status="draft")
    save_record(a, keep, {"plot": 2, "notes": "v2 of the other"}, user=USER, status="draft")
    sync_now(a, server)
    a.close()
    shutil.copy(tmp_path / "copy.duckdb", path)
    a = Store.open(path)
    try:
        newer = save_record(a, rid, {"plot": 1, "notes": "v3, made on the old file"}, user=USER, status="final")
        report = sync_now(a, server)
        assert get_record(a, keep).data["notes"] == "v2 of the other"  # came back
        assert get_record(a, rid).hlc == newer.hlc  # the later stamp stays current ...
        [kept] = local_conflicts(a)  # ... and the lost v2, made without seeing v3's base, is kept beside it
        assert report.conflicts == 1 and kept["record_id"] == rid and kept["remote"]["data"]["notes"] == "v2"
        assert kept["local"]["data"]["notes"] == "v3, made on the old file" and kept["winner"] == "local"
        assert_converged(server, a)
    finally:
        a.close()


# -- changing the server while a sync runs -----------------------------------------------------------


def test_saving_another_server_during_a_running_sync_is_kept_and_makes_no_false_conflicts(server, devices, pg_server):
    """The admin saves a new server while the periodic sync runs: the running sync finishes with
    the old server and moves only the old server's cursor; it does not write the old server back,
    does not push the next attempt off, and the first sync with the new server starts from its
    own beginning without false conflicts."""
    from datetime import UTC, datetime

    from store.sync import settings, state

    a, b = devices("a"), devices("b")
    project = new_project(a)
    rid = create_record(a, project, {"plot": 1, "notes": "start"}, user=USER).id
    settings.configure(a, server)
    settings.configure(b, server)
    sync_now(a)
    sync_now(b)
    save_record(b, rid, {"plot": 2, "notes": "b saw a's version"}, user=USER, status="draft")
    save_record(a, rid, {"plot": 1, "notes": "a, later, based on the start"}, user=USER, status="draft")
    sync_now(a)
    new_server = pg_server.url(pg_server.create_database())
    init_server(new_server)
    old_cursor = state.cursor(b, server)
    seen = []

    def save_during_push(phase, done):
        if phase == "push" and not seen:
            seen.append(done)
            settings.configure(b, new_server)  # from a page callback: does not wait for the sync
            assert state.cursor(b) == 0  # the new server's cursor: its change log is not ours yet

    report = sync_now(b, progress=save_during_push)
    assert seen and report.pulled >= 1  # the running sync pulled a's edit from the old server
    assert status(b).server == new_server and state.get(b, state.SERVER) == new_server
    assert state.cursor(b, server) > old_cursor and state.cursor(b, new_server) == 0
    assert datetime.fromisoformat(state.get(b, state.NEXT_ATTEMPT) or "") <= datetime.now(UTC)  # the new server: due now
    assert status(b).last_error is None and status(b).failures == 0

    first = sync_now(b)  # with the new server, from its beginning
    assert first.conflicts == 0 and state.cursor(b, new_server) == first.cursor
    assert len([c for c in local_conflicts(b) if c["record_id"] == rid]) == 1  # only the real one (a and b both edited)
    settings.configure(b, server)  # back to the old server: its cursor resumes
    assert status(b).cursor == state.cursor(b, server) > 0
    assert sync_now(b).conflicts == 0


def test_a_url_of_another_server_is_refused_and_none_configured_adopts_it(server, devices, pg_server):
    from store.sync import settings, state
    from store.sync.errors import ServerUrlError

    a = devices("a")
    new_project(a)
    assert status(a).server is None
    sync_now(a, server.replace("postgresql://", "postgres://"))  # nothing configured: it becomes the configured server
    assert status(a).server == server.replace("postgresql://", "postgres://") and outbox(a) == 0
    assert sync_now(a, server).pushed == 0  # another spelling of the same user and server is fine
    other = pg_server.url(pg_server.create_database())
    init_server(other)
    before = state.values(a)
    create_record(a, new_project(a, "Second"), {"plot": 1}, user=USER)
    with pytest.raises(ServerUrlError, match="This device syncs with .* To sync with .* change the server first") as refused:
        sync_now(a, other)
    assert refused.value.reason == "other_server" and refused.value.exit_code == 2
    assert outbox(a) == 3 and server_rows(other, "SELECT count(*) FROM change_log") == [(0,)]  # nothing went to the other server
    assert {k: v for k, v in state.values(a).items()} == before  # and nothing was recorded
    settings.configure(a, other)
    assert sync_now(a, other).pushed == 3
