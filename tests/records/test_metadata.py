"""ODK's metadata questions, recorded by Fieldbook (issue 16): a record started in the editor gets
its start, its day, this device and the person; every save sets its end. Expressions see them."""

from __future__ import annotations

import datetime as dt

from store.core.device import device_of
from store.core.ids import uuid7
from store.fielddata import records as rec
from store.fielddata.projects import create_project
from store.formdef import form_from_json
from store.formdef.evaluate import evaluate_record, initial_values, same_answers, stamp_saved

FORM = form_from_json(
    {
        "title": "Visits",
        "fields": [
            {"name": "start", "type": "datetime", "read_only": True, "parameters": {"metadata": "start"}},
            {"name": "end", "type": "datetime", "read_only": True, "parameters": {"metadata": "end"}},
            {"name": "today", "type": "date", "read_only": True, "parameters": {"metadata": "today"}},
            {"name": "device", "type": "text", "read_only": True, "parameters": {"metadata": "deviceid"}},
            {"name": "person", "type": "text", "read_only": True, "parameters": {"metadata": "username"}},
            {"name": "phone", "type": "text", "read_only": True, "parameters": {"metadata": "phonenumber"}},
            {"name": "visited", "type": "date", "constraint": ". <= ${today}"},
        ],
    }
)
NOW = dt.datetime(2026, 5, 15, 10, 30)


def test_a_new_record_gets_start_day_device_and_person() -> None:
    values = initial_values(FORM, now=NOW, device="dev-1", user="ana")
    assert values == {"start": "2026-05-15T10:30:00", "today": "2026-05-15", "device": "dev-1", "person": "ana"}
    assert evaluate_record(FORM, {**values, "visited": "2026-05-16"}, now=NOW).errors["visited"].code == "constraint"
    assert evaluate_record(FORM, {**values, "visited": "2026-05-14"}, now=NOW).errors == {}
    assert stamp_saved(FORM, values, now=NOW + dt.timedelta(minutes=5))["end"] == "2026-05-15T10:35:00"


def test_the_store_records_them_when_the_record_starts_and_each_time_it_is_saved(store) -> None:
    project = create_project(store, "Visits", FORM, user="ana")
    record = rec.start_record(store, "01a0-visit", project.id, user="ana")
    assert record.data["person"] == "ana" and record.data["device"] == device_of(store).id
    assert dt.datetime.fromisoformat(record.data["start"]) <= dt.datetime.now()
    assert "end" not in record.data and "phone" not in record.data  # not saved yet; no phone number on a computer
    saved = rec.save_record(store, record.id, {**record.data, "visited": "2026-01-02"}, user="ana", status="final")
    assert saved.data["start"] == record.data["start"] and saved.data["visited"] == "2026-01-02"
    first_end = dt.datetime.fromisoformat(saved.data["end"])
    assert abs(first_end - dt.datetime.now()) < dt.timedelta(seconds=30)
    again = rec.save_record(store, record.id, {**saved.data, "visited": "2026-01-03"}, user="ana", status="final")
    assert dt.datetime.fromisoformat(again.data["end"]) >= first_end
    assert [v.data.get("end") for v in rec.record_history(store, record.id)][1] == saved.data["end"]  # history keeps each


def test_a_metadata_field_must_have_its_type() -> None:
    import pytest

    from store.formdef import FormDefError

    def problems(field: dict) -> list[str]:
        with pytest.raises(FormDefError) as caught:
            form_from_json({"title": "T", "fields": [field]})
        return [str(p) for p in caught.value.problems]

    assert problems({"name": "s", "type": "text", "parameters": {"metadata": "start"}}) == [
        "field 's', parameters: the metadata 'start' is recorded in a datetime field"
    ]
    assert problems({"name": "s", "type": "text", "parameters": {"metadata": "audit"}})[0].startswith(
        "field 's', parameters: metadata must be one of start, end, today"
    )


