"""ODK's function library beyond the core (store/formdef/functions.py): each function as ODK
Collect works it out, and random expressions of the grown language that never raise anything but
ExpressionError and stay within the limits."""

from __future__ import annotations

import datetime as dt
import math
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.formdef.expr import ExpressionError, evaluate, parse
from store.formdef.functions import ODK_FUNCTIONS
from store.formdef.syntax import FUNCTIONS

NOW = dt.datetime(2026, 5, 15, 10, 30, 0)
LINE = [{"lat": 0.0, "lon": 0.0, "accuracy": None}, {"lat": 0.0, "lon": 1.0, "accuracy": 3.0}]
SQUARE = [*LINE, {"lat": 1.0, "lon": 1.0, "accuracy": None}, {"lat": 1.0, "lon": 0.0, "accuracy": None}]


def ev(text: str, current: Any = None, **env: Any) -> Any:
    return evaluate(parse(text), env, current=current, today=NOW.date(), now=NOW)


def test_every_function_has_its_number_of_arguments() -> None:
    assert set(ODK_FUNCTIONS) <= set(FUNCTIONS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("floor(-2.5)", -3), ("ceiling(2.1)", 3), ("abs(-4)", 4), ("sqrt(16)", 4.0), ("sqrt(-1)", None),
        ("pow(2, 10)", 1024), ("pow(9, 0.5)", 3.0), ("pow(7, 20)", 79792266297612001), ("round(pi(), 4)", 3.1416),
        ("max(3, ${n}, 7)", 7), ("min(3, ${n}, 7)", 3), ("max(${none})", None), ("sum(1, 2, ${n})", 8),
        ("join(', ', ${kinds})", "oak, ash"), ("join('-', 'a', '', 'b')", "a-b"),
        ("substr('transect', 0, 5)", "trans"), ("substr('transect', 5)", "ect"),
        ("substring-before('A-12', '-')", "A"), ("substring-after('A-12', '-')", "12"), ("substring-before('A', '-')", ""),
        ("substring-before('A-12', '')", ""), ("substring-after('A-12', '')", "A-12"),
        ("normalize-space('  two   words ')", "two words"), ("translate('abc', 'ab', 'B')", "Bc"),
        ("ends-with('plot.jpg', '.jpg')", True), ("selected-at(${kinds}, 1)", "ash"), ("selected-at(${kinds}, 5)", ""),
        ("boolean('x')", True), ("boolean('')", False), ("boolean-from-string('true')", True), ("boolean-from-string('yes')", False),
        ("decimal-date-time('1970-01-02T12:00:00')", 1.5), ("format-date('2026-05-15', '%d.%m.%Y')", "15.05.2026"),
        ("format-date-time(now(), '%Y-%m-%d %H:%M (%a, %e %b)')", "2026-05-15 10:30 (Fri, 15 May)"),
        ("format-date-time(date-time(0.5), '%H:%M')", "12:00"),
        ("digest('abc', 'SHA-256', 'hex')", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("digest('abc', 'md5')", "kAFQmDzST7DWlj99KOF/cg=="),
        ("round(distance(${line}))", 111319), ("round(area(${square}) div 1000000)", 12309),
        ("round(distance('0 0 0 0;0 1 0 0'))", 111319), ("area(${line})", None),
    ],
)  # fmt: skip
def test_each_function_as_odk_works_it_out(text: str, expected: Any) -> None:
    assert ev(text, n=5, kinds=["oak", "ash"], none=None, line=LINE, square=SQUARE) == expected


def test_uuid_is_new_each_time_and_once_keeps_a_value() -> None:
    first, second = ev("uuid()"), ev("uuid()")
    assert len(first) == 36 and first != second
    assert ev("once(uuid())", current="kept") == "kept"
    assert len(ev("once(uuid())", current=None)) == 36


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("digest('abc', 'crc32')", "digest algorithms"), ("digest('abc', 'md5', 'octal')", "base64 or hex"),
        ("pow(10, 5000)", "too large"), ("area('north of the lake')", "line or an area"),
        ("distance('0 0;95 0')", "line or an area"), ("date-time('soon')", "date and time"),
    ],
)  # fmt: skip
def test_what_cannot_be_worked_out_is_said(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        ev(text)


NAMES = sorted(ODK_FUNCTIONS)
LEAVES = st.sampled_from(["${a}", "${b}", "1", "0", "-3", "2.5", "'x'", "'0 0;0 1'", "''", "now()", "today()", "'%Y %3 %'"])


def _call(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def made(draw: Any) -> str:
        name = draw(st.sampled_from(NAMES))
        low, high = FUNCTIONS[name]
        count = draw(st.integers(low, min(high, low + 2)))
        return f"{name}({', '.join(draw(children) for _ in range(count))})"

    return st.composite(lambda draw: made(draw))()


VALUES = st.sampled_from([None, 0, 3, -2.5, "", "7", "abc", ["x", "y"], True, NOW, LINE, SQUARE, "9" * 39, 2**62, 1e300])


@settings(max_examples=800, deadline=None)
@given(st.recursive(LEAVES, _call, max_leaves=10), VALUES, VALUES)
def test_random_expressions_of_the_grown_language_fail_only_with_expression_error(text: str, a: Any, b: Any) -> None:
    started = time.perf_counter()
    try:
        result = evaluate(parse(text), {"a": a, "b": b}, current=a, now=NOW)
    except ExpressionError:
        return
    finally:
        assert time.perf_counter() - started < 2.0, text  # bounded work: no expression may hang the editor
    if isinstance(result, float):
        assert math.isfinite(result), text
    if isinstance(result, int):
        assert abs(result) < 2**63, text
    if isinstance(result, str) and result not in (a, b):
        assert len(result) <= 10_000, text
