"""Exact value encoding: every value a widget can produce comes back equal and of the same type,
both from ``loads(dumps(v))`` and through the store (``InputStore.persist`` then ``load``)."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.core import values
from store.core.db import Store
from store.core.values import FileRef
from store.inputs.widgets import InputStore

text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"))  # what a browser can send
# Whole minutes, like every real time zone (CPython 3.11 drops a sub-second UTC offset when parsing).
fixed_offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
file_refs = st.builds(
    FileRef,
    sha256=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    name=text,
    size=st.integers(min_value=0, max_value=2**40),
    mime=st.none() | st.sampled_from(["text/plain", "image/png", "application/pdf"]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**200), max_value=2**200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([-0.0, 0.0, math.inf, -math.inf, math.nan, 5e-324, 1.7976931348623157e308, 0.1]),
    st.decimals(allow_nan=True, allow_infinity=True),
    text,
    st.dates(),
    st.times(),
    st.times(timezones=fixed_offsets),
    st.datetimes(),
    st.datetimes(timezones=fixed_offsets),
    file_refs,
)
widget_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.lists(children, max_size=5).map(tuple),
        st.tuples(st.integers(), st.integers()),  # a slider range
        st.dictionaries(text, children, max_size=5),
    ),
    max_leaves=20,
)


def same(a: Any, b: Any) -> bool:
    """Equal and of the same type, all the way down (NaN equals NaN, -0.0 is not 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a):
            return math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, Decimal):
        return str(a) == str(b)  # also tells NaN from sNaN and 1.0 from 1.00
    if isinstance(a, (dt.datetime, dt.time)):
        return a == b and a.utcoffset() == b.utcoffset() and (a.tzinfo is None) == (b.tzinfo is None)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, FileRef):
        return all(same(getattr(a, f), getattr(b, f)) for f in ("sha256", "name", "size", "mime"))
    return bool(a == b)


def test_same_tells_types_apart() -> None:
    # The comparison itself must be able to fail, or the round trips below prove nothing.
    assert not same([(1, 2)], [[1, 2]])
    assert not same(1, True)
    assert not same(1, 1.0)
    assert not same(0.0, -0.0)
    assert not same(Decimal("1.0"), Decimal("1.00"))
    assert not same(dt.datetime(2024, 1, 1), dt.date(2024, 1, 1))
    assert not same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert same([math.nan], [math.nan])


@settings(max_examples=300, deadline=None)
@given(widget_values)
def test_dumps_loads_round_trip(value: Any) -> None:
    text_form = values.dumps(value)
    back = values.loads(text_form)
    assert same(value, back), f"{value!r} came back as {back!r} (stored as {text_form})"
    assert values.dumps(back) == text_form


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        2**100,
        -(2**64),
        -0.0,
        math.nan,
        math.inf,
        -math.inf,
        Decimal("NaN"),
        Decimal("-Infinity"),
        Decimal("1.10"),
        "",
        'é ☃ 𝄞 \u2028 "quoted" {"$t": "date"}',
        dt.date(1, 1, 1),
        dt.time(23, 59, 59, 999_999),
        dt.time(8, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        dt.datetime(2024, 2, 29, 12, 0, 0, 1),
        dt.datetime(2024, 2, 29, 12, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 2, 29, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
        [],
        (),
        {},
        (1, 10),
        (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        [(1, 2), [3, (4,)], {"t": (5, 6)}],
        {"$t": "date", "v": "2024-01-01"},  # a user dict that looks like a tag stays a dict
        {"nested": {"list": [1, 2.5, None], "tuple": ("a", dt.time(1, 2, 3, 4))}},
        FileRef("ab" * 32, "photo.jpg", 12345, "image/jpeg"),
        FileRef("cd" * 32, "notes", 0),
        [FileRef("ef" * 32, "a.txt", 1, "text/plain")],
    ],
    ids=repr,
)
def test_examples_round_trip(value: Any) -> None:
    assert same(value, values.loads(values.dumps(value)))


@pytest.mark.parametrize(
    "value",
    [{1, 2}, frozenset({1}), object(), {1: "a"}, {"ok": {2: "b"}}, [1, {3}], (b"bytes",), bytearray(b"x"), 1j],
    ids=repr,
)
def test_unsupported_values_raise_type_error(value: Any) -> None:
    with pytest.raises(TypeError):
        values.dumps(value)


def test_unsupported_value_is_not_persisted(store: Store) -> None:
    inputs = InputStore(store)
    with pytest.raises(TypeError):
        inputs.persist("u", "s", "k", {1, 2})
    with pytest.raises(TypeError):
        inputs.persist_many("u", {("s", "a"): 1, ("s", "b"): object()})
    assert inputs.pending_count == 0
    inputs.persist("u", "s", "c", 3)
    assert inputs.load("u") == {("s", "c"): 3}
    assert store.read("SELECT key FROM input_events") == [("c",)]


KEYS = itertools.count()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=widget_values)
def test_round_trip_through_the_store(store: Store, value: Any) -> None:
    inputs = InputStore(store)
    key = f"k{next(KEYS)}"
    inputs.persist("user", "scope", key, value)
    loaded = inputs.load("user")
    assert (("scope", key)) in loaded
    assert same(value, loaded[("scope", key)]), f"{value!r} came back as {loaded[('scope', key)]!r}"
    assert same(value, inputs.history("user", "scope", key)[0])
