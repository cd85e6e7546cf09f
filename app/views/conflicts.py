"""The Conflicts page: records changed on two devices at once, compared side by side and resolved
field by field (store/sync/conflicts.py).

Layout, top to bottom, drawn in the same order on every run: a reserved message slot, the list of
open conflicts, the comparison of the chosen one (``?conflict=`` in the page params, so back,
reload and restart return to it), and the resolved conflicts collapsed at the bottom. Every choice
is a controlled input in the scope ``conflict:<id>``: a reload shows the choices made so far. The
"Save resolution" button stays disabled until every differing field has a choice; the reason is
in a reserved slot under it. Form conflicts can only be acknowledged (form versions are never
edited; the definition in use stays in use).

If the record changed again after the conflict (a third version, e.g. a later edit from another
device), it is shown as a third column "Now (in use)" and can be chosen; every field where the three
do not all agree needs a choice. Save passes the stamp of the version in use this page was drawn
with, so a record that moved on meanwhile is refused with a plain message (choices kept) instead of
overwriting something nobody compared. The store's refusals carry a ``code``; they are said in the
reader's language (``conflicts.error.<code>``), never as the store's English sentence.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import streamlit as st

from app import widgets
from app.session import Session
from app.slots import label_escape, md_escape, message
from store.core import FieldbookError
from store.core.locale import format_moment
from store.fielddata import get_project, load_form
from store.fielddata import records as rec
from store.formdef import FILE_TYPES, FormDef, form_from_json, format_value
from store.sync import conflicts as cf
from store.sync import quarantined

log = logging.getLogger(__name__)

_MESSAGE = "_fb_conflicts_message"
SIDES = ("local", "remote")
# Store refusals (store/sync/conflicts.py ConflictError.code) with a text of their own.
ERROR_CODES = ("gone", "stale", "changed_since", "already_resolved", "missing", "not_part", "bad_choice", "bad_status", "bad_deleted",
               "bad_value", "form_conflict", "record_conflict")


def scope_of(conflict_id: str) -> str:
    return f"conflict:{conflict_id}"


def choice_key(name: str) -> str:
    return f"choice.{name}"


def edit_key(name: str) -> str:
    return f"edit.{name}"


def _say(kind: str, text: str) -> None:
    st.session_state[_MESSAGE] = (kind, text)


# -- values as people read them ---------------------------------------------------------------------


def _when(value: Any, lang: str) -> str:
    """A timestamp (datetime or ISO text) in local time, written the way ``lang`` writes dates."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return ""
    return format_moment(value, lang)


def value_text(session: Session, form: FormDef, diff: cf.FieldDiff, value: Any) -> str:
    """One side's value as plain text: choice labels, dates formatted, status and deleted in words."""
    if diff.name == cf.STATUS:
        return session.t(f"record.status.{value}") if value in rec.STATUSES else str(value)
    if diff.name == cf.DELETED:
        return session.t("conflicts.deleted.yes" if value else "conflicts.deleted.no")
    if value is None or value == "" or value == []:
        return ""
    if diff.field is None:
        return value if isinstance(value, str) else str(value)
    return format_value(form, diff.field, value, session.lang)


def _cell(text: str, session: Session) -> str:
    return md_escape(text) if text else f":gray[{session.t('conflicts.empty')}]"


def _record_title(form: FormDef, data: dict[str, Any], record_id: str, lang: str) -> str:
    """The first two filled values of the record (what people recognise it by), else its short id."""
    parts = []
    for item in form.value_fields():
        value = data.get(item.name)
        if value not in (None, "", []) and item.type not in FILE_TYPES:
            parts.append(format_value(form, item, value, lang))
        if len(parts) == 2:
            break
    text = " · ".join(parts) or record_id[-8:]
    return text if len(text) <= 60 else text[:59] + "…"


def _project_name(session: Session, project_id: str | None) -> str:
    if project_id:
        try:
            return get_project(session.runtime.store, project_id).name
        except FieldbookError:
            pass
    return session.t("conflicts.unknown_project")


def can_edit(diff: cf.FieldDiff) -> bool:
    """Text fields can be merged by hand; the others are picked from one side."""
    return diff.field is not None and diff.field.type == "text"


