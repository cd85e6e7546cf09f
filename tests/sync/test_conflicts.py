"""Conflicts listed, compared and resolved, and the resolution carried to the server and every other
device (store/sync/conflicts.py): with two and three devices (each a real DuckDB file) and a real
PostgreSQL. After a resolution and a round of syncs: the same record everywhere, the conflict
resolved everywhere, no new conflict, and both original versions still kept."""

from __future__ import annotations

import pytest

from store.core.errors import ValidationError
from store.fielddata.projects import add_form_version
from store.fielddata.records import StaleRecord, create_record, delete_record, get_record, record_history, save_record
from store.formdef import form_from_json
from store.sync import state, status, sync_now
from store.sync.conflicts import (
    DELETED,
    NOW,
    STATUS,
    ConflictError,
    ConflictNotFound,
    ResolutionStale,
    acknowledge,
    count_unresolved,
    fields,
    form_of,
    get_conflict,
    keep_current,
    list_conflicts,
    open_conflict_of,
    resolve,
)
from tests.sync.helpers import FORM, USER, local_records, new_project, server_records, server_rows


def sync_all(url, *stores, rounds=2):
    for _ in range(rounds):
        for store in stores:
            sync_now(store, url)


def assert_converged(url, *stores):
    expected = server_records(url)
    for store in stores:
        assert local_records(store) == expected


def all_rows(store):
    return store.read("SELECT id, resolved_at IS NOT NULL FROM conflicts")


def server_open(url):
    return server_rows(url, "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL")[0][0]


def _setup(server, devices, n=2):
    stores = [devices(name) for name in "abc"[:n]]
    project = new_project(stores[0])
    rid = create_record(stores[0], project, {"plot": 1, "notes": "start"}, user=USER).id
    sync_all(server, *stores, rounds=1)
    return stores, rid


def test_concurrent_edit_listed_compared_and_resolved_with_a_manual_merge_on_both_devices(server, devices):
    (a, b), rid = _setup(server, devices)
    mine = save_record(a, rid, {"plot": 2, "notes": "dry soil"}, user="anna", status="draft")
    theirs = save_record(b, rid, {"plot": 3, "notes": "two saplings"}, user="ben", status="final")  # later: wins
    sync_all(server, a, b, rounds=1)
    sync_now(a, server)
    assert server_open(server) == 1 and count_unresolved(a) == 1 and count_unresolved(b) == 1

    (conflict,) = list_conflicts(a)
    assert conflict.entity == "record" and conflict.record_id == rid and conflict.winner == "remote"
    assert conflict.current_side == "remote" and open_conflict_of(a, rid) == conflict.id
    assert conflict.local["hlc"] == mine.hlc and conflict.remote["hlc"] == theirs.hlc and conflict.remote["updated_by"] == "ben"
    diffs = {d.name: d for d in fields(conflict, form_of(a, conflict))}
    assert list(diffs) == ["plot", "notes", STATUS, DELETED]  # form order, then the pseudo-fields
    assert (diffs["plot"].local, diffs["plot"].remote, diffs["plot"].differs) == (2, 3, True)
    assert diffs["notes"].label == {"en": "Notes", "de": "Notes"}
    assert (diffs[STATUS].local, diffs[STATUS].remote) == ("draft", "final") and not diffs[DELETED].differs

    with pytest.raises(ValidationError, match="every field that differs: Notes"):
        resolve(a, conflict.id, {"plot": "local", STATUS: "remote"}, user="anna")
    before = (all_rows(a), all_rows(b), server_rows(server, "SELECT count(*) FROM conflicts"))
    merged = resolve(a, conflict.id, {"plot": "local", "notes": ("value", "dry soil; two saplings"), STATUS: "remote"}, user="anna")
    assert merged.data == {"plot": 2, "notes": "dry soil; two saplings"} and merged.status == "final"
    assert count_unresolved(a) == 0 and get_conflict(a, conflict.id).resolution["choices"]["notes"] == {"value": "dry soil; two saplings"}
    with pytest.raises(ValidationError, match="already resolved"):
        resolve(a, conflict.id, {"plot": "local", "notes": "local", STATUS: "local"}, user="anna")

    sync_all(server, a, b)
    assert_converged(server, a, b)
    for store in (a, b):
        current = get_record(store, rid)
        assert (current.data, current.status, current.hlc) == (merged.data, "final", merged.hlc)
        assert count_unresolved(store) == 0 and status(store).conflicts == 0
    assert server_open(server) == 0
    # No new conflict anywhere: the same rows as before, only marked resolved.
    assert [r[0] for r in all_rows(a)] == [r[0] for r in before[0]] and [r[0] for r in all_rows(b)] == [r[0] for r in before[1]]
    assert server_rows(server, "SELECT count(*) FROM conflicts") == before[2]
    resolution_b = list_conflicts(b, include_resolved=True)[0].resolution
    assert resolution_b["kind"] == "resolved_elsewhere" and resolution_b["hlc"] == merged.hlc and resolution_b["by"] == "anna"
    # Nothing lost: both versions are in the conflict rows and the histories.
    kept = list_conflicts(b, include_resolved=True)[0]
    assert {kept.local["hlc"], kept.remote["hlc"]} == {mine.hlc, theirs.hlc}
    assert {"plot": 2, "notes": "dry soil"} in [v.data for v in record_history(a, rid)]
    assert {"plot": 3, "notes": "two saplings"} in [v.data for v in record_history(b, rid)]
    assert a.read("SELECT count(*) FROM audit_log WHERE action = 'resolve' AND entity_id = ?", [rid]) == [(1,)]


