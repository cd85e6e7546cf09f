"""The form editor's right-hand side and its "Add field" area: the problem box, and the panel
where one field is edited. Every input is a controlled widget of ``formedit:<project>`` (or
``formadd:<project>``), so what is typed survives a reload before it is applied.

Sizes are fixed (the problem box, the panel) so that opening another field, or a problem list
appearing, never moves the rest of the page.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import streamlit as st

from app.session import Session
from app.slots import md_escape
from app.views import form_editor_ops as ops
from app.views import form_editor_state as fes
from app.widgets import s_checkbox, s_select, s_text, s_textarea, stored_value
from store.formdef import FIELD_TYPES, SELECT_TYPES, FormDef

PROBLEM_HEIGHT = 110
PANEL_HEIGHT = 560
PANEL_BODY_HEIGHT = 410  # the inputs scroll below the panel's head, so Apply stays in view


def problem_box(session: Session, lines: list[str]) -> None:
    """Reserved: the reasons an edit was refused, one per line (or a hint when there are none)."""
    with st.container(height=PROBLEM_HEIGHT, key="fe_problems"):
        if lines:
            for line in lines:
                st.markdown(f":red[:material/error: {md_escape(session.say(line))}]")
        else:
            st.caption(session.t("fe.problems_hint"))


def add_area(session: Session, pid: str, form: FormDef | None) -> None:
    with st.container(key="fe_add_area"):
        _add_area(session, pid, form)


def _add_area(session: Session, pid: str, form: FormDef | None) -> None:
    scope = fes.add_scope(pid)
    st.markdown(f"**{session.t('fe.add')}**")
    kind_col, name_col, group_col = st.columns(3)
    # Labels are worked out now: a format_func may be called outside this run (no session then).
    kinds = {k: session.t(f"fe.type.{k}") for k in FIELD_TYPES}
    with kind_col:
        s_select("type", session.t("fe.type"), FIELD_TYPES, scope=scope, default="text", format_func=lambda k: kinds.get(k, k))
    with name_col:
        s_text("name", session.t("fe.name"), scope=scope, help=session.t("fe.name_help"), max_chars=64)
    with group_col:
        labels = _group_labels(session, form, ops.groups(form) if form is not None else [])
        s_select("group", session.t("fe.group"), list(labels), scope=scope, default=ops.TOP, format_func=lambda g: labels.get(g, g))
    en, de, go = st.columns([5, 5, 4], vertical_alignment="bottom")
    with en:
        s_text("label_en", session.t("fe.label_en"), scope=scope)
    with de:
        s_text("label_de", session.t("fe.label_de"), scope=scope)
    go.button(session.t("fe.add_button"), key="fe_add", icon=":material/add:", width="stretch", disabled=form is None, on_click=fes.add, args=(session, pid))


def _group_labels(session: Session, form: FormDef | None, names: list[str]) -> dict[str, str]:
    """The group options, "no group" first, each shown as "label (name)"."""
    labels = {ops.TOP: session.t("fe.group.top")}
    for name in names:
        labels[name] = f"{form.label(form.field(name), session.lang)} ({name})" if form is not None else name
    return labels


def edit_panel(session: Session, pid: str, form: FormDef | None) -> None:
    with st.container(height=PANEL_HEIGHT, key="fe_panel"):
        name = fes.editing(pid, form)
        if form is None or name is None:
            st.caption(session.t("fe.panel_hint"))
            return
        _panel(session, pid, form, name)


def _panel(session: Session, pid: str, form: FormDef, name: str) -> None:
    item = form.field(name)
    head, close = st.columns([5, 1], vertical_alignment="center")
    head.markdown(f"**{md_escape(form.label(item, session.lang))}** · `{name}` · {md_escape(session.t(f'fe.type.{item.type}'))}")
    close.button("✕", key="fe_close", help=session.t("fe.close"), on_click=fes.close_panel, args=(session, pid))
    apply_col, state_col = st.columns([1, 1], vertical_alignment="center")
    apply_col.button(session.t("fe.apply"), key="fe_apply", type="primary", width="stretch", on_click=fes.apply_panel, args=(session, pid))
    state_col.caption(session.t("fe.unapplied") if fes.panel_dirty(pid, form, name) else "\u200b")
    with st.container(height=PANEL_BODY_HEIGHT, border=False, key="fe_panel_body"):
        _inputs(session, pid, form, name)


def _inputs(session: Session, pid: str, form: FormDef, name: str) -> None:
    scope = fes.edit_scope(pid)
    item = form.field(name)
    s_text("name", session.t("fe.name"), scope=scope, help=session.t("fe.rename_help"), max_chars=64)
    for lang in ops.LANGS:
        s_text(f"label_{lang}", session.t(f"fe.label_{lang}"), scope=scope)
    for lang in ops.LANGS:
        s_text(f"hint_{lang}", session.t(f"fe.hint_{lang}"), scope=scope)
    if item.metadata:  # ODK's start, end, device…: nothing to ask, so no rule could ever be met
        st.caption(session.t("fe.metadata", kind=item.metadata))
    else:
        s_text("relevant", session.t("fe.relevant"), scope=scope, help=session.t("fe.relevant_help"))
    labels = _group_labels(session, form, ops.groups(form, exclude=name))
    s_select("group", session.t("fe.group"), list(labels), scope=scope, default=ops.TOP, format_func=lambda g: labels.get(g, g))
    if item.holds_value and not item.metadata and item.type != "repeat":  # a repeat's fields have them, not the repeat
        _value_settings(session, scope, item.type)
    if item.type == "range":
        start, end, step = st.columns(3)
        with start:
            s_text("range_start", session.t("fe.range_start"), scope=scope)
        with end:
            s_text("range_end", session.t("fe.range_end"), scope=scope)
        with step:
            s_text("range_step", session.t("fe.range_step"), scope=scope)
    if item.type in SELECT_TYPES:
        s_text("choice_filter", session.t("fe.choice_filter"), scope=scope, help=session.t("fe.choice_filter_help"))
        _choices(session, pid, item.choice_list or "")


def _value_settings(session: Session, scope: str, kind: str) -> None:
    required, read_only = st.columns(2)
    with required:
        s_checkbox("required", session.t("fe.required"), scope=scope)
    with read_only:
        s_checkbox("read_only", session.t("fe.read_only"), scope=scope)
    s_text("constraint", session.t("fe.constraint"), scope=scope, help=session.t("fe.constraint_help"))
    for lang in ops.LANGS:
        s_text(f"cmsg_{lang}", session.t(f"fe.cmsg_{lang}"), scope=scope)
    s_text("default", session.t("fe.default"), scope=scope, help=session.t("fe.default_help"))
    s_textarea("calculation", session.t("fe.calculation"), scope=scope, help=session.t("fe.calculation_help"), height=68)


def _choices(session: Session, pid: str, list_name: str) -> None:
    st.markdown(f"**{session.t('fe.choices', name=list_name)}**")
    rows: list[dict[str, Any]] = [dict(r) for r in stored_value(fes.edit_scope(pid), "choices") or []]
    # The key follows the content: once an edit is stored, the table starts again from the stored
    # rows, so an edit is never applied twice on top of them.
    digest = hashlib.sha1(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    key = f"fe_choices_{digest}"
    import pandas as pd  # ~0.5 s with numpy: only when a choice list is edited, not at start-up

    columns = ops.choice_columns(rows)
    data = pd.DataFrame(rows, columns=list(columns)).fillna("").astype(str)
    st.data_editor(
        data,
        key=key,
        num_rows="dynamic",
        hide_index=True,
        height=220,
        column_config={
            "name": st.column_config.TextColumn(session.t("fe.choice.name"), required=True),
            "en": st.column_config.TextColumn(session.t("fe.label_en")),
            "de": st.column_config.TextColumn(session.t("fe.label_de")),
            # a further column of the choices (what a choice filter refers to), by its own name
            **{column: st.column_config.TextColumn(column[len(ops.DATA) :]) for column in columns[3:]},
        },
        on_change=fes.choices_changed,
        args=(pid, key, rows),
    )
