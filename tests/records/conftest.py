from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from store.core.db import Store
from store.formdef import FormDef, form_from_json

FORM_JSON = {
    "title": {"en": "Trees", "de": "Bäume"},
    "fields": [
        {"name": "species", "type": "select_one", "choice_list": "sp", "label": {"en": "Species", "de": "Art"}, "required": True},
        {"name": "dbh", "type": "decimal", "label": {"en": "DBH"}, "constraint": ". > 0"},
        {"name": "damage", "type": "select_multiple", "choice_list": "dmg", "label": {"en": "Damage"}},
        {"name": "loc", "type": "geopoint", "label": {"en": "Location"}},
        {"name": "notes", "type": "text", "label": {"en": "Notes"}},
    ],
    "choice_lists": {
        "sp": [{"name": "oak", "label": {"en": "Oak", "de": "Eiche"}}, {"name": "beech", "label": {"en": "Beech", "de": "Buche"}}],
        "dmg": [{"name": "bark", "label": {"en": "Bark"}}, {"name": "crown", "label": {"en": "Crown"}}],
    },
}


@pytest.fixture
def form() -> FormDef:
    return form_from_json(FORM_JSON)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "fieldbook.duckdb")
    yield s
    s.close()