def test_delete_against_edit_resolved_by_keeping_the_record_undeletes_it_everywhere(server, devices):
    (a, b), rid = _setup(server, devices)
    save_record(a, rid, {"plot": 5, "notes": "start"}, user=USER, status="final")
    delete_record(b, rid, user=USER)  # later: the delete wins
    sync_all(server, a, b, rounds=1)
    sync_now(a, server)
    assert get_record(a, rid).deleted
    (conflict,) = list_conflicts(a)
    diffs = {d.name: d for d in fields(conflict, form_of(a, conflict)) if d.differs}
    assert set(diffs) == {"plot", STATUS, DELETED} and (diffs[DELETED].local, diffs[DELETED].remote) == (False, True)

    kept = resolve(a, conflict.id, {"plot": "local", STATUS: "local", DELETED: "local"}, user=USER)
    assert not kept.deleted and kept.data["plot"] == 5
    sync_all(server, a, b)
    assert_converged(server, a, b)
    assert not get_record(b, rid).deleted and get_record(b, rid).data == {"plot": 5, "notes": "start"}
    assert count_unresolved(a) == count_unresolved(b) == server_open(server) == 0


def test_three_devices_resolution_reaches_everyone_and_the_uninvolved_device_never_sees_a_conflict(server, devices):
    (a, b, c), rid = _setup(server, devices, 3)
    save_record(a, rid, {"plot": 10, "notes": "a"}, user=USER, status="draft")
    save_record(b, rid, {"plot": 20, "notes": "b"}, user=USER, status="draft")
    sync_all(server, a, b, c)
    assert count_unresolved(a) == count_unresolved(b) == 1 and count_unresolved(c) == 0 and server_open(server) == 1
    (conflict,) = list_conflicts(b)  # b's own version won: resolve on the winning side this time
    assert conflict.winner == "local"
    resolved = resolve(b, conflict.id, {"plot": "remote", "notes": "local"}, user=USER)
    for order in ((c, a, b), (b, c, a)):
        sync_all(server, *order, rounds=1)
    assert_converged(server, a, b, c)
    assert get_record(c, rid).data == {"plot": 10, "notes": "b"} == resolved.data
    assert count_unresolved(a) == count_unresolved(b) == count_unresolved(c) == server_open(server) == 0
    assert all_rows(c) == [] and len(all_rows(a)) == len(all_rows(b)) == 1


