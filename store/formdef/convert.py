"""Values between their three forms: stored JSON, Python values for widgets, and text.

Stored form per field type (what a record's ``data`` holds; missing or None means empty):

=================  =============================================================
text               ``str``
integer            ``int``
decimal            ``float`` (finite)
select_one         ``str``, the choice *name*
select_multiple    ``list[str]`` of choice names, no duplicates, in the order given
date / time        ``"YYYY-MM-DD"`` / ``"HH:MM:SS"``
datetime           ``"YYYY-MM-DDTHH:MM:SS"`` (local time, no zone)
boolean            ``bool``
range              ``int`` when start and step are whole numbers, else ``float``
geopoint           ``{"lat": float, "lon": float, "accuracy": float | None}``
photo / file       ``{"sha256": str, "name": str, "size": int, "mime": str | None}``
repeat             ``list`` of instances, each ``{name: stored value}`` of the fields inside it
                   (``model.instance_fields``; empty ones left out, so an empty instance is ``{}``)
note / group       never stored
=================  =============================================================

Choice *membership* and range bounds are rules of the form, checked by ``evaluate_record``;
these functions only check that a value has the right shape for its type. The empty string
counts as empty (None) everywhere, so a cleared text box empties the field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from store.core import locale
from store.core.errors import ValidationError
from store.core.locale import number_text
from store.core.texts import said
from store.core.values import FileRef
from store.formdef.geo import LINE_TYPES, MAX_POINTS, MIN_POINTS, closed_twice, measure
from store.formdef.model import FILE_TYPES, MAX_INSTANCES, Field, instance_fields

if TYPE_CHECKING:
    from store.formdef.model import FormDef

MAX_TEXT_CHARS = 100_000
MAX_NUMBER = 1e15  # beyond this a field value is far more likely a typo than a measurement

NEEDS_NUMBER = said("value.needs_number", "'{field}' needs a number.")
NEEDS_FINITE_NUMBER = said("value.needs_finite_number", "'{field}' needs a finite number.")
NUMBER_TOO_LARGE = said("value.number_too_large", "The number for '{field}' is too large.")
NEEDS_TEXT = said("value.needs_text", "'{field}' needs text.")
TEXT_LONGER_THAN_CHARACTERS = said("value.text_longer_than_characters", "The text for '{field}' is longer than {n} characters.")
NEEDS_WHOLE_NUMBER = said("value.needs_whole_number", "'{field}' needs a whole number.")
NEEDS_YES_NO = said("value.needs_yes_no", "'{field}' needs yes or no.")
NEEDS_LIST_CHOICES = said("value.needs_list_choices", "'{field}' needs a list of choices.")
NEEDS_DATE = said("value.needs_date", "'{field}' needs a date.")
NEEDS_TIME_DAY_WITHOUT = said("value.needs_time_day_without", "'{field}' needs a time of day without a time zone.")
NEEDS_LOCAL_DATE_TIME = said("value.needs_local_date_time", "'{field}' needs a local date and time without a time zone.")
HAS_TYPE_FIELDBOOK_DOES = said("value.has_type_fieldbook_does", "'{field}' has a type Fieldbook does not know ({type}).")
NEEDS_LOCATION_LAT_LON = said("value.needs_location_lat_lon", "'{field}' needs a location with lat, lon and accuracy only.")
NEEDS_LOCATION_LATITUDE_LONGITUDE = said("value.needs_location_latitude_longitude", "'{field}' needs a location (latitude and longitude).")
NEEDS_LOCATION_GIVEN_NUMBERS = said("value.needs_location_given_numbers", "'{field}' needs a location given as numbers.")
LOCATION_OUTSIDE_EARTH_S = said("value.location_outside_earth_s", "The location for '{field}' is outside the earth's coordinates.")
ACCURACY_CANNOT_NEGATIVE = said("value.accuracy_cannot_negative", "The accuracy for '{field}' cannot be negative.")
NEEDS_POINTS = said("value.needs_points", "'{field}' needs at least {n} points, one per line.")
TOO_MANY_POINTS = said("value.too_many_points", "'{field}' takes at most {n} points.")
NEEDS_STORED_FILE = said("value.needs_stored_file", "'{field}' needs a stored file.")
FILE_HAS_VALID_CONTENT = said("value.file_has_valid_content", "The file for '{field}' has no valid content hash.")
FILE_NEEDS_NAME_SIZE = said("value.file_needs_name_size", "The file for '{field}' needs a name and a size.")
FILE_TYPE_MUST_TEXT = said("value.file_type_must_text", "The file type for '{field}' must be text.")
VALUE_STORED_FORM_FIELD = said("value.value_stored_form_field", "The value of '{field}' is not in the stored form of a {type} field.")
STORED_VALUE_VALID = said("value.stored_value_valid", "The stored value of '{field}' is not a valid {type}.")
NUMBER_WRITE_LIKE = said("value.number_write_like", "'{text}' is not a number (write it like 12.5 or 12,5) for '{field}'.")
NUMBER_TOO_LARGE2 = said("value.number_too_large2", "The number '{text}' for '{field}' is too large.")
EXPECTS_TEXT_READ_VALUE = said("value.expects_text_read_value", "'{field}' expects text to read a value from.")
WHOLE_NUMBER = said("value.whole_number", "'{text}' is not a whole number for '{field}'.")
NOT_YES_NO = said("value.not_yes_no", "'{text}' is not yes or no for '{field}'.")
LOCATION_WRITE_LATITUDE_LONGITUDE = said("value.location_write_latitude_longitude", "'{text}' is not a location (write 'latitude, longitude') for '{field}'.")
NEEDS_INSTANCES = said("value.needs_instances", "'{field}' needs a list of entries, each with the answers inside it.")
TOO_MANY_INSTANCES = said("value.too_many_instances", "'{field}' takes at most {n} entries.")
NOT_INSIDE = said("value.not_inside", "An entry of '{field}' has an answer for '{name}', which is not a field inside it.")
INSTANCES_CANNOT_READ = said("value.instances_cannot_read", "The entries of '{field}' cannot be read from this text.")
FILE_CANNOT_READ_FROM = said("value.file_cannot_read_from", "A file for '{field}' cannot be read from a table cell.")
NOT_DATE = said("value.not_date", "'{text}' is not a date (write it like {example}) for '{field}'.")
NOT_TIME = said("value.not_time", "'{text}' is not a time (write it like {example}) for '{field}'.")
NOT_DATETIME = said("value.not_datetime", "'{text}' is not a date and time (write it like {example}) for '{field}'.")
TRUE_WORDS = frozenset({"yes", "true", "1", "ja", "y", "j", "wahr", "on"})
FALSE_WORDS = frozenset({"no", "false", "0", "nein", "n", "falsch", "off"})
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d{1,3})?")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (list, tuple, set, frozenset)) and not value)


def _number(field: Field, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValidationError(NEEDS_NUMBER(field=field.name))
    number: int | float = value if isinstance(value, int) else float(value)
    if isinstance(number, float) and not math.isfinite(number):
        raise ValidationError(NEEDS_FINITE_NUMBER(field=field.name))
    if abs(number) > MAX_NUMBER:
        raise ValidationError(NUMBER_TOO_LARGE(field=field.name))
    return number


def range_settings(field: Field) -> tuple[float, float, float]:
    """A range field's ``(start, end, step)``; missing parameters default as in ODK (0, 10, 1)."""
    params = field.parameters
    return (params.get("start", 0), params.get("end", 10), params.get("step", 1))


