"""GeoJSON export: a FeatureCollection with one Point per record and geopoint field that has a value.

Coordinates are ``[lon, lat]`` (RFC 7946 order). Each feature's properties are the record's
metadata, ``_field`` (which geopoint field the point is), ``_accuracy``, and every other field's
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
from store.formdef.model import Field


class NoLocationField(ValidationError):
    """The project's forms have no geopoint field, so there is nothing to put on a map."""


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


def geopoint_fields(plan: Plan) -> list[Field]:
    return [f for f in plan.fields if f.type == "geopoint" and f.name not in plan.mixed]


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
                value = record.data.get(f.name)
                if not isinstance(value, dict):
                    continue
                lat, lon = number(value.get("lat")), number(value.get("lon"))
                if lat is None or lon is None:
                    continue
                if props is None:
                    props = properties(plan, record)
                feature = {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {**props, "_field": f.name, "_accuracy": value.get("accuracy")},
                }
                fh.write(("" if first else ",\n") + json.dumps(feature, ensure_ascii=False, default=str))
                first = False
            count += 1
            ticker.tick()
        fh.write("\n]}\n")
    return count
