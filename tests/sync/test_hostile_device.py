"""Everything a pull brings is untrusted input: a tampered device in the team (issue 20, item 5)."""

from __future__ import annotations

import json
import zipfile

import psycopg

from store.exports import export_project
from store.fielddata.records import create_record, get_record
from store.sync import sync_now
from store.sync.quarantine import quarantined
from tests.sync.helpers import USER, new_project, server_rows


def test_a_pulled_file_reference_that_is_a_path_is_removed(server, devices, tmp_path):
    a, b = devices("a"), devices("b")
    project = new_project(a)
    rid = create_record(a, project, {"plot": 7}, user=USER).id
    sync_now(a, server)
    # device a is hostile: what it pushes is whatever it likes (here written into the server's log)
    hostile = {"sha256": "../../../../../../etc/hostname", "name": "hostname", "size": 1, "mime": None}
    with psycopg.connect(server) as conn:
        conn.execute(
            "UPDATE change_log SET payload = jsonb_set(payload, '{data,photo}', %s::jsonb) WHERE entity = 'record' AND entity_id = %s",
            [json.dumps(hostile), rid],
        )
    assert server_rows(server, "SELECT payload->'data'->'photo'->>'sha256' FROM change_log WHERE entity_id = %s", [rid]) == [(hostile["sha256"],)]

    report = sync_now(b, server)
    assert report.pulled >= 1
    record = get_record(b, rid)
    assert record.data["plot"] == 7 and record.data.get("photo") is None  # the rest of the record arrives
    out = tmp_path / "b.zip"
    export_project(b, project, "zip", out, attachments_dir=tmp_path / "b-attachments")
    with zipfile.ZipFile(out) as zf:
        assert all(".." not in n for n in zf.namelist())


def test_a_form_this_fieldbook_cannot_load_does_not_stop_the_pull(server, devices):
    """Issue 20, item 7: a pushed form with an unknown field type (what a newer Fieldbook's new
    type looks like) made every pull fail at that change, for good. Now the form and its records
    are kept aside with the reason, the cursor moves on, and everything else arrives."""
    a, b = devices("a"), devices("b")
    poisoned = new_project(a, "Poisoned")
    held_record = create_record(a, poisoned, {"plot": 1}, user=USER).id
    sync_now(a, server)
    with psycopg.connect(server) as conn:
        conn.execute(
            "UPDATE change_log SET payload = jsonb_set(payload, '{definition,fields}', "
            "(payload->'definition'->'fields') || '[{\"name\": \"scan\", \"type\": \"hologram\"}]'::jsonb) "
            "WHERE entity = 'form' AND payload->>'project_id' = %s",
            [poisoned],
        )
    fine = new_project(a, "Fine")  # after the poisoned change in the server's order
    later = create_record(a, fine, {"plot": 2}, user=USER).id
    sync_now(a, server)

    report = sync_now(b, server)
    assert report.pending == 0
    assert get_record(b, later).data["plot"] == 2  # what came after the poisoned form arrived
    held = quarantined(b)
    assert sorted((h["entity"], h["reason_code"]) for h in held) == [("form", "unknown_type"), ("record", "form_held")]
    assert "hologram" in held[0]["reason"] + held[1]["reason"] and any("update Fieldbook" in h["reason"] for h in held)
    assert {h["entity_id"] for h in held if h["entity"] == "record"} == {held_record}  # kept, not lost

    # the next pull tries the held changes again (they still cannot apply), and fetches nothing twice
    again = sync_now(b, server)
    assert again.pulled == 0 and len(quarantined(b)) == 2
