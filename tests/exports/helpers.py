"""A bird survey project with two form versions, and records covering every exported type.

Form v1 has ``old_note``; v2 drops it and adds ``depth``. Records use non-ASCII text, empty
values, several choices, locations and a photo, so every export can be compared value by value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from store.core.db import Store
from store.fielddata.attachments import save_attachment
from store.fielddata.projects import Project, add_form_version, create_project
from store.fielddata.records import create_record, delete_record
from store.formdef import FormDef, form_from_json

USER = "tester"

CHOICES = {
    "species": [
        {"name": "robin", "label": {"en": "Robin", "de": "Rotkehlchen"}},
        {"name": "wren", "label": {"en": "Wren", "de": "Zaunkönig"}},
        {"name": "tit", "label": {"en": "Great tit", "de": "Kohlmeise"}},
    ],
    "habitat": [
        {"name": "forest", "label": {"en": "Forest", "de": "Wald"}},
        {"name": "meadow", "label": {"en": "Meadow", "de": "Wiese"}},
        {"name": "water", "label": {"en": "Open water", "de": "Gewässer"}},
    ],
}


def _fields(version: int) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = [
        {"name": "observer", "type": "text", "label": {"en": "Observer", "de": "Beobachter"}, "required": True},
        {"name": "count", "type": "integer", "label": {"en": "Number of birds", "de": "Anzahl"}, "constraint": ". >= 0"},
        {"name": "weight", "type": "decimal", "label": {"en": "Weight (g)", "de": "Gewicht (g)"}},
        {"name": "species", "type": "select_one", "label": {"en": "Species", "de": "Art"}, "choice_list": "species"},
        {"name": "habitat", "type": "select_multiple", "label": {"en": "Habitat", "de": "Lebensraum"}, "choice_list": "habitat"},
        {"name": "seen_on", "type": "date", "label": {"en": "Date"}},
        {"name": "seen_at", "type": "time", "label": {"en": "Time"}},
        {"name": "logged", "type": "datetime", "label": {"en": "Logged"}},
        {"name": "ringed", "type": "boolean", "label": {"en": "Ringed", "de": "Beringt"}},
        {"name": "loc", "type": "geopoint", "label": {"en": "Location", "de": "Ort"}},
        {"name": "photo", "type": "photo", "label": {"en": "Photo"}},
    ]
    if version == 1:
        fields.append({"name": "old_note", "type": "text", "label": {"en": "Old note"}})
    else:
        fields.insert(3, {"name": "depth", "type": "decimal", "label": {"en": "Water depth", "de": "Wassertiefe"}})
    return fields


def form(version: int = 2) -> FormDef:
    return form_from_json({"title": {"en": "Bird survey"}, "default_language": "en", "fields": _fields(version), "choice_lists": CHOICES})


V1_RECORDS: list[dict[str, Any]] = [
    {
        "observer": "Jürgen Größ", "count": 3, "weight": 17.5, "species": "wren", "habitat": ["forest", "water"],
        "seen_on": "2024-05-31", "seen_at": "06:15:00", "logged": "2024-05-31T06:20:00", "ringed": True,
        "loc": {"lat": 47.3769, "lon": 8.5417, "accuracy": 4.5}, "old_note": "erste Zählung – «Nebel»",
    },
    {"observer": "Zoë 中文 🐦", "count": 0, "ringed": False, "old_note": None},
]
V2_RECORDS: list[dict[str, Any]] = [
    {
        "observer": "Ana", "count": 12, "weight": 9.25, "depth": 1.5, "species": "tit", "habitat": ["meadow"],
        "seen_on": "2025-01-02", "seen_at": "23:59:59", "logged": "2025-01-02T23:59:00", "ringed": False,
        "loc": {"lat": -33.8568, "lon": 151.2153, "accuracy": None},
    },
    {"observer": "Bo, \"quoted\"\nsecond line", "habitat": [], "loc": None},
]


def make_project(store: Store, attachments: Path, name: str = "Birds") -> tuple[Project, list[dict[str, Any]]]:
    """The project with 2 records under v1, 2 under v2 (one with a photo), and 1 deleted record.

    Returns the project and the live records' data in creation order.
    """
    project = create_project(store, name, form(1), user=USER)
    data = [dict(d) for d in V1_RECORDS]
    for d in data:
        create_record(store, project.id, d, user=USER, status="final")
    add_form_version(store, project.id, form(2), user=USER)
    photo = save_attachment(store, attachments, "Nest 1/../nest.jpg", b"\xff\xd8 jpeg bytes \x00\x01", "image/jpeg", 1 << 20)
    v2 = [dict(d) for d in V2_RECORDS]
    v2[0]["photo"] = {"sha256": photo.sha256, "name": photo.name, "size": photo.size, "mime": photo.mime}
    for d in v2:
        create_record(store, project.id, d, user=USER, status="draft" if d["observer"] != "Ana" else "final")
    gone = create_record(store, project.id, {"observer": "deleted one"}, user=USER)
    delete_record(store, gone.id, user=USER)
    return project, data + v2
