"""The record editor: the project's form as controlled widgets, every keystroke kept as a draft.

Relevance hides fields (they are drawn in form order, so a field appearing or going away only
moves what is below it); constraints are checked on every run and shown in the field's reserved
slot; "required" is shown once the user tried to save as final. Save as draft / Save as final
store a new version (``store.fielddata.records``), then forget the draft; a version saved elsewhere in
between is never overwritten (the draft stays, the user is told). History lists every version
with who and when, and any older one can be made current again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from app import numbers, widgets
from app import record_entries as entries
from app.desktop import flush
from app.record_draft import BASE, UNREADABLE, Draft, build_draft, scope_of
from app.record_entries import Place
from app.record_fields import render_calculated, render_field, render_note
from app.session import Session
from app.slots import md_escape, message
from store.core import FieldbookError
from store.core.locale import format_moment
from store.fielddata import load_form
from store.fielddata import records as rec
from store.formdef import Evaluation, Field, FormDef, clean_for_save, evaluate_record, format_value, is_stamped
from store.formdef.model import MAX_INSTANCES
from store.sync import open_conflict_of

log = logging.getLogger(__name__)

_MESSAGE = "_fb_record_message"
_TRIED_FINAL = "_fb_record_tried_final"
_FIX = "fix"  # a refused save's message: the fields that need attention, counted afresh each run
_NOT_REBASED = "not_rebased"  # "Keep mine" refused: shown (as a warning) instead of the stale warning


def _say(record_id: str, kind: str, text: str) -> None:
    st.session_state[_MESSAGE] = (record_id, kind, text)


def _draft(session: Session, record: rec.Record, form: FormDef) -> Draft:
    scope = scope_of(record.id)
    inputs = {k: v for (s, k), v in widgets.input_cache().items() if s == scope}
    return build_draft(form, record.data, inputs)


def _forget_draft(session: Session, record_id: str, versions: dict[str, int] | None = None) -> None:
    """Drop the draft inputs and the widgets' copies, so the widgets show the saved data.

    With ``versions`` only the inputs that were part of the save are dropped in the store; what
    another window typed since stays there as its draft.
    """
    widgets.forget_scope(scope_of(record_id), versions)
    st.session_state.pop(_TRIED_FINAL, None)


NEW = "~new"  # an input: this record was created by its first input and never saved since


def _start(rt: Any, record: rec.Record, saved_as: str | None = None) -> rec.Record:
    """A new record (version 0, not stored) is created by its first input (or by "Save",
    ``saved_as``); it is marked as new (``NEW``) until it is saved, so that discarding it removes
    it (``_discard``)."""
    if record.version != 0:
        return record
    started = rec.start_record(rt.store, record.id, record.project_id, user=rt.user, saved_as=saved_as)
    rt.inputs.persist(rt.user, scope_of(record.id), NEW, True)
    return started


def _after_edit(session: Session, record: rec.Record) -> Callable[[str, Any], None]:
    def after(key: str, value: Any) -> None:
        scope = scope_of(record.id)
        if (scope, BASE) in widgets.input_cache():
            return
        try:
            started = _start(session.runtime, record)
        except FieldbookError as exc:  # the input is stored; the editor's next run tries again (_open)
            _say(record.id, "error", session.say(exc))
            return
        widgets.persist_input(scope, BASE, started.version)

    return after


def _open(session: Session, record_id: str) -> rec.Record:
    """The record to edit. A new one ("New record": ``new`` names its project) is not stored
    until its first input; one whose first input was stored without its change callback (a
    closing page's flush, then a crash before the record was written) is created now."""
    rt = session.runtime
    try:
        return rec.get_record(rt.store, record_id)
    except rec.RecordNotFound:
        project_id = session.state.params.get("new")
        if not project_id:
            raise
    record = rec.unsaved_record(rt.store, record_id, project_id, user=rt.user)
    if any(s == scope_of(record_id) and k != BASE for s, k in widgets.input_cache()):
        record = _start(rt, record)
    return record


def _save(session: Session, record_id: str, status: str) -> None:
    """Store the draft as the record's next version. The draft is read from the store, not from
    this window's copy: what the user typed in another window of the same record is saved too."""
    rt = session.runtime
    scope = scope_of(record_id)
    try:
        record = _open(session, record_id)
        started = record.version == 0
        _, form = load_form(rt.store, record.project_id, record.form_version)
        stored = rt.inputs.load_versioned(rt.user, scope)
        draft = build_draft(form, record.data, {k: v for k, (v, _) in stored.items()})
        evaluation = evaluate_record(form, draft.values)
        blocking = evaluation.blocking(final=status == "final")
        if draft.problems or blocking:
            if status == "final":
                st.session_state[_TRIED_FINAL] = record_id
            _say(record_id, _FIX, "")  # worded on every run from the fields' own messages (_summary)
            return
        record = _start(rt, record, saved_as=status)  # "Save" on a new record stores it even untouched
        stored = rt.inputs.load_versioned(rt.user, scope)  # with the mark _start set, forgotten below
        if started:  # on the version just stored (its start, its end: a calculation on them sees them)
            draft = build_draft(form, record.data, {k: v for k, (v, _) in stored.items()})
        data = clean_for_save(form, draft.values)
        if data == record.data and status == record.status and is_stamped(form, record.data):
            _forget_draft(session, record_id, {k: n for k, (_, n) in stored.items()})
            if started:
                _say(record_id, "success", session.t(f"record.saved.{status}", version=record.version))
            else:
                _say(record_id, "info", session.t("record.unchanged"))
            return
        saved = rec.save_record(
            rt.store, record_id, data, user=rt.user, status=status,
            expected_version=draft.base if draft.base is not None else record.version,
        )
    except rec.StaleRecord as exc:
        _say(record_id, "warning", session.say(exc))
        return
    except FieldbookError as exc:
        _say(record_id, "error", session.say(exc))
        return
    except Exception:
        log.exception("saving record %s failed", record_id)
        _say(record_id, "error", session.t("error.unexpected"))
        return
    try:
        _forget_draft(session, record_id, {k: n for k, (_, n) in stored.items()})
    except Exception:  # the record is saved; a left-over draft equal to it is harmless
        log.exception("forgetting the draft of %s failed", record_id)
    _say(record_id, "success", session.t(f"record.saved.{status}", version=saved.version))


def _keep_mine(session: Session, record_id: str) -> None:
    """After someone else saved a newer version: put this draft's changes on top of it."""
    try:
        current = rec.get_record(session.runtime.store, record_id)
        moved = _entries_moved_under(session, current)
    except FieldbookError as exc:
        _say(record_id, "error", session.say(exc))
        return
    if moved:
        _say(record_id, _NOT_REBASED, session.t("record.keep_mine_entries", fields=", ".join(moved), version=current.version))
        return
    if widgets.persist_input(scope_of(record_id), BASE, current.version):
        _say(record_id, "info", session.t("record.kept_mine", version=current.version))


def _entries_moved_under(session: Session, current: rec.Record) -> list[str]:
    """The repeats whose entries the draft changed and the newer version changed too. The draft
    knows saved entries by their place in its base version (app/record_draft.py), so building it
    on the newer one would put answers into other entries: it is not done (issue 16 notes)."""
    scope = scope_of(current.id)
    inputs = {k: v for (s, k), v in widgets.input_cache().items() if s == scope}
    base = inputs.get(BASE)
    _, form = load_form(session.runtime.store, current.project_id, current.form_version)
    repeats = [f for f in form.value_fields() if f.type == "repeat" and any(k.startswith(f.name + "~") for k in inputs)]
    if not repeats or not isinstance(base, int):
        return []
    older = next((v.data for v in rec.record_history(session.runtime.store, current.id) if v.version == base), {})
    return [form.label(f, session.lang) for f in repeats if older.get(f.name) != current.data.get(f.name)]


def _discard(session: Session, record_id: str) -> None:
    """Drop the draft. A record whose first input created it and that was never saved since
    (``NEW``) goes too (to the bin, as a delete does): discarding it leaves no empty record."""
    rt = session.runtime
    try:
        new = (scope_of(record_id), NEW) in rt.inputs.load(rt.user, scope_of(record_id))
        _forget_draft(session, record_id)
        if new and rec.get_record(rt.store, record_id).version == 1:
            rec.delete_record(rt.store, record_id, user=rt.user)
    except FieldbookError as exc:
        _say(record_id, "error", session.say(exc))
        return
    _say(record_id, "info", session.t("record.discarded_new" if new else "record.discarded"))


def _delete(session: Session, record_id: str, undo: bool) -> None:
    rt = session.runtime
    try:
        if undo:
            rec.undelete_record(rt.store, record_id, user=rt.user)
            _say(record_id, "success", session.t("record.undeleted"))
        else:
            rec.delete_record(rt.store, record_id, user=rt.user)
            _say(record_id, "info", session.t("record.deleted"))
    except FieldbookError as exc:
        _say(record_id, "error", session.say(exc))


def _restore(session: Session, record_id: str, version: int) -> None:
    rt = session.runtime
    try:
        saved = rec.restore_version(rt.store, record_id, version, user=rt.user)
        _forget_draft(session, record_id)  # only offered without unsaved changes; a stale base goes too
    except FieldbookError as exc:
        _say(record_id, "error", session.say(exc))
        return
    _say(record_id, "success", session.t("record.restored", old=version, version=saved.version))


Message = tuple[str | None, str | None]  # (kind, text) of a field's message slot


def _unreadable(session: Session, field: Field, raw: Any) -> str:
    """Why text typed into a number or location field is not one, as its widget says it."""
    parse: dict[str, Callable[[str], Any]] = {
        "integer": lambda text: numbers.parse_number(text, session.lang, integer=True),
        "decimal": lambda text: numbers.parse_number(text, session.lang),
        "geopoint": lambda text: numbers.parse_geopoint(text, session.lang),
        "geotrace": lambda text: numbers.parse_geoline(text, session.lang, "geotrace"),
        "geoshape": lambda text: numbers.parse_geoline(text, session.lang, "geoshape"),
    }
    try:
        if isinstance(raw, str) and field.type in parse:
            parse[field.type](raw)
    except numbers.NumberTextError as exc:
        return widgets.problem_text(session.t, exc)
    return session.t("value.invalid")


def _field_message(
    session: Session, scope: str, field: Field, draft: Draft, evaluation: Evaluation, tried_final: bool, place: Place
) -> Message:
    key, path = place.key + field.name, place.path + field.name
    said = widgets.field_error(scope, key)  # the widget's own sentence (a number as written)
    if said is not None:
        return "error", said
    if path in draft.problems:
        if draft.problems[path] == UNREADABLE:
            return "error", _unreadable(session, field, widgets.stored_value(scope, key))
        return "error", session.t("value.invalid")
    error = evaluation.errors.get(path)
    if error is not None and not (error.code in ("required", "min") and not tried_final):
        if error.text:  # a rule that could not be worked out: what went wrong, in the reader's language
            return "error", session.say(error.text)
        return "error", error.message.get(session.lang) or error.message.get("en") or error.code
    if field.type == "range" and (place.values or {}).get(field.name) is None:
        return "info", session.t("record.range_unset")
    return None, None


def _messages(
    session: Session, scope: str, fields: tuple[Field, ...], draft: Draft, evaluation: Evaluation, tried_final: bool,
    place: Place,
) -> dict[str, Message]:
    """The message of every field shown (relevant, holding a value someone types), in form order,
    by path (``visits[2]/weight`` inside a repeat's entry)."""
    found: dict[str, Message] = {}
    for field in fields:
        path = place.path + field.name
        if not evaluation.relevant.get(path, True):
            continue
        if field.type == "group":
            found |= _messages(session, scope, field.children, draft, evaluation, tried_final, place)
        elif field.type == "repeat":
            _, shown = entries.entries(field, place, scope, (place.values or {}).get(field.name))
            for entry in shown:
                found |= _messages(session, scope, field.children, draft, evaluation, tried_final, entry.place)
            found[path] = _field_message(session, scope, field, draft, evaluation, tried_final, place)
        elif field.type != "note" and not field.calculation and not field.hidden:
            found[path] = _field_message(session, scope, field, draft, evaluation, tried_final, place)
    return found


def _summary(session: Session, form: FormDef, messages: dict[str, Message], blocking: Any) -> str | None:
    """After a refused save: which fields still need attention, counted from the messages the
    fields show in this run (so it shrinks as they are fixed and goes once none is left), and
    any other error that blocks the save (a calculation that cannot be worked out)."""
    names = [name for name, (kind, _) in messages.items() if kind == "error"]
    names += [name for name in blocking if name not in names]
    wrong = [_label(form, name, session.lang) for name in names]
    if not wrong:
        return None
    opening, closing = ("„", "“") if session.lang == "de" else ("“", "”")
    names = ", ".join(f"{opening}{label}{closing}" for label in wrong)
    return session.t("record.fix_one" if len(wrong) == 1 else "record.fix_many", n=len(wrong), fields=names)


def _fields(
    session: Session, form: FormDef, fields: tuple[Field, ...], record: rec.Record, evaluation: Evaluation, messages: dict[str, Message],
    place: Place,
) -> None:
    scope = scope_of(record.id)
    saved, values = place.saved or {}, place.values or {}
    for field in fields:
        path = place.path + field.name
        if not evaluation.relevant.get(path, True):
            continue
        if field.type == "group":
            with st.container(border=True, key=f"group-{_css(place.key + field.name)}"):
                st.markdown(f"**{md_escape(form.label(field, session.lang))}**")
                _fields(session, form, field.children, record, evaluation, messages, place)
            continue
        if field.type == "repeat":
            _repeat(session, form, field, record, evaluation, messages, place)
            continue
        if field.type == "note":
            render_note(form, field, session.lang)
            continue
        if field.hidden:
            continue  # recorded by Fieldbook (start, end, device, person) or ODK's hidden: nothing to ask
        if field.calculation:
            render_calculated(form, field, values.get(field.name), session.lang)
            continue
        render_field(
            form, field, saved.get(field.name), scope=scope, lang=session.lang, t=session.t,
            after=entries.keeping_entries(scope, place, _after_edit(session, record)) if place.around else _after_edit(session, record),
            disabled=record.deleted, offered=evaluation.options.get(path), key=place.key + field.name,
        )
        message(f"rec-{_css(path)}", *messages.get(path, (None, None)))


def _css(path: str) -> str:
    """A path as a part of a Streamlit key (a CSS class): every other character as ``-<hex>-``."""
    return re.sub(r"[^A-Za-z0-9_]", lambda m: f"-{ord(m.group()):x}-", path)


def _repeat(
    session: Session, form: FormDef, field: Field, record: rec.Record, evaluation: Evaluation, messages: dict[str, Message],
    place: Place,
) -> None:
    """A repeat: its entries one below the other, each with its own fields and (without a count)
    buttons to move or remove it; "Add" below them, so an added entry only moves what is below."""
    scope, t, path = scope_of(record.id), session.t, place.path + field.name
    key = place.key + field.name
    ids, shown = entries.entries(field, place, scope, (place.values or {}).get(field.name))
    after = _after_edit(session, record)
    counted = "count" in field.parameters
    label = form.label(field, session.lang)
    off = record.deleted or field.read_only
    with st.container(border=True, key=f"repeat-{_css(key)}"):
        st.markdown(f"**{md_escape(label)}** · {md_escape(t('record.entries', n=len(shown)))}")
        for entry in shown:
            with st.container(border=True, key=f"entry-{_css(key)}-{entry.entry_id}"):
                head = st.container(horizontal=True, vertical_alignment="center")  # one block: cheaper than columns
                head.markdown(f"**{md_escape(t('record.entry', label=label, n=entry.position))}**", width="stretch")
                if not counted:
                    tag = f"{_css(key)}-{entry.entry_id}"
                    head.button(
                        t("record.entry_up"), key=f"up-{tag}", icon=":material/arrow_upward:",
                        on_click=entries.move, args=(scope, key, ids, entry.entry_id, -1, after), disabled=off or entry.position == 1,
                    )
                    head.button(
                        t("record.entry_down"), key=f"down-{tag}", icon=":material/arrow_downward:",
                        on_click=entries.move, args=(scope, key, ids, entry.entry_id, 1, after), disabled=off or entry.position == len(shown),
                    )
                    head.button(
                        t("record.entry_remove"), key=f"remove-{tag}", icon=":material/delete:",
                        on_click=entries.remove, args=(scope, key, ids, entry.entry_id, after), disabled=off,
                    )
                _fields(session, form, field.children, record, evaluation, messages, entry.place)
        wanted = evaluation.wanted.get(path)
        if counted and wanted is not None and len(shown) > wanted:
            st.button(
                t("record.entries_drop", n=len(shown) - wanted), key=f"drop-{_css(key)}", disabled=off,
                on_click=entries.drop_extra, args=(scope, field, key, ids, shown, wanted, after),
            )
        elif not counted:
            full = len(shown) >= field.parameters.get("max", MAX_INSTANCES)
            st.button(
                t("record.entry_add", label=label), key=f"add-{_css(key)}", icon=":material/add:", disabled=off or full,
                on_click=entries.add, args=(scope, key, ids, after),
            )
        message(f"rec-{_css(path)}", *messages.get(path, (None, None)))


def _status_line(session: Session, record: rec.Record, dirty: bool) -> str:
    if record.version == 0:
        return session.t("record.new")
    parts = [session.t(f"record.status.{record.status}"), session.t("record.version", version=record.version)]
    if record.deleted:
        parts.append(session.t("record.is_deleted"))
    if dirty:
        parts.append(session.t("record.unsaved"))
    return " · ".join(parts)


def _history(session: Session, record: rec.Record, form: FormDef, dirty: bool) -> None:
    with st.expander(session.t("record.history")):
        store = session.runtime.store
        # Drawn on every keystroke's rerun: read once per saved version (a new one changes the key).
        history = store.cache.get_or_compute(("history", record.id, record.hlc), lambda: rec.record_history(store, record.id))
        for version, before in zip(history, [*history[1:], None], strict=True):
            line, button = st.columns([5, 1], vertical_alignment="top")
            when = format_moment(version.saved_at, session.lang, seconds=True)
            changes = _changes(session, form, version, before)
            line.markdown(
                f"**v{version.version}** · {md_escape(when)} · {md_escape(version.saved_by)} · "
                f"{session.t(f'record.status.{version.status}')}"
                + (f" · {md_escape(version.note)}" if version.note else "")
                + "".join(f"  \n:gray[{md_escape(change)}]" for change in changes)
            )
            with button.popover(session.t("record.view_version"), width="stretch"):
                st.markdown(f"**{session.t('record.version_whole', version=version.version)}**")
                st.markdown("  \n".join(md_escape(f"{label}: {text}") for label, text in _values(form, version.data, session.lang)) or "—")
                st.button(
                    session.t("record.restore"), key=f"restore_v{version.version}", disabled=version.version == record.version or dirty,
                    help=session.t("record.restore_dirty") if dirty else None, on_click=_restore, args=(session, record.id, version.version),
                )


def _shown(form: FormDef, name: str, value: Any, lang: str) -> str:
    if value is None or value == [] or value == "":
        return "—"
    try:
        return format_value(form, form.field(name), value, lang)
    except (KeyError, FieldbookError):  # a field an older form version had
        return str(value)


def _label(form: FormDef, name: str, lang: str) -> str:
    """A field's label; of a path in a repeat (``visits[2]/kind``), with the entries it is in."""
    if "/" in name or "[" in name:
        *outer, leaf = name.split("/")
        where = [f"{_label(form, part.partition('[')[0], lang)} {part.partition('[')[2].rstrip(']')}" for part in outer]
        return " › ".join([*where, _label(form, leaf.partition("[")[0], lang)])
    try:
        return form.label(form.field(name), lang)
    except KeyError:
        return name


def _values(form: FormDef, data: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """(label, value as shown) of every field with a value in ``data``, in form order."""
    names = [f.name for f in form.value_fields()] + [n for n in data if n not in {f.name for f in form.value_fields()}]
    return [(_label(form, n, lang), _shown(form, n, data[n], lang)) for n in names if _shown(form, n, data.get(n), lang) != "—"]


def _changes(session: Session, form: FormDef, version: rec.RecordVersion, before: rec.RecordVersion | None) -> list[str]:
    """What ``version`` changed against the one ``before`` it, field by field: old → new (the
    first version: what it was created with)."""
    lang = session.lang
    if before is None:
        return [f"{label}: {text}" for label, text in _values(form, version.data, lang)]
    found = []
    if version.status != before.status:
        old, new = (session.t(f"record.status.{v.status}") for v in (before, version))
        found.append(f"{session.t('list.col.status')}: {old} → {new}")
    if version.deleted != before.deleted:
        found.append(session.t("record.is_deleted") if version.deleted else session.t("record.undeleted"))
    names = [f.name for f in form.value_fields()]
    names += [n for n in {**before.data, **version.data} if n not in names]
    for name in names:
        old, new = before.data.get(name), version.data.get(name)
        if old != new:
            found.append(f"{_label(form, name, lang)}: {_shown(form, name, old, lang)} → {_shown(form, name, new, lang)}")
    return found or [session.t("record.no_change")]


def render(session: Session) -> None:
    rt = session.runtime
    record_id = session.state.params.get("record")
    if not record_id:
        st.info(session.t("record.none"))
        return
    try:
        record = _open(session, record_id)
        _, form = load_form(rt.store, record.project_id, record.form_version)
    except FieldbookError as exc:
        st.warning(session.say(exc))
        return
    new = record.version == 0
    draft = _draft(session, record, form)
    evaluation = evaluate_record(form, draft.values)
    dirty = draft.dirty(record.data)
    tried_final = st.session_state.get(_TRIED_FINAL) == record.id

    top = st.columns([1, 4, 1], vertical_alignment="center")
    top[0].button(
        session.t("record.back_to_list"), key="record_back", icon=":material/arrow_back:",
        on_click=session.navigate, args=("records", {"project": record.project_id}),
    )
    conflict = None if new else open_conflict_of(rt.store, record.id)
    with top[1].container(key="fbslot-record-status"):
        conflict_note = f" · :orange[{session.t('record.conflict')}]" if conflict else ""
        st.markdown(f"**{md_escape(form.text(form.title, session.lang))}** · {_status_line(session, record, dirty)}{conflict_note}")
    with top[2].container(key="record_conflict_slot"):  # reserved: the row is as high with or without the link
        if conflict:
            st.button(
                session.t("record.conflict_open"), key="record_conflict", icon=":material/call_split:", help=session.t("record.conflict_help"),
                on_click=session.navigate, args=("conflicts", {"conflict": conflict}), width="stretch",
            )
        else:
            st.markdown("\u200b")
    stale = draft.base is not None and draft.base != record.version and dirty
    shown = st.session_state.get(_MESSAGE)
    shown = shown[1:] if shown and shown[0] == record.id else (None, None)
    here = Place(saved=record.data, values=evaluation.values)
    messages = _messages(session, scope_of(record.id), form.fields, draft, evaluation, tried_final, here)
    if stale and shown[0] == _NOT_REBASED:
        message("record", "warning", shown[1])
    elif stale:
        message("record", "warning", session.t("record.stale", version=record.version, who=record.updated_by))
    elif shown[0] == _FIX:
        summary = _summary(session, form, messages, {**draft.problems, **evaluation.blocking(final=tried_final)})
        message("record", "error" if summary else None, summary)
    else:
        message("record", *shown)
    actions = st.columns(5)
    actions[0].button(session.t("record.save_draft"), key="record_save_draft", on_click=_save, args=(session, record.id, "draft"), disabled=record.deleted, width="stretch")
    actions[1].button(session.t("record.save_final"), key="record_save_final", type="primary", on_click=_save, args=(session, record.id, "final"), disabled=record.deleted, width="stretch")
    actions[2].button(session.t("record.discard"), key="record_discard", on_click=_discard, args=(session, record.id), disabled=not draft.touched, width="stretch")
    if record.deleted:
        actions[3].button(session.t("record.undelete"), key="record_undelete", on_click=_delete, args=(session, record.id, True), width="stretch")
    else:
        actions[3].button(
            session.t("record.delete"), key="record_delete", on_click=_delete, args=(session, record.id, False), disabled=new, width="stretch",
        )
    actions[4].button(
        session.t("record.keep_mine"), key="record_keep_mine", on_click=_keep_mine, args=(session, record.id), disabled=not stale,
        help=session.t("record.keep_mine_help"), width="stretch",
    )
    # a text typed and flushed as the page went away starts the draft like a first edit does
    # (_after_edit): with the version it is based on (app/desktop/flush.py)
    # (and creates a new record: _start, the version it creates is 1)
    flush.with_first(scope_of(record.id), {BASE: record.version or 1}, (lambda rt: _start(rt, record)) if new else None)
    _fields(session, form, form.fields, record, evaluation, messages, here)
    if not new:
        _history(session, record, form, dirty)
    st.caption(f"{session.t('record.id')}: `{record.id}` · {session.t('record.form_version', version=record.form_version)}")

