"""GeoJSON export: a FeatureCollection with one feature per record and location field that has a
value: a Point per geopoint, a LineString per geotrace, a Polygon per geoshape.

Coordinates are ``[lon, lat]`` (RFC 7946 order). Each feature's properties are the record's
metadata, ``_field`` (which location field it is), ``_accuracy`` (a point's), ``_length_m`` and
``_area_m2`` (a line's length, an outline's perimeter and area), and every other field's
value: numbers and booleans as JSON numbers and booleans, dates and times as ISO text, choices as
names or labels, select_multiple as a list. Features are written one by one, never all in memory.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from store.core.errors import ValidationError
from store.exports.columns import Plan, Ticker, choice_text, number
from store.fielddata.records import Record
from store.formdef.geo import LINE_TYPES, MIN_POINTS, measure
from store.formdef.model import Field


class NoLocationField(ValidationError):
    """The project's forms have no geopoint field, so there is nothing to put on a map."""


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


def geopoint_fields(plan: Plan) -> list[Field]:
    return [f for f in plan.fields if f.type in ("geopoint", *LINE_TYPES) and f.name not in plan.mixed]


def _geometry(field: Field, value: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The feature's geometry and its own properties, or None for a value that is no location."""
    if field.type == "geopoint":
        lat, lon = (number(value.get("lat")), number(value.get("lon"))) if isinstance(value, dict) else (None, None)
        if lat is None or lon is None:
            return None
        return {"type": "Point", "coordinates": [lon, lat]}, {"_accuracy": value.get("accuracy")}
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        return None
    coordinates = [[number(p.get("lon")), number(p.get("lat"))] for p in value]
    if len(coordinates) < MIN_POINTS[field.type] or any(c is None for pair in coordinates for c in pair):
        return None
    length, area = measure(field.type, value)
    if field.type == "geotrace":
        return {"type": "LineString", "coordinates": coordinates}, {"_length_m": round(length, 2)}
    ring = [*coordinates, coordinates[0]]  # RFC 7946: a ring ends where it starts
    return {"type": "Polygon", "coordinates": [ring]}, {"_length_m": round(length, 2), "_area_m2": round(area or 0.0, 2)}


def properties(plan: Plan, record: Record) -> dict[str, Any]:
    form = plan.forms.get(record.form_version) or plan.forms[plan.latest]
    props: dict[str, Any] = {}
    for column, value in zip(plan.columns, plan.row(record), strict=True):
        if column.part is not None:
            continue
        if column.field is not None and column.field.type == "select_multiple" and column.field.name not in plan.mixed:
            stored = record.data.get(column.field.name)  # a list stays a list in JSON
            props[column.name] = [choice_text(plan, form, column.field, str(v)) for v in stored] if isinstance(stored, list) and stored else None
            continue
        props[column.name] = _json_value(value)
    return props


def write_geojson(path: Path, plan: Plan, records: Iterable[Record], ticker: Ticker) -> int:
    points = geopoint_fields(plan)
    if not points:
        raise NoLocationField("This project's form has no location (geopoint) field, so there is nothing to export as GeoJSON.")
    count = 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"type": "FeatureCollection", "features": [\n')
        first = True
        for record in records:
            props: dict[str, Any] | None = None
            for f in points:
                found = _geometry(f, record.data.get(f.name))
                if found is None:
                    continue
                if props is None:
                    props = properties(plan, record)
                geometry, own = found
                feature = {"type": "Feature", "geometry": geometry, "properties": {**props, "_field": f.name, **own}}
                fh.write(("" if first else ",\n") + json.dumps(feature, ensure_ascii=False, default=str))
                first = False
            count += 1
            ticker.tick()
        fh.write("\n]}\n")
    return count
