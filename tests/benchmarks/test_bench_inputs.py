"""Benchmarks of zero-loss input: persist acknowledgement latency, and rerun time of the Inputs
page with 10,000 stored inputs against the same widgets in plain Streamlit (no persistence),
both driven by AppTest in the same run.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_inputs.py -m bench
"""

from __future__ import annotations

import statistics
import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from app.metrics import RUNS
from store.inputs.widgets import InputStore
from tests.benchmarks.test_bench_skeleton import ms, pct
from tests.conftest import REPORT, ROOT

pytestmark = pytest.mark.bench

INTERACTIONS = 60


def test_persist_ack_latency(rt):
    inputs = InputStore(rt.store)
    single = []
    for i in range(1000):
        started = time.perf_counter()
        inputs.persist("bench", "page", f"k{i % 50}", f"value {i}")
        single.append(time.perf_counter() - started)

    concurrent: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)

    def session(n: int) -> None:
        mine = []
        barrier.wait()
        for i in range(100):
            started = time.perf_counter()
            inputs.persist(f"user{n}", "page", f"k{i % 10}", i)
            mine.append(time.perf_counter() - started)
        with lock:
            concurrent.extend(mine)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(20)]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall
    assert len(inputs.load("user7")) == 10
    REPORT.append(f"persist_input ack, 1 session × 1000: p50 {ms(pct(single, 50))}, p99 {ms(pct(single, 99))}")
    REPORT.append(
        f"persist_input ack, 20 concurrent sessions × 100: p50 {ms(pct(concurrent, 50))}, p99 {ms(pct(concurrent, 99))}; "
        f"{2000 / wall:,.0f} acknowledged inputs/s"
    )


def _drive(at: AppTest, key_of: dict[str, str]) -> list[float]:
    times = []
    for i in range(INTERACTIONS):
        widget = i % 3
        started = time.perf_counter()
        if widget == 0:
            at.text_input(key=key_of["observer"]).input(f"observer {i}").run()
        elif widget == 1:
            at.text_input(key=key_of["count"]).input(str(i)).run()
        else:
            at.slider(key=key_of["cover"]).set_value(i % 100).run()
        times.append(time.perf_counter() - started)
        assert not at.exception
    return times


def test_inputs_page_rerun_with_10000_stored_inputs(rt, new_session):
    rows = {(f"bulk:{n // 100}", f"key{n}"): f"stored value {n}" for n in range(10_000)}
    InputStore(rt.store).persist_many(rt.user, rows)
    assert rt.store.read_one("SELECT count(*) FROM inputs") == (10_000,)

    RUNS._runs.clear()
    at = new_session(page="inputs")
    ours = _drive(at, {k: f"in__form_inputs__{k}" for k in ("observer", "count", "cover")})
    script_runs = [r.seconds for r in RUNS.runs() if r.trigger == "interaction"]

    plain = AppTest.from_file(str(ROOT / "tests" / "benchmarks" / "plain_inputs.py"), default_timeout=30).run()
    baseline = _drive(plain, {k: k for k in ("observer", "count", "cover")})

    o50, o95 = pct(ours, 50), pct(ours, 95)
    b50, b95 = pct(baseline, 50), pct(baseline, 95)
    within = sum(s <= 0.050 for s in script_runs) / len(script_runs)
    REPORT.append(
        f"Inputs page rerun (AppTest, {INTERACTIONS} interactions, 10,000 stored inputs): p50 {ms(o50)}, p95 {ms(o95)}; "
        f"plain Streamlit same widgets p50 {ms(b50)}, p95 {ms(b95)}; ratio p50 {o50 / b50:.2f}, p95 {o95 / b95:.2f}"
    )
    REPORT.append(
        f"  script time inside the app (shell's own timer): p50 {ms(statistics.median(script_runs))}, "
        f"p95 {ms(pct(script_runs, 95))}; {within:.0%} of interactions within 50 ms"
    )
