"""Exact JSON encoding of input values: what goes in comes back equal, type included.

JSON alone would turn a date into a string, a tuple into a list, a Decimal into a float and
refuse NaN. Plain strings, booleans, integers, finite floats and None are stored as themselves;
everything else is tagged ``{"$t": type, "v": ...}``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

TAG = "$t"


@dataclass(frozen=True)
class FileRef:
    """A stored attachment, referenced by the sha256 of its content."""

    sha256: str
    name: str
    size: int
    mime: str | None = None


def encode(value: Any) -> Any:
    """``value`` as a JSON-serialisable structure (see ``decode``)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {TAG: "float", "v": repr(value)}
    if isinstance(value, Decimal):
        return {TAG: "decimal", "v": str(value)}
    if isinstance(value, dt.datetime):  # before date: a datetime is a date
        return {TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {TAG: "date", "v": value.isoformat()}
    if isinstance(value, dt.time):
        return {TAG: "time", "v": value.isoformat()}
    if isinstance(value, tuple):
        return {TAG: "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("only dicts with string keys can be stored")
        return {TAG: "dict", "v": {k: encode(v) for k, v in value.items()}}
    if isinstance(value, FileRef):
        return {TAG: "file", "v": [value.sha256, value.name, value.size, value.mime]}
    raise TypeError(f"a value of type {type(value).__name__} cannot be stored")


def decode(data: Any) -> Any:
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    kind, raw = data[TAG], data["v"]
    if kind == "float":
        return float(raw)
    if kind == "decimal":
        return Decimal(raw)
    if kind == "datetime":
        return dt.datetime.fromisoformat(raw)
    if kind == "date":
        return dt.date.fromisoformat(raw)
    if kind == "time":
        return dt.time.fromisoformat(raw)
    if kind == "tuple":
        return tuple(decode(v) for v in raw)
    if kind == "dict":
        return {k: decode(v) for k, v in raw.items()}
    if kind == "file":
        return FileRef(*raw)
    raise ValueError(f"unknown stored value type {kind!r}")


def dumps(value: Any) -> str:
    """``value`` as JSON text; ``TypeError`` for anything that cannot be stored exactly."""
    try:
        text = json.dumps(encode(value), ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")  # a lone surrogate would be refused by the database later, and forever
    except (UnicodeEncodeError, ValueError) as exc:
        raise TypeError(f"this value cannot be stored: {exc}") from None
    return text


def loads(text: str) -> Any:
    return decode(json.loads(text))