def test_three_devices_all_editing_one_resolution_settles_every_pair(server, devices):
    """A, B and C all edit the same record. Each side holds its own pairs of versions; one resolution
    made on A, whose user compared all three (A's conflict is A/B, and C is the version in use now,
    shown as the third column), resolves them all."""
    (a, b, c), rid = _setup(server, devices, 3)
    saved = [save_record(store, rid, {"plot": 100 + i, "notes": "abc"[i]}, user=USER, status="draft") for i, store in enumerate((a, b, c))]
    sync_all(server, a, b, c)
    assert count_unresolved(a) >= 1 and count_unresolved(b) >= 1 and count_unresolved(c) >= 1 and server_open(server) >= 2
    everything = server_rows(server, "SELECT id FROM conflicts ORDER BY id")
    for conflict in list_conflicts(a):
        if not get_conflict(a, conflict.id).resolved:
            now = get_record(a, rid)
            diffs = fields(conflict, form_of(a, conflict), now)
            resolve(a, conflict.id, {d.name: "local" for d in diffs if d.differs}, user=USER, expected_hlc=now.hlc)
    final = get_record(a, rid)
    sync_all(server, c, b, a)
    assert_converged(server, a, b, c)
    assert get_record(b, rid).hlc == get_record(c, rid).hlc == final.hlc
    assert count_unresolved(a) == count_unresolved(b) == count_unresolved(c) == server_open(server) == 0
    assert server_rows(server, "SELECT id FROM conflicts ORDER BY id") == everything  # no new one
    # Every saved version is still kept: in the server's conflict rows and in its device's history.
    kept = {h for row in server_rows(server, "SELECT winner->>'hlc', loser->>'hlc' FROM conflicts") for h in row}
    assert {v.hlc for v in saved} <= kept
    for store, version in zip((a, b, c), saved, strict=True):
        assert version.data in [v.data for v in record_history(store, rid)]


def test_keep_current_is_a_resolution_too(server, devices):
    (a, b), rid = _setup(server, devices)
    save_record(a, rid, {"plot": 7}, user=USER, status="draft")
    theirs = save_record(b, rid, {"plot": 8}, user=USER, status="draft")
    sync_all(server, a, b, rounds=1)
    sync_now(a, server)
    (conflict,) = list_conflicts(a)
    kept = keep_current(a, conflict.id, user=USER)
    assert kept.data == theirs.data and kept.version == get_record(a, rid).version
    assert get_conflict(a, conflict.id).resolution["kind"] == "kept_current"
    assert get_conflict(a, conflict.id).local["data"] == {"plot": 7}  # the loser stays in the row
    sync_all(server, a, b)
    assert_converged(server, a, b)
    assert count_unresolved(b) == server_open(server) == 0


def test_a_record_changed_while_choosing_is_not_overwritten(server, devices):
    (a, b), rid = _setup(server, devices)
    save_record(a, rid, {"plot": 2}, user=USER, status="draft")
    save_record(b, rid, {"plot": 3}, user=USER, status="draft")
    sync_all(server, a, b, rounds=1)
    sync_now(a, server)
    (conflict,) = list_conflicts(a)
    choices = {"plot": "local", "notes": "local"}
    # The record moves on between reading the conflict and writing the resolution.
    original_get = get_record
    import store.sync.conflicts as module

    def moved(store, record_id):
        current = original_get(store, record_id)
        save_record(store, record_id, {"plot": 99}, user=USER, status="draft")
        return current

    module.get_record = moved
    try:
        with pytest.raises(StaleRecord, match="Nothing was saved"):
            resolve(a, conflict.id, choices, user=USER)
    finally:
        module.get_record = original_get
    assert count_unresolved(a) == 1 and get_record(a, rid).data == {"plot": 99}
    with pytest.raises(ConflictNotFound):
        get_conflict(a, "no-such-conflict")
    seen = get_record(a, rid).hlc  # the version in use now (a third one), as the page would pass it
    with pytest.raises(ValidationError, match="not part of this conflict"):
        resolve(a, conflict.id, {**choices, "nope": "local"}, user=USER, expected_hlc=seen)
    with pytest.raises(ValidationError, match="choose this device"):
        resolve(a, conflict.id, {"plot": "mine", "notes": "local"}, user=USER, expected_hlc=seen)
    with pytest.raises(ValidationError, match="whole number"):
        resolve(a, conflict.id, {"plot": ("value", 2.5), "notes": "local"}, user=USER, expected_hlc=seen)


def test_form_conflicts_are_listed_and_can_only_be_acknowledged(server, devices):
    a, b = devices("a"), devices("b")
    project = new_project(a)
    sync_all(server, a, b, rounds=1)
    grown = form_from_json({**FORM.to_json(), "title": "Plots v2 from a"})
    other = form_from_json({**FORM.to_json(), "title": "Plots v2 from b"})
    add_form_version(a, project, grown, user=USER)
    add_form_version(b, project, other, user=USER)
    sync_all(server, a, b)
    (conflict,) = list_conflicts(b)
    assert conflict.entity == "form" and conflict.current_side == "local" and conflict.project_id == project
    assert conflict.local["definition"]["title"] != conflict.remote["definition"]["title"]
    with pytest.raises(ValidationError, match="acknowledge"):
        resolve(b, conflict.id, {}, user=USER)
    with pytest.raises(ValidationError):
        fields(conflict, grown)
    acknowledge(b, conflict.id, user=USER)
    assert count_unresolved(b) == 0 and get_conflict(b, conflict.id).resolution == {"kind": "acknowledged", "by": USER}
    assert list_conflicts(b) == [] and len(list_conflicts(b, include_resolved=True)) == 1
    assert list_conflicts(b, project_id="other", include_resolved=True) == []


