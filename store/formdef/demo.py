"""A real form to try Fieldbook with: a street-tree survey in English and German.

Built through ``form_from_json`` so that it is checked like any user's form.
"""

from __future__ import annotations

from typing import Any

from store.formdef.model import FormDef
from store.formdef.schema import form_from_json

SPECIES = [
    ("quercus_robur", "English oak", "Stieleiche"),
    ("fagus_sylvatica", "European beech", "Rotbuche"),
    ("tilia_cordata", "Small-leaved lime", "Winterlinde"),
    ("acer_platanoides", "Norway maple", "Spitzahorn"),
    ("betula_pendula", "Silver birch", "Hängebirke"),
    ("pinus_sylvestris", "Scots pine", "Waldkiefer"),
    ("aesculus_hippocastanum", "Horse chestnut", "Rosskastanie"),
    ("platanus_acerifolia", "London plane", "Platane"),
]
HEALTH = [("good", "Good", "Gut"), ("fair", "Fair", "Mittel"), ("poor", "Poor", "Schlecht"), ("dead", "Dead", "Abgestorben")]
DAMAGE = [
    ("dieback", "Branch dieback", "Zweigsterben"),
    ("broken", "Broken branches", "Abgebrochene Äste"),
    ("fungus", "Fungal fruiting bodies", "Pilzfruchtkörper"),
    ("leaf_loss", "Leaf loss", "Blattverlust"),
    ("bark", "Bark damage", "Rindenschaden"),
]


def _texts(en: str, de: str) -> dict[str, str]:
    return {"en": en, "de": de}


def _choices(rows: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    return [{"name": name, "label": _texts(en, de)} for name, en, de in rows]


DEMO_FORM: dict[str, Any] = {
    "title": _texts("Street tree survey", "Straßenbaum-Kartierung"),
    "default_language": "en",
    "form_id": "tree_survey",
    "version": "1",
    "fields": [
        {
            "name": "intro",
            "type": "note",
            "label": _texts(
                "One record per tree. Measure the trunk at breast height (1.3 m).",
                "Ein Datensatz pro Baum. Den Stamm in Brusthöhe (1,3 m) messen.",
            ),
        },
        {
            "name": "species",
            "type": "select_one",
            "label": _texts("Species", "Baumart"),
            "required": True,
            "choice_list": "species",
        },
        {
            "name": "observed_on",
            "type": "date",
            "label": _texts("Observed on", "Beobachtet am"),
            "required": True,
            "default": "today()",
            "constraint": ". <= today()",
            "constraint_message": _texts("The date cannot be in the future.", "Das Datum darf nicht in der Zukunft liegen."),
        },
        {"name": "location", "type": "geopoint", "label": _texts("Location", "Standort")},
        {
            "name": "measurements",
            "type": "group",
            "label": _texts("Measurements", "Messungen"),
            "children": [
                {
                    "name": "dbh_cm",
                    "type": "decimal",
                    "label": _texts("Trunk diameter at breast height (cm)", "Brusthöhendurchmesser (cm)"),
                    "hint": _texts("Measured 1.3 m above the ground.", "Gemessen 1,3 m über dem Boden."),
                    "required": True,
                    "constraint": ". > 0 and . < 500",
                    "constraint_message": _texts(
                        "The diameter must be more than 0 and less than 500 cm.",
                        "Der Durchmesser muss größer als 0 und kleiner als 500 cm sein.",
                    ),
                },
                {
                    "name": "circumference_cm",
                    "type": "decimal",
                    "label": _texts("Trunk circumference (cm, calculated)", "Stammumfang (cm, berechnet)"),
                    "read_only": True,
                    "calculation": "round(${dbh_cm} * 3.14159, 1)",
                },
                {
                    "name": "height_m",
                    "type": "range",
                    "label": _texts("Tree height (m)", "Baumhöhe (m)"),
                    "parameters": {"start": 0, "end": 60, "step": 1},
                },
            ],
        },
        {
            "name": "health",
            "type": "select_one",
            "label": _texts("Health", "Vitalität"),
            "required": True,
            "choice_list": "health",
        },
        {
            "name": "crown_damage",
            "type": "select_multiple",
            "label": _texts("Crown damage", "Kronenschäden"),
            "relevant": "${health} != 'good'",
            "choice_list": "damage",
        },
        {"name": "photo", "type": "photo", "label": _texts("Photo of the tree", "Foto des Baums")},
        {
            "name": "notes",
            "type": "text",
            "label": _texts("Notes", "Bemerkungen"),
            "parameters": {"multiline": True},
        },
    ],
    "choice_lists": {"species": _choices(SPECIES), "health": _choices(HEALTH), "damage": _choices(DAMAGE)},
}


def demo_form() -> FormDef:
    """The tree survey, checked."""
    return form_from_json(DEMO_FORM)
