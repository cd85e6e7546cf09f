"""Taking, listing, verifying, pinning and pruning snapshots on real files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from store.core.db import Store
from store.inputs.widgets import InputStore
from store.snapshots.engine import Snapshots, for_config
from store.snapshots.errors import NoSpaceError, SnapshotInvalid, SnapshotNotFound
from store.snapshots.manifest import FORMAT_VERSION, known_schema
from tests.snapshots.helpers import USER, config, dump


def test_snapshot_holds_everything_and_verifies(filled: Store, snaps: Snapshots, cfg) -> None:
    info = snaps.create(filled, "manual")
    m = info.manifest
    assert info.verified is True and info.reason == "manual" and not info.pinned
    assert m["format_version"] == FORMAT_VERSION and m["schema_version"] == known_schema()
    assert m["host"] and m["app_version"] and m["write_pause_s"] >= 0
    assert all(n > 0 for n in m["tables"].values())
    assert len(m["attachments"]) == 2  # three files, two with the same content
    assert dump(info.path / "fieldbook.duckdb") == dump_live(filled)
    assert [s.id for s in snaps.all()] == [info.id]
    assert snaps.get("latest").id == info.id


def dump_live(store: Store) -> dict:
    from tests.snapshots.helpers import dump_store

    return dump_store(store)


def test_unchanged_attachments_are_stored_once(filled: Store, snaps: Snapshots) -> None:
    first = snaps.create(filled, "one")
    cas = sorted(snaps.cas_dir.rglob("*"))
    stamps = {p: p.stat().st_mtime_ns for p in cas if p.is_file()}
    second = snaps.create(filled, "two")
    assert first.id != second.id
    assert {p: p.stat().st_mtime_ns for p in sorted(snaps.cas_dir.rglob("*")) if p.is_file()} == stamps


def test_damaged_database_fails_verification_and_is_recorded(filled: Store, snaps: Snapshots) -> None:
    info = snaps.create(filled)
    db = info.path / "fieldbook.duckdb"
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0xFF
    db.write_bytes(bytes(data))
    with pytest.raises(SnapshotInvalid, match="does not match its checksum"):
        snaps.verify(info.id)
    assert snaps.get(info.id).verified is False
    assert "checksum" in snaps.get(info.id).status["problem"]


def test_missing_attachment_is_reported(filled: Store, snaps: Snapshots) -> None:
    info = snaps.create(filled)
    sha = next(iter(info.manifest["attachments"]))
    snaps.cas_path(sha).unlink()
    with pytest.raises(SnapshotInvalid, match=f"misses the attachment {sha[:12]}"):
        snaps.verify(info.id)
    with pytest.raises(SnapshotInvalid, match="misses the attachment"):
        snaps.export(info.id, snaps.dir.parent / "x.fbsnap")
    assert not (snaps.dir.parent / "x.fbsnap").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"schema_version": 99}, "newer Fieldbook \\(schema version 99\\)"),
        ({"format_version": 2}, "snapshot format version 2"),
        ({"format": "something else"}, "not a Fieldbook snapshot"),
    ],
)
def test_manifest_problems_are_refused(filled: Store, snaps: Snapshots, change: dict, message: str) -> None:
    info = snaps.create(filled)
    path = info.path / "manifest.json"
    path.write_text(json.dumps({**info.manifest, **change}))
    with pytest.raises(SnapshotInvalid, match=message):
        snaps.verify(info.id)


def test_row_count_mismatch_is_found(filled: Store, snaps: Snapshots) -> None:
    info = snaps.create(filled)
    data = {**info.manifest, "tables": {**info.manifest["tables"], "inputs": 1}}
    (info.path / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(SnapshotInvalid, match="does not match its manifest \\(inputs"):
        snaps.verify(info.id)


def test_disk_full_refuses_and_changes_nothing(cfg, filled: Store) -> None:
    before = dump_live(filled)
    snaps = Snapshots(cfg.paths.snapshots_dir, cfg.paths.database, cfg.paths.attachments_dir, min_free_mb=10**9)
    with pytest.raises(NoSpaceError, match="Free some space; nothing was changed"):
        snaps.create(filled)
    assert snaps.all() == [] and not list(snaps.dir.glob(".tmp-*"))
    assert dump_live(filled) == before
    InputStore(filled).persist(USER, "inputs", "after", "still writable")


def test_unknown_id(snaps: Snapshots) -> None:
    with pytest.raises(SnapshotNotFound, match="no snapshot yet"):
        snaps.get("latest")
    with pytest.raises(SnapshotNotFound, match="There is no snapshot 'nope'"):
        snaps.verify("nope")


def test_changed_since_last(filled: Store, snaps: Snapshots) -> None:
    assert snaps.changed_since_last(filled)
    snaps.create(filled)
    assert not snaps.changed_since_last(filled)
    InputStore(filled).persist(USER, "inputs", "x", 1)
    assert snaps.changed_since_last(filled)


def test_leftovers_of_a_crash_are_cleared(cfg) -> None:
    (cfg.paths.snapshots_dir / ".tmp-20200101T000000Z").mkdir(parents=True)
    snaps = for_config(cfg)
    assert not list(snaps.dir.glob(".tmp-*"))


def test_prune_keeps_pinned_and_newest_verified(filled: Store, snaps: Snapshots) -> None:
    ids = [snaps.create(filled, f"s{i}", verify=False).id for i in range(4)]
    snaps.pin(ids[0])
    snaps.verify(ids[1])
    assert set(snaps.prune(dry_run=True)) == {ids[2]}  # the newest (ids[3]) stays too
    assert {s.id for s in snaps.all()} == set(ids)
    assert snaps.prune() == [ids[2]]
    assert {s.id for s in snaps.all()} == {ids[0], ids[1], ids[3]}
    for s in snaps.all():
        snaps.verify(s.id)  # the shared attachments they need are all still there


def test_prune_removes_unneeded_attachments(cfg, filled: Store) -> None:
    snaps = Snapshots(cfg.paths.snapshots_dir, cfg.paths.database, cfg.paths.attachments_dir)
    old = snaps.create(filled, "old")
    filled.execute("DELETE FROM attachments")
    newer = snaps.create(filled, "new")
    assert newer.manifest["attachments"] == {}
    # make the old one a day older: retention then keeps only the newest of today
    data = {**old.manifest, "created_at": (old.created_at - dt.timedelta(days=30)).isoformat()}
    (old.path / "manifest.json").write_text(json.dumps(data))
    snaps.policy = type(snaps.policy)(hourly=1, daily=1, weekly=1)
    assert snaps.prune() == [old.id]
    assert not [p for p in snaps.cas_dir.rglob("*") if p.is_file()]


def test_snapshot_before_migration(tmp_path: Path) -> None:
    """An existing database at an older schema gets a pinned snapshot before it is migrated."""
    from store.core.migrations import MIGRATIONS
    from store.snapshots import admin as snapadmin

    cfg = config(tmp_path / "home")
    old = Store.open(cfg.paths.database, migrations=MIGRATIONS[:2])
    InputStore(old).persist(USER, "inputs", "observer", "old schema")
    old.close()
    snaps = for_config(cfg)
    store = snapadmin.open_store(cfg, snaps)
    try:
        assert store.schema_version() == known_schema()
    finally:
        store.close()
    [pre] = snaps.all()
    assert pre.reason == "pre-migration" and pre.pinned and pre.verified
    assert pre.manifest["schema_version"] == 2
    con = duckdb.connect(str(pre.path / "fieldbook.duckdb"), read_only=True)
    assert con.execute("SELECT value FROM inputs").fetchall() == [('"old schema"',)]
    con.close()