def _resolves_sent(url, hlc):
    """The ``resolves`` stamps a resolution carried to the server."""
    return server_rows(url, "SELECT payload->'resolves' FROM change_log WHERE hlc = %s", [hlc])[0][0]


def test_a_resolution_never_writes_over_a_later_edit_nobody_compared(server, devices):
    """A and B edit the notes at once (B wins, A has the conflict); C then edits plot and notes on top
    of B. On A the record is now C's: resolving with only the two conflict versions in view is
    refused; the page passes the stamp it drew and shows C as the third column "now", and every
    field where the three differ needs a choice. C's plot survives because the user chose it."""
    (a, b, c), rid = _setup(server, devices, 3)
    save_record(a, rid, {"plot": 1, "notes": "A"}, user="anna", status="draft")
    ours = save_record(b, rid, {"plot": 1, "notes": "B"}, user="ben", status="draft")  # later: wins
    sync_all(server, a, b, rounds=1)
    sync_now(a, server)
    sync_now(c, server)
    newest = save_record(c, rid, {"plot": 7, "notes": "C (newest)"}, user="carl", status="draft")  # on top of B: no conflict
    sync_now(c, server)
    sync_now(a, server)
    (conflict,) = list_conflicts(a)
    now = get_record(a, rid)
    assert now.hlc == newest.hlc and conflict.current_side is None and count_unresolved(c) == 0

    # The two old columns only (no stamp passed): refused, nothing written.
    with pytest.raises(ResolutionStale) as refused:
        resolve(a, conflict.id, {"notes": "local"}, user="anna")
    assert refused.value.code == "changed_since" and isinstance(refused.value, StaleRecord)
    # A stamp that is not the version in use any more (the page was drawn before C came): refused.
    with pytest.raises(ResolutionStale) as stale:
        resolve(a, conflict.id, {"notes": "local"}, user="anna", expected_hlc=ours.hlc)
    assert stale.value.code == "stale" and "Nothing was saved" in str(stale.value)
    assert get_record(a, rid).hlc == newest.hlc and count_unresolved(a) == 1

    # The comparison with the third column: plot differs only in C, and still needs a choice.
    diffs = {d.name: d for d in fields(conflict, form_of(a, conflict), now)}
    assert (diffs["notes"].local, diffs["notes"].remote, diffs["notes"].now) == ("A", "B", "C (newest)")
    assert diffs["plot"].has_now and (diffs["plot"].local, diffs["plot"].remote, diffs["plot"].now) == (1, 1, 7) and diffs["plot"].differs
    assert not diffs[STATUS].differs and not diffs[DELETED].differs
    assert not any(d.has_now for d in fields(conflict, form_of(a, conflict)))  # without the current version: two columns
    with pytest.raises(ConflictError) as missing:
        resolve(a, conflict.id, {"notes": "local"}, user="anna", expected_hlc=now.hlc)
    assert missing.value.code == "missing" and missing.value.values["fields"] == ["plot"]
    assert get_record(a, rid).hlc == newest.hlc

    merged = resolve(a, conflict.id, {"notes": "local", "plot": NOW}, user="anna", expected_hlc=now.hlc)
    assert merged.data == {"plot": 7, "notes": "A"}
    sync_all(server, a, b, c)
    assert_converged(server, a, b, c)
    assert get_record(c, rid).data == {"plot": 7, "notes": "A"}
    assert sorted(_resolves_sent(server, merged.hlc)) == sorted([conflict.local["hlc"], conflict.remote["hlc"], newest.hlc])
    assert count_unresolved(a) == count_unresolved(b) == count_unresolved(c) == server_open(server) == 0
    assert "C (newest)" in [v.data.get("notes") for v in record_history(c, rid)]  # C's version stays in the history


