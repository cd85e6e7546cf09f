"""Restore: the round trip to a fresh data folder, older and newer schemas, the previous state."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.core.db import Store
from store.core.migrations import MIGRATIONS, Migration
from store.inputs.widgets import InputStore
from store.snapshots import admin as snapadmin
from store.snapshots import fbsnap as snapfile
from store.snapshots.engine import for_config
from store.snapshots.errors import PassphraseError, SnapshotInvalid
from tests.snapshots.helpers import USER, config, dump, dump_store, files, open_filled


@pytest.mark.parametrize("passphrase", [None, "säure & 🔑"])
def test_round_trip_to_a_fresh_home(tmp_path: Path, passphrase: str | None) -> None:
    """Rows in every table and attachments → snapshot → export → restore elsewhere → all equal."""
    cfg = config(tmp_path / "a")
    store = open_filled(cfg)
    snaps = for_config(cfg)
    info = snaps.create(store)
    expected = dump_store(store)
    store.close()
    out = tmp_path / "usb" / "copy.fbsnap"
    out.parent.mkdir()
    snapadmin.run(cfg, "export", {"id": info.id, "out": str(out), "passphrase": passphrase})

    fresh = config(tmp_path / "b")
    result = snapadmin.run(fresh, "restore", {"source": str(out), "passphrase": passphrase})
    assert result["restored"] == info.id
    assert dump(fresh.paths.database) == expected
    assert files(fresh.paths.attachments_dir) == files(cfg.paths.attachments_dir)
    assert len(files(fresh.paths.attachments_dir)) == 2
    listed = snapadmin.run(fresh, "list", {})
    assert [s["reason"] for s in listed] == ["pre-restore"]
    assert not list(fresh.paths.data_dir.glob(".restore-*"))


def test_restore_from_local_snapshot_and_back(tmp_path: Path) -> None:
    cfg = config(tmp_path / "home")
    store = open_filled(cfg, "old")
    snaps = for_config(cfg)
    old = snaps.create(store)
    old_dump = dump_store(store)
    InputStore(store).persist(USER, "inputs", "observer", "new value")
    new_dump = dump_store(store)
    store.close()

    result = snapadmin.run(cfg, "restore", {"source": old.id})
    assert dump(cfg.paths.database) == old_dump
    previous = result["previous"]
    snapadmin.run(cfg, "restore", {"source": previous})  # the state before the restore comes back
    assert dump(cfg.paths.database) == new_dump


def test_older_schema_is_migrated(tmp_path: Path) -> None:
    cfg = config(tmp_path / "home")
    old = Store.open(cfg.paths.database, migrations=MIGRATIONS[:2])
    InputStore(old).persist(USER, "inputs", "observer", "from schema 2")
    snaps = for_config(cfg)
    info = snaps.create(old)
    old.close()
    assert info.manifest["schema_version"] == 2
    out = tmp_path / "v2.fbsnap"
    snaps.export(info.id, out)

    fresh = config(tmp_path / "fresh")
    result = snapadmin.run(fresh, "restore", {"source": str(out)})
    assert (result["schema_version"], result["schema_version_now"]) == (2, max(m.version for m in MIGRATIONS))
    store = Store.open(fresh.paths.database)
    assert InputStore(store).load(USER) == {("inputs", "observer"): "from schema 2"}
    store.close()
    reasons = sorted(s["reason"] for s in snapadmin.run(fresh, "list", {}))
    assert reasons == ["pre-migration", "pre-restore"]


def test_newer_schema_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    future = (*MIGRATIONS, Migration(99, "from the future", ("CREATE TABLE future (x INTEGER)",)))
    cfg = config(tmp_path / "future")
    store = Store.open(cfg.paths.database, migrations=future)
    snaps = for_config(cfg)
    info = snaps.create(store)
    store.close()
    out = tmp_path / "future.fbsnap"  # as a newer Fieldbook would export it (this one refuses to)
    db = info.path / "fieldbook.duckdb"
    snapfile.write(out, info.manifest, [("fieldbook.duckdb", db, info.manifest["files"]["fieldbook.duckdb"]["sha256"])])

    here = config(tmp_path / "here")
    store = open_filled(here)
    before = dump_store(store)
    store.close()
    with pytest.raises(SnapshotInvalid, match="newer Fieldbook \\(schema version 99\\)"):
        snapadmin.run(here, "restore", {"source": str(out)})
    assert dump(here.paths.database) == before
    assert snapadmin.run(here, "list", {}) == []


@pytest.mark.parametrize("problem", ["not a snapshot", "wrong passphrase", "cut off", "missing attachment"])
def test_bad_input_leaves_data_untouched(tmp_path: Path, problem: str) -> None:
    src = config(tmp_path / "src")
    store = open_filled(src, "src")
    snaps = for_config(src)
    info = snaps.create(store)
    store.close()
    out = tmp_path / "file.fbsnap"
    snaps.export(info.id, out, "pw")
    passphrase = "pw"
    expected: type[Exception] = SnapshotInvalid
    if problem == "not a snapshot":
        out.write_bytes(b"PK\x03\x04 a zip file, not a snapshot")
    elif problem == "wrong passphrase":
        passphrase, expected = "PW", PassphraseError
    elif problem == "cut off":
        out.write_bytes(out.read_bytes()[:-1000])
    else:  # a file whose manifest lists attachments it does not hold
        db = info.path / "fieldbook.duckdb"
        snapfile.write(out, info.manifest, [("fieldbook.duckdb", db, info.manifest["files"]["fieldbook.duckdb"]["sha256"])])
        passphrase = None

    here = config(tmp_path / "here")
    store = open_filled(here, "here")
    before = dump_store(store)
    store.close()
    with pytest.raises(expected):
        snapadmin.run(here, "restore", {"source": str(out), "passphrase": passphrase})
    assert dump(here.paths.database) == before
    assert snapadmin.run(here, "list", {}) == []  # not even a pre-restore snapshot: nothing began


def test_only_the_newest_pre_restore_snapshots_are_kept(tmp_path: Path) -> None:
    """Each restore pins a snapshot of the state before it; 18 restores of a 30 MB database once
    left 1.5 GB that pruning never removed. Now the newest N (a setting) stay, and one a person
    pinned stays whatever its age."""
    cfg = config(tmp_path / "home", FIELDBOOK_SNAPSHOT_KEEP_PRE_RESTORE="3", FIELDBOOK_SNAPSHOT_KEEP_HOURLY="0",
                 FIELDBOOK_SNAPSHOT_KEEP_DAILY="0", FIELDBOOK_SNAPSHOT_KEEP_WEEKLY="0")
    store = open_filled(cfg, "old")
    snaps = for_config(cfg)
    target = snaps.create(store)
    store.close()
    befores = [snapadmin.run(cfg, "restore", {"source": target.id})["previous"] for _ in range(6)]
    snaps.pin(befores[0])  # a person wants this one
    snaps.prune()
    left = {s.id for s in snaps.all() if s.reason == "pre-restore"}
    assert left == {befores[0], *befores[-3:]}
