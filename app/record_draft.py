"""A record being edited = its saved data overlaid with the draft inputs typed since (pure).

The editor's widgets persist every change as an input in the scope ``record:<id>`` (zero-loss
input); this module turns those widget values into stored values and says which ones do not fit
their field. ``BASE`` remembers the record version the draft started from, so a save can refuse
to overwrite a version saved elsewhere meanwhile. Keys that are not field names contain ``~``,
which a field name cannot (store/formdef), so they never collide with a field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app import numbers
from store.core import ValidationError
from store.formdef import Field, FormDef, entry_defaults, entry_key, instance_fields, to_stored
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
    problems: dict[str, str] = field(default_factory=dict)  # field (its path in a repeat) -> why its input does not fit
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
        if _read(item, item.name, item.name, saved, values, inputs, problems):
            touched.add(item.name)
    base = inputs.get(BASE)
    return Draft(values, frozenset(touched), problems, base if isinstance(base, int) else None)


# --- repeats ----------------------------------------------------------------------------
# The entries of a repeat are kept by id in the draft, so that removing or moving one never
# moves what was typed into another: a saved entry is ``s<n>`` (its place in the saved data),
# an added one ``n<hex>``, one a repeat's count added ``p<n>`` (its place; taken in once something
# not empty is typed into it, and given up by setting its inputs to None). The input
# ``<repeat>~entries`` holds the ids in order: written by the first input in an entry, and by
# adding, removing or moving one (app/record_entries.py). A field of an entry is the input
# ``<repeat>~<id>~<field>`` (and deeper: ``plot~s1~tree~n3f~dbh``). ``s<n>`` is read against
# the record's data as it is now, which is the draft's base until a newer version is saved
# elsewhere; then the draft is stale, and building it on the newer version ("Keep mine") is
# refused where that version changed the entries too (app/views/record_edit.py).

ENTRIES = "~entries"


def entry_input(repeat_key: str, entry_id: str, name: str) -> str:
    """The input key of field ``name`` in entry ``entry_id`` of the repeat at ``repeat_key``."""
    return f"{repeat_key}~{entry_id}~{name}"


def entry_ids(repeat: Field, repeat_key: str, saved: Any, inputs: Mapping[str, Any]) -> list[str]:
    """The ids of the repeat's entries in the draft, in order."""
    given = inputs.get(repeat_key + ENTRIES)
    if isinstance(given, list) and all(isinstance(i, str) for i in given):
        ids = list(given)
    else:
        ids = [f"s{n}" for n in range(1, len(saved) + 1)] if isinstance(saved, list) else []
    if "count" in repeat.parameters:  # entries the count added, up to the last one something is typed into
        added = re.compile(re.escape(repeat_key) + r"~p(\d+)~")
        typed = [int(m[1]) for key, value in inputs.items() if value is not None and (m := added.match(key))]
        ids += [f"p{k}" for k in range(len(ids) + 1, max(typed, default=0) + 1)]
    return ids


def saved_entry(repeat: Field, saved: Any, entry_id: str) -> Mapping[str, Any]:
    """What an entry holds before the draft's inputs: its saved answers, or (an added one) the defaults."""
    if entry_id[:1] != "s":
        return entry_defaults(repeat)
    if isinstance(saved, list) and entry_id[1:].isdigit():
        index = int(entry_id[1:]) - 1
        if 0 <= index < len(saved) and isinstance(saved[index], Mapping):
            return saved[index]
    return {}


def _entries(repeat: Field, key: str, path: str, saved: Any, inputs: Mapping[str, Any], problems: dict[str, str]) -> tuple[bool, Any]:
    """(whether anything was typed into it, its entries) of the repeat at input ``key``."""
    ids = entry_ids(repeat, key, saved, inputs)
    touched = key + ENTRIES in inputs
    entries = []
    for position, entry_id in enumerate(ids, start=1):
        base = saved_entry(repeat, saved, entry_id)
        entry = dict(base)
        for item in instance_fields(repeat):
            inner = entry_input(key, entry_id, item.name)
            touched |= _read(item, inner, entry_key(path, position) + item.name, base, entry, inputs, problems)
        entries.append(entry)
    return touched, entries if entries or saved is not None else None


def _read(item: Field, key: str, path: str, saved: Mapping[str, Any], values: dict[str, Any], inputs: Mapping[str, Any], problems: dict[str, str]) -> bool:
    """Put the draft value of ``item`` (input ``key``) into ``values``; a problem by its ``path``.
    Whether the draft has an input for it."""
    name = item.name
    if item.type == "repeat":
        touched, entries = _entries(item, key, path, saved.get(name), inputs, problems)
        if touched:
            values[name] = entries
        return touched
    is_datetime = item.type == "datetime"
    if key not in inputs and not (is_datetime and key + TIME_SUFFIX in inputs):
        return False
    raw = _datetime(key, saved.get(name), inputs) if is_datetime else inputs[key]
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
            problems[path] = UNREADABLE
            values[name] = None
            return True
    if item.type in ("integer", "decimal", "geopoint") and isinstance(raw, str) and raw.strip():
        # the number and location widgets store a number / a location, or the text they
        # refused (app.widgets.s_number, s_geopoint); the editor words the message
        problems[path] = UNREADABLE
        values[name] = None
        return True
    try:
        values[name] = to_stored(item, raw)
    except ValidationError as exc:
        problems[path] = str(exc)
        values[name] = None
    return True
