"""Snapshots while a thread writes inputs the whole time: every snapshot is consistent."""

from __future__ import annotations

import statistics
import threading
import time

import duckdb

from store.inputs.widgets import InputStore
from store.snapshots.engine import Snapshots
from tests.conftest import REPORT
from tests.snapshots.helpers import USER


def test_snapshots_during_writes_are_consistent(filled, snaps: Snapshots) -> None:
    inputs = InputStore(filled)
    stop = threading.Event()
    acks: list[float] = []
    errors: list[BaseException] = []

    def writer() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            started = time.perf_counter()
            try:
                inputs.persist(USER, "load", "counter", n)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
                return
            acks.append(time.perf_counter() - started)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.2)
        taken = [snaps.create(filled, f"busy {i}") for i in range(6)]
    finally:
        stop.set()
        thread.join()
    assert not errors
    for info in taken:
        assert info.verified is True, info.status
        con = duckdb.connect(str(info.path / "fieldbook.duckdb"), read_only=True)
        try:
            # value, version and history are written in one transaction: a torn copy would disagree
            version, value = con.execute("SELECT version, value FROM inputs WHERE scope = 'load'").fetchall()[0]
            history = con.execute("SELECT count(*), max(value::INTEGER) FROM input_events WHERE scope = 'load'").fetchall()[0]
        finally:
            con.close()
        assert history == (version, int(value))
    pauses = [info.manifest["write_pause_s"] for info in taken]
    REPORT.append(
        f"snapshot while writing: {len(acks)} acknowledged writes; write pause per snapshot median "
        f"{statistics.median(pauses) * 1000:.0f} ms, max {max(pauses) * 1000:.0f} ms; slowest ack {max(acks) * 1000:.0f} ms"
    )
    assert len(acks) > 50
