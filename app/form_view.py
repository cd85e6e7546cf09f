"""Rendering and persisting a ``FormState``: controlled fields, messages in reserved slots,
Save / Apply / Reset, undo/redo (buttons and Ctrl+Z / Ctrl+Y / Ctrl+Shift+Z), named versions.

Every transition is stored before the next run: the draft values are inputs (scope
``form:<id>``), the rest (saved values, undo/redo stacks, status) is the form's ``form_state``
row, so undo still works after a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from app import widgets
from app.forms import FormState, Problem, Rule
from app.session import Session
from store.core import FieldbookError
from store.inputs.forms import FormRecord, create_snapshot, list_snapshots, load_form, save_form

log = logging.getLogger(__name__)

Render = Callable[..., Any]

_KINDS: dict[str, Render] = {
    "text": widgets.s_text,
    "textarea": widgets.s_textarea,
    "number": widgets.s_number,
    "select": widgets.s_select,
    "multiselect": widgets.s_multiselect,
    "checkbox": widgets.s_checkbox,
    "radio": widgets.s_radio,
    "date": widgets.s_date,
    "time": widgets.s_time,
    "slider": widgets.s_slider,
    "file": widgets.s_file,
}
_WITH_OPTIONS = {"select", "multiselect", "radio"}
EMPTY = "\u200b"  # what an empty reserved slot shows: it must still be drawn to keep its height


@dataclass(frozen=True)
class FieldSpec:
    rule: Rule
    kind: str
    label_key: str
    options: tuple[Any, ...] = ()
    default: Any = None
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.rule.name


class FormView:
    def __init__(self, form_id: str, fields: tuple[FieldSpec, ...]) -> None:
        self.form_id = form_id
        self.fields = fields
        self.rules = tuple(f.rule for f in fields)
        self.scope = f"form:{form_id}"
        self._state_key = f"_fb_form_{form_id}"

    # -- state ------------------------------------------------------------------------------

    def _defaults(self) -> dict[str, Any]:
        return {f.name: f.default for f in self.fields}

    def state(self, session: Session) -> FormState:
        if self._state_key not in st.session_state:
            rt = session.runtime
            record = load_form(rt.store, rt.user, self.form_id)
            values = {**self._defaults(), **{k: v for (s, k), v in widgets.input_cache().items() if s == self.scope}}
            saved = values if record.status == "new" else record.saved
            st.session_state[self._state_key] = FormState(values, saved, record.undo, record.redo, record.status)
        state: FormState = st.session_state[self._state_key]
        return state

    def _store(self, session: Session, new: FormState) -> bool:
        rt = session.runtime
        record = FormRecord(new.saved, new.undo_stack, new.redo_stack, new.status)
        try:
            save_form(rt.store, rt.user, self.form_id, record)
        except FieldbookError as exc:
            session.show_banner(session.t("error.not_saved", reason=session.say(exc)))
            return False
        st.session_state[self._state_key] = new
        return True

    def _transition(self, session: Session, new: FormState) -> None:
        """Go to ``new``: store changed values, show them in the widgets, store the history."""
        old = self.state(session)
        changed = new.changed_fields(old)
        if changed and not widgets.persist_inputs(self.scope, {n: new.values.get(n) for n in changed}):
            return  # nothing moves when the values could not be stored
        kinds = {f.name: f.kind for f in self.fields}
        for name in changed:
            if kinds.get(name) != "file":  # an uploader's value cannot be set; its stored file line shows the change
                widgets.set_widget_value(self.scope, name, new.values.get(name))
        self._store(session, new)

    # -- callbacks ------------------------------------------------------------------------

    def _edited(self, session: Session) -> Callable[[str, Any], None]:
        def after(name: str, value: Any) -> None:
            self._store(session, self.state(session).edit(name, value))

        return after

    def undo(self, session: Session) -> None:
        self._transition(session, self.state(session).undo())

    def redo(self, session: Session) -> None:
        self._transition(session, self.state(session).redo())

    def reset(self, session: Session) -> None:
        self._transition(session, self.state(session).reset())

    def apply(self, session: Session) -> None:
        self._store(session, self.state(session).apply(self.rules))

    def save(self, session: Session) -> None:
        self._store(session, self.state(session).save(self.rules))

    def save_version(self, session: Session) -> None:
        rt = session.runtime
        name = str(st.session_state.get(self._version_name_key, "")).strip() or session.t("form.version.unnamed")
        try:
            create_snapshot(rt.store, rt.user, self.form_id, name, self.state(session).values)
        except FieldbookError as exc:
            session.show_banner(session.t("error.not_saved", reason=session.say(exc)))
            return
        widgets.persist_input(self._versions_scope, "name", "")
        widgets.set_widget_value(self._versions_scope, "name", "")

    def restore_version(self, session: Session) -> None:
        chosen = st.session_state.get(self._version_pick_key)
        for snap in list_snapshots(session.runtime.store, session.runtime.user, self.form_id):
            if snap.id == chosen:
                self._transition(session, self.state(session).restore({**self._defaults(), **snap.data}))

    @property
    def _versions_scope(self) -> str:
        return f"fbform-{self.form_id}-versions"

    @property
    def _version_name_key(self) -> str:
        """The widget of "Name of a new version": a stored input, like every field (survives a reload)."""
        return widgets.widget_key(self._versions_scope, "name")

    @property
    def _version_pick_key(self) -> str:
        return f"fbform_{self.form_id}_version_pick"

    # -- rendering ------------------------------------------------------------------------

    def _problem_text(self, session: Session, problem: Problem) -> str:
        return session.t(f"form.error.{problem.code}", **problem.params)

    def render(self, session: Session) -> FormState:
        state = self.state(session)
        problems = state.problems(self.rules)
        top = st.columns([3, 1.3, 1.3], vertical_alignment="center")
        with top[0].container(key=f"fbslot-{self.form_id}-status"):
            if state.dirty:
                st.markdown(f":orange[:material/edit: {session.t('form.unsaved')}]")
            elif state.status == "saved":
                st.markdown(f":green[:material/check_circle: {session.t('form.saved')}]")
            else:
                st.markdown(f":gray[{session.t('form.no_changes')}]")
        top[1].button(
            session.t("form.undo"), key=f"fbform_{self.form_id}_undo", icon=":material/undo:", disabled=not state.can_undo,
            on_click=self.undo, args=(session,), shortcut="Ctrl+Z", width="stretch",
        )
        top[2].button(
            session.t("form.redo"), key=f"fbform_{self.form_id}_redo", icon=":material/redo:", disabled=not state.can_redo,
            on_click=self.redo, args=(session,), shortcut="Ctrl+Y", width="stretch",
        )
        with st.container(key=f"fbhidden-{self.form_id}"):  # a second redo shortcut, not shown
            st.button("redo", key=f"fbform_{self.form_id}_redo2", on_click=self.redo, args=(session,), shortcut="Ctrl+Shift+Z", disabled=not state.can_redo)

        after = self._edited(session)
        for spec in self.fields:
            render = _KINDS[spec.kind]
            label = session.t(spec.label_key) + (" *" if spec.rule.required else "")
            args: tuple[Any, ...] = (spec.options,) if spec.kind in _WITH_OPTIONS else ()
            extra = dict(spec.kwargs)
            if spec.kind not in ("file",):
                extra["default"] = spec.default
            render(spec.name, label, *args, scope=self.scope, after=after, **extra)
            with st.container(key=f"fbmsg-{self.form_id}-{spec.name}"):
                message = widgets.field_error(self.scope, spec.name)
                texts = [self._problem_text(session, p) for p in problems.get(spec.name, [])]
                if message:
                    texts.insert(0, message)
                st.markdown(f":red[{' · '.join(texts)}]" if texts else EMPTY)

        buttons = st.columns(3)
        why = ""
        if problems:
            names = ", ".join(session.t(f.label_key) for f in self.fields if f.name in problems)
            why = session.t("form.cannot_save", names=names)
        buttons[0].button(
            session.t("form.save"), key=f"fbform_{self.form_id}_save", type="primary", disabled=bool(problems),
            help=why or None, on_click=self.save, args=(session,), width="stretch",
        )
        buttons[1].button(
            session.t("form.apply"), key=f"fbform_{self.form_id}_apply", disabled=bool(problems) or not state.dirty,
            help=why or None, on_click=self.apply, args=(session,), width="stretch",
        )
        buttons[2].button(
            session.t("form.reset"), key=f"fbform_{self.form_id}_reset", disabled=not state.dirty,
            on_click=self.reset, args=(session,), width="stretch",
        )
        with st.container(key=f"fbslot-{self.form_id}-why"):
            st.markdown(f":gray[{why}]" if why else EMPTY)
        self._render_versions(session)
        return state

    def _render_versions(self, session: Session) -> None:
        rt = session.runtime
        st.caption(session.t("form.versions"))
        name_col, save_col = st.columns([4, 1], vertical_alignment="bottom")
        with name_col:
            widgets.s_text("name", session.t("form.version.name"), scope=self._versions_scope)
        save_col.button(session.t("form.version.save"), key=f"fbform_{self.form_id}_version_save", on_click=self.save_version, args=(session,), width="stretch")
        snapshots = list_snapshots(rt.store, rt.user, self.form_id)
        labels = {s.id: f"{s.name} · {s.created_at:%Y-%m-%d %H:%M:%S}" for s in snapshots}
        pick_col, restore_col = st.columns([4, 1], vertical_alignment="bottom")
        pick_col.selectbox(
            session.t("form.version.pick"), list(labels), key=self._version_pick_key, format_func=lambda i: labels.get(i, str(i)),
            placeholder=session.t("form.version.none"), index=None,
        )
        restore_col.button(
            session.t("form.version.restore"), key=f"fbform_{self.form_id}_version_restore", on_click=self.restore_version,
            args=(session,), disabled=not labels, width="stretch",
        )
