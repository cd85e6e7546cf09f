"""What the form editor does to a draft form, as pure functions (no streamlit, no store).

The page keeps the draft as JSON in the store and turns each button into one of these functions;
every function returns a new, checked ``FormDef`` or raises ``FormDefError`` (a bad name, an
expression that refers to nothing, …) / ``ValidationError`` (a default that is not a value of the
field's type), leaving the draft untouched. The values the edit panel shows are a flat dict of
texts and flags (``field_values``), so the panel's inputs can be controlled widgets.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from store.core.texts import of
from store.formdef import (
    DYNAMIC_DEFAULTS,
    SELECT_TYPES,
    Choice,
    Field,
    FormDef,
    FormDefError,
    Problem,
    add_field,
    format_value,
    parse_text,
    rename_field,
    set_choices,
    update_field,
)

LANGS = ("en", "de")  # the languages the UI offers; other languages of a form are kept untouched
TOP = ""  # the group option meaning "not in a group"
UNDO_DEPTH = 20
RANGE_DEFAULTS = {"start": 0, "end": 10, "step": 1}  # as in ODK (store/formdef/convert.py)
_TIME_TYPES = ("date", "time", "datetime")


def same_form(a: FormDef, b: FormDef) -> bool:
    """Equal as stored: the canonical JSON is what publishing would write."""
    return a.to_json() == b.to_json()


def push_undo(stack: Sequence[Any], previous: Any) -> list[Any]:
    """``stack`` with the draft before an edit on top, bounded to the last ``UNDO_DEPTH`` edits."""
    return [*list(stack)[-(UNDO_DEPTH - 1) :], previous]


# -- the field list -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of the field list."""

    name: str
    type: str
    label: str
    depth: int  # 0 at the top level, 1 inside a group, …
    required: bool
    relevant: bool
    constraint: bool
    first: bool  # first/last among its siblings: its up/down button does nothing
    last: bool


def field_rows(form: FormDef, lang: str) -> list[Row]:
    """Every field in form order, a group before its children."""
    rows: list[Row] = []

    def visit(fields: Sequence[Field], depth: int) -> None:
        for i, item in enumerate(fields):
            rows.append(
                Row(item.name, item.type, form.label(item, lang), depth, item.required, bool(item.relevant), bool(item.constraint), i == 0, i == len(fields) - 1)
            )
            visit(item.children, depth + 1)

    visit(form.fields, 0)
    return rows


def groups(form: FormDef, exclude: str | None = None) -> list[str]:
    """Names of the groups and repeats a field may move into: not ``exclude`` itself, nor one inside it."""
    inside: set[str] = set()
    if exclude is not None:
        inside = {f.name for f in _subtree(form.field(exclude))}
    return [f.name for f in form.walk() if f.type in ("group", "repeat") and f.name not in inside]


def _subtree(item: Field) -> list[Field]:
    found = [item]
    for child in item.children:
        found += _subtree(child)
    return found


# -- adding ------------------------------------------------------------------------------------


def new_field(form: FormDef, kind: str, name: str, label_en: str, label_de: str, group: str = TOP) -> FormDef:
    """``form`` with a new field at the end of ``group``; a select field gets a choice list of its
    own name (with one choice to start from) unless a list of that name exists already."""
    name = name.strip()
    if not name:
        raise FormDefError([Problem("new field", "give it a name (letters, digits and _; it is the column name in exports)")])
    label = _texts({}, {"en": label_en, "de": label_de})
    item = Field(name=name, type=kind, label=label)
    if kind in SELECT_TYPES:
        if name not in form.choice_lists:
            form = set_choices(form, name, [Choice("option_1", {"en": "Option 1", "de": "Option 1"})])
        item = dataclasses.replace(item, choice_list=name)
    return add_field(form, item, group=group or None)


