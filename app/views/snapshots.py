"""The Snapshots page (admin): list, create now, verify, pin, download a ``.fbsnap``, upload one
and restore, and the inbox. Long work runs as an operation (app/operations.py) whose progress bar
sits in a slot reserved at the top of the page, so nothing moves when it appears."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import streamlit as st

from app import operations
from app.desktop.runtime import Runtime
from app.session import Session
from store.core import FieldbookError, remove_tree
from store.core.locale import format_moment, format_size
from store.snapshots import SnapshotInfo

UPLOAD_MAX_MB = 4096


def _age(session: Session, when: dt.datetime) -> str:
    seconds = max(0, (dt.datetime.now(dt.UTC) - when).total_seconds())
    if seconds < 90:
        return session.t("snap.age.now")
    if seconds < 5400:
        return session.t("snap.age.min", n=round(seconds / 60))
    if seconds < 172_800:
        return session.t("snap.age.h", n=round(seconds / 3600))
    return session.t("snap.age.d", n=round(seconds / 86400))


def _verified(session: Session, snap: SnapshotInfo) -> str:
    if snap.verified is None:
        return session.t("snap.verified.never")
    return session.t("snap.verified.ok") if snap.verified else session.t("snap.verified.failed")


def _start(session: Session, kind: str, label: str, fn: Any, cleanup: Any = None) -> None:
    try:
        operations.start(kind, label, fn, cleanup=cleanup)
    except FieldbookError as exc:
        st.session_state["snap_note"] = session.say(exc)


# -- the status slot ------------------------------------------------------------------------------


def _status_body(session: Session) -> None:
    op = operations.current()
    note = st.session_state.get("snap_note")
    if op is not None and not op.done:
        st.progress(op.progress, text=f"{session.t(f'snap.op.{op.kind}')} · {session.say(op.message)}")
    elif note:
        st.warning(note)
    elif op is not None and op.error:
        st.error(f"{session.t(f'snap.op.{op.kind}')}: {session.say(op.error)}")
    elif op is not None:
        st.success(_done_text(session, op))
    else:
        st.caption(session.t("snap.hint"))


def _done_text(session: Session, op: operations.Operation) -> str:
    result = op.result or {}
    if op.kind == "restore":
        return session.t("snap.done.restore", source=session.say(result.get("source", "")), previous=result.get("previous", ""))
    if op.kind == "verify":
        return session.t("snap.done.verify", id=op.label)
    return session.t("snap.done.create", id=result.get("id", ""))


@st.fragment(run_every=0.5)
def _status_live(session_lang: str) -> None:
    session = Session(_rt())
    _status_body(session)
    if not operations.busy():
        st.rerun(scope="app")  # finished: the whole page shows the new state


def _rt() -> Runtime:
    from app.desktop import runtime

    rt = runtime.current()
    if rt is None:
        raise FieldbookError("Fieldbook's data service is not running.")
    return rt


# -- actions --------------------------------------------------------------------------------------


def _create(session: Session) -> None:
    st.session_state.pop("snap_note", None)
    service = session.runtime.snapshots

    def run(progress: Any) -> dict[str, Any]:
        return dict(service.snapshots.create(service.current_store(), "manual", progress=progress).to_dict())

    _start(session, "create", "manual", run)


def _verify(session: Session, snap_id: str) -> None:
    st.session_state.pop("snap_note", None)
    service = session.runtime.snapshots
    _start(session, "verify", snap_id, lambda progress: service.snapshots.verify(snap_id).to_dict())


def _restore(session: Session, source: str, passphrase: str | None, cleanup: Any = None) -> None:
    st.session_state.pop("snap_note", None)
    service = session.runtime.snapshots
    _start(session, "restore", source, lambda progress: service.restore(source, passphrase, progress), cleanup)


def _toggle_pin(session: Session, snap: SnapshotInfo) -> None:
    try:
        session.runtime.snapshots.snapshots.pin(snap.id, not snap.pinned)
    except FieldbookError as exc:
        st.session_state["snap_note"] = session.say(exc)


def _export_bytes(rt: Runtime, snap_id: str, passphrase: str | None) -> bytes:
    snaps = rt.snapshots.snapshots
    folder = snaps.dir / f".tmp-download-{os.getpid()}-{snap_id}"
    folder.mkdir(exist_ok=True)
    try:
        out = snaps.export(snap_id, folder / f"fieldbook-{snap_id}.fbsnap", passphrase)
        return out.read_bytes()
    finally:
        remove_tree(folder)


@st.dialog("Restore", width="medium")
def _confirm(session: Session, source: str, label: str, passphrase: str | None, upload: bytes | None = None) -> None:
    st.markdown(session.t("snap.confirm.title", label=label))
    st.warning(session.t("snap.confirm.replaces"))
    st.info(session.t("snap.confirm.kept", n=session.runtime.config.snapshot_keep_pre_restore))
    go, cancel = st.columns(2)
    if go.button(session.t("snap.confirm.go"), type="primary", key="snap_confirm_go", width="stretch"):
        cleanup = None
        if upload is not None:
            folder = session.runtime.snapshots.snapshots.dir / f".tmp-upload-{os.getpid()}"
            folder.mkdir(exist_ok=True)
            target = folder / Path(label).name
            target.write_bytes(upload)
            source = str(target)
            cleanup = lambda: remove_tree(folder)  # noqa: E731
        _restore(session, source, passphrase, cleanup)
        st.rerun()
    if cancel.button(session.t("snap.confirm.cancel"), key="snap_confirm_cancel", width="stretch"):
        st.rerun()


# -- the page -------------------------------------------------------------------------------------


def render(session: Session) -> None:
    st.subheader(session.t("page.snapshots"))
    service = session.runtime.snapshots
    with st.container(key="fbsnap-status", height=72, border=False):  # reserved: messages never move the page
        if operations.busy():
            _status_live(session.lang)
        else:
            _status_body(session)
    if service is None:
        return
    busy = operations.busy()
    snaps = service.snapshots.all()
    st.button(session.t("snap.create"), key="snap_create", icon=":material/backup:", on_click=_create, args=(session,), disabled=busy)
    _table(session, snaps)
    _selected(session, snaps, busy)
    _upload(session, busy)
    _inbox(session, service, busy)


def _table(session: Session, snaps: list[SnapshotInfo]) -> None:
    rows = {
        session.t("snap.col.created"): [format_moment(s.created_at, session.lang, seconds=True) for s in snaps],
        session.t("snap.col.age"): [_age(session, s.created_at) for s in snaps],
        session.t("snap.col.reason"): [s.reason for s in snaps],
        session.t("snap.col.size"): [format_size(s.size, session.lang) for s in snaps],
        session.t("snap.col.verified"): [_verified(session, s) for s in snaps],
        session.t("snap.col.pinned"): ["📌" if s.pinned else "" for s in snaps],
        "ID": [s.id for s in snaps],
    }
    st.dataframe(rows, hide_index=True, height=246, width="stretch", key="snap_table")


def _selected(session: Session, snaps: list[SnapshotInfo], busy: bool) -> None:
    by_id = {s.id: s for s in snaps}
    pick, verify, restore, pin = st.columns([4, 1, 1, 1], vertical_alignment="bottom")
    if st.session_state.get("snap_pick") not in by_id:
        # none picked yet, or the one picked is gone: the newest. Streamlit keeps a keyed
        # widget's value when its options change, so the first snapshot taken on this page would
        # otherwise stay unpicked ("No snapshot yet") until another page was visited.
        st.session_state["snap_pick"] = next(iter(by_id), None)
    chosen = pick.selectbox(
        session.t("snap.pick"),
        list(by_id),
        key="snap_pick",
        format_func=lambda i: f"{by_id[i].created_at.astimezone():%Y-%m-%d %H:%M:%S} · {by_id[i].reason}" if i in by_id else i,
        placeholder=session.t("snap.none"),
    )
    snap = by_id.get(chosen) if chosen else None
    verify.button(session.t("snap.verify"), key="snap_verify", disabled=busy or snap is None, on_click=_verify, args=(session, chosen), width="stretch")
    if restore.button(session.t("snap.restore"), key="snap_restore", disabled=busy or snap is None, type="primary", width="stretch") and snap:
        _confirm(session, snap.id, f"{snap.created_at.astimezone():%Y-%m-%d %H:%M:%S} · {snap.reason}", None)
    pin.button(
        session.t("snap.unpin") if snap is not None and snap.pinned else session.t("snap.pin"),
        key="snap_pin",
        disabled=snap is None,
        on_click=_toggle_pin,
        args=(session, snap),
        width="stretch",
    )
    phrase, download = st.columns([4, 3], vertical_alignment="bottom")
    passphrase = phrase.text_input(session.t("snap.export.passphrase"), type="password", key="snap_export_pass")
    rt = session.runtime
    download.download_button(
        session.t("snap.download"),
        data=(lambda: _export_bytes(rt, snap.id, passphrase or None)) if snap is not None else b"",
        file_name=f"fieldbook-{chosen}.fbsnap" if snap is not None else "fieldbook.fbsnap",
        mime="application/octet-stream",
        key="snap_download",
        icon=":material/download:",
        disabled=snap is None,
        width="stretch",
        on_click="ignore",
    )


def _upload(session: Session, busy: bool) -> None:
    st.caption(session.t("snap.upload.title"))
    file_col, phrase_col, go_col = st.columns([4, 2, 1], vertical_alignment="bottom")
    upload = file_col.file_uploader(session.t("snap.upload"), type=["fbsnap"], key="snap_upload", max_upload_size=UPLOAD_MAX_MB)
    passphrase = phrase_col.text_input(session.t("snap.upload.passphrase"), type="password", key="snap_upload_pass")
    if go_col.button(session.t("snap.restore"), key="snap_upload_restore", disabled=busy or upload is None, width="stretch") and upload:
        _confirm(session, upload.name, upload.name, passphrase or None, upload.getvalue())


def _inbox(session: Session, service: Any, busy: bool) -> None:
    st.caption(session.t("snap.inbox.title", folder=str(service.inbox.folder)))
    items = service.inbox.items()
    with st.container(height=170, key="snap_inbox"):
        if not items:
            st.caption(session.t("snap.inbox.empty"))
        for n, item in enumerate(items):
            text, action = st.columns([5, 1], vertical_alignment="center")
            if item.kind == "import":
                text.write(f":material/table: {item.name} · {format_size(item.size, session.lang)} · {session.t('snap.inbox.import')}")
                action.button(session.t("snap.inbox.import_button"), key=f"snap_inbox_{n}", disabled=True, width="stretch")
            elif not item.ready:
                text.write(f":material/hourglass_top: {item.name} · {format_size(item.size, session.lang)} · {session.t('snap.inbox.arriving')}")
            elif item.problem:
                text.write(f":material/error: {item.name} · {session.say(item.problem)}")
            else:
                lock = " 🔒" if item.encrypted else ""
                text.write(f":material/backup: {item.name}{lock} · {format_size(item.size, session.lang)} · {session.t('snap.inbox.available')}")
                if action.button(session.t("snap.restore"), key=f"snap_inbox_{n}", disabled=busy, width="stretch"):
                    phrase = st.session_state.get("snap_upload_pass") or None
                    _confirm(session, str(item.path), item.name, phrase)
