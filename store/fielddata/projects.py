"""Projects and their versioned form definitions.

A project is created with its first form version. A new form version is added, never edited in
place; records keep the version they were recorded under. Rename, archive and delete are soft:
a deleted project keeps its rows (``deleted_at``) and can be restored. Every change writes its
outbox and audit rows in the same transaction (store/core/outbox.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from store.core.db import Store
from store.core.device import device_of
from store.core.errors import ValidationError
from store.core.ids import uuid7
from store.core.outbox import add_audit, add_change
from store.core.termsafe import has_control
from store.core.texts import said
from store.formdef import FormDef, form_from_text

MAX_NAME = 100
FORM_SOURCES = ("json", "xlsform", "editor", "demo", "sync")

NAME_MISSING = said("project.name_missing", "A project needs a name.")
NAME_CONTROL = said("project.name_control", "A project name cannot contain control characters (such as terminal escapes or text-direction overrides).")
NAME_TOO_LONG = said("project.name_too_long", "A project name can have at most {n} characters.")
NAME_TAKEN = said("project.name_taken", "A project named “{name}” already exists. Choose another name.")
GONE = said("project.gone", "This project does not exist (any more).")
VERSION_GONE = said("project.version_gone", "This project or form version does not exist.")


class ProjectNotFound(ValidationError):
    """No project with this id (or it was deleted for good by a restore)."""


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    description: str
    archived: bool
    deleted_at: datetime | None
    is_demo: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    form_version: int  # the latest form version
    record_count: int = 0  # not deleted
    last_activity: datetime | None = None


@dataclass(frozen=True)
class FormVersion:
    project_id: str
    version: int
    source: str
    created_at: datetime
    created_by: str
    field_count: int


def project_tag(project_id: str) -> str:
    """Cache tag of everything derived from one project's records and forms."""
    return f"project:{project_id}"


PROJECTS_TAG = "projects"

_SELECT = """
    SELECT p.id, p.name, p.description, p.archived, p.deleted_at, p.is_demo, p.created_at, p.created_by,
           p.updated_at,
           (SELECT max(version) FROM forms f WHERE f.project_id = p.id),
           (SELECT count(*) FROM records r WHERE r.project_id = p.id AND r.deleted_at IS NULL),
           greatest(p.updated_at, (SELECT max(updated_at) FROM records r WHERE r.project_id = p.id))
    FROM projects p
"""


def _project(row: tuple[Any, ...]) -> Project:
    pid, name, description, archived, deleted_at, is_demo, created_at, created_by, updated_at = row[:9]
    return Project(
        pid, name, description, archived, deleted_at, is_demo, created_at, created_by, updated_at,
        form_version=int(row[9] or 0), record_count=int(row[10]), last_activity=row[11],
    )


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(NAME_MISSING())
    if has_control(name):
        raise ValidationError(NAME_CONTROL())
    if len(name) > MAX_NAME:
        raise ValidationError(NAME_TOO_LONG(n=MAX_NAME))
    return name


def _check_unique(con: duckdb.DuckDBPyConnection, name: str, except_id: str | None = None) -> None:
    rows = con.execute(
        "SELECT id FROM projects WHERE lower(name) = lower(?) AND deleted_at IS NULL AND id IS DISTINCT FROM ?",
        [name, except_id],
    ).fetchall()
    if rows:
        raise ValidationError(NAME_TAKEN(name=name))


def _payload(con: duckdb.DuckDBPyConnection, project_id: str) -> dict[str, Any]:
    row = con.execute(
        "SELECT id, name, description, archived, deleted_at, is_demo, hlc FROM projects WHERE id = ?", [project_id]
    ).fetchall()[0]
    keys = ("id", "name", "description", "archived", "deleted_at", "is_demo", "hlc")
    return dict(zip(keys, row, strict=True))