def test_a_version_in_use_the_user_did_not_compare_keeps_its_conflicts_open(server, devices):
    """C edits concurrently with B, so C has its own conflict (C against B) and the server one (B
    against C). A resolves its A/B conflict while C's version is in use there: without seeing C that
    is refused; a resolution of A/B made while B was in use carries only A and B, so C's pair stays
    open for C's user."""
    (a, b, c), rid = _setup(server, devices, 3)
    mine = save_record(a, rid, {"plot": 1, "notes": "A"}, user="anna", status="draft")
    theirs = save_record(b, rid, {"plot": 1, "notes": "B"}, user="ben", status="draft")
    sync_all(server, a, b, rounds=1)
    sync_now(a, server)
    (conflict,) = list_conflicts(a)
    seen = get_record(a, rid).hlc  # the page is drawn now: B is in use
    assert seen == theirs.hlc
    carl = save_record(c, rid, {"plot": 1, "notes": "C"}, user="carl", status="draft")  # c never saw B: concurrent
    sync_now(c, server)
    assert server_open(server) == 2
    sync_now(a, server)  # C arrives while A's user is choosing
    assert get_record(a, rid).hlc == carl.hlc
    with pytest.raises(ResolutionStale):
        resolve(a, conflict.id, {"notes": "local"}, user="anna", expected_hlc=seen)
    with pytest.raises(ResolutionStale):
        keep_current(a, conflict.id, user="anna")
    assert count_unresolved(a) == 1 and get_record(a, rid).hlc == carl.hlc

    # b (B still in use there: it has not synced since) resolves its own B/A conflict, seeing both.
    (on_b,) = list_conflicts(b)
    resolved = resolve(b, on_b.id, {"notes": "remote"}, user="ben", expected_hlc=get_record(b, rid).hlc)
    sync_now(b, server)
    assert sorted(_resolves_sent(server, resolved.hlc)) == sorted([mine.hlc, theirs.hlc])  # only what ben compared
    sync_all(server, a, c)
    assert count_unresolved(a) == 0  # a's pair A/B was compared on b
    pairs_on_c = {(x.local["hlc"], x.remote["hlc"]) for x in list_conflicts(c)}
    assert {(carl.hlc, mine.hlc), (carl.hlc, theirs.hlc)} <= pairs_on_c  # C's pairs: compared by nobody, still open
    assert server_rows(server, "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL AND winner->>'hlc' = %s AND loser->>'hlc' = %s",
                       [carl.hlc, theirs.hlc]) == [(1,)]


def test_two_identical_resolutions_on_two_devices_make_no_new_conflict(server, devices):
    """Both users resolve the same conflict the same way: the two resolutions agree on data, status
    and deleted, so neither the server nor a device sees a conflict; the later stamp is in use."""
    (a, b), rid = _setup(server, devices)
    save_record(a, rid, {"plot": 2, "notes": "start"}, user="anna", status="draft")
    save_record(b, rid, {"plot": 3, "notes": "start"}, user="ben", status="draft")
    sync_all(server, a, b, rounds=1)
    sync_now(a, server)
    before = server_rows(server, "SELECT count(*) FROM conflicts")[0][0]
    (on_a,), (on_b,) = list_conflicts(a), list_conflicts(b)
    first = resolve(a, on_a.id, {"plot": ("value", 5)}, user="anna")
    second = resolve(b, on_b.id, {"plot": ("value", 5)}, user="ben")  # the same decision, made later
    sync_all(server, a, b)
    assert server_rows(server, "SELECT count(*) FROM conflicts")[0][0] == before and server_open(server) == 0
    assert count_unresolved(a) == count_unresolved(b) == 0
    assert a.read("SELECT count(*) FROM conflicts") == b.read("SELECT count(*) FROM conflicts") == [(1,)]
    assert_converged(server, a, b)
    assert get_record(a, rid).hlc == second.hlc > first.hlc and get_record(a, rid).data == {"plot": 5, "notes": "start"}


