"""Lines and areas (issue 16, part 4): a geotrace of 5,000 points (a day's walk recorded every few
metres) in the record editor — the rerun while another field is typed into, against the same form
with the walk as a multiline text of the same 5,000 lines, in the same run — and the measuring
itself, cold and kept.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_geo.py -m bench -s
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from store.formdef import FormDef, form_from_json
from store.formdef.geo import MAX_POINTS, _measured, measure
from tests.benchmarks.editor import editor_reruns
from tests.benchmarks.test_bench_skeleton import ms, pct
from tests.conftest import REPORT

pytestmark = pytest.mark.bench

RUNS = 20
WALK = [{"lat": 48.0 + i * 1e-5, "lon": 11.0 + (i % 50) * 1e-5, "accuracy": 4.0} for i in range(MAX_POINTS)]


def walks(with_line: bool) -> FormDef:
    """The walk as a line, or (the baseline) as a multiline text of the same 5,000 lines."""
    walk = {"type": "geotrace"} if with_line else {"type": "text", "parameters": {"multiline": True}}
    fields: list[dict[str, Any]] = [{"name": "remark", "type": "text", "label": "Remark"}, {"name": "walk", "label": "Walk", **walk}]
    return form_from_json({"title": "Walks", "fields": fields})


def test_measuring_a_line_of_5000_points_cold_and_kept():
    cold, kept = [], []
    for i in range(5):
        points = [{**p, "lat": p["lat"] + i * 1e-3} for p in WALK]  # new points: measured afresh
        started = time.perf_counter()
        measure("geotrace", points)
        cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        measure("geotrace", points)
        kept.append(time.perf_counter() - started)
    _measured.cache_clear()
    REPORT.append(f"measuring a line of {MAX_POINTS:,} points (geographiclib, WGS84): cold p50 {ms(pct(cold, 50))}, kept p50 {ms(pct(kept, 50))}")


def _reruns(rt: Any, new_session: Any, with_line: bool) -> list[float]:
    text = "\n".join(f"{p['lat']}, {p['lon']}, {p['accuracy']}" for p in WALK)
    return editor_reruns(rt, new_session, f"Walks {with_line}", walks(with_line), {"walk": WALK if with_line else text}, RUNS)


def test_record_editor_rerun_with_a_line_of_5000_points(rt, new_session):
    ours = _reruns(rt, new_session, True)
    plain = _reruns(rt, new_session, False)
    REPORT.append(
        f"record editor rerun, typing beside a line of {MAX_POINTS:,} points (AppTest, {RUNS} runs): p50 {ms(pct(ours, 50))}, "
        f"p95 {ms(pct(ours, 95))}; the walk as multiline text p50 {ms(pct(plain, 50))}, p95 {ms(pct(plain, 95))}; ratio p95 {pct(ours, 95) / pct(plain, 95):.2f}"
    )