def _range_is_integral(field: Field) -> bool:
    start, _, step = range_settings(field)
    return all(isinstance(v, int) or (isinstance(v, float) and v.is_integer()) for v in (start, step))


def to_stored(field: Field, value: Any) -> Any:
    """The stored JSON form of a widget/Python ``value``; ``ValidationError`` if it cannot fit.

    Strings given for non-text fields are read with ``parse_text``. Notes and groups store None.
    """
    if not field.holds_value or _empty(value):
        return None
    kind = field.type
    if isinstance(value, str) and kind not in ("text", "select_one"):
        return parse_text(field, value)
    if kind in ("text", "select_one"):
        if not isinstance(value, str):
            raise ValidationError(NEEDS_TEXT(field=field.name))
        if len(value) > MAX_TEXT_CHARS:
            raise ValidationError(TEXT_LONGER_THAN_CHARACTERS(field=field.name, n=MAX_TEXT_CHARS))
        return value
    if kind == "integer":
        number = _number(field, value)
        if isinstance(number, int):
            return number
        if not float(number).is_integer():
            raise ValidationError(NEEDS_WHOLE_NUMBER(field=field.name))
        return int(number)
    if kind == "decimal":
        return float(_number(field, value))
    if kind == "range":
        number = _number(field, value)
        if _range_is_integral(field) and float(number).is_integer():
            return int(number)
        return float(number)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValidationError(NEEDS_YES_NO(field=field.name))
        return value
    if kind == "select_multiple":
        if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(v, str) and v for v in value):
            raise ValidationError(NEEDS_LIST_CHOICES(field=field.name))
        items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        return list(dict.fromkeys(items))
    if kind == "date":
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ValidationError(NEEDS_DATE(field=field.name))
        return value.isoformat()
    if kind == "time":
        if not isinstance(value, dt.time) or value.tzinfo is not None:
            raise ValidationError(NEEDS_TIME_DAY_WITHOUT(field=field.name))
        return value.replace(microsecond=0).isoformat()
    if kind == "datetime":
        if not isinstance(value, dt.datetime) or value.tzinfo is not None:
            raise ValidationError(NEEDS_LOCAL_DATE_TIME(field=field.name))
        return value.replace(microsecond=0).isoformat()
    if kind == "geopoint":
        return _geopoint(field, value)
    if kind in LINE_TYPES:
        return _line(field, value)
    if kind in FILE_TYPES:
        return _file(field, value)
    if kind == "repeat":
        return _instances(field, value, to_stored)
    raise ValidationError(HAS_TYPE_FIELDBOOK_DOES(field=field.name, type=kind))


