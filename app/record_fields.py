"""One form field as a controlled widget (the record editor draws a form with these).

Every widget persists its value at once into the record's draft scope; what it shows first is
the draft value if there is one, else the saved value. Notes and calculated fields are text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from app import numbers, widgets
from app.record_draft import TIME_SUFFIX
from app.slots import label_escape, md_escape
from store.core import FileRef
from store.formdef import FILE_TYPES, Choice, Field, FormDef, format_value, range_settings, to_widget
from store.formdef.geo import LINE_TYPES

AfterChange = Callable[[str, Any], None]
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
IMAGE_TYPES = ("jpg", "jpeg", "png", "gif", "webp", "heic", "tif", "tiff")
AUDIO_TYPES = ("wav", "mp3", "m4a", "aac", "ogg", "oga", "opus", "flac", "amr", "3gp", "webm")
VIDEO_TYPES = ("mp4", "m4v", "mov", "webm", "mkv", "avi", "3gp", "ogv")
ACCEPTED = {"photo": IMAGE_TYPES, "audio": AUDIO_TYPES, "video": VIDEO_TYPES}  # a file field takes any file


def render_field(
    form: FormDef,
    field: Field,
    saved: Any,
    *,
    scope: str,
    lang: str,
    t: Callable[..., str],
    after: AfterChange,
    disabled: bool,
    offered: Sequence[Choice] | None = None,
    key: str | None = None,
) -> None:
    """Draw ``field`` (not a group) with ``saved`` (its saved stored value) as the fallback.

    ``offered``: the choices a choice_filter lets through now (``Evaluation.options``); an answer
    it no longer offers stays in the list, so the field shows it (and its message) until changed.
    ``key``: the input's key when it is not the field's name (a field in a repeat's entry)."""
    name = key or field.name
    # Widget labels and help texts are Markdown: a label from a form file is shown as written.
    label = label_escape(form.label(field, lang)) + (" *" if field.required else "")
    hint = md_escape(form.text(field.hint, lang)) or None
    common: dict[str, Any] = {"scope": scope, "after": after, "help": hint, "disabled": disabled or field.read_only}
    kind = field.type
    try:
        shown = to_widget(field, saved)
    except Exception:  # a malformed stored value must not take the editor down: show it empty
        shown = None
    if kind == "text":
        render = widgets.s_textarea if field.parameters.get("multiline") else widgets.s_text
        render(name, label, default=shown or "", **common)
    elif kind in ("integer", "decimal"):
        widgets.s_number(name, label, default=shown, integer=kind == "integer", **common)
    elif kind == "range":
        start, end, step = range_settings(field)
        whole = all(float(x).is_integer() for x in (start, end, step))
        cast: Callable[[float], Any] = int if whole else float
        widgets.s_slider(name, label, cast(start), cast(end), default=shown if shown is not None else cast(start), step=cast(step), **common)
    elif kind in ("select_one", "select_multiple"):
        by_name = form.choices_by_name(field)
        if offered is not None:  # a cascading select: each offered name with the label of the row that passed
            by_name = {c.name: c for c in _with_answer(offered, widgets.stored_value(scope, name, saved), by_name)}
        labels = {option: form.text(c.label, lang) or option for option, c in by_name.items()}
        options = list(labels)
        fmt = lambda name: labels.get(name, str(name))  # noqa: E731 (AppTest needs no session state here)
        if kind == "select_one":
            widgets.s_select(name, label, options, default=shown, index=None, format_func=fmt, placeholder=t("record.choose"), **common)
        else:
            widgets.s_multiselect(name, label, options, default=shown or [], format_func=fmt, placeholder=t("record.choose_many"), **common)
    elif kind == "date":
        widgets.s_date(name, label, default=shown, value=None, min_value=EARLIEST, max_value=LATEST, **common)
    elif kind == "time":
        widgets.s_time(name, label, default=shown, value=None, step=60, **common)
    elif kind == "datetime":
        day, moment = st.columns(2)
        with day:
            widgets.s_date(name, label, default=shown.date() if shown else None, value=None, min_value=EARLIEST, max_value=LATEST, **common)
        with moment:
            widgets.s_time(name + TIME_SUFFIX, t("record.time_of", label=label), default=shown.time() if shown else None, value=None, step=60, **common)
    elif kind == "boolean":
        names = {True: t("record.yes"), False: t("record.no")}
        widgets.controlled(
            st.radio, name, label, default=shown, args=([True, False],), index=None, horizontal=True,
            format_func=lambda v: names.get(v, str(v)), **common,
        )
    elif kind == "geopoint":
        widgets.s_geopoint(name, label, default=shown if isinstance(shown, dict) else None, placeholder=t("record.geopoint_hint"), **common)
    elif kind in LINE_TYPES:
        _line(form, field, name, shown, label, scope=scope, lang=lang, t=t, common=common)
    elif kind in FILE_TYPES:
        widgets.s_file(
            name, label, default=shown if isinstance(shown, FileRef) else None, type=ACCEPTED.get(kind),
            record=t("record.audio_record", label=label) if kind == "audio" else None,
            scope=scope, after=after, help=hint, disabled=disabled or field.read_only,
        )
    else:
        st.caption(f"{md_escape(label)}: {t('record.unsupported', type=kind)}")


def _line(form: FormDef, field: Field, name: str, shown: Any, label: str, *, scope: str, lang: str, t: Callable[..., str], common: dict[str, Any]) -> None:
    """A line or an outline typed (or pasted from a GPS) as one location per line, with its length
    or area below it — in a line reserved for it, so the form does not move as points are added."""
    saved = numbers.format_geoline(shown, lang) if isinstance(shown, list) else ""
    widgets.s_textarea(name, label, default=saved, placeholder=t(f"record.{field.type}_hint"), height=110, **common)
    typed = widgets.stored_value(scope, name, saved)
    try:
        points = numbers.parse_geoline(typed, lang, field.type) if isinstance(typed, str) else None
    except numbers.NumberTextError:
        points = None  # the field's message says why
    size = format_value(form, field, points, lang) if points else ""
    st.caption(t(f"record.{field.type}_size", n=len(points), size=size) if points else "\u200b")


def _with_answer(offered: Sequence[Choice], answer: Any, every: dict[str, Choice]) -> list[Choice]:
    """The offered choices, and after them the given answer(s) not offered (any more)."""
    given = answer if isinstance(answer, list) else [answer] if isinstance(answer, str) else []
    names = {c.name for c in offered}
    return [*offered, *(every[name] for name in given if name not in names and name in every)]


def render_calculated(form: FormDef, field: Field, value: Any, lang: str) -> None:
    text = format_value(form, field, value, lang) if value is not None else "—"
    st.markdown(f"**{md_escape(form.label(field, lang))}**: {md_escape(text)}")


def render_note(form: FormDef, field: Field, lang: str) -> None:
    st.info(md_escape(form.label(field, lang)), icon=":material/info:")