def test_two_different_resolutions_of_one_conflict_are_a_new_conflict(server, devices):
    """Both users resolve the same conflict, differently: that is a real conflict between their two
    decisions, kept open everywhere, although both resolutions settle the old pair."""
    (a, b), rid = _setup(server, devices)
    save_record(a, rid, {"plot": 2, "notes": "start"}, user="anna", status="draft")
    save_record(b, rid, {"plot": 3, "notes": "start"}, user="ben", status="draft")
    sync_all(server, a, b, rounds=1)
    sync_now(a, server)
    (on_a,), (on_b,) = list_conflicts(a), list_conflicts(b)
    first = resolve(a, on_a.id, {"plot": ("value", 5)}, user="anna")
    second = resolve(b, on_b.id, {"plot": ("value", 6)}, user="ben")
    sync_all(server, a, b)
    assert_converged(server, a, b)
    assert server_open(server) == 1 and count_unresolved(a) == 1 and count_unresolved(b) == 1
    for store in (a, b):
        (new,) = list_conflicts(store)
        assert {new.local["hlc"], new.remote["hlc"]} == {first.hlc, second.hlc}
        assert {new.local["data"]["plot"], new.remote["data"]["plot"]} == {5, 6}
        assert get_conflict(store, (on_a if store is a else on_b).id).resolved  # the old pair stays settled


def test_a_pull_from_an_older_cursor_makes_no_conflict_and_applies_nothing_twice(server, devices):
    """The cursor goes back (server re-entered, cursor reset): every change comes again. Versions this
    device already knows — in its history, or kept in a conflict row because they lost here — are
    neither conflicts nor applied again."""
    (a, b), rid = _setup(server, devices)
    other = create_record(a, new_project(a, "Second"), {"plot": 9}, user=USER).id
    sync_all(server, a, b, rounds=1)
    save_record(b, rid, {"plot": 2, "notes": "b saw a's version"}, user="ben", status="draft")  # not concurrent
    sync_now(b, server)
    sync_now(a, server)
    save_record(b, other, {"plot": 10}, user="ben", status="draft")
    save_record(a, other, {"plot": 11}, user="anna", status="draft")  # later: a's own version wins on a
    sync_all(server, b, a, b, rounds=1)
    (on_a,), (on_b,) = list_conflicts(a), list_conflicts(b)
    assert on_a.winner == "local" and on_b.winner == "remote" and on_a.remote["data"] == {"plot": 10}  # b's 10: only in a conflict row on a

    def snapshot(store):
        return (local_records(store), store.read("SELECT record_id, version, hlc FROM record_versions ORDER BY ALL"),
                store.read("SELECT count(*) FROM audit_log"), store.read("SELECT id FROM conflicts ORDER BY id"))

    for store in (a, b):
        before = snapshot(store)
        # the cursor goes back to 0, whatever key it is kept under (one per server, or the older single one)
        store.write(lambda con: con.execute("DELETE FROM sync_state WHERE key = 'cursor' OR key LIKE 'cursor:%'").fetchall())
        state.invalidate(store)
        again = sync_now(store, server)
        assert again.pulled >= 2  # everything came again
        assert snapshot(store) == before
    assert count_unresolved(a) == count_unresolved(b) == 1
    assert_converged(server, a, b)


def test_metadata_is_not_compared_and_the_resolution_keeps_the_first_start_and_the_last_end(server, devices):
    """ODK's start and end are recorded, never answered: the comparison does not ask for them (the
    editor does not show them either); the resolved version has the earliest start and the latest
    end of the versions compared."""
    import time

    from store.fielddata.projects import create_project

    form = form_from_json({"title": "Visits", "fields": [
        {"name": "start", "type": "datetime", "read_only": True, "parameters": {"metadata": "start"}},
        {"name": "end", "type": "datetime", "read_only": True, "parameters": {"metadata": "end"}},
        {"name": "plot", "type": "integer", "label": "Plot"},
    ]})  # fmt: skip
    a, b = devices("a"), devices("b")
    project = create_project(a, "Visits", form, user=USER).id
    rid = create_record(a, project, {"start": "2026-05-01T08:00:00", "plot": 1}, user=USER).id
    sync_all(server, a, b, rounds=1)
    save_record(a, rid, {**get_record(a, rid).data, "plot": 2}, user="anna", status="draft")
    time.sleep(1.1)  # a later end, to the second
    later = save_record(b, rid, {**get_record(b, rid).data, "plot": 3}, user="ben", status="draft")
    sync_all(server, a, b, rounds=1)
    sync_now(a, server)
    (conflict,) = list_conflicts(a)
    assert [d.name for d in fields(conflict, form_of(a, conflict))] == ["plot", STATUS, DELETED]
    resolved = resolve(a, conflict.id, {"plot": "local"}, user="anna")
    assert resolved.data == {"start": "2026-05-01T08:00:00", "end": later.data["end"], "plot": 2}
