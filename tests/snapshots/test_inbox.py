"""The inbox: files dropped there are offered, never applied, and only once complete."""

from __future__ import annotations

import time
from pathlib import Path

from store.snapshots.engine import Snapshots
from store.snapshots.inbox import Inbox


def wait_for(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached")


def test_snapshot_file_is_offered_only_when_complete(tmp_path: Path, filled, snaps: Snapshots) -> None:
    info = snaps.create(filled)
    exported = snaps.export(info.id, tmp_path / "export.fbsnap", "pw")
    data = exported.read_bytes()
    inbox = Inbox(tmp_path / "inbox", settle_s=0.3)
    inbox.start()
    try:
        version = inbox.version
        target = inbox.folder / "drop.fbsnap"
        with open(target, "wb") as fh:  # a copy that is still being written
            fh.write(data[: len(data) // 2])
            fh.flush()
            wait_for(lambda: inbox.version > version)  # watchdog saw it
            [item] = inbox.items()
            assert (item.kind, item.ready) == ("snapshot", False)
            time.sleep(0.5)  # stalled long enough to look settled: still not offered (incomplete)
            [item] = inbox.items()
            assert item.problem and not (item.ready and item.problem is None)
            fh.write(data[len(data) // 2 :])
        item = wait_for(lambda: [i for i in inbox.items() if i.ready and i.problem is None])[0]
        assert item.encrypted and item.size == len(data)
        assert snaps.all() == [info]  # offered, never applied
    finally:
        inbox.stop()


def test_imports_and_other_files(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path / "inbox", settle_s=0.0)
    inbox.folder.mkdir(parents=True)
    (inbox.folder / "plots.csv").write_text("a,b\n1,2\n")
    (inbox.folder / "half.xlsx").write_bytes(b"PK\x03\x04 not finished")
    (inbox.folder / "notes.txt").write_text("ignored")
    (inbox.folder / ".hidden.fbsnap").write_text("ignored")
    items = {i.name: i for i in inbox.items()}
    assert set(items) == {"plots.csv", "half.xlsx"}
    assert items["plots.csv"].kind == "import" and items["plots.csv"].ready
    assert not items["half.xlsx"].ready  # not a complete zip yet


def test_damaged_snapshot_file_is_listed_with_its_problem(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path / "inbox", settle_s=0.0)
    inbox.folder.mkdir(parents=True)
    (inbox.folder / "junk.fbsnap").write_text("not a snapshot")
    [item] = inbox.items()
    assert "not a Fieldbook snapshot file" in (item.problem or "")
