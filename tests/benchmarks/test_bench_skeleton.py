"""Benchmarks of the walking skeleton. They print figures (see the "Fieldbook figures" section at
the end of the pytest output) and assert only that the work was done, never how fast.

    .venv/bin/python -m pytest tests/benchmarks -m bench

Figures go into the README's Performance section.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from store.core.db import Store
from tests.conftest import REPORT, clean_env, launcher_cmd

pytestmark = pytest.mark.bench


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _time_to_line(cmd: list[str], env: dict[str, str], cwd: Path, marker: str) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if marker in line:
                url, _, query = line.split(marker, 1)[1].strip().partition("?")
                break
        else:
            raise AssertionError(f"{cmd} ended without {marker!r}")
        health = url.rstrip("/") + "/_stcore/health" + (f"?{query}" if query else "")  # Fieldbook's edge wants the launch token
        with urllib.request.urlopen(health, timeout=10) as resp:
            assert resp.status == 200
        return time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(30)
        proc.stdout.close()  # type: ignore[union-attr]


def test_launcher_start_to_ready(tmp_path):
    runs = 5
    ours = [
        _time_to_line(launcher_cmd(), clean_env(tmp_path / f"home{i}"), tmp_path, "Fieldbook ready: ")
        for i in range(runs)
    ]
    script = tmp_path / "plain.py"
    script.write_text("import streamlit as st\nst.write('hello')\n")
    plain_cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless=true", "--server.address=127.0.0.1", "--server.port=0",
        "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
    ]
    baseline = [_time_to_line(plain_cmd, clean_env(tmp_path), tmp_path, "URL: ") for _ in range(runs)]
    ours_med, base_med = statistics.median(ours), statistics.median(baseline)
    REPORT.append(
        f"launcher start → ready (health answers), median of {runs}: {ours_med:.2f} s; "
        f"plain `streamlit run` of a one-line app: {base_med:.2f} s; ratio {ours_med / base_med:.2f}"
    )


def test_writer_ack_latency(tmp_path):
    store = Store.open(tmp_path / "bench.duckdb")
    sql = "INSERT INTO events (level, kind, message) VALUES ('info', 'bench', ?)"
    try:
        single = []
        for i in range(1000):
            started = time.perf_counter()
            store.execute(sql, [str(i)])
            single.append(time.perf_counter() - started)

        concurrent: list[float] = []
        lock = threading.Lock()
        barrier = threading.Barrier(100)

        def writer(n: int) -> None:
            mine = []
            barrier.wait()
            for i in range(20):
                started = time.perf_counter()
                store.execute(sql, [f"{n}-{i}"])
                mine.append(time.perf_counter() - started)
            with lock:
                concurrent.extend(mine)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(100)]
        wall = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - wall
        batches = list(store.writer.batch_sizes)[-200:]
        assert store.read_one("SELECT count(*) FROM events WHERE kind = 'bench'") == (3000,)
    finally:
        store.close()

    raw = duckdb.connect(str(tmp_path / "raw.duckdb"))
    raw.execute("CREATE TABLE events (id INTEGER, message VARCHAR)")
    baseline = []
    for i in range(1000):
        started = time.perf_counter()
        raw.execute("INSERT INTO events VALUES (?, ?)", [i, str(i)])
        baseline.append(time.perf_counter() - started)
    raw.close()

    REPORT.append(
        f"writer ack, 1 writer × 1000: p50 {ms(pct(single, 50))}, p99 {ms(pct(single, 99))}; "
        f"baseline raw DuckDB autocommit insert p50 {ms(pct(baseline, 50))}, p99 {ms(pct(baseline, 99))} "
        f"(ratio p50 {pct(single, 50) / pct(baseline, 50):.2f})"
    )
    REPORT.append(
        f"writer ack, 100 concurrent writers × 20: p50 {ms(pct(concurrent, 50))}, p99 {ms(pct(concurrent, 99))}; "
        f"{3000 / wall:,.0f} acknowledged writes/s; mean group-commit batch {statistics.mean(batches):.1f}"
    )
