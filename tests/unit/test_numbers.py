"""Numbers as people write them (app/numbers.py): any number formatted the way a language writes
it reads back as exactly that number; what is not a number is refused, never reinterpreted."""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from app.numbers import LOCALES, NumberTextError, format_number, parse_number


@pytest.mark.parametrize(
    ("lang", "text", "meant"),
    [
        ("de", "12,5", 12.5), ("de", "12.5", 12.5), ("en", "12.5", 12.5),
        ("de", "1.000", 1000), ("de", "1.000,25", 1000.25), ("en", "1,000.25", 1000.25), ("en", "1,000", 1000),
        ("de", "0.125", 0.125), ("de", "1.00", 1.0), ("de", ",5", 0.5), ("en", ".5", 0.5), ("de", "−3", -3), ("en", "+7", 7),
        ("de", "1 000 000", 1_000_000), ("de", "5,", 5), ("en", "5.", 5), ("de", "\t12,5\n", 12.5), ("en", "1\u202f000", 1000), ("de", "  42 ", 42), ("de", "", None),
    ],
)
def test_reads_the_number_meant(lang, text, meant):
    got = parse_number(text, lang)
    assert got == meant and type(got) is type(meant)


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "12,5"), ("de", "abc"), ("en", "12.5.1"), ("en", "1,00"), ("de", "1.000.5"), ("en", "1e5"), ("de", "-"), ("en", "12 5"), ("de", "1,2,3"), ("en", "0,125")],
)
def test_refuses_what_is_not_a_number_as_written(lang, text):
    with pytest.raises(NumberTextError) as info:
        parse_number(text, lang)
    assert info.value.text == text and info.value.key == "number.not_a_number"


def test_a_whole_number_where_one_is_needed():
    assert parse_number("1.000", "de", integer=True) == 1000  # one thousand in German, not one
    assert parse_number("12,0", "de", integer=True) == 12
    with pytest.raises(NumberTextError) as info:
        parse_number("12,5", "de", integer=True)
    assert info.value.key == "number.whole" and info.value.example == "12"


def test_a_whole_number_stays_exact_however_long():
    assert parse_number("9007199254740993,0", "de", integer=True) == 9007199254740993  # not …992 by way of a float
    assert parse_number("9.007.199.254.740.993", "de") == 9007199254740993


def test_tiny_and_huge_numbers_are_written_out_and_read_back():
    for value in (0.00001, 1e16, -2.5e-7, 123456789012345678):
        for lang in LOCALES:
            text = format_number(value, lang)
            assert "e" not in text.lower() and parse_number(text, lang) == value


def test_shown_in_the_language_without_grouping():
    assert format_number(12.5, "de") == "12,5" and format_number(12.5, "en") == "12.5"
    assert format_number(1000, "de") == "1000" and format_number(-0.25, "de") == "-0,25"


@given(st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False, allow_infinity=False), st.sampled_from(sorted(LOCALES)), st.booleans())
def test_any_number_written_in_a_language_reads_back_exactly(number, lang, grouped):
    text = format_decimal(number, format="#,##0.###" if grouped else "0.###", locale=LOCALES[lang])
    assert parse_number(text, lang) == float(number)
    assert parse_number(format_number(parse_number(text, lang), lang), lang) == parse_number(text, lang)  # shown, read again: the same
