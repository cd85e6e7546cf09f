"""Everything a pull brings is untrusted input: a tampered device in the team (issue 20, item 5)."""

from __future__ import annotations

import json
import zipfile

import psycopg

from store.exports import export_project
from store.records import create_record, get_record
from store.sync import sync_now
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
