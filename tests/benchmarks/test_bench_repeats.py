"""Repeats (issue 16, part 2): the record editor's rerun while a field is typed into, with a
species list of 5,000 choices and a repeat of 50 entries (two fields each), against the same
answers as 100 fields of the record itself (no repeat), in the same run.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_repeats.py -m bench -s
"""

from __future__ import annotations

from typing import Any

import pytest

from store.formdef import FormDef, form_from_json
from tests.benchmarks.editor import editor_reruns
from tests.benchmarks.test_bench_skeleton import ms, pct
from tests.conftest import REPORT

pytestmark = pytest.mark.bench

RUNS = 20
ENTRIES = 50
SPECIES = [{"name": f"s{i}", "label": f"Species {i}"} for i in range(5_000)]


def plots(repeat: bool) -> tuple[FormDef, dict[str, Any]]:
    """The form and a record's data: 50 entries of a repeat, or (the baseline) 100 plain fields."""
    head: list[dict[str, Any]] = [
        {"name": "remark", "type": "text", "label": "Remark"},
        {"name": "species", "type": "select_one", "choice_list": "species", "label": "Species"},
    ]
    inside = [{"name": "count", "type": "integer", "label": "Count", "constraint": ". >= 0"}, {"name": "seen", "type": "text", "label": "Seen"}]
    entries = [{"count": i, "seen": f"plot {i}"} for i in range(ENTRIES)]
    if repeat:
        fields = [*head, {"name": "plot", "type": "repeat", "label": "Plot", "children": inside}]
        fields.append({"name": "total", "type": "integer", "label": "Total", "calculation": "sum(${count})"})
        data: dict[str, Any] = {"species": "s17", "plot": entries}
    else:
        fields = [*head, *({**f, "name": f"{f['name']}_{i}"} for i in range(ENTRIES) for f in inside)]
        data = {"species": "s17", **{f"{k}_{i}": v for i, e in enumerate(entries) for k, v in e.items()}}
    form = form_from_json({"title": "Plots", "fields": fields, "choice_lists": {"species": SPECIES}})
    return form, data


def _reruns(rt: Any, new_session: Any, repeat: bool) -> list[float]:
    form, data = plots(repeat)
    return editor_reruns(rt, new_session, f"Plots {repeat}", form, data, RUNS)


def test_record_editor_rerun_with_a_repeat_of_50_entries_and_5000_species(rt, new_session):
    ours = _reruns(rt, new_session, True)
    plain = _reruns(rt, new_session, False)
    REPORT.append(
        f"record editor rerun, a repeat of {ENTRIES} entries beside a list of 5,000 species (AppTest, {RUNS} runs): p50 {ms(pct(ours, 50))}, "
        f"p95 {ms(pct(ours, 95))}; the same answers as {2 * ENTRIES} plain fields p50 {ms(pct(plain, 50))}, p95 {ms(pct(plain, 95))}; "
        f"ratio p95 {pct(ours, 95) / pct(plain, 95):.2f}"
    )
