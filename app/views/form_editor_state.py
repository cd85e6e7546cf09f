"""The form editor's state and actions: the draft form lives in the store, never only on screen.

The draft is the controlled input ``("formdraft:<project>", "draft")`` holding the form's JSON
(``None``: no draft, editing starts from the latest version), with ``base`` (the version it was
started from) and ``undo`` (earlier drafts) beside it, all written in one commit after each edit.
So a reload, a second window or a crash shows the same draft. The edit panel's inputs are
controlled inputs of ``"formedit:<project>"``: text typed but not yet applied survives as well.

Every action is a Streamlit callback: it reads the draft from the store, runs one pure function of
``form_editor_ops`` and persists the result; a refused edit leaves the draft as it was and puts
the reasons into the page's message slot and problem box.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from app.session import Session
from app.views import form_editor_ops as ops
from app.widgets import persist_input, persist_inputs, set_widget_value, stored_value, widget_key
from store.core import FieldbookError
from store.fielddata import add_form_version, load_form
from store.formdef import FormDef, FormDefError, form_from_json, move_field, remove_field

log = logging.getLogger(__name__)

MESSAGE = "_fb_form_editor_message"  # (project id, kind, text): the one-line slot at the top
PROBLEMS = "_fb_form_editor_problems"  # (project id, [lines]): the problem box
_PARSED = "_fb_form_editor_parsed"  # (draft JSON object, form or None, problems)
# The edit panel's inputs that are widgets (the choices table is kept apart, see panel).
PANEL_KEYS = (
    "name", "group", "label_en", "label_de", "hint_en", "hint_de", "required", "read_only", "constraint",
    "cmsg_en", "cmsg_de", "relevant", "default", "calculation", "range_start", "range_end", "range_step",
    "choice_filter",
)  # fmt: skip


def draft_scope(project_id: str) -> str:
    return f"formdraft:{project_id}"


def edit_scope(project_id: str) -> str:
    return f"formedit:{project_id}"


def add_scope(project_id: str) -> str:
    return f"formadd:{project_id}"


# -- messages ----------------------------------------------------------------------------------


def say(project_id: str, kind: str, text: str, problems: list[str] | None = None) -> None:
    st.session_state[MESSAGE] = (project_id, kind, text)
    st.session_state[PROBLEMS] = (project_id, problems or [])


def clear(project_id: str) -> None:
    say(project_id, "", "")


def shown_message(project_id: str) -> tuple[str | None, str | None]:
    pid, kind, text = st.session_state.get(MESSAGE, (None, None, None))
    return (kind, text) if pid == project_id else (None, None)


def shown_problems(project_id: str) -> list[str]:
    pid, lines = st.session_state.get(PROBLEMS, (None, []))
    return list(lines) if pid == project_id else []


# -- reading the draft -------------------------------------------------------------------------


def draft_json(project_id: str) -> Any:
    return stored_value(draft_scope(project_id), "draft")


def current_draft(project_id: str, published: FormDef) -> tuple[FormDef | None, list[str]]:
    """The form being edited (the published one when there is no draft), or the problems of a
    stored draft that cannot be read any more (then only Discard and Undo are offered)."""
    raw = draft_json(project_id)
    if raw is None:
        return published, []
    # Checking a form costs milliseconds on every run; the input cache hands out the same object
    # until the draft is written again, so the check is kept for that object (held, so its id
    # stays unique).
    seen = st.session_state.get(_PARSED)
    if seen is not None and seen[0] is raw:
        return seen[1], seen[2]
    try:
        result: tuple[FormDef | None, list[str]] = (form_from_json(raw), [])
    except FormDefError as exc:
        result = (None, ops.problem_lines(exc))
    st.session_state[_PARSED] = (raw, *result)
    return result


def editing(project_id: str, form: FormDef | None) -> str | None:
    """The field open in the edit panel, if it still exists in the draft."""
    name = stored_value(edit_scope(project_id), "field")
    if form is None or not name:
        return None
    try:
        form.field(name)
    except KeyError:
        return None
    return str(name)


def panel_values(project_id: str) -> dict[str, Any]:
    """What the edit panel shows now: a widget's current value (it may be newer than the store
    when a button is clicked right after typing), else the stored input."""
    scope = edit_scope(project_id)
    values = {k: st.session_state.get(widget_key(scope, k), stored_value(scope, k)) for k in PANEL_KEYS}
    values["field"] = stored_value(scope, "field")
    values["choices"] = stored_value(scope, "choices") or []
    return values


def panel_dirty(project_id: str, form: FormDef, name: str) -> bool:
    """Whether the panel holds changes not yet applied to the draft."""
    shown = panel_values(project_id)
    saved = ops.field_values(form, name)
    return any(_norm(shown.get(k)) != _norm(saved.get(k)) for k in (*PANEL_KEYS, "choices"))


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [{k: _norm(v) for k, v in row.items()} if isinstance(row, dict) else row for row in value if not isinstance(row, dict) or row.get("name")]
    return "" if value is None or value is False else value  # an empty text and "no" look alike


# -- actions (callbacks) -----------------------------------------------------------------------


def _edit(session: Session, project_id: str, op: Callable[[FormDef], FormDef], done: str | None = None) -> FormDef | None:
    """Apply ``op`` to the draft and persist the result; ``None`` (and a message) if refused."""
    clear(project_id)
    rt = session.runtime
    scope = draft_scope(project_id)
    try:
        version, published = load_form(rt.store, project_id)
        form, problems = current_draft(project_id, published)
        if form is None:
            say(project_id, "error", session.t("fe.draft_unreadable"), problems)
            return None
        new = op(form)
    except FormDefError as exc:
        lines = ops.problem_lines(exc)
        say(project_id, "error", session.t("fe.refused", n=len(lines)), lines)
        return None
    except KeyError:
        say(project_id, "error", session.t("fe.field_gone"))
        return None
    except FieldbookError as exc:  # a default that is not a value of the type, a store error
        say(project_id, "error", session.t("fe.refused", n=1), [session.say(exc)])
        return None
    except Exception:
        log.exception("editing the form of project %s failed", project_id)
        say(project_id, "error", session.t("error.unexpected"))
        return None
    if ops.same_form(new, form):
        say(project_id, "info", session.t("fe.unchanged"))
        return new  # nothing to store, nothing to undo
    previous = draft_json(project_id)
    items = {
        "draft": new.to_json(),
        "base": stored_value(scope, "base") or version,
        "undo": ops.push_undo(stored_value(scope, "undo") or [], previous),
    }
    if not persist_inputs(scope, items):
        return None  # the header banner says it was not saved; the draft is as before
    if done:
        say(project_id, "success", done)
    return new


def move(session: Session, project_id: str, name: str, delta: int) -> None:
    _edit(session, project_id, lambda form: move_field(form, name, delta))


def remove(session: Session, project_id: str, name: str) -> None:
    if _edit(session, project_id, lambda form: remove_field(form, name), session.t("fe.removed", name=name)) is not None:
        if stored_value(edit_scope(project_id), "field") == name:
            persist_input(edit_scope(project_id), "field", None)


def add(session: Session, project_id: str) -> None:
    scope = add_scope(project_id)
    values = {k: st.session_state.get(widget_key(scope, k), stored_value(scope, k, "")) for k in ("type", "name", "label_en", "label_de", "group")}
    kind = values["type"] or "text"
    new = _edit(
        session,
        project_id,
        lambda form: ops.new_field(form, kind, values["name"] or "", values["label_en"] or "", values["label_de"] or "", values["group"] or ops.TOP),
        session.t("fe.added", name=(values["name"] or "").strip()),
    )
    if new is not None:
        blank = {"name": "", "label_en": "", "label_de": ""}
        if persist_inputs(scope, blank):
            for key, value in blank.items():
                set_widget_value(scope, key, value)


def open_panel(session: Session, project_id: str, name: str) -> None:
    """Show field ``name`` in the edit panel; changes open there for another field are applied
    first, and if they cannot be, that field stays open with the reasons."""
    rt = session.runtime
    try:
        _, published = load_form(rt.store, project_id)
    except FieldbookError as exc:
        say(project_id, "error", session.say(exc))
        return
    form, _ = current_draft(project_id, published)
    if form is None:
        return
    current = editing(project_id, form)
    if current is not None and current != name and panel_dirty(project_id, form, current):
        form = _apply(session, project_id)
        if form is None:
            return
    clear(project_id)
    _fill_panel(project_id, form, name)


def _fill_panel(project_id: str, form: FormDef, name: str) -> None:
    values = ops.field_values(form, name)
    scope = edit_scope(project_id)
    if persist_inputs(scope, values):
        for key in PANEL_KEYS:
            set_widget_value(scope, key, values[key])


def close_panel(session: Session, project_id: str) -> None:
    clear(project_id)
    persist_input(edit_scope(project_id), "field", None)


def apply_panel(session: Session, project_id: str) -> None:
    _apply(session, project_id)


def _apply(session: Session, project_id: str) -> FormDef | None:
    values = panel_values(project_id)
    # What was typed is stored first, so a refused edit still keeps every character.
    persist_inputs(edit_scope(project_id), {k: values[k] for k in PANEL_KEYS})
    name = (values.get("name") or "").strip() or values["field"]
    new = _edit(session, project_id, lambda form: ops.apply_edit(form, values), session.t("fe.applied", name=name))
    if new is not None:
        _fill_panel(project_id, new, name)  # a rename moves the panel to the new name
    return new


def choices_changed(project_id: str, key: str, shown: list[dict[str, Any]]) -> None:
    """The choices table reported an edit: store the table as it is now."""
    rows = ops.apply_editor_delta(shown, st.session_state.get(key) or {}, ops.choice_columns(shown))
    persist_input(edit_scope(project_id), "choices", rows)


def undo(session: Session, project_id: str) -> None:
    clear(project_id)
    scope = draft_scope(project_id)
    stack = list(stored_value(scope, "undo") or [])
    if not stack:
        return
    previous = stack.pop()
    if persist_inputs(scope, {"draft": previous, "undo": stack, "base": stored_value(scope, "base") if previous is not None else None}):
        say(project_id, "info", session.t("fe.undone"))


def discard(session: Session, project_id: str) -> None:
    """Forget the draft; it goes onto the undo stack, so even this can be taken back."""
    clear(project_id)
    scope = draft_scope(project_id)
    stack = ops.push_undo(stored_value(scope, "undo") or [], draft_json(project_id))
    if persist_inputs(scope, {"draft": None, "base": None, "undo": stack}):
        persist_input(edit_scope(project_id), "field", None)
        say(project_id, "info", session.t("fe.discarded"))


def publish(session: Session, project_id: str) -> None:
    clear(project_id)
    rt = session.runtime
    try:
        _, published = load_form(rt.store, project_id)
        form, problems = current_draft(project_id, published)
        if form is None:
            say(project_id, "error", session.t("fe.draft_unreadable"), problems)
            return
        if ops.same_form(form, published):
            say(project_id, "info", session.t("fe.nothing_to_publish"))
            return
        number = add_form_version(rt.store, project_id, form, user=rt.user, source="editor")
    except FieldbookError as exc:
        say(project_id, "error", session.t("fe.not_published", reason=session.say(exc)))
        return
    except Exception:
        log.exception("publishing the form of project %s failed", project_id)
        say(project_id, "error", session.t("error.unexpected"))
        return
    # The version is in the store; only now is the draft forgotten. Undo starts afresh: an older
    # draft brought back now would silently take back what was just published.
    persist_inputs(draft_scope(project_id), {"draft": None, "base": None, "undo": []})
    say(project_id, "success", session.t("fe.published", n=number))