def options_of(diff: cf.FieldDiff) -> list[str]:
    sides = [*SIDES, cf.NOW] if diff.has_now else list(SIDES)
    return [*sides, "edit"] if can_edit(diff) else sides


def prefill(diff: cf.FieldDiff) -> str:
    """The starting text of a manual merge: every shown text, this device's first."""
    shown = (diff.local, diff.remote, diff.now) if diff.has_now else (diff.local, diff.remote)
    texts = [v for v in shown if isinstance(v, str) and v]
    return " / ".join(dict.fromkeys(texts))


def _label(session: Session, diffs: list[cf.FieldDiff] | None, name: Any) -> str:
    found = next((d for d in diffs or [] if d.name == name), None)
    return (found.label.get(session.lang) or found.name) if found is not None else str(name)


def error_text(session: Session, exc: FieldbookError, diffs: list[cf.FieldDiff] | None = None) -> str:
    """A refusal from the store in the reader's language. Known refusals have their own text; any
    other gets a general sentence with the store's (English) sentence only as the detail."""
    code = getattr(exc, "code", None)
    if isinstance(exc, cf.ConflictError) and code in ERROR_CODES:
        values = exc.values
        names = [_label(session, diffs, n) for n in values.get("fields", [])]
        return session.t(f"conflicts.error.{code}", n=len(names), names=", ".join(names), field=_label(session, diffs, values.get("field")),
                         value=values.get("value", ""), detail=session.say(exc))
    if isinstance(exc, rec.StaleRecord):
        return session.t("conflicts.error.stale")
    if isinstance(exc, rec.RecordNotFound):
        return session.t("conflicts.unknown_record")
    return session.t("conflicts.error.other", detail=session.say(exc))


# -- actions (callbacks) ----------------------------------------------------------------------------


def _choose_all(session: Session, conflict_id: str, side: str, names: list[str]) -> None:
    scope = scope_of(conflict_id)
    if widgets.persist_inputs(scope, {choice_key(n): side for n in names}):
        for name in names:
            widgets.set_widget_value(scope, choice_key(name), side)


def missing_choices(conflict_id: str, diffs: list[cf.FieldDiff], stored: dict[str, Any]) -> list[cf.FieldDiff]:
    return [d for d in diffs if d.differs and stored.get(choice_key(d.name)) not in options_of(d)]


def choices_from(diffs: list[cf.FieldDiff], stored: dict[str, Any]) -> dict[str, Any]:
    """The store's choices from the page's inputs: "local" / "remote" / "now", or ("value", text) for an edit."""
    out: dict[str, Any] = {}
    for diff in diffs:
        if not diff.differs:
            continue
        picked = stored.get(choice_key(diff.name))
        if picked == "edit" and can_edit(diff):
            out[diff.name] = ("value", stored.get(edit_key(diff.name), prefill(diff)))
        elif picked in options_of(diff):
            out[diff.name] = picked
    return out


def _forget_inputs(session: Session, conflict_id: str) -> None:
    widgets.forget_scope(scope_of(conflict_id))


def _save(session: Session, conflict_id: str, seen_hlc: str) -> None:
    """Resolve with the choices as stored (what another window of the same conflict chose counts too),
    against the version in use the comparison was drawn with (``seen_hlc``)."""
    rt = session.runtime
    scope = scope_of(conflict_id)
    diffs: list[cf.FieldDiff] | None = None
    try:
        conflict = cf.get_conflict(rt.store, conflict_id)
        record = rec.get_record(rt.store, conflict.record_id)
        if record.hlc != seen_hlc:  # moved on since the page was drawn: the next run shows the new state
            _say("warning", session.t("conflicts.error.stale"))
            return
        diffs = cf.fields(conflict, cf.form_of(rt.store, conflict), record)
        stored = {k: v for k, (v, _) in rt.inputs.load_versioned(rt.user, scope).items()}
        stored.update({k: v for (s, k), v in widgets.input_cache().items() if s == scope})
        missing = missing_choices(conflict_id, diffs, stored)
        if missing:
            _say("warning", session.t("conflicts.need_choice", n=len(missing), names=", ".join(d.label.get(session.lang, d.name) for d in missing)))
            return
        saved = cf.resolve(rt.store, conflict_id, choices_from(diffs, stored), user=rt.user, expected_hlc=seen_hlc)
    except FieldbookError as exc:
        _say("warning", error_text(session, exc, diffs))
        return
    except Exception:
        log.exception("resolving conflict %s failed", conflict_id)
        _say("error", session.t("error.unexpected"))
        return
    try:
        _forget_inputs(session, conflict_id)
    except Exception:  # resolved; left-over choices of a closed conflict are harmless
        log.exception("forgetting the choices of conflict %s failed", conflict_id)
    _say("success", session.t("conflicts.saved", version=saved.version))
    session.navigate("conflicts", {})


