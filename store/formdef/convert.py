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
note / group       never stored
=================  =============================================================

Choice *membership* and range bounds are rules of the form, checked by ``evaluate_record``;
these functions only check that a value has the right shape for its type. The empty string
counts as empty (None) everywhere, so a cleared text box empties the field.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from store.core.errors import ValidationError
from store.core.values import FileRef
from store.formdef.model import Field

if TYPE_CHECKING:
    from store.formdef.model import FormDef

MAX_TEXT_CHARS = 100_000
MAX_NUMBER = 1e15  # beyond this a field value is far more likely a typo than a measurement
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
        raise ValidationError(f"'{field.name}' needs a number.")
    number: int | float = value if isinstance(value, int) else float(value)
    if isinstance(number, float) and not math.isfinite(number):
        raise ValidationError(f"'{field.name}' needs a finite number.")
    if abs(number) > MAX_NUMBER:
        raise ValidationError(f"The number for '{field.name}' is too large.")
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
            raise ValidationError(f"'{field.name}' needs text.")
        if len(value) > MAX_TEXT_CHARS:
            raise ValidationError(f"The text for '{field.name}' is longer than {MAX_TEXT_CHARS:,} characters.")
        return value
    if kind == "integer":
        number = _number(field, value)
        if isinstance(number, int):
            return number
        if not float(number).is_integer():
            raise ValidationError(f"'{field.name}' needs a whole number.")
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
            raise ValidationError(f"'{field.name}' needs yes or no.")
        return value
    if kind == "select_multiple":
        if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(v, str) and v for v in value):
            raise ValidationError(f"'{field.name}' needs a list of choices.")
        items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        return list(dict.fromkeys(items))
    if kind == "date":
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ValidationError(f"'{field.name}' needs a date.")
        return value.isoformat()
    if kind == "time":
        if not isinstance(value, dt.time) or value.tzinfo is not None:
            raise ValidationError(f"'{field.name}' needs a time of day without a time zone.")
        return value.replace(microsecond=0).isoformat()
    if kind == "datetime":
        if not isinstance(value, dt.datetime) or value.tzinfo is not None:
            raise ValidationError(f"'{field.name}' needs a local date and time without a time zone.")
        return value.replace(microsecond=0).isoformat()
    if kind == "geopoint":
        return _geopoint(field, value)
    if kind in ("photo", "file"):
        return _file(field, value)
    raise ValidationError(f"'{field.name}' has a type Fieldbook does not know ({kind}).")