def _texts(original: Mapping[str, str], edited: Mapping[str, str]) -> dict[str, str]:
    """``original`` with the UI languages replaced by ``edited`` (blank = no text in that language)."""
    out = {k: v for k, v in original.items() if k not in LANGS}
    out.update({k: v.strip() for k, v in edited.items() if v and v.strip()})
    return out


# -- editing -----------------------------------------------------------------------------------


def field_values(form: FormDef, name: str) -> dict[str, Any]:
    """What the edit panel shows for field ``name``: texts per language, flags, expressions."""
    item = form.field(name)
    parent = form.parent_of(name)
    start, end, step = (item.parameters.get(k, d) for k, d in RANGE_DEFAULTS.items())
    values: dict[str, Any] = {
        "field": name,
        "name": name,
        "group": parent.name if parent is not None else TOP,
        "required": item.required,
        "read_only": item.read_only,
        "constraint": item.constraint or "",
        "relevant": item.relevant or "",
        "calculation": item.calculation or "",
        "default": default_text(form, item),
        "range_start": _number_text(start),
        "range_end": _number_text(end),
        "range_step": _number_text(step),
        "choice_filter": item.choice_filter or "",
        "choices": choice_rows(form.choices(item)),
    }
    for lang in LANGS:
        values[f"label_{lang}"] = item.label.get(lang, "")
        values[f"hint_{lang}"] = item.hint.get(lang, "")
        values[f"cmsg_{lang}"] = item.constraint_message.get(lang, "")
    return values


def default_text(form: FormDef, item: Field) -> str:
    if item.default is None:
        return ""
    if item.type in _TIME_TYPES and item.default in DYNAMIC_DEFAULTS:
        return str(item.default)
    return format_value(form, item, item.default, "en", labels=False)


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(where: str, text: str) -> int | float:
    text = (text or "").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise FormDefError([Problem(where, f"'{text}' is not a number")]) from None
    return int(number) if number.is_integer() and "." not in text else number


def apply_edit(form: FormDef, values: Mapping[str, Any]) -> FormDef:
    """``form`` with the edit panel's ``values`` applied to field ``values["field"]``.

    Order matters: choices first (a default may name a new choice), then the rename (so every
    ``${old}`` is rewritten), then the attributes, then the move into another group. Any step
    that fails raises, and the caller keeps the draft as it was.
    """
    name = values["field"]
    item = form.field(name)
    if item.type in SELECT_TYPES and item.choice_list is not None:
        form = set_choices(form, item.choice_list, _choices(form.choices(item), values.get("choices") or []))
    new_name = (values.get("name") or "").strip() or name
    form = rename_field(form, name, new_name)
    item = form.field(new_name)
    changes: dict[str, Any] = {
        "label": _texts(item.label, {lang: values.get(f"label_{lang}", "") for lang in LANGS}),
        "hint": _texts(item.hint, {lang: values.get(f"hint_{lang}", "") for lang in LANGS}),
        "relevant": _expression(values.get("relevant")),
    }
    if item.holds_value and item.type != "repeat":  # a repeat's rules are its fields'
        changes.update(
            required=bool(values.get("required")),
            read_only=bool(values.get("read_only")),
            constraint=_expression(values.get("constraint")),
            constraint_message=_texts(item.constraint_message, {lang: values.get(f"cmsg_{lang}", "") for lang in LANGS}),
            calculation=_expression(values.get("calculation")),
            default=_default(form, item, values.get("default") or ""),
        )
    if item.type in SELECT_TYPES:
        changes["choice_filter"] = _expression(values.get("choice_filter"))
    if item.type == "range":
        params = dict(item.parameters)
        for key, default in RANGE_DEFAULTS.items():
            number = _number(f"field '{new_name}', range {key}", values.get(f"range_{key}", str(default)))
            # A setting left at its default stays unwritten, so an unchanged panel changes nothing.
            if key in params or number != default:
                params[key] = number
        changes["parameters"] = params
    form = update_field(form, new_name, **changes)
    return move_to_group(form, new_name, values.get("group") or TOP)


