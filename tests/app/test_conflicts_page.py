"""The Conflicts page in AppTest, on a conflict made for real: this app's store and a second device
edit the same record offline and sync through a real PostgreSQL. Pick per field (choices survive a
new session), the disabled save with its reason, a manual merge, saving, and the record editor's
link to the conflict."""

from __future__ import annotations

import pytest

from store.fielddata import records as rec
from store.fielddata.projects import add_form_version, create_project
from store.formdef import form_from_json
from store.inputs.uistate import UiState, save_ui_state
from store.sync import conflicts as cf_module
from store.sync import init_server, sync_now
from store.sync.conflicts import count_unresolved, list_conflicts
from tests.sync.helpers import open_device

FORM = form_from_json({
    "title": "Plots",
    "fields": [
        {"name": "plot", "type": "integer", "label": {"en": "Plot", "de": "Fläche"}},
        {"name": "species", "type": "select_one", "label": {"en": "Species", "de": "Art"}, "choice_list": "species"},
        {"name": "seen", "type": "date", "label": {"en": "Seen on", "de": "Gesehen am"}},
        {"name": "notes", "type": "text", "label": {"en": "Notes", "de": "Notizen"}},
    ],
    "choice_lists": {"species": [
        {"name": "fagus", "label": {"en": "Beech", "de": "Buche"}},
        {"name": "quercus", "label": {"en": "Oak", "de": "Eiche"}},
    ]},
})


@pytest.fixture
def conflict(rt, pg_url, tmp_path):
    """A record edited here (plot 2, beech, notes) and on another device (plot 3, oak, other notes,
    later: it wins, and final); the date is the same on both."""
    init_server(pg_url)
    other = open_device(tmp_path, "other-device")
    project = create_project(rt.store, "Plots", FORM, user=rt.user)
    rid = rec.create_record(rt.store, project.id, {"plot": 1, "seen": "2024-05-31"}, user=rt.user).id
    sync_now(rt.store, pg_url)
    sync_now(other, pg_url)
    rec.save_record(rt.store, rid, {"plot": 2, "species": "fagus", "seen": "2024-05-31", "notes": "dry"}, user=rt.user, status="draft")
    rec.save_record(other, rid, {"plot": 3, "species": "quercus", "seen": "2024-05-31", "notes": "wet"}, user="ben", status="final")
    sync_now(rt.store, pg_url)
    sync_now(other, pg_url)
    sync_now(rt.store, pg_url)
    (found,) = list_conflicts(rt.store)
    yield found, rid, other, pg_url
    other.close()


def _radio(at, cid, name):
    return at.radio(key=f"in__conflict_{cid}__choice~2e~{name}")


def _open(new_session, cid):
    at = new_session(page="conflicts")
    at.button(key=f"cf_open_{cid}").click().run()
    assert not at.exception
    return at


def test_list_compare_pick_reload_and_save_with_a_manual_merge(rt, new_session, conflict):
    found, rid, other, url = conflict
    at = new_session(page="conflicts")
    text = " ".join(m.value for m in at.markdown)
    assert "1 open conflict" in text and "Plots" in text and "ben" in text
    at = _open(new_session, found.id)
    cells = [m.value for m in at.markdown]
    assert "Beech" in cells and "Oak" in cells, cells  # choice labels, not names
    assert "May 31, 2024" in " ".join(cells)  # the agreeing date, as English writes it, under "Fields that agree"
    save = at.button(key="cf_save")
    assert save.disabled and "4 left" in save.help and "Plot" in save.help
    assert any("4 left" in m.value for m in at.markdown)  # the reason, in the reserved slot too

    _radio(at, found.id, "plot").set_value("local").run()
    _radio(at, found.id, "species").set_value("remote").run()
    again = new_session()  # a reload: the page, the open conflict and the choices come back from the store
    assert _radio(again, found.id, "plot").value == "local" and _radio(again, found.id, "species").value == "remote"
    assert again.button(key="cf_save").disabled and "2 left" in again.button(key="cf_save").help

    edit_box = again.text_input(key=f"in__conflict_{found.id}__edit~2e~notes")
    assert edit_box.disabled and edit_box.value == "dry / wet"  # prefilled with both texts for a merge
    _radio(again, found.id, "notes").set_value("edit").run()
    again.text_input(key=f"in__conflict_{found.id}__edit~2e~notes").input("dry, then wet").run()
    _radio(again, found.id, "_status").set_value("remote").run()
    assert not again.button(key="cf_save").disabled
    again.button(key="cf_save").click().run()
    assert not again.exception
    assert any("Resolved\\: version" in m.value for m in again.markdown), [m.value for m in again.markdown][:6]
    record = rec.get_record(rt.store, rid)
    assert record.data == {"plot": 2, "species": "quercus", "seen": "2024-05-31", "notes": "dry, then wet"}
    assert count_unresolved(rt.store) == 0
    assert rt.inputs.load(rt.user, f"conflict:{found.id}") == {}  # the choices are forgotten once used
    text = " ".join(m.value for m in again.markdown)
    assert "No open conflicts" in text and "2 · Oak · resolved" in text and "fields chosen by tester" in text
    assert "Resolved conflicts (1)" in [e.label for e in again.expander]

    # The other device gets the resolution with its next sync: same record, its conflict resolved.
    sync_now(rt.store, url)
    sync_now(other, url)
    assert rec.get_record(other, rid).data == record.data and count_unresolved(other) == 0


