"""The records list of the current project: search, filters, sort, pages of 25, and a click on a
row opens the record in the editor.

Filters, sort and the page number are controlled inputs (scope ``list:<project>``), so "back"
from a record, a reload or a restart returns to the same list. Queries run in DuckDB and are
cached until a record of the project is written (store/fielddata/query.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import duckdb
import streamlit as st

from app import widgets
from app.numbers import format_count
from app.project_context import require_project
from app.record_draft import BASE, build_draft
from app.record_draft import scope_of as record_scope
from app.session import Session
from app.slots import md_escape, message
from store.core import FieldbookError
from store.core.ids import uuid7
from store.core.locale import format_moment
from store.fielddata import META_SORTS, RecordFilter, RecordPage, load_form, query_records
from store.formdef import FILE_TYPES, FormDef, format_value
from store.formdef.evaluate import record_title

if TYPE_CHECKING:
    import pandas as pd  # imported where a table is drawn: ~0.5 s, not on the way to the first page

log = logging.getLogger(__name__)

PAGE_SIZE = 25
ROW_PX = 35
SHOWN_FIELDS = 8
_MESSAGE = "_fb_list_message"


def scope_of(project_id: str) -> str:
    return f"list:{project_id}"


def _back_to_first_page(scope: str) -> Callable[[str, Any], None]:
    """After a filter changed: page 1 (the old page number may not exist any more)."""
    def after(key: str, value: Any) -> None:
        if widgets.stored_value(scope, "page", 0):
            widgets.persist_input(scope, "page", 0)

    return after


def _turn(scope: str, page: int) -> None:
    widgets.persist_input(scope, "page", max(0, page))


def _open(session: Session, table_key: str, ids: list[str]) -> None:
    selection = st.session_state.get(table_key)
    rows = selection.selection.rows if selection is not None else []
    if rows and rows[0] < len(ids):
        session.navigate("record", {"record": ids[rows[0]]})


def say(text: str, kind: str = "success") -> None:
    """A message for the list's slot, shown once (another page's callback, e.g. a project just
    created and opened)."""
    st.session_state[_MESSAGE] = (kind, text)


def _new_record(session: Session, project_id: str) -> None:
    """Open the editor on a record that does not exist yet: its first input creates it
    (``rec.start_record``), so a "New record" left untouched leaves nothing behind."""
    st.session_state.pop(_MESSAGE, None)
    session.navigate("record", {"record": uuid7(), "new": project_id})


def _filters(session: Session, form: FormDef, scope: str) -> RecordFilter:
    lang = session.lang
    fields = {f.name: form.label(f, lang) for f in form.value_fields() if f.type not in FILE_TYPES}
    common: dict[str, Any] = {"scope": scope, "after": _back_to_first_page(scope)}
    row1 = st.columns([4, 2, 3, 2], vertical_alignment="bottom")
    with row1[0]:
        search = widgets.s_text("search", session.t("list.search"), placeholder=session.t("list.search_hint"), **common)
    statuses = {"all": session.t("list.status.all"), "draft": session.t("record.status.draft"), "final": session.t("record.status.final")}
    with row1[1]:
        status = widgets.s_select("status", session.t("list.status"), list(statuses), default="all", format_func=lambda s: statuses.get(s, s), **common)
    sorts = {m: session.t(f"list.sort.{m}") for m in META_SORTS} | fields
    with row1[2]:
        sort = widgets.s_select("sort", session.t("list.sort"), list(sorts), default="created_at", format_func=lambda s: sorts.get(s, s), **common)
    with row1[3]:
        descending = widgets.s_checkbox("descending", session.t("list.descending"), default=True, **common)
    row2 = st.columns([3, 3, 2, 2], vertical_alignment="bottom")
    with row2[0]:
        field = widgets.s_select(
            "field", session.t("list.field"), list(fields), default=None, index=None, format_func=lambda s: fields.get(s, s),
            placeholder=session.t("list.any_field"), **common,
        )
    with row2[1]:
        value = _value_filter(session, form, field, common)
    with row2[2]:
        created_from = widgets.s_date("from", session.t("list.from"), default=None, value=None, **common)
    with row2[3]:
        created_to = widgets.s_date("to", session.t("list.to"), default=None, value=None, **common)
    show_deleted = widgets.s_checkbox("deleted", session.t("list.show_deleted"), **common)
    return RecordFilter(
        search=search or "",
        status=None if status == "all" else status,
        deleted=bool(show_deleted),
        created_from=created_from,
        created_to=created_to,
        field=field,
        value=value,
        sort=("-" if descending else "") + (sort or "created_at"),
    )


def _value_filter(session: Session, form: FormDef, field: str | None, common: dict[str, Any]) -> str:
    """What to look for in ``field``: its choices (shown by label) for choice and yes/no fields,
    else free text."""
    item = form.field(field) if field in {f.name for f in form.value_fields()} else None
    if item is not None and item.choice_list:
        labels = {name: form.text(c.label, session.lang) or name for name, c in form.choices_by_name(item).items()}
    elif item is not None and item.type == "boolean":
        labels = {"true": session.t("record.yes"), "false": session.t("record.no")}
    else:
        return str(widgets.s_text("value", session.t("list.value"), disabled=item is None, **common) or "")
    chosen = widgets.s_select(
        f"value_of:{item.name}", session.t("list.value"), list(labels), default=None, index=None,
        format_func=lambda n: labels.get(n, n), placeholder=session.t("record.choose"), **common,
    )
    return str(chosen or "")


def _open_by_keyboard(session: Session, form: FormDef, page: RecordPage, table_key: str) -> None:
    """The grid is a canvas that a keyboard cannot open a row of: the same rows in a select box,
    which can (Tab to it, type or arrow to a record, Enter). A choice that only navigates, not an
    input: deliberately transient (it starts empty on every page of the list)."""
    fields = [f for f in form.value_fields() if f.type not in FILE_TYPES][:3]
    labels: dict[str, str] = {}
    for row in page.rows:
        values = [format_value(form, f, row.data[f.name], session.lang) for f in fields if row.data.get(f.name) not in (None, "", [])]
        when = format_moment(row.created_at, session.lang)
        title = record_title(form, row.data)
        labels[row.id] = " · ".join([when, session.t(f"record.status.{row.status}"), *([title] if title else values)])
    key = f"{table_key}_open"
    st.session_state[key] = None  # deliberately transient: a choice that navigates, not an input to keep
    st.selectbox(
        session.t("list.open_record"), list(labels), key=key, format_func=lambda i: labels.get(i, i),
        placeholder=session.t("list.open_record_hint"), on_change=_open_chosen, args=(session, key),
    )


def _open_chosen(session: Session, key: str) -> None:
    chosen = st.session_state.get(key)
    if chosen:
        session.navigate("record", {"record": chosen})


def _drafts(ids: list[str]) -> dict[str, dict[str, Any]]:
    """The draft inputs of the listed records (this session's copy of the user's inputs)."""
    wanted = {record_scope(i): i for i in ids}
    drafts: dict[str, dict[str, Any]] = {}
    for (scope, key), value in widgets.input_cache().items():
        if scope in wanted and key != BASE:
            drafts.setdefault(wanted[scope], {})[key] = value
    return drafts


def _table(session: Session, form: FormDef, page: RecordPage) -> pd.DataFrame:
    import pandas as pd

    lang = session.lang
    fields = [f for f in form.value_fields() if f.type not in FILE_TYPES][:SHOWN_FIELDS]
    titles: list[str] = []
    named = bool(form.instance_name)  # the form names each record (XLSForm's instance_name): that name first
    taken = {session.t("list.col.status"), session.t("list.col.created"), session.t("list.col.author")}
    taken |= {session.t("list.col.title")} if named else set()
    for f in fields:  # two fields with one label (or a label like "Status") get their name added
        title = form.label(f, lang)
        title = f"{title} ({f.name})" if title in taken else title
        taken.add(title)
        titles.append(title)
    rows = []
    drafts = _drafts([row.id for row in page.rows])
    for row in page.rows:
        status = session.t(f"record.status.{row.status}")
        data = row.data
        if row.id in drafts:  # typed, not yet saved as a version: what the editor shows
            draft = build_draft(form, row.data, drafts[row.id])
            data = draft.values
            if draft.dirty(row.data):
                status = f"{status} · {session.t('list.unsaved')}"
        item: dict[str, Any] = {session.t("list.col.title"): record_title(form, data) or ""} if named else {}
        item |= {
            session.t("list.col.status"): status,
            session.t("list.col.created"): row.created_at.astimezone().replace(tzinfo=None),
            session.t("list.col.author"): row.created_by,
        }
        for f, title in zip(fields, titles, strict=True):
            value = data.get(f.name)
            item[title] = format_value(form, f, value, lang) if value is not None else ""
        rows.append(item)
    return pd.DataFrame(rows)


def render(session: Session) -> None:
    project = require_project(session)
    if project is None:
        return
    store = session.runtime.store
    scope = scope_of(project.id)
    try:
        _, form = load_form(store, project.id)
    except FieldbookError as exc:
        st.warning(session.say(exc))
        return
    head, new = st.columns([5, 1], vertical_alignment="center")
    head.markdown(f"**{md_escape(project.name)}** · {session.t('list.total', n=format_count(project.record_count, session.lang))}")
    new.button(session.t("list.new"), key="new_record", type="primary", icon=":material/add:", on_click=_new_record, args=(session, project.id), width="stretch")
    message("list", *st.session_state.pop(_MESSAGE, (None, None)))
    flt = _filters(session, form, scope)
    wanted = int(widgets.stored_value(scope, "page", 0) or 0)
    try:
        page = query_records(store, project.id, form, flt, offset=wanted * PAGE_SIZE, limit=PAGE_SIZE)
    except (FieldbookError, KeyError, duckdb.Error) as exc:
        log.warning("records query failed: %s", exc)
        st.warning(session.t("list.bad_filter"))
        page = RecordPage([], 0, 0, PAGE_SIZE)
    ids = [r.id for r in page.rows]
    table_key = f"records_table_{project.id}_{page.offset}"
    st.dataframe(
        _table(session, form, page), key=table_key, on_select=lambda: _open(session, table_key, ids),
        selection_mode="single-row", hide_index=True, height=ROW_PX * (PAGE_SIZE + 1) + 3, width="stretch",
    )
    _open_by_keyboard(session, form, page, table_key)
    number = page.offset // PAGE_SIZE
    pages = max(1, -(-page.total // PAGE_SIZE))
    prev, where, nxt = st.columns([1, 4, 1], vertical_alignment="center")
    prev.button("◀", key="list_prev", help=session.t("list.prev"), on_click=_turn, args=(scope, number - 1), disabled=number == 0, width="stretch")
    first = page.offset + 1 if page.total else 0
    count = lambda n: format_count(n, session.lang)  # noqa: E731
    where.markdown(session.t("list.position", first=count(first), last=count(page.offset + len(page.rows)), total=count(page.total), page=count(number + 1), pages=count(pages)))
    nxt.button("▶", key="list_next", help=session.t("list.next"), on_click=_turn, args=(scope, number + 1), disabled=number + 1 >= pages, width="stretch")