def create_project(
    store: Store, name: str, form: FormDef, *, user: str, description: str = "", source: str = "json", is_demo: bool = False
) -> Project:
    """A new project with ``form`` as its form version 1."""
    name = clean_name(name)
    device = device_of(store)
    project_id = uuid7()

    def apply(con: duckdb.DuckDBPyConnection) -> None:
        _check_unique(con, name)
        hlc = device.clock.tick()
        con.execute(
            """INSERT INTO projects (id, name, description, is_demo, created_at, created_by, updated_at, hlc)
               VALUES (?, ?, ?, ?, now(), ?, now(), ?)""",
            [project_id, name, description, is_demo, user, hlc],
        ).fetchall()
        add_change(con, entity="project", entity_id=project_id, op="upsert", payload=_payload(con, project_id), hlc=hlc, device_id=device.id)
        add_audit(con, user=user, entity="project", entity_id=project_id, action="create", new={"name": name})
        _insert_form(con, project_id, 1, form, source, user, device.clock.tick(), device.id)

    store.write(apply)
    store.cache.invalidate(PROJECTS_TAG)
    return get_project(store, project_id)


def _insert_form(
    con: duckdb.DuckDBPyConnection, project_id: str, version: int, form: FormDef, source: str, user: str, hlc: str, device_id: str
) -> None:
    definition = form.dumps()
    con.execute(
        "INSERT INTO forms (project_id, version, definition, source, created_at, created_by, hlc) VALUES (?, ?, ?, ?, now(), ?, ?)",
        [project_id, version, definition, source, user, hlc],
    ).fetchall()
    payload = {"project_id": project_id, "version": version, "definition": json.loads(definition), "source": source}
    add_change(con, entity="form", entity_id=f"{project_id}:{version}", op="upsert", payload=payload, hlc=hlc, device_id=device_id)
    add_audit(con, user=user, entity="form", entity_id=f"{project_id}:{version}", action="create", new={"source": source})


def add_form_version(store: Store, project_id: str, form: FormDef, *, user: str, source: str = "editor") -> int:
    """Store ``form`` as the project's next form version and return its number."""
    device = device_of(store)

    def apply(con: duckdb.DuckDBPyConnection) -> int:
        _require(con, project_id)
        version = int(con.execute("SELECT coalesce(max(version), 0) + 1 FROM forms WHERE project_id = ?", [project_id]).fetchall()[0][0])
        _insert_form(con, project_id, version, form, source, user, device.clock.tick(), device.id)
        con.execute("UPDATE projects SET updated_at = now() WHERE id = ?", [project_id]).fetchall()
        return version

    version = store.write(apply)
    store.cache.invalidate(PROJECTS_TAG, project_tag(project_id))
    return version


def _require(con: duckdb.DuckDBPyConnection, project_id: str) -> tuple[Any, ...]:
    rows = con.execute("SELECT name, archived, deleted_at FROM projects WHERE id = ?", [project_id]).fetchall()
    if not rows:
        raise ProjectNotFound(GONE())
    return rows[0]


def _update(
    store: Store,
    project_id: str,
    user: str,
    action: str,
    sql: str,
    params: list[Any],
    old: Any,
    new: Any,
    unique_name: str | None = None,
) -> Project:
    device = device_of(store)

    def apply(con: duckdb.DuckDBPyConnection) -> None:
        _require(con, project_id)
        if unique_name is not None:
            _check_unique(con, unique_name, project_id)
        hlc = device.clock.tick()
        con.execute(f"UPDATE projects SET {sql}, updated_at = now(), hlc = ? WHERE id = ?", [*params, hlc, project_id]).fetchall()
        add_change(con, entity="project", entity_id=project_id, op="upsert", payload=_payload(con, project_id), hlc=hlc, device_id=device.id)
        add_audit(con, user=user, entity="project", entity_id=project_id, action=action, old=old, new=new)

    store.write(apply)
    store.cache.invalidate(PROJECTS_TAG, project_tag(project_id))
    return get_project(store, project_id)


