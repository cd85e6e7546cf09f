"""The Snapshots page in Streamlit's AppTest, on a real store and real snapshot folders."""

from __future__ import annotations

from typing import Any

import pytest

from app import operations
from store.inputs.widgets import InputStore
from store.snapshots.engine import for_config
from store.snapshots.inbox import Inbox


class Host:
    """What the page needs of the app's SnapshotService (app/desktop/snapshot_service.py), minus restore."""

    def __init__(self, rt: Any) -> None:
        self.rt = rt
        self.snapshots = for_config(rt.config)
        self.inbox = Inbox(rt.config.paths.inbox_dir, settle_s=0)

    def current_store(self) -> Any:
        return self.rt.store

    def restore(self, source: str, passphrase: str | None, progress: Any = None) -> dict[str, Any]:
        raise AssertionError("not used here")


@pytest.fixture
def host(rt) -> Host:
    rt.snapshots = Host(rt)
    return rt.snapshots


def test_list_and_create_now(new_session, rt, host: Host) -> None:
    InputStore(rt.store).persist("tester", "inputs", "observer", "x")
    host.snapshots.create(rt.store, "auto")
    at = new_session(page="snapshots")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Reason"]) == ["auto"] and list(table["Verified"]) == ["✓ verified"]
    at.button(key="snap_create").click().run()
    op = operations.wait()
    assert op is not None and op.done and op.error is None
    at.run()
    assert [s.reason for s in host.snapshots.all()] == ["manual", "auto"]
    assert any("taken and verified" in s.value for s in at.success)
    assert list(at.dataframe[0].value["Reason"]) == ["manual", "auto"]


def test_the_first_snapshot_is_picked_at_once(new_session, rt, host: Host) -> None:
    """With no snapshot yet, the picker is empty; the first one taken is picked in the same page,
    and its actions are enabled (they stayed disabled until another page was visited)."""
    at = new_session(page="snapshots")
    assert at.selectbox(key="snap_pick").value is None and at.button(key="snap_verify").disabled
    at.button(key="snap_create").click().run()
    assert operations.wait() is not None
    at.run()
    (snap,) = host.snapshots.all()
    assert at.selectbox(key="snap_pick").value == snap.id
    assert not at.button(key="snap_verify").disabled and not at.button(key="snap_restore").disabled and not at.button(key="snap_pin").disabled


def test_verify_and_pin(new_session, rt, host: Host) -> None:
    snap = host.snapshots.create(rt.store, "auto", verify=False)
    at = new_session(page="snapshots")
    assert list(at.dataframe[0].value["Verified"]) == ["not yet"]
    at.button(key="snap_verify").click().run()
    operations.wait()
    at.button(key="snap_pin").click().run()
    assert host.snapshots.get(snap.id).pinned and host.snapshots.get(snap.id).verified
    at.run()
    assert list(at.dataframe[0].value["Verified"]) == ["✓ verified"]
    assert at.button(key="snap_pin").label == "Unpin"


def test_inbox_lists_offers(new_session, rt, host: Host) -> None:
    folder = rt.config.paths.inbox_dir
    (folder / "plots.csv").write_text("a,b\n")
    (folder / "junk.fbsnap").write_text("no")
    at = new_session(page="snapshots")
    text = " ".join(m.value for m in at.markdown)
    assert "plots.csv" in text and "offered for import" in text
    assert "junk.fbsnap" in text and "not a Fieldbook snapshot file" in text


def test_german(new_session, rt, host: Host) -> None:
    from store.inputs.uistate import UiState, save_ui_state

    save_ui_state(rt.store, "tester", UiState(page="snapshots", prefs={"language": "de"}))
    at = new_session()
    assert at.button(key="snap_create").label == "Jetzt sichern"