def _open(session: Session, conflict_id: str) -> None:
    st.session_state.pop(_MESSAGE, None)
    session.navigate("conflicts", {"conflict": conflict_id})


def _acknowledge(session: Session, conflict_id: str) -> None:
    rt = session.runtime
    try:
        cf.acknowledge(rt.store, conflict_id, user=rt.user)
    except FieldbookError as exc:
        _say("warning", error_text(session, exc))
        return
    _say("success", session.t("conflicts.acknowledged"))


# -- drawing ----------------------------------------------------------------------------------------


def _in_use(session: Session, conflict: cf.Conflict, record: rec.Record | None) -> str:
    side = conflict.current_side
    if side is not None:
        return session.t(f"conflicts.in_use.{side}")
    return session.t("conflicts.in_use.changed", version=record.version if record else "?")


def _other(session: Session, conflict: cf.Conflict) -> str:
    other = conflict.remote
    text = session.t(
        "conflicts.from", device=other.get("device_id") or "?", user=other.get("updated_by") or "?", when=_when(other.get("updated_at"), session.lang)
    )
    if other.get("deleted"):
        text += " · " + session.t("conflicts.deleted_there")
    return text


def _current(session: Session, conflict: cf.Conflict) -> tuple[rec.Record | None, str]:
    """The record as it is now and the title people know it by (its short id if it is not here)."""
    store = session.runtime.store
    try:
        record = rec.get_record(store, conflict.record_id)
        form = load_form(store, record.project_id, record.form_version)[1]
    except FieldbookError:
        return None, conflict.record_id[-8:]
    return record, _record_title(form, record.data, record.id, session.lang)


def _record_row(session: Session, conflict: cf.Conflict, selected: str | None) -> None:
    record, title = _current(session, conflict)
    line, button = st.columns([6, 1], vertical_alignment="center")
    line.markdown(
        md_escape(session.t("conflicts.record_line", project=_project_name(session, conflict.project_id), record=title,
                            when=_when(conflict.detected_at, session.lang)))
        + f"  \n:gray[{md_escape(_in_use(session, conflict, record))} · {md_escape(_other(session, conflict))}]"
    )
    button.button(
        session.t("conflicts.compare"), key=f"cf_open_{conflict.id}", type="primary" if conflict.id == selected else "secondary",
        on_click=_open, args=(session, conflict.id), width="stretch",
    )


def _form_row(session: Session, conflict: cf.Conflict) -> None:
    used, other = conflict.local, conflict.remote
    line, button = st.columns([6, 1], vertical_alignment="center")
    line.markdown(md_escape(session.t(
        "conflicts.form_line", project=_project_name(session, conflict.project_id), version=used.get("version", "?"),
        used=_form_title(used, session.lang), other=_form_title(other, session.lang), device=other.get("device_id") or "?",
    )))
    button.button(
        session.t("conflicts.acknowledge"), key=f"cf_ack_{conflict.id}", help=session.t("conflicts.acknowledge_help"),
        on_click=_acknowledge, args=(session, conflict.id), width="stretch",
    )


def _form_title(version: dict[str, Any], lang: str) -> str:
    try:
        return form_from_json(version["definition"]).text(form_from_json(version["definition"]).title, lang) or "?"
    except (FieldbookError, KeyError, TypeError, ValueError):
        return "?"


def _widths(third: bool) -> list[int]:
    """The comparison's columns: field, this device, the other device, [now in use,] the choice."""
    return [2, 3, 3, 3, 4] if third else [2, 3, 3, 3]


