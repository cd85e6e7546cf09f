"""Projects: create with form version 1, new versions, rename/archive/delete/restore, outbox and
audit rows written with every change."""

from __future__ import annotations

import json

import pytest

from store.core.db import Store
from store.core.errors import ValidationError
from store.fielddata import projects as proj
from store.formdef import FormDef, form_from_json
from tests.records.conftest import FORM_JSON


def _count(store: Store, table: str, where: str = "true") -> int:
    return int(store.read(f"SELECT count(*) FROM {table} WHERE {where}")[0][0])


def test_create_stores_form_version_one_with_outbox_and_audit(store: Store, form: FormDef) -> None:
    project = proj.create_project(store, "  Trees   2026 ", form, user="ana")
    assert project.name == "Trees 2026"
    assert project.form_version == 1 and project.record_count == 0
    version, loaded = proj.load_form(store, project.id)
    assert version == 1 and loaded == form
    assert _count(store, "changes", "entity = 'project'") == 1
    assert _count(store, "changes", "entity = 'form'") == 1
    assert _count(store, "audit_log", f"entity_id = '{project.id}' AND action = 'create'") == 1


def test_names_are_unique_case_insensitively_and_required(store: Store, form: FormDef) -> None:
    proj.create_project(store, "Trees", form, user="ana")
    with pytest.raises(ValidationError, match="already exists"):
        proj.create_project(store, "trees", form, user="ana")
    with pytest.raises(ValidationError, match="needs a name"):
        proj.create_project(store, "   ", form, user="ana")
    with pytest.raises(ValidationError, match="at most"):
        proj.create_project(store, "x" * 101, form, user="ana")
    assert len(proj.list_projects(store)) == 1


def test_new_form_version_leaves_the_old_one_unchanged(store: Store, form: FormDef) -> None:
    project = proj.create_project(store, "Trees", form, user="ana")
    changed = dict(FORM_JSON, fields=[*FORM_JSON["fields"], {"name": "height", "type": "integer"}])
    version = proj.add_form_version(store, project.id, form_from_json(changed), user="ana")
    assert version == 2
    assert proj.load_form(store, project.id)[1].field("height").type == "integer"
    assert proj.load_form(store, project.id, 1)[1] == form  # the cache was invalidated, v1 intact
    assert [v.version for v in proj.form_versions(store, project.id)] == [1, 2]


def test_rename_archive_delete_restore(store: Store, form: FormDef) -> None:
    a = proj.create_project(store, "A", form, user="ana")
    proj.create_project(store, "B", form, user="ana")
    with pytest.raises(ValidationError, match="already exists"):
        proj.rename_project(store, a.id, "b", user="ana")
    assert proj.rename_project(store, a.id, "Alpha", user="ana").name == "Alpha"
    proj.set_archived(store, a.id, True, user="ana")
    assert [p.name for p in proj.list_projects(store, archived=False)] == ["B"]
    assert [p.name for p in proj.list_projects(store, archived=True)] == ["Alpha"]
    proj.delete_project(store, a.id, user="ana")
    assert [p.name for p in proj.list_projects(store)] == ["B"]
    assert [p.name for p in proj.list_projects(store, deleted=True)] == ["Alpha"]
    proj.restore_project(store, a.id, user="ana")
    assert sorted(p.name for p in proj.list_projects(store)) == ["Alpha", "B"]
    actions = [r[0] for r in store.read("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY id", [a.id])]
    assert actions == ["create", "rename", "archive", "delete", "undelete"]
    payload = json.loads(store.read("SELECT payload FROM changes WHERE entity_id = ? ORDER BY seq DESC LIMIT 1", [a.id])[0][0])
    assert payload["name"] == "Alpha" and payload["deleted_at"] is None


def test_a_deleted_name_can_be_reused_but_then_not_restored_into_a_clash(store: Store, form: FormDef) -> None:
    old = proj.create_project(store, "Trees", form, user="ana")
    proj.delete_project(store, old.id, user="ana")
    proj.create_project(store, "Trees", form, user="ana")
    with pytest.raises(ValidationError, match="already exists"):
        proj.restore_project(store, old.id, user="ana")


def test_find_project_by_name_or_id(store: Store, form: FormDef) -> None:
    project = proj.create_project(store, "Trees", form, user="ana")
    assert proj.find_project(store, "trees").id == project.id
    assert proj.find_project(store, project.id).name == "Trees"
    with pytest.raises(proj.ProjectNotFound, match="no project"):
        proj.find_project(store, "Birds")
