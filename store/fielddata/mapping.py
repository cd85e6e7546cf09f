"""Which column of an import file goes into which field: found automatically, edited by a person.

A mapping is ``{column title: target or None}``; a target is a field name, or for a location
field split over three columns ``name.lat``, ``name.lon``, ``name.accuracy`` (the export writes
``name_lat`` … and they map back by themselves). ``None`` ignores the column.

Automatic mapping compares case- and space-insensitively: the field name, then its label in
any language. Columns starting with ``_`` are Fieldbook's own export metadata (id, status, …) and
are ignored, as are photo and file columns (files cannot come from a table cell).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from store.formdef import FormDef
from store.formdef.model import FILE_TYPES, Field

GEO_PARTS = ("lat", "lon", "accuracy")
NOT_FROM_TABLES = FILE_TYPES


def norm(text: str) -> str:
    return "".join(str(text).lower().split()).replace("_", "").replace("-", "")


@dataclass(frozen=True)
class Target:
    """A mapping target resolved against the form."""

    field: Field
    part: str | None = None  # lat/lon/accuracy

    @property
    def name(self) -> str:
        return f"{self.field.name}.{self.part}" if self.part else self.field.name


def _lookup(form: FormDef) -> dict[str, str]:
    """Normalised name or label → target, names first so that a label never hides a name."""
    table: dict[str, str] = {}
    fields = [f for f in form.value_fields() if f.type not in NOT_FROM_TABLES]
    for f in fields:
        table.setdefault(norm(f.name), f.name)
        if f.type == "geopoint":
            for part in GEO_PARTS:
                table.setdefault(norm(f"{f.name}_{part}"), f"{f.name}.{part}")
                table.setdefault(norm(f"{f.name}.{part}"), f"{f.name}.{part}")
    for f in fields:
        for label in f.label.values():
            if label and label.strip():
                table.setdefault(norm(label), f.name)
    return table


def auto_mapping(header: list[str], form: FormDef) -> dict[str, str | None]:
    """Each column's field by name or label; ``None`` for columns matching nothing (or a taken field)."""
    table = _lookup(form)
    mapping: dict[str, str | None] = {}
    taken: set[str] = set()
    for title in header:
        if not title:
            continue
        target = None if title.startswith("_") else table.get(norm(title))
        if target in taken:
            target = None
        if target is not None:
            taken.add(target)
        mapping[title] = target
    return mapping


def resolve(form: FormDef, target: str) -> Target | None:
    """The field (and location part) ``target`` names, or None when the form has no such field."""
    try:  # a field name may itself contain a dot ("site.code"): the whole name first
        exact = form.field(target)
    except KeyError:
        exact = None
    if exact is not None:
        return Target(exact) if exact.holds_value else None
    name, _, part = target.rpartition(".")
    try:
        field = form.field(name)
    except KeyError:
        return None
    if field.holds_value and field.type == "geopoint" and part in GEO_PARTS:
        return Target(field, part)
    return None


def merged(auto: Mapping[str, str | None], overrides: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """The automatic mapping with a person's choices on top (an empty target means ignore)."""
    result = dict(auto)
    for column, target in (overrides or {}).items():
        result[column] = target or None
    return result
