"""Snapshot, export and restore time against a plain ``cp`` of the same file, and the write pause.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_snapshots.py -m bench -s            # 10 MB
    .venv/bin/python -m pytest tests/benchmarks/test_bench_snapshots.py -m "bench and slow" -s # 500 MB

Figures go to the "Fieldbook figures" section and the README's Performance table; only that the
work was done is asserted, never how fast.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import threading
import time
from pathlib import Path

import pytest

from store.core.config import AppConfig
from store.core.db import Store
from store.inputs.widgets import InputStore
from store.snapshots import admin as snapadmin
from store.snapshots.engine import for_config
from tests.conftest import REPORT
from tests.snapshots.helpers import config

pytestmark = pytest.mark.bench


def build(cfg: AppConfig, target_mb: int) -> float:
    """A database of about ``target_mb`` MB (input history with incompressible values)."""
    store = Store.open(cfg.paths.database)
    batch = 250_000
    offset = 0
    try:
        while cfg.paths.database.stat().st_size < target_mb * 1_048_576:
            store.execute(
                """INSERT INTO input_events (user_id, scope, key, value, created_at, session_id)
                   SELECT 'bench', 'bench', 'k' || (i % 1000), to_json(md5(i::VARCHAR) || md5((i * 7)::VARCHAR)), now(), NULL
                   FROM range(?, ?) t(i)""",
                [offset, offset + batch],
            )
            offset += batch
            store.checkpoint()
    finally:
        store.close()
    return cfg.paths.database.stat().st_size / 1_048_576


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def med(values: list[float]) -> float:
    return statistics.median(values)


def measure(tmp_path: Path, target_mb: int, runs: int) -> None:
    cfg = config(tmp_path / "home")
    size = build(cfg, target_mb)
    db = cfg.paths.database
    cp = [timed(lambda n=n: subprocess.run(["cp", str(db), str(tmp_path / f"cp{n}")], check=True)) for n in range(runs)]
    for n in range(runs):
        (tmp_path / f"cp{n}").unlink()

    snaps = for_config(cfg)
    store = Store.open(db)
    inputs = InputStore(store)
    acks: list[float] = []
    stop = threading.Event()

    def write() -> None:  # a user typing the whole time: what does a snapshot cost them?
        n = 0
        while not stop.is_set():
            n += 1
            t0 = time.perf_counter()
            inputs.persist("bench", "typing", "field", n)
            acks.append(time.perf_counter() - t0)
            time.sleep(0.002)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(0.3)
        infos = []
        plain = []
        for _ in range(runs):
            t0 = time.perf_counter()
            infos.append(snaps.create(store, "bench", verify=False))
            plain.append(time.perf_counter() - t0)
        verified = [timed(lambda: snaps.create(store, "bench")) for _ in range(runs)]
    finally:
        stop.set()
        writer.join()
        store.close()
    pauses = [i.manifest["write_pause_s"] for i in infos]
    out = tmp_path / "x.fbsnap"
    export = timed(lambda: snaps.export(infos[0].id, out))
    export_enc = timed(lambda: snaps.export(infos[0].id, out, "passphrase"))
    restore = [timed(lambda: snapadmin.run(cfg, "restore", {"source": infos[0].id})) for _ in range(max(1, runs - 1))]
    base = med(cp)
    REPORT.append(
        f"snapshots, {size:.0f} MB database: plain cp {base:.2f} s · snapshot {med(plain):.2f} s (ratio {med(plain) / base:.1f}), "
        f"with verification {med(verified):.2f} s (ratio {med(verified) / base:.1f}) · write pause median {med(pauses) * 1000:.0f} ms, "
        f"max {max(pauses) * 1000:.0f} ms; slowest ack of a concurrent writer {max(acks) * 1000:.0f} ms · "
        f"export {export:.2f} s, encrypted {export_enc:.2f} s (ratio {export / base:.1f} / {export_enc / base:.1f}) · "
        f"restore {med(restore):.2f} s (ratio {med(restore) / base:.1f})"
    )
    assert acks and all(i.manifest["tables"]["input_events"] > 0 for i in infos)
    shutil.rmtree(cfg.paths.snapshots_dir, ignore_errors=True)


def test_bench_snapshot_10mb(tmp_path: Path) -> None:
    measure(tmp_path, 10, runs=3)


@pytest.mark.slow
def test_bench_snapshot_500mb(tmp_path: Path) -> None:
    measure(tmp_path, 500, runs=2)