def rename_project(store: Store, project_id: str, name: str, *, user: str) -> Project:
    name = clean_name(name)
    old = get_project(store, project_id)
    return _update(store, project_id, user, "rename", "name = ?", [name], {"name": old.name}, {"name": name}, unique_name=name)


def set_description(store: Store, project_id: str, description: str, *, user: str) -> Project:
    old = get_project(store, project_id)
    return _update(store, project_id, user, "describe", "description = ?", [description.strip()], {"description": old.description}, {"description": description.strip()})


def set_archived(store: Store, project_id: str, archived: bool, *, user: str) -> Project:
    return _update(store, project_id, user, "archive" if archived else "unarchive", "archived = ?", [archived], {"archived": not archived}, {"archived": archived})


def delete_project(store: Store, project_id: str, *, user: str) -> Project:
    """Soft delete: the project and its records stay in the database and can be restored."""
    return _update(store, project_id, user, "delete", "deleted_at = now()", [], None, {"deleted": True})


def restore_project(store: Store, project_id: str, *, user: str) -> Project:
    project = get_project(store, project_id)
    return _update(
        store, project_id, user, "undelete", "deleted_at = NULL", [], {"deleted": True}, {"deleted": False}, unique_name=project.name
    )


def get_project(store: Store, project_id: str) -> Project:
    """The project with its counts (cached until the project or one of its records is written)."""
    def compute() -> Project:
        row = store.read_one(_SELECT + " WHERE p.id = ?", [project_id])
        if row is None:
            raise ProjectNotFound(GONE())
        return _project(row)

    return store.cache.get_or_compute(("project", project_id), compute, tags=[PROJECTS_TAG, project_tag(project_id)])


def list_projects(store: Store, *, archived: bool | None = None, deleted: bool = False) -> list[Project]:
    """Projects by name; ``archived=None`` means both; ``deleted=True`` lists only deleted ones."""
    def compute() -> list[Project]:
        where = ["p.deleted_at IS NOT NULL" if deleted else "p.deleted_at IS NULL"]
        if archived is not None:
            where.append("p.archived" if archived else "NOT p.archived")
        rows = store.read(_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY lower(p.name)")
        return [_project(r) for r in rows]

    return store.cache.get_or_compute(("projects", archived, deleted), compute, tags=[PROJECTS_TAG])


def find_project(store: Store, name_or_id: str) -> Project:
    """A live project by id or by name (case-insensitive), for the CLI."""
    row = store.read_one(
        _SELECT + " WHERE p.deleted_at IS NULL AND (p.id = ? OR lower(p.name) = lower(?))", [name_or_id, name_or_id.strip()]
    )
    if row is None:
        raise ProjectNotFound(f"There is no project “{name_or_id}”. `fieldbook project list` shows the projects.")
    return _project(row)


def load_form(store: Store, project_id: str, version: int | None = None) -> tuple[int, FormDef]:
    """A form version of the project (the latest when ``version`` is None) and its number."""
    def compute() -> tuple[int, FormDef]:
        if version is None:
            row = store.read_one(
                "SELECT version, definition FROM forms WHERE project_id = ? ORDER BY version DESC LIMIT 1", [project_id]
            )
        else:
            row = store.read_one("SELECT version, definition FROM forms WHERE project_id = ? AND version = ?", [project_id, version])
        if row is None:
            raise ProjectNotFound(VERSION_GONE())
        return int(row[0]), form_from_text(row[1])

    return store.cache.get_or_compute(("form", project_id, version), compute, tags=[project_tag(project_id)])


def form_versions(store: Store, project_id: str) -> list[FormVersion]:
    rows = store.read(
        "SELECT project_id, version, source, created_at, created_by, definition FROM forms WHERE project_id = ? ORDER BY version",
        [project_id],
    )
    return [FormVersion(p, v, s, c, b, len(form_from_text(d).value_fields())) for p, v, s, c, b, d in rows]
