"""The demo project: a tree survey with a few sample records, created on a first start so a new
user sees something real. Created once: a flag in ``meta`` remembers it, so deleting the project
removes it for good."""

from __future__ import annotations

import duckdb

from store.core.db import Store
from store.fielddata.projects import create_project
from store.fielddata.records import import_records
from store.formdef.demo import demo_form
from store.formdef.evaluate import clean_for_save

FLAG = "demo_project_created"
NAME = "Tree survey (demo)"

SAMPLES = (
    {"species": "quercus_robur", "dbh_cm": 64.5, "health": "good", "height_m": 24, "observed_on": "2026-05-04",
     "location": {"lat": 48.1374, "lon": 11.5755, "accuracy": 4.0}, "notes": "Old oak by the path"},
    {"species": "fagus_sylvatica", "dbh_cm": 41.0, "health": "fair", "crown_damage": ["dieback"], "height_m": 28,
     "observed_on": "2026-05-04", "location": {"lat": 48.1381, "lon": 11.5762, "accuracy": 6.0}},
    {"species": "pinus_sylvestris", "dbh_cm": 33.2, "health": "poor", "crown_damage": ["broken", "fungus"],
     "height_m": 19, "observed_on": "2026-05-05", "location": {"lat": 48.1390, "lon": 11.5770, "accuracy": 5.0}},
)


def ensure_demo_project(store: Store, *, user: str) -> bool:
    """Create the demo project if this database never had one and has no projects; True if created."""
    row = store.read_one("SELECT (SELECT count(*) FROM meta WHERE key = ?), (SELECT count(*) FROM projects)", [FLAG])
    if row is None or row[0] or row[1]:
        return False
    form = demo_form()
    project = create_project(store, NAME, form, user=user, source="demo", is_demo=True)
    import_records(store, project.id, [clean_for_save(form, sample) for sample in SAMPLES], user=user)

    def flag(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("INSERT INTO meta VALUES (?, 'yes') ON CONFLICT DO NOTHING", [FLAG]).fetchall()

    store.write(flag)
    return True