def test_use_all_from_one_side_and_the_record_editor_links_to_the_conflict(rt, new_session, conflict):
    found, rid, _other, _url = conflict
    save_ui_state(rt.store, rt.user, UiState(page="record", params={"record": rid}))  # the record open in the editor
    at = new_session()
    assert not at.exception
    link = at.button(key="record_conflict")
    assert link.label == "Resolve conflict"
    assert any("Unresolved conflict" in m.value for m in at.markdown)
    link.click().run()
    assert not at.exception
    at.button(key="cf_all_remote").click().run()
    assert _radio(at, found.id, "plot").value == "remote" and _radio(at, found.id, "notes").value == "remote"
    at.button(key="cf_all_local").click().run()
    assert _radio(at, found.id, "species").value == "local"
    at.button(key="cf_save").click().run()
    record = rec.get_record(rt.store, rid)
    assert record.data == {"plot": 2, "species": "fagus", "seen": "2024-05-31", "notes": "dry"} and record.status == "draft"
    assert count_unresolved(rt.store) == 0


def test_german_texts_and_a_form_conflict_is_acknowledged(rt, new_session, pg_url, tmp_path):
    init_server(pg_url)
    other = open_device(tmp_path, "other-device")
    try:
        project = create_project(rt.store, "Plots", FORM, user=rt.user)
        sync_now(rt.store, pg_url)
        sync_now(other, pg_url)
        add_form_version(rt.store, project.id, form_from_json({**FORM.to_json(), "title": "Plots here"}), user=rt.user)
        add_form_version(other, project.id, form_from_json({**FORM.to_json(), "title": "Plots there"}), user="ben")
        sync_now(rt.store, pg_url)
        sync_now(other, pg_url)
        sync_now(rt.store, pg_url)
    finally:
        other.close()
    (found,) = list_conflicts(rt.store)
    save_ui_state(rt.store, rt.user, UiState(page="conflicts", prefs={"language": "de"}))
    at = new_session()
    assert any("Formularversion 2" in m.value and "Plots here" in m.value and "Plots there" in m.value for m in at.markdown)
    ack = at.button(key=f"cf_ack_{found.id}")
    assert ack.label == "Zur Kenntnis genommen"
    ack.click().run()
    assert count_unresolved(rt.store) == 0
    assert any("zur Kenntnis genommen" in m.value for m in at.markdown)
    assert "Keine offenen Konflikte." in [m.value for m in at.markdown]


def test_every_conflict_text_in_both_languages() -> None:
    from app.i18n.conflicts import TEXTS

    assert TEXTS and all(entry.get("en") and entry.get("de") and set(entry) == {"en", "de"} for entry in TEXTS.values())


def _later_edit(tmp_path, url, rid, rt, data, status="final"):
    """A third device, in step with the server, edits the record; this app's store pulls it: the
    record is now a third version that neither side of the conflict shows."""
    third = open_device(tmp_path, "third-device")
    try:
        sync_now(third, url)
        saved = rec.save_record(third, rid, data, user="carl", status=status)
        sync_now(third, url)
    finally:
        third.close()
    sync_now(rt.store, url)
    assert rec.get_record(rt.store, rid).hlc == saved.hlc
    return saved


def _texts(at):
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def test_a_later_edit_is_a_third_column_to_choose_from_and_is_not_overwritten(rt, new_session, conflict, tmp_path):
    found, rid, other, url = conflict
    newest = _later_edit(tmp_path, url, rid, rt, {"plot": 4, "species": "quercus", "seen": "2024-05-31", "notes": "newest"})
    at = _open(new_session, found.id)
    text = _texts(at)
    assert "**Now (in use)**" in text and "newest" in text and "third column" in text
    # plot, species (now = the other device's), notes and status need a choice: none agrees in all three
    save = at.button(key="cf_save")
    assert save.disabled and "4 left" in save.help
    assert "Now (in use)" in _radio(at, found.id, "plot").options
    _radio(at, found.id, "plot").set_value("now").run()
    _radio(at, found.id, "species").set_value("remote").run()
    _radio(at, found.id, "notes").set_value("local").run()
    _radio(at, found.id, "_status").set_value("now").run()
    at.button(key="cf_save").click().run()
    assert not at.exception
    assert "Resolved\\: version" in _texts(at)
    record = rec.get_record(rt.store, rid)
    assert (record.data, record.status) == ({"plot": 4, "species": "quercus", "seen": "2024-05-31", "notes": "dry"}, "final")
    assert count_unresolved(rt.store) == 0
    sync_now(rt.store, url)
    sync_now(other, url)
    assert rec.get_record(other, rid).data == record.data and count_unresolved(other) == 0
    assert newest.data in [v.data for v in rec.record_history(rt.store, rid)]  # the later edit stays in the history