def test_a_rule_on_a_metadata_field_has_no_effect() -> None:
    """Nobody answers a metadata field, so a rule on it could only block a final save for ever.
    Forms stored before (the form editor offered the rules) still load; the rules do nothing, and
    the form editor no longer offers them (tests/app/test_form_editor.py)."""
    ruled = form_from_json({"title": "T", "fields": [
        {"name": "s", "type": "datetime", "parameters": {"metadata": "start"}, "required": True, "constraint": ". > '2030-01-01'",
         "relevant": "${n} > 5", "default": "2020-01-01T00:00:00"},
        {"name": "mail", "type": "text", "parameters": {"metadata": "email"}, "default": "x@example.org"},
        {"name": "n", "type": "integer"},
    ]})  # fmt: skip
    values = initial_values(ruled, now=NOW)
    assert values == {"s": "2026-05-15T10:30:00"}  # the start, not the default; email stays empty
    result = evaluate_record(ruled, {"n": 1})  # no start, relevant false, constraint unmet
    assert result.errors == {} and result.relevant["s"]
    assert evaluate_record(ruled, {**values, "n": 1}).values["s"] == values["s"]


ENDED = form_from_json(
    {
        "title": "Visits",
        "fields": [
            {"name": "end", "type": "datetime", "read_only": True, "parameters": {"metadata": "end"}},
            {"name": "ended", "type": "text", "calculation": "${end}"},
            {"name": "notes", "type": "text"},
        ],
    }
)


def test_a_calculation_on_end_sees_the_end_the_version_is_saved_with(store) -> None:
    project = create_project(store, "Visits", ENDED, user="ana")
    record = rec.start_record(store, uuid7(), project.id, user="ana")
    first = rec.save_record(store, record.id, {"notes": "a"}, user="ana", status="draft")
    assert first.data["ended"] == first.data["end"]
    second = rec.save_record(store, record.id, {**first.data, "notes": "b"}, user="ana", status="draft", expected_version=first.version)
    assert second.data["ended"] == second.data["end"]


def _id_made_at(moment: dt.datetime) -> str:
    """A UUIDv7 of that moment (``uuid7`` itself never goes back behind an id it made)."""
    import uuid

    return str(uuid.UUID(int=(int(moment.timestamp() * 1000) << 80) | (0x7 << 76) | (0b10 << 62) | 12345))


def test_start_is_when_the_editor_was_opened_not_the_first_input(store) -> None:
    """The record's id is made when "New record" is clicked (a UUIDv7 carries that moment): the
    editor, every rerun of it and the first input all agree on the start."""
    project = create_project(store, "Visits", FORM, user="ana")
    opened = dt.datetime.now().replace(microsecond=0) - dt.timedelta(minutes=7)
    record_id = _id_made_at(opened)
    shown = rec.unsaved_record(store, record_id, project.id, user="ana")
    assert shown.data["start"] == opened.isoformat() and shown.data["today"] == opened.date().isoformat()
    assert rec.unsaved_record(store, record_id, project.id, user="ana").data == shown.data
    assert rec.start_record(store, record_id, project.id, user="ana").data == shown.data


def test_an_id_from_the_future_or_long_ago_does_not_set_the_start(store) -> None:
    """A clock set back, or an untouched editor brought back days later: the start is now."""
    project = create_project(store, "Visits", FORM, user="ana")
    for shift in (dt.timedelta(hours=2), dt.timedelta(days=-3)):
        record_id = _id_made_at(dt.datetime.now() + shift)
        start = dt.datetime.fromisoformat(rec.unsaved_record(store, record_id, project.id, user="ana").data["start"])
        assert abs(start - dt.datetime.now()) < dt.timedelta(seconds=30)
    assert "start" in rec.unsaved_record(store, "not-a-uuid", project.id, user="ana").data
    farthest = "ffffffff-ffff-7fff-bfff-ffffffffffff"  # a made-up id at the end of UUIDv7 time: no crash, now
    start = dt.datetime.fromisoformat(rec.unsaved_record(store, farthest, project.id, user="ana").data["start"])
    assert abs(start - dt.datetime.now()) < dt.timedelta(seconds=30)


def test_saving_a_new_record_untouched_stamps_its_end(store) -> None:
    project = create_project(store, "Visits", ENDED, user="ana")
    record = rec.start_record(store, uuid7(), project.id, user="ana", saved_as="draft")
    assert record.version == 1 and record.data["ended"] == record.data["end"]
    assert same_answers(ENDED, {"notes": "a", "end": "2026-01-01T00:00:00"}, {"notes": "a", "end": "2027-01-01T00:00:00"})
    assert not same_answers(ENDED, {"notes": "a"}, {"notes": "b"})
