"""Records: versions with history, stale saves refused, soft delete, restore of a version, the
outbox and audit rows in the same transaction, and all-or-nothing imports."""

from __future__ import annotations

import json

import duckdb
import pytest

from store.core.db import Store
from store.core.errors import ValidationError
from store.fielddata import records as rec
from store.fielddata.projects import create_project, delete_project, get_project
from store.formdef import FormDef


@pytest.fixture
def project_id(store: Store, form: FormDef) -> str:
    return create_project(store, "Trees", form, user="ana").id


def _changes(store: Store, record_id: str) -> list[dict]:
    rows = store.read("SELECT payload FROM changes WHERE entity_id = ? ORDER BY seq", [record_id])
    return [json.loads(r[0]) for r in rows]


def test_create_save_and_history(store: Store, project_id: str) -> None:
    record = rec.create_record(store, project_id, {"species": "oak"}, user="ana")
    assert record.status == "draft" and record.version == 1 and record.form_version == 1
    saved = rec.save_record(store, record.id, {"species": "oak", "dbh": 40.5}, user="ben", status="final", expected_version=1)
    assert saved.version == 2 and saved.status == "final" and saved.updated_by == "ben" and saved.created_by == "ana"
    history = rec.record_history(store, record.id)
    assert [(v.version, v.status, v.saved_by) for v in history] == [(2, "final", "ben"), (1, "draft", "ana")]
    assert history[1].data == {"species": "oak"}
    assert [c["version"] for c in _changes(store, record.id)] == [1, 2]
    assert saved.hlc > record.hlc
    old, new = store.read("SELECT old, new FROM audit_log WHERE entity_id = ? AND action = 'save'", [record.id])[0]
    assert json.loads(old) == {"dbh": None, "_status": "draft"}
    assert json.loads(new) == {"dbh": 40.5, "_status": "final"}
    assert get_project(store, project_id).record_count == 1


def test_a_new_record_is_stored_once_by_whoever_starts_it_first(store: Store, project_id: str) -> None:
    """The editor's callback, a closing page's flush and a second window may all start the same
    new record, from threads at once: one record, one version, one outbox row."""
    from concurrent.futures import ThreadPoolExecutor

    from store.core.ids import uuid7

    record_id = uuid7()
    shown = rec.unsaved_record(store, record_id, project_id, user="ana")
    assert shown.version == 0 and store.read("SELECT count(*) FROM records")[0][0] == 0  # shown, not stored
    with ThreadPoolExecutor(4) as pool:
        started = list(pool.map(lambda _: rec.start_record(store, record_id, project_id, user="ana"), range(8)))
    assert {(r.id, r.version) for r in started} == {(record_id, 1)}
    assert len(_changes(store, record_id)) == 1 and get_project(store, project_id).record_count == 1


def test_a_stale_save_is_refused_and_changes_nothing(store: Store, project_id: str) -> None:
    record = rec.create_record(store, project_id, {"species": "oak"}, user="ana")
    rec.save_record(store, record.id, {"species": "beech"}, user="ben", status="draft", expected_version=1)
    with pytest.raises(rec.StaleRecord, match="ben"):
        rec.save_record(store, record.id, {"species": "oak", "dbh": 3.0}, user="ana", status="final", expected_version=1)
    current = rec.get_record(store, record.id)
    assert current.version == 2 and current.data == {"species": "beech"}
    assert len(rec.record_history(store, record.id)) == 2
    assert len(_changes(store, record.id)) == 2


def test_delete_undelete_and_restore_version(store: Store, project_id: str) -> None:
    record = rec.create_record(store, project_id, {"species": "oak"}, user="ana")
    rec.save_record(store, record.id, {"species": "beech", "notes": "x"}, user="ana", status="final")
    deleted = rec.delete_record(store, record.id, user="ana")
    assert deleted.deleted and deleted.data == {"species": "beech", "notes": "x"}
    assert get_project(store, project_id).record_count == 0
    assert _changes(store, record.id)[-1]["deleted"] is True
    back = rec.undelete_record(store, record.id, user="ana")
    assert not back.deleted and back.version == 4
    restored = rec.restore_version(store, record.id, 1, user="ana")
    assert restored.data == {"species": "oak"} and restored.status == "draft" and restored.version == 5
    assert rec.record_history(store, record.id)[0].note == "restored version 1"
    with pytest.raises(rec.RecordNotFound):
        rec.restore_version(store, record.id, 99, user="ana")


