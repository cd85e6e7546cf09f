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

from store.device import device_of
from store.records import create_record, delete_record, get_record, record_history, save_record
from store.sync import init_server, status, sync_now
from store.sync.connect import connect
from store.sync.push import forget_pushed, push_batch, read_outbox
from tests.sync.helpers import USER, local_conflicts, local_records, new_project, open_device, outbox, server_records, server_rows


@pytest.fixture
def server(pg_url):
    init_server(pg_url)
    return pg_url


@pytest.fixture
def devices(tmp_path):
    opened = []

    def make(name):
        store = open_device(tmp_path, name)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


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