def _header_row(session: Session, conflict: cf.Conflict, third: bool) -> None:
    mark = f" :gray[{session.t('conflicts.current_mark')}]"
    cols = st.columns(_widths(third))
    cols[0].markdown(f"**{session.t('conflicts.col.field')}**")
    cols[1].markdown(f"**{session.t('conflicts.col.local')}**" + (mark if conflict.current_side == "local" else ""))
    cols[2].markdown(f"**{session.t('conflicts.col.remote')}**" + (mark if conflict.current_side == "remote" else ""))
    if third:
        cols[3].markdown(f"**{session.t('conflicts.col.now')}**")
    cols[-1].markdown(f"**{session.t('conflicts.col.choice')}**")


def _choice_row(session: Session, form: FormDef, conflict: cf.Conflict, diff: cf.FieldDiff) -> None:
    scope = scope_of(conflict.id)
    label = diff.label.get(session.lang) or diff.name
    names = {"local": session.t("conflicts.opt.local"), "remote": session.t("conflicts.opt.remote"), cf.NOW: session.t("conflicts.opt.now"),
             "edit": session.t("conflicts.opt.edit")}
    options = options_of(diff)
    with st.container(key=f"cfrow-{diff.name}"):
        cols = st.columns(_widths(diff.has_now))
        cols[0].markdown(f"**{md_escape(label)}**")
        cols[1].markdown(_cell(value_text(session, form, diff, diff.local), session))
        cols[2].markdown(_cell(value_text(session, form, diff, diff.remote), session))
        if diff.has_now:
            cols[3].markdown(_cell(value_text(session, form, diff, diff.now), session))
        with cols[-1]:
            picked = widgets.controlled(
                st.radio, choice_key(diff.name), label_escape(label), scope=scope, default=None, args=(options,),
                to_widget=lambda v: v if v in options else None, index=None, horizontal=True,
                format_func=lambda o: names.get(o, o), label_visibility="collapsed",
            )
            if can_edit(diff):  # always drawn (disabled unless "edit"), so choosing it moves nothing
                render = widgets.s_textarea if diff.field is not None and diff.field.parameters.get("multiline") else widgets.s_text
                render(edit_key(diff.name), label_escape(session.t("conflicts.edit_label", label=label)), scope=scope, default=prefill(diff),
                       disabled=picked != "edit", label_visibility="collapsed")


def _agreeing(session: Session, form: FormDef, same: list[cf.FieldDiff]) -> None:
    with st.expander(session.t("conflicts.same", n=len(same))):
        for diff in same:
            cols = st.columns([2, 9])
            cols[0].markdown(f"**{md_escape(diff.label.get(session.lang) or diff.name)}**")
            cols[1].markdown(_cell(value_text(session, form, diff, diff.local), session))


def _detail(session: Session, conflict_id: str) -> None:
    rt = session.runtime
    try:
        conflict = cf.get_conflict(rt.store, conflict_id)
        if conflict.resolved or conflict.entity != "record":
            raise cf.ConflictNotFound(session.t("conflicts.gone"))
        record = rec.get_record(rt.store, conflict.record_id)
        form = cf.form_of(rt.store, conflict)
        diffs = cf.fields(conflict, form, record)
    except FieldbookError:
        st.caption(session.t("conflicts.gone"))
        return
    scope = scope_of(conflict.id)
    third = cf.third_version(conflict, record) is not None
    differing = [d for d in diffs if d.differs]
    with st.container(border=True, key="cf_detail"):
        st.markdown(f"**{md_escape(session.t('conflicts.detail', record=_record_title(form, record.data, record.id, session.lang)))}**")
        st.caption(md_escape(session.t("conflicts.changed_since") if third else _other(session, conflict)))
        _header_row(session, conflict, third)
        for diff in differing:
            _choice_row(session, form, conflict, diff)
        stored = {k: v for (s, k), v in widgets.input_cache().items() if s == scope}
        missing = missing_choices(conflict.id, diffs, stored)
        names = [d.name for d in differing]
        actions = st.columns(6 if third else 5)
        actions[0].button(session.t("conflicts.all_local"), key="cf_all_local", on_click=_choose_all, args=(session, conflict.id, "local", names), width="stretch")
        actions[1].button(session.t("conflicts.all_remote"), key="cf_all_remote", on_click=_choose_all, args=(session, conflict.id, "remote", names), width="stretch")
        if third:
            actions[2].button(session.t("conflicts.all_now"), key="cf_all_now", on_click=_choose_all, args=(session, conflict.id, cf.NOW, names),
                              width="stretch")
        rest = actions[3:] if third else actions[2:]
        reason = session.t("conflicts.need_choice", n=len(missing), names=", ".join(d.label.get(session.lang) or d.name for d in missing)) if missing else None
        # the stamp of the version in use drawn here: saving against anything newer is refused
        rest[0].button(session.t("conflicts.save"), key="cf_save", type="primary", disabled=bool(missing), help=reason,
                       on_click=_save, args=(session, conflict.id, record.hlc), width="stretch")
        rest[1].button(session.t("conflicts.open_record"), key="cf_open_record", on_click=session.navigate,
                       args=("record", {"record": conflict.record_id}), width="stretch")
        rest[2].button(session.t("conflicts.close"), key="cf_close", on_click=session.navigate, args=("conflicts", {}), width="stretch")
        message("conflicts-save", *(("info", reason) if reason else ("success", session.t("conflicts.ready"))))
        _agreeing(session, form, [d for d in diffs if not d.differs])