def _expression(text: Any) -> str | None:
    text = (text or "").strip()
    return text or None


def _default(form: FormDef, item: Field, text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    if item.type in _TIME_TYPES and text in DYNAMIC_DEFAULTS:
        return text
    if item.type == "text":
        return text
    return parse_text(item, text)  # ValidationError names the field and the text


DATA = "data."  # a choice's further column (what a choice_filter refers to) in the choices table


def choice_rows(choices: Sequence[Choice]) -> list[dict[str, str]]:
    """The choices as the table shows them: name, a label per language, then every further
    column any of them has (``data.region``…), so that editing the table keeps those."""
    extra = sorted({column for choice in choices for column in choice.data})
    return [
        {"name": c.name, **{lang: c.label.get(lang, "") for lang in LANGS}, **{DATA + k: c.data.get(k, "") for k in extra}}
        for c in choices
    ]


def choice_columns(rows: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """The table's columns: name, the labels, and the further columns the rows have."""
    extra = sorted({key for row in rows for key in row if key.startswith(DATA)})
    return ("name", *LANGS, *extra)


def _choices(current: Sequence[Choice], rows: Sequence[Mapping[str, Any]]) -> list[Choice]:
    """The table's rows as choices; labels in languages the UI does not show are kept: from the
    choice in the same place when it has the same name (a name may be given twice in a filtered
    list), else from the first of that name."""
    before: dict[str, Choice] = {}
    for choice in current:
        before.setdefault(choice.name, choice)
    out = []
    for position, row in enumerate(rows):
        name = str(row.get("name") or "").strip()
        if not name:
            continue  # an empty row of the table editor is not a choice yet
        same_place = current[position] if position < len(current) and current[position].name == name else None
        old = same_place or before.get(name)
        label = _texts(old.label if old else {}, {lang: str(row.get(lang) or "") for lang in LANGS})
        data = {key[len(DATA) :]: str(value) for key, value in row.items() if key.startswith(DATA) and value not in (None, "")}
        out.append(Choice(name, label, data))
    return out


def move_to_group(form: FormDef, name: str, group: str) -> FormDef:
    """``form`` with field ``name`` at the end of ``group`` (``TOP``: of the form); unchanged if it
    is there already."""
    parent = form.parent_of(name)
    if (parent.name if parent is not None else TOP) == group:
        return form
    item = form.field(name)

    def drop(fields: tuple[Field, ...]) -> tuple[Field, ...]:
        return tuple(dataclasses.replace(f, children=drop(f.children)) for f in fields if f.name != name)

    # The form without the field is never checked on its own (an expression may refer to it);
    # add_field checks the result, with the field in its new place.
    return add_field(dataclasses.replace(form, fields=drop(form.fields)), item, group=group or None)


# -- the choices table -------------------------------------------------------------------------


def apply_editor_delta(rows: Sequence[Mapping[str, Any]], delta: Mapping[str, Any], columns: Sequence[str]) -> list[dict[str, Any]]:
    """``rows`` after the edits ``st.data_editor`` reports (``edited_rows``, ``added_rows``,
    ``deleted_rows``, row positions counted in ``rows``)."""
    out = [{c: row.get(c, "") for c in columns} for row in rows]
    for position, changes in (delta.get("edited_rows") or {}).items():
        index = int(position)
        if 0 <= index < len(out):
            out[index].update({k: ("" if v is None else v) for k, v in changes.items() if k in columns})
    deleted = {int(i) for i in delta.get("deleted_rows") or []}
    out = [row for i, row in enumerate(out) if i not in deleted]
    for added in delta.get("added_rows") or []:
        out.append({c: ("" if added.get(c) is None else added.get(c)) for c in columns})
    return out


def problem_lines(exc: FormDefError) -> list[str]:
    """The problems as ``Text``s: said in the reader's language where they are shown (``problem_box``)."""
    return [p.text() for p in exc.problems] or [of(exc)]
