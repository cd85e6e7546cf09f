"""Automatic snapshots: only when something changed, on a timer thread, pruned after."""

from __future__ import annotations

import time

from store.inputs.widgets import InputStore
from store.snapshots.auto import AutoSnapshots
from store.snapshots.engine import Snapshots
from tests.snapshots.helpers import USER


def test_tick_only_after_changes(filled, snaps: Snapshots) -> None:
    auto = AutoSnapshots(snaps, lambda: filled, interval_s=3600)
    first = auto.tick()
    assert first is not None and first.reason == "auto"
    assert auto.tick() is None  # nothing new
    InputStore(filled).persist(USER, "inputs", "observer", "changed")
    assert auto.tick() is not None
    assert auto.tick() is None


def test_timer_thread(filled, snaps: Snapshots) -> None:
    auto = AutoSnapshots(snaps, lambda: filled, interval_s=0.2)
    auto.start()
    try:
        deadline = time.monotonic() + 20
        while not snaps.all() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(snaps.all()) == 1
        time.sleep(0.6)
        assert len(snaps.all()) == 1  # idle: no new snapshot
    finally:
        auto.stop()


def test_failure_is_kept_as_a_message(filled, cfg) -> None:
    snaps = Snapshots(cfg.paths.snapshots_dir, cfg.paths.database, cfg.paths.attachments_dir, min_free_mb=10**9)
    auto = AutoSnapshots(snaps, lambda: filled, interval_s=3600)
    assert auto.tick() is None
    assert "Free some space" in (auto.last_error or "")
