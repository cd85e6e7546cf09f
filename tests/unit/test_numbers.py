"""Numbers as people write them (app/numbers.py): any number formatted the way a language writes
it reads back as exactly that number; what is not a number is refused, never reinterpreted."""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from app.numbers import LOCALES, GeopointTextError, NumberTextError, format_geopoint, format_number, parse_geopoint, parse_number


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


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("48.1374, 11.5755, 5", (48.1374, 11.5755, 5.0)), ("48,1374; 11,5755; 5", (48.1374, 11.5755, 5.0)),
        ("48,1374 11,5755", (48.1374, 11.5755, None)), ("48.137,11.575", (48.137, 11.575, None)), ("48.137", None),
        ("-33.8568; 151.2153", (-33.8568, 151.2153, None)), ("−33,5, 151", (-33.5, 151.0, None)), ("48, 11", (48.0, 11.0, None)),
        ("48.137, 11.575, 4, 9", None), ("north, east", None), ("48,1,11,5", None), ("1.000, 2", (1.0, 2.0, None)),
        ("48.137 11.575 520", (48.137, 11.575, None)), ("48.137 11.575 520 5", (48.137, 11.575, 5.0)),  # ODK: the altitude is not kept
    ],
)
@pytest.mark.parametrize("lang", ["en", "de"])
def test_reads_the_location_meant_in_any_language(lang, text, meant):
    """Coordinates are never grouped, so a point or a comma before the decimals means the same in
    every language ("1.000" is one degree); anything else is refused, not guessed."""
    if meant is None:
        with pytest.raises(GeopointTextError) as info:
            parse_geopoint(text, lang)
        assert info.value.key == "geopoint.not_a_location" and info.value.text == text
        return
    got = parse_geopoint(text, lang)
    assert got is not None and (got["lat"], got["lon"], got["accuracy"]) == meant


@pytest.mark.parametrize(("text", "key"), [("91, 11", "geopoint.outside"), ("48; 181", "geopoint.outside"), ("48, 11, -2", "geopoint.accuracy")])
def test_a_location_off_the_earth_is_refused(text, key):
    with pytest.raises(GeopointTextError) as info:
        parse_geopoint(text, "en")
    assert info.value.key == key


@given(
    lat=st.floats(-90, 90, allow_nan=False).map(lambda x: round(x, 6)),
    lon=st.floats(-180, 180, allow_nan=False).map(lambda x: round(x, 6)),
    accuracy=st.none() | st.floats(0, 10_000, allow_nan=False).map(lambda x: round(x, 2)),
    lang=st.sampled_from(sorted(LOCALES)),
)
def test_a_location_shown_in_a_language_reads_back_exactly(lat, lon, accuracy, lang):
    value = {"lat": lat, "lon": lon, "accuracy": accuracy}
    assert parse_geopoint(format_geopoint(value, lang), lang) == {k: (None if v is None else float(v)) for k, v in value.items()}