def _how(session: Session, conflict: cf.Conflict) -> str:
    resolution = conflict.resolution or {}
    kind = resolution.get("kind", "resolved")
    if kind not in ("resolved", "kept_current", "resolved_elsewhere", "acknowledged"):
        kind = "resolved"
    return session.t(f"conflicts.how.{kind}", user=resolution.get("by") or "?", device=resolution.get("device_id") or "?")


def _resolved(session: Session, done: list[cf.Conflict]) -> None:
    with st.expander(session.t("conflicts.resolved_list", n=len(done))):
        for conflict in done[:200]:
            is_record = conflict.entity == "record"
            what = f"{_project_name(session, conflict.project_id)} · " + (_current(session, conflict)[1] if is_record
                                                                          else str(conflict.local.get("version", "?")))
            line, button = st.columns([6, 1], vertical_alignment="center")
            line.markdown(md_escape(session.t("conflicts.resolved_line", what=what, when=_when(conflict.resolved_at, session.lang),
                                              how=_how(session, conflict))))
            if is_record:
                button.button(session.t("conflicts.open_record"), key=f"cf_rec_{conflict.id}", on_click=session.navigate,
                              args=("record", {"record": conflict.record_id}), width="stretch")


def render(session: Session) -> None:
    rt = session.runtime
    shown = st.session_state.get(_MESSAGE)
    message("conflicts", *(shown if shown else (None, None)))
    st.caption(session.t("conflicts.intro"))
    try:
        everything = cf.list_conflicts(rt.store, include_resolved=True)
    except FieldbookError as exc:
        st.warning(error_text(session, exc))
        return
    open_ = [c for c in everything if not c.resolved]
    done = [c for c in everything if c.resolved]
    selected = session.state.params.get("conflict")
    st.markdown(f"**{session.t('conflicts.open_count.' + ('one' if len(open_) == 1 else 'n'), n=len(open_))}**" if open_ else session.t("conflicts.none"))
    for conflict in open_:
        if conflict.entity == "form":
            _form_row(session, conflict)
        else:
            _record_row(session, conflict, selected)
    if selected:
        _detail(session, str(selected))
    _held(session)
    _resolved(session, done)


HELD_REASONS = ("unknown_type", "bad_form", "form_held")


def _held(session: Session) -> None:
    """Pulled changes this device cannot apply yet (store/sync/quarantine.py): what and why."""
    try:
        held = quarantined(session.runtime.store)
    except Exception:
        log.exception("reading the sync quarantine failed")
        return
    if not held:
        return
    st.markdown(f"**{session.t('conflicts.held.title', n=len(held))}**")
    st.caption(session.t("conflicts.held.intro"))
    for item in held:
        what = session.t(f"conflicts.held.{item['entity']}") if item["entity"] in ("form", "record") else md_escape(str(item["entity"]))
        project = _project_name(session, item["project_id"])
        code = str(item["reason_code"])
        why = session.t(f"conflicts.held.why.{code}") if code in HELD_REASONS else md_escape(str(item["reason"]))
        st.markdown(f"{what} · {md_escape(project)} · {md_escape(str(item['device_id']))}: {why}")