def test_a_record_changed_while_choosing_is_refused_in_the_readers_language_and_the_choices_stay(rt, new_session, conflict, tmp_path):
    found, rid, _other, url = conflict
    save_ui_state(rt.store, rt.user, UiState(page="conflicts", params={"conflict": found.id}, prefs={"language": "de"}))
    at = new_session()
    at.button(key="cf_all_local").click().run()
    assert not at.button(key="cf_save").disabled
    moved = _later_edit(tmp_path, url, rid, rt, {"plot": 9, "species": "quercus", "seen": "2024-05-31", "notes": "wet"})  # meanwhile

    at.button(key="cf_save").click().run()  # the page still shows the two old versions
    assert not at.exception
    text = _texts(at)
    assert "Nichts wurde gespeichert" in text and "Nothing was saved" not in text and "changed while" not in text
    assert rec.get_record(rt.store, rid).hlc == moved.hlc and count_unresolved(rt.store) == 1  # nothing written
    assert _radio(at, found.id, "plot").value == "local"  # the choices stay
    assert "**Jetzt (gilt)**" in text  # and the version in use now is shown

    at.button(key="cf_save").click().run()  # compared with all three now: saved
    assert not at.exception
    record = rec.get_record(rt.store, rid)
    assert record.data == {"plot": 2, "species": "fagus", "seen": "2024-05-31", "notes": "dry"} and count_unresolved(rt.store) == 0


def test_a_store_refusal_is_said_in_german_with_its_detail_in_german_too(rt, new_session, conflict):
    found, rid, _other, _url = conflict
    save_ui_state(rt.store, rt.user, UiState(page="conflicts", params={"conflict": found.id}, prefs={"language": "de"}))
    at = new_session()
    at.button(key="cf_all_local").click().run()
    _radio(at, found.id, "notes").set_value("edit").run()
    at.text_input(key=f"in__conflict_{found.id}__edit~2e~notes").input("x" * 100_001).run()  # longer than a text may be
    at.button(key="cf_save").click().run()
    assert not at.exception
    text = _texts(at)
    plain = text.replace("\\", "")  # markdown escapes
    # German first; the store's English sentence only as the detail in brackets
    assert "Der Wert für „Notizen“ passt nicht zu diesem Feld. Nichts wurde gespeichert. (Detail: Der Text für „notes“ ist länger als 100.000 Zeichen" in plain
    assert count_unresolved(rt.store) == 1


def test_every_refusal_of_the_store_has_a_text_in_both_languages() -> None:
    """Each ``code`` store/sync/conflicts.py raises is one the page knows and has an i18n text for."""
    import re
    from pathlib import Path

    from app.i18n.conflicts import TEXTS
    from app.views.conflicts import ERROR_CODES

    source = Path(cf_module.__file__).read_text(encoding="utf-8")
    raised = set(re.findall(r'(?:ConflictError|ResolutionStale)\(\s*"(\w+)"', source)) | {"gone"}
    assert raised and raised <= set(ERROR_CODES), raised - set(ERROR_CODES)
    for code in (*ERROR_CODES, "other"):
        entry = TEXTS[f"conflicts.error.{code}"]
        assert entry["en"] and entry["de"] and entry["en"] != entry["de"]


def test_changes_held_in_the_quarantine_are_listed_with_their_reason(rt, new_session):
    """A pulled form this Fieldbook cannot load (store/sync/quarantine.py) is shown with its reason."""
    from store.sync.apply import ServerChange
    from store.sync.quarantine import UNKNOWN_TYPE, form_problem, hold

    project = create_project(rt.store, "Plots", form_from_json({"title": "T", "fields": [{"name": "a", "type": "text"}]}), user="ada")
    definition = {"title": "T", "fields": [{"name": "scan", "type": "hologram"}]}
    code, reason = form_problem(definition)
    assert code == UNKNOWN_TYPE
    change = ServerChange(7, "c-7", "device-b", "form", f"{project.id}:2", "upsert", {"project_id": project.id, "version": 2, "definition": definition}, "h", None)
    rt.store.write(lambda con: hold(con, "postgresql://server/db", change, code, reason))
    at = new_session(page="conflicts")
    text = " ".join(m.value for m in at.markdown)
    assert "Received but not applied yet: 1" in text and "update Fieldbook to use this form" in text and "Plots" in text
