"""A record being edited = its saved data overlaid with the draft inputs typed since (pure).

The editor's widgets persist every change as an input in the scope ``record:<id>`` (zero-loss
input); this module turns those widget values into stored values and says which ones do not fit
their field. ``BASE`` remembers the record version the draft started from, so a save can refuse
to overwrite a version saved elsewhere meanwhile. Keys that are not field names contain ``~``,
which a field name cannot (store/formdef), so they never collide with a field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app import numbers
from store.core import ValidationError
from store.formdef import FormDef, to_stored
from store.formdef.geo import LINE_TYPES

BASE = "~base"
TIME_SUFFIX = "~time"  # the time half of a datetime field, which is shown as two widgets
UNREADABLE = "unreadable"  # a problem: text typed into a number or location field that is not one


def scope_of(record_id: str) -> str:
    return f"record:{record_id}"


@dataclass(frozen=True)
class Draft:
    values: dict[str, Any]  # stored form; saved data overlaid with what was typed
    touched: frozenset[str]  # fields with a draft input
    problems: dict[str, str] = field(default_factory=dict)  # field -> why its input does not fit
    base: int | None = None  # record version the draft started from

    def dirty(self, saved: Mapping[str, Any]) -> bool:
        return bool(self.problems) or any(self.values.get(k) != saved.get(k) for k in self.touched)


def _saved_moment(saved: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(saved) if isinstance(saved, str) else None
    except ValueError:
        return None


def _datetime(name: str, saved: Any, inputs: Mapping[str, Any]) -> Any:
    """A datetime shown as a date and a time widget: each half falls back to the saved value."""
    before = _saved_moment(saved)
    day = inputs[name] if name in inputs else (before.date() if before else None)
    moment = inputs[name + TIME_SUFFIX] if name + TIME_SUFFIX in inputs else (before.time() if before else None)
    if day is None:
        return None  # no date, no moment (a time alone is not a datetime)
    if isinstance(day, dt.datetime):
        day = day.date()
    return dt.datetime.combine(day, moment if isinstance(moment, dt.time) else dt.time())


def build_draft(form: FormDef, saved: Mapping[str, Any], inputs: Mapping[str, Any]) -> Draft:
    """The draft from the saved ``data`` and the scope's ``inputs`` ({key: widget value})."""
    values = dict(saved)
    problems: dict[str, str] = {}
    touched = set()
    for item in form.value_fields():
        name = item.name
        is_datetime = item.type == "datetime"
        if name not in inputs and not (is_datetime and name + TIME_SUFFIX in inputs):
            continue
        touched.add(name)
        raw = _datetime(name, saved.get(name), inputs) if is_datetime else inputs[name]
        if item.type == "geopoint" and isinstance(raw, str):
            # a location typed before the location widget read it (a draft from an older version):
            # read it as the widget does, in any language
            try:
                raw = numbers.parse_geopoint(raw, "en")
            except numbers.GeopointTextError:
                pass
        if item.type in LINE_TYPES and isinstance(raw, str):  # the text area's text: one point per line
            try:
                raw = numbers.parse_geoline(raw, "en", item.type)  # any language's way (only messages differ)
            except numbers.GeopointTextError:
                problems[name] = UNREADABLE
                values[name] = None
                continue
        if item.type in ("integer", "decimal", "geopoint") and isinstance(raw, str) and raw.strip():
            # the number and location widgets store a number / a location, or the text they
            # refused (app.widgets.s_number, s_geopoint); the editor words the message
            problems[name] = UNREADABLE
            values[name] = None
            continue
        try:
            values[name] = to_stored(item, raw)
        except ValidationError as exc:
            problems[name] = str(exc)
            values[name] = None
    base = inputs.get(BASE)
    return Draft(values, frozenset(touched), problems, base if isinstance(base, int) else None)
