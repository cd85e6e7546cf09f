"""Devices (each a real DuckDB file) and views of records on a device and on the server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg

from store.core.db import Store
from store.fielddata.projects import create_project
from store.formdef import form_from_json

USER = "tester"
FORM = form_from_json({
    "title": "Plots",
    "fields": [
        {"name": "plot", "type": "integer", "label": "Plot"},
        {"name": "notes", "type": "text", "label": "Notes"},
    ],
})

Snapshot = dict[str, tuple[Any, ...]]


def open_device(tmp_path: Path, name: str) -> Store:
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    return Store.open(folder / "fieldbook.duckdb")


def new_project(store: Store, name: str = "Plots") -> str:
    return create_project(store, name, FORM, user=USER).id


def local_records(store: Store) -> Snapshot:
    """id → (project, form version, data, status, deleted, hlc): what must be equal everywhere."""
    rows = store.read("SELECT id, project_id, form_version, data, status, deleted_at IS NOT NULL, hlc FROM records")
    return {r[0]: (r[1], r[2], json.loads(r[3]), r[4], r[5], r[6]) for r in rows}


def server_records(url: str) -> Snapshot:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT id, project_id, form_version, data, status, deleted, hlc FROM records").fetchall()
    return {r[0]: (r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows}


def server_rows(url: str, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params or []).fetchall()  # type: ignore[arg-type]


def outbox(store: Store) -> int:
    row = store.read_one("SELECT count(*) FROM changes")
    return int(row[0]) if row else 0


def local_conflicts(store: Store) -> list[dict[str, Any]]:
    rows = store.read("SELECT entity, record_id, local, remote, winner FROM conflicts ORDER BY detected_at")
    return [{"entity": e, "record_id": r, "local": json.loads(lo), "remote": json.loads(re), "winner": w} for e, r, lo, re, w in rows]
