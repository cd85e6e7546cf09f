"""The Dashboard page: the current project's figures at a glance.

Totals, records per day (a bar chart), records per author, how often each field is filled in,
and where the locations lie (count and bounding box per location field; no map). The figures come
from ``store.fielddata.dashboard`` (cached, invalidated when records or forms change). Every section sits
in a box of fixed height, filled or empty, so the page has the same layout with no records, with
a few and with many — and nothing moves when the figures change.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from app.project_context import require_project
from app.session import Session
from app.slots import label_escape, md_escape, message
from store.core import FieldbookError
from store.core.locale import format_count, format_date, format_number
from store.fielddata import Dashboard, GeoSummary, load_form, project_dashboard
from store.formdef import FormDef

log = logging.getLogger(__name__)

CHART_HEIGHT = 240
BOX_HEIGHT = 300


def render(session: Session) -> None:
    project = require_project(session)
    if project is None:
        return
    st.subheader(session.t("dash.title", name=md_escape(project.name)), anchor=False)
    try:
        _, form = load_form(session.runtime.store, project.id)
        figures = project_dashboard(session.runtime.store, project.id, form)
    except FieldbookError as exc:
        message("dashboard", "error", session.say(exc))
        return
    except Exception:
        log.exception("computing the dashboard of project %s failed", project.id)
        message("dashboard", "error", session.t("dash.failed"))
        return
    message("dashboard", "info" if not figures.total else None, session.t("dash.empty") if not figures.total else None)
    _totals(session, figures, form)
    day, author = st.columns([3, 2], gap="medium")
    with day, _box("dash_per_day", session.t("dash.per_day")):
        _per_day(session, figures)
    with author, _box("dash_per_author", session.t("dash.per_author")):
        _per_author(session, figures)
    complete, geo = st.columns([1, 1], gap="medium")
    with complete, _box("dash_completeness", session.t("dash.completeness")):
        _completeness(session, figures, form)
    with geo, _box("dash_geo", session.t("dash.geo")):
        _geo(session, figures.geo, form)


def _box(key: str, title: str) -> DeltaGenerator:
    box = st.container(height=BOX_HEIGHT, key=key)
    box.markdown(f"**{title}**")
    return box


def _totals(session: Session, figures: Dashboard, form: FormDef) -> None:
    total, final, drafts, fields = st.columns(4)
    count = lambda n: format_count(n, session.lang)  # noqa: E731  (5.003 in German)
    total.metric(session.t("dash.total"), count(figures.total), border=True)
    final.metric(session.t("dash.final"), count(figures.total - figures.drafts), border=True)
    drafts.metric(session.t("dash.drafts"), count(figures.drafts), border=True)
    fields.metric(session.t("dash.fields"), count(len(form.value_fields())), border=True)


def _per_day(session: Session, figures: Dashboard) -> None:
    if not figures.per_day:
        st.caption(session.t("dash.empty"))
        return
    import pandas as pd  # ~0.7 s with numpy and pyarrow: not on the way to the first page at start-up

    day, records = session.t("dash.col.date"), session.t("dash.col.records")
    # Days as text, as the language writes them: one bar per day that has records, evenly spaced
    # however few there are, in the order of the days (sort=False: not by the text)
    days = sorted(figures.per_day)
    data = pd.DataFrame({day: [format_date(d, session.lang) for d, _ in days], records: [int(n) for _, n in days]})
    st.bar_chart(data, x=day, y=records, height=CHART_HEIGHT, sort=False)


def _per_author(session: Session, figures: Dashboard) -> None:
    if not figures.per_author:
        st.caption(session.t("dash.empty"))
        return
    # st.table renders cell text as Markdown: names and labels are data, so they are escaped
    st.table({session.t("dash.col.author"): [md_escape(a) for a, _ in figures.per_author], session.t("dash.col.records"): [format_count(int(n), session.lang) for _, n in figures.per_author]}, hide_index=True)


def _label(session: Session, form: FormDef, name: str) -> str:
    try:
        return form.label(form.field(name), session.lang)
    except KeyError:
        return name


def _completeness(session: Session, figures: Dashboard, form: FormDef) -> None:
    if not figures.completeness:
        st.caption(session.t("dash.empty"))
        return
    for name, share in figures.completeness:
        pct = round(share * 100)
        st.progress(min(max(share, 0.0), 1.0), text=session.t("dash.share", label=label_escape(_label(session, form, name)), pct=pct))


def _range(low: float | None, high: float | None, lang: str) -> str:
    return "—" if low is None or high is None else f"{format_number(round(low, 5), lang)} – {format_number(round(high, 5), lang)}"


def _geo(session: Session, geo: list[GeoSummary], form: FormDef) -> None:
    if not geo:
        st.caption(session.t("dash.no_geo"))
        return
    st.table(
        {
            session.t("dash.col.field"): [md_escape(_label(session, form, g.field)) for g in geo],
            session.t("dash.col.count"): [format_count(g.count, session.lang) for g in geo],
            session.t("dash.col.lat"): [_range(g.min_lat, g.max_lat, session.lang) for g in geo],
            session.t("dash.col.lon"): [_range(g.min_lon, g.max_lon, session.lang) for g in geo],
        },
        hide_index=True,
    )
