"""Lines and areas (ODK's geotrace and geoshape): read from ODK's text, stored as points, shown as
a length or an area, written back so that they read back the same; expressions see ODK's text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.core.errors import ValidationError
from store.formdef import evaluate_record, form_from_json
from store.formdef.convert import check_stored, format_value, parse_text, to_stored
from store.formdef.geo import MAX_POINTS

FORM = form_from_json({"title": "Walks", "fields": [
    {"name": "walk", "type": "geotrace"},
    {"name": "plot", "type": "geoshape"},
    {"name": "as_text", "type": "text", "calculation": "${walk}"},
    {"name": "long_enough", "type": "boolean", "calculation": "string-length(${plot}) > 10"},
]})  # fmt: skip
WALK, PLOT = FORM.field("walk"), FORM.field("plot")


def test_odk_text_is_read_as_points_and_written_back_the_same() -> None:
    walk = parse_text(WALK, "48.1 11.5 520 5; 48.1 11.6 530 4")  # ODK: lat lon altitude accuracy
    assert walk == [{"lat": 48.1, "lon": 11.5, "accuracy": 5.0}, {"lat": 48.1, "lon": 11.6, "accuracy": 4.0}]
    assert format_value(FORM, WALK, walk, "en", labels=False) == "48.1 11.5 0 5;48.1 11.6 0 4"
    assert parse_text(WALK, format_value(FORM, WALK, walk, "en", labels=False)) == walk
    assert check_stored(WALK, walk) == walk


def test_an_outline_written_closed_as_odk_does_is_stored_open() -> None:
    closed = parse_text(PLOT, "0 0;0 1;1 1;0 0")
    assert [(p["lat"], p["lon"]) for p in closed] == [(0, 0), (0, 1), (1, 1)]
    assert format_value(FORM, PLOT, closed, "en", labels=False) == "0 0;0 1;1 1;0 0"  # written as ODK writes it (CSV)
    assert parse_text(PLOT, format_value(FORM, PLOT, closed, "en", labels=False)) == closed
    with pytest.raises(ValidationError, match="check_stored|stored form"):
        check_stored(PLOT, [*closed, closed[0]])  # the stored form never repeats the first point


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        (WALK, "48.1 11.5", "at least 2 points"),
        (PLOT, "0 0;0 1", "at least 3 points"),
        (WALK, "48.1 11.5;95 11.6", "outside the earth"),
        (WALK, "48.1 11.5;here", "'walk'"),
    ],
)
def test_too_few_points_or_a_bad_point_is_refused_in_plain_words(field, text, message) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_text(field, text)


def test_one_point_per_line_as_the_editor_shows_them_in_german() -> None:
    """In German a point is "48,12; 11,57": with one point per line, ";" is inside a point."""
    assert parse_text(WALK, "48,12; 11,57; 5\n48,13; 11,58") == [
        {"lat": 48.12, "lon": 11.57, "accuracy": 5.0}, {"lat": 48.13, "lon": 11.58, "accuracy": None},
    ]  # fmt: skip


def test_a_line_has_a_limit_of_points() -> None:
    with pytest.raises(ValidationError, match=f"at most {MAX_POINTS:,} points"):
        to_stored(WALK, [{"lat": 0.0, "lon": i / 10_000, "accuracy": None} for i in range(MAX_POINTS + 1)])


def test_shown_as_length_or_area_in_the_readers_language() -> None:
    equator = [{"lat": 0.0, "lon": 0.0, "accuracy": None}, {"lat": 0.0, "lon": 0.001, "accuracy": None}]
    assert format_value(FORM, WALK, equator, "en") == "111 m"  # a·π/180 / 1000 on WGS84
    assert format_value(FORM, WALK, [equator[0], {"lat": 0.0, "lon": 0.1, "accuracy": None}], "de") == "11,13 km"
    square = [{"lat": 0.0, "lon": 0.0}, {"lat": 0.0, "lon": 0.001}, {"lat": 0.001, "lon": 0.001}, {"lat": 0.001, "lon": 0.0}]
    assert format_value(FORM, PLOT, square, "en") == "1.23 ha"
    assert format_value(FORM, PLOT, square[:3], "de") == "6155 m²"


def test_expressions_see_odk_text() -> None:
    values = {"walk": parse_text(WALK, "1 2;3 4"), "plot": parse_text(PLOT, "0 0;0 1;1 1")}
    result = evaluate_record(FORM, values)
    assert result.values["as_text"] == "1 2;3 4" and result.values["long_enough"] is True


POINT = st.fixed_dictionaries({
    "lat": st.floats(-90, 90, allow_nan=False).map(lambda x: round(x, 7)),
    "lon": st.floats(-180, 180, allow_nan=False).map(lambda x: round(x, 7)),
    "accuracy": st.one_of(st.none(), st.floats(0, 10_000, allow_nan=False).map(lambda x: round(x, 2))),
})  # fmt: skip


@given(st.lists(POINT, min_size=2, max_size=30))
def test_any_line_reads_back_from_its_text(points) -> None:
    stored = to_stored(WALK, points)
    assert parse_text(WALK, format_value(FORM, WALK, stored, "en", labels=False)) == stored
    format_value(FORM, WALK, stored, "de")  # never raises, even for a line across the antimeridian