def _instances(field: Field, value: Any, each: Any) -> list[dict[str, Any]]:
    """A repeat's instances, each answer through ``each`` (``to_stored`` or ``check_stored``)."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, Mapping) for item in value):
        raise ValidationError(NEEDS_INSTANCES(field=field.name))
    if len(value) > MAX_INSTANCES:
        raise ValidationError(TOO_MANY_INSTANCES(field=field.name, n=MAX_INSTANCES))
    inside = {item.name: item for item in instance_fields(field)}
    out = []
    for instance in value:
        unknown = [key for key in instance if key not in inside]
        if unknown:
            raise ValidationError(NOT_INSIDE(field=field.name, name=str(unknown[0])))
        converted = {name: each(inside[name], answer) for name, answer in instance.items()}
        out.append({name: answer for name, answer in converted.items() if answer is not None})
    return out


def _line(field: Field, value: Any) -> list[dict[str, Any]]:
    """A line's or an outline's points, each a stored geopoint; an outline's repeated first point
    at the end (ODK's way of closing it) is dropped."""
    if not isinstance(value, (list, tuple)):
        raise ValidationError(NEEDS_POINTS(field=field.name, n=MIN_POINTS[field.type]))
    if len(value) > MAX_POINTS:
        raise ValidationError(TOO_MANY_POINTS(field=field.name, n=MAX_POINTS))
    points = [_geopoint(field, point) for point in value]
    if field.type == "geoshape" and len(points) > MIN_POINTS["geoshape"] and closed_twice(points):
        points = points[:-1]
    if len(points) < MIN_POINTS[field.type]:
        raise ValidationError(NEEDS_POINTS(field=field.name, n=MIN_POINTS[field.type]))
    return points


def _geopoint(field: Field, value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        lat: Any = value.get("lat")
        lon: Any = value.get("lon")
        acc: Any = value.get("accuracy")
        if set(value) - {"lat", "lon", "accuracy"}:
            raise ValidationError(NEEDS_LOCATION_LAT_LON(field=field.name))
    elif isinstance(value, (list, tuple)) and len(value) in (2, 3):
        lat, lon, acc = value[0], value[1], value[2] if len(value) == 3 else None
    else:
        raise ValidationError(NEEDS_LOCATION_LATITUDE_LONGITUDE(field=field.name))
    for part in (lat, lon) + ((acc,) if acc is not None else ()):
        if isinstance(part, bool) or not isinstance(part, (int, float)) or not math.isfinite(part):
            raise ValidationError(NEEDS_LOCATION_GIVEN_NUMBERS(field=field.name))
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise ValidationError(LOCATION_OUTSIDE_EARTH_S(field=field.name))
    if acc is not None and acc < 0:
        raise ValidationError(ACCURACY_CANNOT_NEGATIVE(field=field.name))
    return {"lat": float(lat), "lon": float(lon), "accuracy": None if acc is None else float(acc)}


def _file(field: Field, value: Any) -> dict[str, Any]:
    if isinstance(value, FileRef):
        value = {"sha256": value.sha256, "name": value.name, "size": value.size, "mime": value.mime}
    if not isinstance(value, Mapping) or set(value) - {"sha256", "name", "size", "mime"}:
        raise ValidationError(NEEDS_STORED_FILE(field=field.name))
    sha, name, size, mime = value.get("sha256"), value.get("name"), value.get("size"), value.get("mime")
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise ValidationError(FILE_HAS_VALID_CONTENT(field=field.name))
    if not isinstance(name, str) or not name or isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValidationError(FILE_NEEDS_NAME_SIZE(field=field.name))
    if mime is not None and not isinstance(mime, str):
        raise ValidationError(FILE_TYPE_MUST_TEXT(field=field.name))
    return {"sha256": sha, "name": name, "size": size, "mime": mime}


def check_stored(field: Field, stored: Any) -> Any:
    """``stored`` if it is already the exact stored form for ``field``; else ``ValidationError``.

    Empty values (None, ``""``, ``[]``) are accepted and returned as None.
    """
    if _empty(stored):
        return None
    if field.type == "repeat":
        if _instances(field, stored, check_stored) != stored:  # an empty answer written out
            raise ValidationError(VALUE_STORED_FORM_FIELD(field=field.name, type=field.type))
        return stored
    if isinstance(stored, str) and field.type not in ("text", "select_one"):
        normal = to_stored(field, to_widget(field, stored)) if field.type in ("date", "time", "datetime") else None
        if normal != stored:
            raise ValidationError(VALUE_STORED_FORM_FIELD(field=field.name, type=field.type))
        return stored
    normal = to_stored(field, stored)
    if normal != stored or type(normal) is not type(stored):
        raise ValidationError(VALUE_STORED_FORM_FIELD(field=field.name, type=field.type))
    return stored


def to_widget(field: Field, stored: Any) -> Any:
    """The Python value a widget shows for ``stored``: dates, times and datetimes as ``datetime``
    objects, files as ``FileRef``, lists copied; None stays None. ``ValidationError`` if the
    stored value is malformed."""
    if stored is None:
        return None
    kind = field.type
    try:
        if kind == "date":
            return dt.date.fromisoformat(stored)
        if kind == "time":
            return dt.time.fromisoformat(stored)
        if kind == "datetime":
            return dt.datetime.fromisoformat(stored)
    except (TypeError, ValueError):
        raise ValidationError(STORED_VALUE_VALID(field=field.name, type=kind)) from None
    if kind == "select_multiple":
        return list(stored) if isinstance(stored, (list, tuple)) else stored
    if kind == "geopoint" and isinstance(stored, Mapping):
        return dict(stored)
    if kind in LINE_TYPES and isinstance(stored, list):
        return [dict(point) if isinstance(point, Mapping) else point for point in stored]
    if kind == "repeat" and isinstance(stored, list):
        return [dict(instance) if isinstance(instance, Mapping) else instance for instance in stored]
    if kind in FILE_TYPES and isinstance(stored, Mapping):
        stored = _file(field, stored)
        return FileRef(stored["sha256"], stored["name"], stored["size"], stored["mime"])
    return stored


def _parse_number(field: Field, text: str) -> float:
    compact = text.replace(" ", "").replace("\u00a0", "")
    if not _NUMBER.fullmatch(compact) or ("," in compact and "." in compact):
        raise ValidationError(NUMBER_WRITE_LIKE(text=text, field=field.name))
    number = float(compact.replace(",", "."))
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        raise ValidationError(NUMBER_TOO_LARGE2(text=text, field=field.name))
    return number


def parse_text(field: Field, text: str) -> Any:
    """A spreadsheet cell or command-line string as the stored value for ``field``.

    Blank text is empty (None). Numbers take a decimal point or comma; booleans take
    yes/no, true/false, 1/0, ja/nein; select_multiple takes names separated by spaces (the XLSForm
    convention); dates are ISO (``2024-05-31``) or German (``31.05.2024``); datetimes drop a time
    zone offset, keeping the local time as written; geopoints are ``lat lon [altitude] [accuracy]``
    (ODK) or ``lat,lon``. Files and a repeat's entries cannot come from text except as their
    stored JSON.
    ``ValidationError`` names the field and the text when the text cannot be read.
    """
    if not isinstance(text, str):
        raise ValidationError(EXPECTS_TEXT_READ_VALUE(field=field.name))
    raw = text.strip()
    if not raw or not field.holds_value:
        return None
    kind = field.type
    if kind == "text":
        return to_stored(field, text)
    if kind == "select_one":
        return raw
    if kind == "select_multiple":
        return list(dict.fromkeys(raw.split()))
    if kind in ("integer", "decimal", "range"):
        number = _parse_number(field, raw)
        if kind == "integer" and not number.is_integer():
            raise ValidationError(WHOLE_NUMBER(text=text, field=field.name))
        return to_stored(field, int(number) if number.is_integer() and kind != "decimal" else number)
    if kind == "boolean":
        word = raw.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(NOT_YES_NO(text=text, field=field.name))
    try:
        if kind == "date":
            german = _GERMAN_DATE.fullmatch(raw)
            if german:
                return dt.date(int(german[3]), int(german[2]), int(german[1])).isoformat()
            return dt.date.fromisoformat(raw).isoformat() if len(raw) == 10 else _bad(field, text)
        if kind == "time":
            return to_stored(field, dt.time.fromisoformat(raw))
        if kind == "datetime":
            moment = dt.datetime.fromisoformat(_OFFSET.sub("", raw).replace(" ", "T", 1))
            return to_stored(field, moment.replace(tzinfo=None))
    except ValueError:
        _bad(field, text)
    if kind == "geopoint":
        # "lat, lon[, accuracy]" (a comma followed by a space, or a semicolon, separates: what the
        # record editor shows and what people paste from maps), "lat,lon", or ODK's
        # space-separated "lat lon [altitude] [accuracy]" (there a comma is a decimal comma).
        listed = re.search(r",\s|;", raw) is not None
        if listed:
            parts = [p.strip() for p in re.split(r",\s+|;\s*", raw)]
        else:
            parts = [p.strip() for p in raw.split(",")] if raw.count(",") == 1 else raw.split()
        if len(parts) not in ((2, 3) if listed else (2, 3, 4)):
            raise ValidationError(LOCATION_WRITE_LATITUDE_LONGITUDE(text=text, field=field.name))
        numbers = [_parse_number(field, part) for part in parts]
        accuracy = numbers[2] if listed and len(numbers) == 3 else (numbers[3] if len(numbers) == 4 else None)
        return _geopoint(field, (numbers[0], numbers[1], accuracy))
    if kind in LINE_TYPES:
        # ODK's text: points "lat lon [altitude] [accuracy]" separated by ";"; or one point per
        # line, as the editor shows them (where a German point is "48,1; 11,5": ";" is inside it)
        point = dataclasses.replace(field, type="geopoint")
        parts = raw.splitlines() if "\n" in raw else raw.split(";")
        return _line(field, [parse_text(point, part) for part in parts if part.strip()])
    if kind in FILE_TYPES:
        try:
            return _file(field, json.loads(raw))
        except ValueError:
            raise ValidationError(FILE_CANNOT_READ_FROM(field=field.name)) from None
    if kind == "repeat":  # its stored JSON (``format_value(labels=False)``)
        try:
            return to_stored(field, json.loads(raw))
        except (ValueError, RecursionError):
            raise ValidationError(INSTANCES_CANNOT_READ(field=field.name)) from None
    raise ValidationError(HAS_TYPE_FIELDBOOK_DOES(field=field.name, type=kind))


def _bad(field: Field, text: str) -> Any:
    examples = {"date": "2024-05-31", "time": "14:30", "datetime": "2024-05-31T14:30"}
    sentence = {"date": NOT_DATE, "time": NOT_TIME, "datetime": NOT_DATETIME}[field.type]
    raise ValidationError(sentence(text=text, example=examples[field.type], field=field.name))


def _point_text(point: Mapping[str, Any]) -> str:
    """A geopoint as ODK writes it: ``lat lon`` or ``lat lon 0 accuracy`` (no altitude kept)."""
    acc = point.get("accuracy")
    return f"{number_text(point['lat'])} {number_text(point['lon'])}" + ("" if acc is None else f" 0 {number_text(acc)}")


def _line_text(kind: str, points: list[Mapping[str, Any]], lang: str) -> str:
    """A line as its length, an outline as its area, in the units a person reads at that size."""
    length, area = measure(kind, points)
    if area is not None:
        return f"{locale.format_number(round(area / 10_000, 2), lang)} ha" if area >= 10_000 else f"{locale.format_number(round(area), lang)} m²"
    return f"{locale.format_number(round(length / 1000, 2), lang)} km" if length >= 1000 else f"{locale.format_number(round(length), lang)} m"


def format_value(form: FormDef, field: Field, stored: Any, lang: str, *, labels: bool = True) -> str:
    """``stored`` as text for tables and exports.

    ``labels=True`` is for people: choice labels, yes/no, numbers, dates and times as ``lang``
    writes them (``41,5``, ``31.05.2024`` in German), ``lat; lon ±acc m``;
    ``labels=False`` gives machine text that ``parse_text`` reads back to the same value (choice
    names separated by spaces, true/false, ODK geopoints, ODK lines ``lat lon 0 acc;…``); a line
    is shown as its length, an outline as its area. Never raises: a malformed value is
    shown as it is.
    """
    if stored is None or not field.holds_value:
        return ""
    kind = field.type
    try:
        if kind in ("select_one", "select_multiple"):
            names = [stored] if kind == "select_one" else list(stored)
            if not labels:
                return " ".join(names)
            by_name = form.choices_by_name(field)
            shown = [form.text(by_name[n].label, lang) or n if n in by_name else n for n in names]
            return ", ".join(shown)
        if kind == "boolean":
            if not labels:
                return "true" if stored else "false"
            words = {"de": ("ja", "nein")}.get(lang, ("yes", "no"))
            return words[0] if stored else words[1]
        if kind in ("integer", "decimal", "range"):
            return locale.format_number(stored, lang) if labels else number_text(stored)
        if kind == "geopoint":
            lat, lon, acc = stored["lat"], stored["lon"], stored.get("accuracy")
            if not labels:
                return _point_text(stored)
            where = locale.format_geopoint({"lat": lat, "lon": lon}, lang)
            return where + ("" if acc is None else f" ±{locale.format_number(acc, lang)} m")
        if labels and kind == "date":
            return locale.format_date(dt.date.fromisoformat(stored), lang)
        if labels and kind == "datetime":
            return locale.format_moment(dt.datetime.fromisoformat(stored), lang)
        if labels and kind == "time":
            return locale.format_time(dt.time.fromisoformat(stored), lang)
        if kind in LINE_TYPES:
            closed = [*stored, stored[0]] if kind == "geoshape" else stored  # an outline as ODK writes it
            return _line_text(kind, stored, lang) if labels else ";".join(_point_text(p) for p in closed)
        if kind in FILE_TYPES:
            return str(stored["name"])
        if kind == "repeat":
            if not labels:
                return json.dumps(stored, ensure_ascii=False, separators=(",", ":"))
            words = {"de": ("Eintrag", "Einträge")}.get(lang, ("entry", "entries"))
            return f"{locale.format_number(len(stored), lang)} {words[0] if len(stored) == 1 else words[1]}"
    except Exception:  # noqa: BLE001 (documented: never raises; a date at the calendar's edge overflows)
        pass
    return stored if isinstance(stored, str) else str(stored)