def test_a_failing_change_leaves_no_outbox_or_audit_row(store: Store, project_id: str) -> None:
    """The record, its version, its outbox row and its audit row commit together or not at all."""
    record = rec.create_record(store, project_id, {"species": "oak"}, user="ana")
    before = [store.read(f"SELECT count(*) FROM {t}")[0][0] for t in ("record_versions", "changes", "audit_log")]
    # Make the audit insert fail inside the unit: a NOT NULL user that is NULL.
    with pytest.raises((duckdb.Error, ValidationError, TypeError)):
        rec.save_record(store, record.id, {"species": "beech"}, user=None, status="final")  # type: ignore[arg-type]
    after = [store.read(f"SELECT count(*) FROM {t}")[0][0] for t in ("record_versions", "changes", "audit_log")]
    assert after == before
    assert rec.get_record(store, record.id).data == {"species": "oak"}


def test_records_of_a_deleted_project_cannot_be_created(store: Store, project_id: str) -> None:
    delete_project(store, project_id, user="ana")
    with pytest.raises(ValidationError, match="does not exist"):
        rec.create_record(store, project_id, {}, user="ana")


def test_import_is_all_or_nothing(store: Store, project_id: str) -> None:
    ids = rec.import_records(store, project_id, [{"species": "oak"}, {"species": "beech", "dbh": 2.0}], user="ana")
    assert len(ids) == 2 and all(rec.get_record(store, i).status == "final" for i in ids)
    with pytest.raises(TypeError):
        rec.import_records(store, project_id, [{"species": "oak"}, {"bad": object()}], user="ana")
    assert get_project(store, project_id).record_count == 2


def test_iter_records_reads_everything_in_creation_order(store: Store, project_id: str) -> None:
    ids = rec.import_records(store, project_id, [{"notes": str(i)} for i in range(25)], user="ana")
    rec.delete_record(store, ids[3], user="ana")
    got = [r.id for r in rec.iter_records(store, project_id, batch=7)]
    assert got == [i for i in ids if i != ids[3]]
    assert len(list(rec.iter_records(store, project_id, include_deleted=True, batch=7))) == 25


def test_search_text_has_names_and_labels_in_both_languages(form: FormDef) -> None:
    text = rec.search_text(form, {"species": "oak", "notes": "Mossy Trunk", "damage": ["bark"]})
    for word in ("oak", "eiche", "mossy trunk", "bark"):
        assert word in text


def _rows(store: Store, project_id: str) -> list[tuple]:
    """What an import wrote, without what differs between two imports (ids, times, clocks)."""
    return store.read(
        "SELECT r.data, r.status, r.version, r.form_version, r.created_by, r.search_text, v.data, v.status, v.note, v.deleted, "
        "c.op, c.entity, json_extract_string(c.payload, '$.data'), a.action, a.new, typeof(r.data), typeof(v.data), typeof(c.payload), "
        "typeof(a.new), r.created_at = r.updated_at AND r.created_at = v.saved_at AND r.created_at = c.created_at "
        "AND r.created_at = a.created_at, typeof(r.created_at), r.deleted_at IS NULL, a.old IS NULL "
        "FROM records r JOIN record_versions v ON v.record_id = r.id JOIN changes c ON c.entity_id = r.id "
        "JOIN audit_log a ON a.entity_id = r.id WHERE r.project_id = ? ORDER BY c.change_id",
        [project_id],
    )


def test_a_few_rows_and_many_rows_are_written_alike(store: Store, form: FormDef, monkeypatch) -> None:
    """A small import binds its rows as parameters (no pyarrow); a big one goes in as Arrow tables:
    the same rows either way, in the same order."""
    samples = [{"species": "oak", "dbh": 1.5, "notes": "Ä ü", "damage": ["bark"]}, {"species": "beech"}, {"notes": "x" * 300}]
    few = create_project(store, "few", form, user="ana").id
    rec.import_records(store, few, samples, user="ana")
    monkeypatch.setattr(rec, "_FEW_ROWS", 0)
    many = create_project(store, "many", form, user="ana").id
    rec.import_records(store, many, samples, user="ana")
    assert _rows(store, few) == _rows(store, many) and len(_rows(store, few)) == 3
    assert all(row[-4] for row in _rows(store, few)), "one transaction time for every row of a record"
