"""Numeric and date text of any length is read exactly or refused, never cut first (issue 20, item 13)."""

from __future__ import annotations

import datetime as dt

import pytest

from store.formdef.semantics import SemanticError, compare, number_or_none


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0" * 45 + "5", 5),
        ("0" * 39 + "12345", 12345),
        ("-" + "0" * 50 + "7", -7),
        (" +" + "0" * 60 + "12 ", 12),
        ("0" * 80, 0),
        ("9223372036854775807", 2**63 - 1),
        ("0" * 41 + "1.5", 1.5),
    ],
)
def test_long_numeric_text_is_read_exactly(text: str, number: int | float) -> None:
    assert number_or_none(text) == number
    assert compare("=", text, number)


@pytest.mark.parametrize("text", ["1" * 41, "9223372036854775808", "-" + "9" * 100_000], ids=["41 digits", "MAX_INT+1", "100k digits"])
def test_numeric_text_beyond_the_limit_is_refused(text: str) -> None:
    with pytest.raises(SemanticError, match="too large"):
        number_or_none(text)


def test_a_date_followed_by_more_text_is_not_a_date() -> None:
    """41+ characters are never an ISO date: the old cut read the first 40 as one."""
    text = "2026-05-01T10:00:00.000000+00:00" + "0" * 9  # 41 characters
    assert not compare("=", dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC), text)
    assert compare("=", dt.date(2026, 5, 1), " 2026-05-01 ")
