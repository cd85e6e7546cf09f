"""A cascading select over a species list of 5,000 names (issue 16, part 3): how long the record
editor's rerun takes when the earlier answer changes, against the same form whose list is not
filtered, in the same run; and the filter itself, worked out cold and kept.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_choice_filter.py -m bench -s
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from store.fielddata.projects import create_project
from store.formdef import FormDef, form_from_json
from store.formdef.evaluate import evaluate_record
from store.formdef.plan import plan_for
from store.inputs.uistate import load_ui_state
from tests.benchmarks.test_bench_skeleton import ms, pct
from tests.conftest import REPORT

pytestmark = pytest.mark.bench

REGIONS = 50
SPECIES = 5_000
RUNS = 30


def cascade(filtered: bool) -> FormDef:
    species: dict[str, Any] = {"name": "species", "type": "select_one", "choice_list": "species", "label": "Species"}
    if filtered:
        species["choice_filter"] = "region = ${region}"
    return form_from_json(
        {
            "title": "Species by region",
            "fields": [
                {"name": "region", "type": "select_one", "choice_list": "regions", "label": "Region"},
                species,
                {"name": "remark", "type": "text", "label": "Remark"},
            ],
            "choice_lists": {
                "regions": [{"name": f"r{r}", "label": f"Region {r}"} for r in range(REGIONS)],
                "species": [
                    {"name": f"s{s}", "label": f"Species {s}", "data": {"region": f"r{s % REGIONS}"}} for s in range(SPECIES)
                ],
            },
        }
    )


def test_the_filter_cold_and_kept():
    form = cascade(True)
    plan_for(form)
    cold, kept = [], []
    for i in range(RUNS):
        values = {"region": f"r{i % REGIONS}"}
        started = time.perf_counter()
        result = evaluate_record(form, values)
        cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        evaluate_record(form, values)
        kept.append(time.perf_counter() - started)
        assert len(result.options["species"]) == SPECIES // REGIONS
    plain = cascade(False)
    plan_for(plain)
    baseline = []
    for i in range(RUNS):
        started = time.perf_counter()
        evaluate_record(plain, {"region": f"r{i % REGIONS}"})
        baseline.append(time.perf_counter() - started)
    REPORT.append(
        f"choice_filter over {SPECIES:,} choices (evaluate_record, {RUNS} runs): a new earlier answer p50 {ms(pct(cold, 50))}, "
        f"p95 {ms(pct(cold, 95))}; the same answers again p95 {ms(pct(kept, 95))}; unfiltered list p95 {ms(pct(baseline, 95))}"
    )


def _reruns(rt: Any, new_session: Any, filtered: bool) -> list[float]:
    project = create_project(rt.store, f"Species {filtered}", cascade(filtered), user=rt.user)
    at = new_session()
    at.button(key="nav_home").click().run()  # the Projects page (a session opens where the last one was)
    at.button(key=f"open_{project.id}").click().run()
    at.button(key="new_record").click().run()
    record_id = load_ui_state(rt.store, rt.user).params["record"]
    key = f"in__record_{record_id}__region"
    at.selectbox(key=key).set_value("r0").run()  # the first input creates the record
    times = []
    for i in range(1, RUNS + 1):
        started = time.perf_counter()
        at.selectbox(key=key).set_value(f"r{i % REGIONS}").run()
        times.append(time.perf_counter() - started)
        assert not at.exception
    options = at.selectbox(key=f"in__record_{record_id}__species").options
    assert len(options) == (SPECIES // REGIONS if filtered else SPECIES)
    return times


def test_record_editor_rerun_with_a_5000_choice_list(rt, new_session):
    ours = _reruns(rt, new_session, True)
    plain = _reruns(rt, new_session, False)
    REPORT.append(
        f"record editor rerun, the earlier answer changed (AppTest, {RUNS} runs), species list of {SPECIES:,} filtered by region: "
        f"p50 {ms(pct(ours, 50))}, p95 {ms(pct(ours, 95))}; the same list unfiltered p50 {ms(pct(plain, 50))}, "
        f"p95 {ms(pct(plain, 95))}; ratio p95 {pct(ours, 95) / pct(plain, 95):.2f}"
    )
