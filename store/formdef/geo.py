"""Lines and areas: ODK's ``geotrace`` (a line walked, e.g. a transect) and ``geoshape`` (an
area's outline, e.g. a plot). A value is the list of its points, each stored as a geopoint is
(``{"lat", "lon", "accuracy"}``); an outline is closed by itself, so its first point is not
repeated at the end (ODK's text repeats it; ``points_of_text`` drops it).

Lengths and areas are measured on the WGS84 ellipsoid (geographiclib, Karney's algorithms: exact
to the nanometre, an area's sign independent of the walking direction)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

LINE_TYPES = ("geotrace", "geoshape")
MIN_POINTS = {"geotrace": 2, "geoshape": 3}
MAX_POINTS = 5_000  # a day's walk recorded every few metres; beyond it a line is no longer typed


def closed_twice(points: Sequence[Mapping[str, Any]]) -> bool:
    """Whether an outline ends with its first point again (as ODK writes a geoshape)."""
    return len(points) > 1 and (points[0]["lat"], points[0]["lon"]) == (points[-1]["lat"], points[-1]["lon"])


def measure(kind: str, points: Sequence[Mapping[str, Any]]) -> tuple[float, float | None]:
    """(length in metres — a line's, or an outline's perimeter —, area in m² for an outline).
    Kept for the same points: a line of 5,000 points takes ~0.2 s to measure, and the editor and
    the records list show it on every run (figures: tests/benchmarks/test_bench_geo.py)."""
    return _measured(kind, tuple((float(p["lat"]), float(p["lon"])) for p in points))


@functools.lru_cache(maxsize=64)  # ≤ ~35 MB for 64 lines of 5,000 points
def _measured(kind: str, coordinates: tuple[tuple[float, float], ...]) -> tuple[float, float | None]:
    from geographiclib.geodesic import Geodesic  # ~10 ms to import: only when a line is measured

    polygon = Geodesic.WGS84.Polygon(kind == "geotrace")  # polyline=True for a trace
    for lat, lon in coordinates:
        polygon.AddPoint(lat, lon)
    _, length, area = polygon.Compute(False, True)
    return float(length), (abs(float(area)) if kind == "geoshape" else None)