def _geopoint(field: Field, value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        lat: Any = value.get("lat")
        lon: Any = value.get("lon")
        acc: Any = value.get("accuracy")
        if set(value) - {"lat", "lon", "accuracy"}:
            raise ValidationError(f"'{field.name}' needs a location with lat, lon and accuracy only.")
    elif isinstance(value, (list, tuple)) and len(value) in (2, 3):
        lat, lon, acc = value[0], value[1], value[2] if len(value) == 3 else None
    else:
        raise ValidationError(f"'{field.name}' needs a location (latitude and longitude).")
    for part in (lat, lon) + ((acc,) if acc is not None else ()):
        if isinstance(part, bool) or not isinstance(part, (int, float)) or not math.isfinite(part):
            raise ValidationError(f"'{field.name}' needs a location given as numbers.")
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise ValidationError(f"The location for '{field.name}' is outside the earth's coordinates.")
    if acc is not None and acc < 0:
        raise ValidationError(f"The accuracy for '{field.name}' cannot be negative.")
    return {"lat": float(lat), "lon": float(lon), "accuracy": None if acc is None else float(acc)}


def _file(field: Field, value: Any) -> dict[str, Any]:
    if isinstance(value, FileRef):
        value = {"sha256": value.sha256, "name": value.name, "size": value.size, "mime": value.mime}
    if not isinstance(value, Mapping) or set(value) - {"sha256", "name", "size", "mime"}:
        raise ValidationError(f"'{field.name}' needs a stored file.")
    sha, name, size, mime = value.get("sha256"), value.get("name"), value.get("size"), value.get("mime")
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise ValidationError(f"The file for '{field.name}' has no valid content hash.")
    if not isinstance(name, str) or not name or isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValidationError(f"The file for '{field.name}' needs a name and a size.")
    if mime is not None and not isinstance(mime, str):
        raise ValidationError(f"The file type for '{field.name}' must be text.")
    return {"sha256": sha, "name": name, "size": size, "mime": mime}


def check_stored(field: Field, stored: Any) -> Any:
    """``stored`` if it is already the exact stored form for ``field``; else ``ValidationError``.

    Empty values (None, ``""``, ``[]``) are accepted and returned as None.
    """
    if _empty(stored):
        return None
    if isinstance(stored, str) and field.type not in ("text", "select_one"):
        normal = to_stored(field, to_widget(field, stored)) if field.type in ("date", "time", "datetime") else None
        if normal != stored:
            raise ValidationError(f"The value of '{field.name}' is not in the stored form of a {field.type} field.")
        return stored
    normal = to_stored(field, stored)
    if normal != stored or type(normal) is not type(stored):
        raise ValidationError(f"The value of '{field.name}' is not in the stored form of a {field.type} field.")
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
        raise ValidationError(f"The stored value of '{field.name}' is not a valid {kind}.") from None
    if kind == "select_multiple":
        return list(stored) if isinstance(stored, (list, tuple)) else stored
    if kind == "geopoint" and isinstance(stored, Mapping):
        return dict(stored)
    if kind in ("photo", "file") and isinstance(stored, Mapping):
        stored = _file(field, stored)
        return FileRef(stored["sha256"], stored["name"], stored["size"], stored["mime"])
    return stored


def _parse_number(field: Field, text: str) -> float:
    compact = text.replace(" ", "").replace("\u00a0", "")
    if not _NUMBER.fullmatch(compact) or ("," in compact and "." in compact):
        raise ValidationError(f"'{text}' is not a number (write it like 12.5 or 12,5) for '{field.name}'.")
    number = float(compact.replace(",", "."))
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        raise ValidationError(f"The number '{text}' for '{field.name}' is too large.")
    return number


def parse_text(field: Field, text: str) -> Any:
    """A spreadsheet cell or command-line string as the stored value for ``field``.

    Blank text is empty (None). Numbers take a decimal point or comma; booleans take
    yes/no, true/false, 1/0, ja/nein; select_multiple takes names separated by spaces (the XLSForm
    convention); dates are ISO (``2024-05-31``) or German (``31.05.2024``); datetimes drop a time
    zone offset, keeping the local time as written; geopoints are ``lat lon [altitude] [accuracy]``
    (ODK) or ``lat,lon``. Files cannot come from text except as their stored JSON object.
    ``ValidationError`` names the field and the text when the text cannot be read.
    """
    if not isinstance(text, str):
        raise ValidationError(f"'{field.name}' expects text to read a value from.")
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
            raise ValidationError(f"'{text}' is not a whole number for '{field.name}'.")
        return to_stored(field, int(number) if number.is_integer() and kind != "decimal" else number)
    if kind == "boolean":
        word = raw.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(f"'{text}' is not yes or no for '{field.name}'.")
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
            raise ValidationError(f"'{text}' is not a location (write 'latitude, longitude') for '{field.name}'.")
        numbers = [_parse_number(field, part) for part in parts]
        accuracy = numbers[2] if listed and len(numbers) == 3 else (numbers[3] if len(numbers) == 4 else None)
        return _geopoint(field, (numbers[0], numbers[1], accuracy))
    if kind in ("photo", "file"):
        try:
            return _file(field, json.loads(raw))
        except ValueError:
            raise ValidationError(f"A file for '{field.name}' cannot be read from a table cell.") from None
    raise ValidationError(f"'{field.name}' has a type Fieldbook does not know ({kind}).")


def _bad(field: Field, text: str) -> Any:
    examples = {"date": "2024-05-31", "time": "14:30", "datetime": "2024-05-31T14:30"}
    raise ValidationError(f"'{text}' is not a {field.type} (write it like {examples[field.type]}) for '{field.name}'.")


def number_text(value: float) -> str:
    """A number as people write it: ``12`` for 12.0, ``12.5``, never an exponent for everyday sizes."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e16):
        return str(int(value))
    return repr(value)


def format_value(form: FormDef, field: Field, stored: Any, lang: str, *, labels: bool = True) -> str:
    """``stored`` as text for tables and exports.

    ``labels=True`` is for people (choice labels, yes/no in ``lang``, ``lat, lon ±acc m``);
    ``labels=False`` gives machine text that ``parse_text`` reads back to the same value (choice
    names separated by spaces, true/false, ODK geopoints). Never raises: a malformed value is
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
            by_name = {c.name: c for c in form.choices(field)}
            shown = [form.text(by_name[n].label, lang) or n if n in by_name else n for n in names]
            return ", ".join(shown)
        if kind == "boolean":
            if not labels:
                return "true" if stored else "false"
            words = {"de": ("ja", "nein")}.get(lang, ("yes", "no"))
            return words[0] if stored else words[1]
        if kind in ("integer", "decimal", "range"):
            return number_text(stored)
        if kind == "geopoint":
            lat, lon, acc = stored["lat"], stored["lon"], stored.get("accuracy")
            if not labels:
                return f"{number_text(lat)} {number_text(lon)}" + ("" if acc is None else f" 0 {number_text(acc)}")
            return f"{number_text(lat)}, {number_text(lon)}" + ("" if acc is None else f" ±{number_text(acc)} m")
        if kind in ("photo", "file"):
            return str(stored["name"])
    except (TypeError, KeyError, AttributeError, ValueError):
        pass
    return stored if isinstance(stored, str) else str(stored)
