"""Edits for the form editor: each takes a form and returns a new, checked one.

Every function returns ``form_from_json(edited.to_json())``, so an edit that would break the
form (a duplicate name, a reference to a field that no longer exists, a circle of
calculations) raises ``FormDefError`` with the reasons and the original form stays as it was.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from store.core.texts import said
from store.formdef.expr import parse, references, rename_reference
from store.formdef.model import CONTAINER_TYPES, Choice, Field, FormDef, FormDefError, Problem
from store.formdef.plan import CHOICE_LIST_PLACE, field_place
from store.formdef.schema import form_from_json

Fields = tuple[Field, ...]
EXPRESSIONS = ("relevant", "constraint", "calculation", "choice_filter")

# Why an edit is refused, said at the field (or choice list) it is about.
NO_SUCH_FIELD = said("edit.no_such_field", "does not exist in this form")
NOT_A_GROUP = said("edit.not_a_group", "is not a group, so fields cannot be added to it")
NOT_IN_GROUP = said("edit.not_in_group", "is not in group '{group}'")
NAME_TAKEN = said("edit.name_taken", "a field with this name already exists")
STILL_USED = said("edit.still_used", "refers to '{name}', which would be removed; change this first")
STILL_USED_MANY = said("edit.still_used_many", "refers to {names}, which would be removed; change this first")
LIST_IN_USE = said("edit.list_in_use", "is used by field '{field}'")


def _checked(form: FormDef) -> FormDef:
    return form_from_json(form.to_json())


def _refuse(where: str, message: str) -> FormDefError:
    return FormDefError([Problem(where, message)])


def _require(form: FormDef, name: str) -> Field:
    try:
        return form.field(name)
    except KeyError:
        raise _refuse(field_place(name), NO_SUCH_FIELD()) from None


def _rewrite(fields: Fields, parent: str | None, change: Callable[[str | None, Fields], Fields]) -> Fields:
    """``fields`` with ``change(parent_name, children)`` applied to every sibling list."""
    rebuilt = tuple(
        dataclasses.replace(item, children=_rewrite(item.children, item.name, change)) if item.type in CONTAINER_TYPES else item
        for item in fields
    )
    return change(parent, rebuilt)


def _map_fields(form: FormDef, change: Callable[[Field], Field]) -> FormDef:
    def each(_parent: str | None, siblings: Fields) -> Fields:
        return tuple(change(item) for item in siblings)

    return dataclasses.replace(form, fields=_rewrite(form.fields, None, each))


def add_field(form: FormDef, field: Field, *, after: str | None = None, group: str | None = None) -> FormDef:
    """``form`` with ``field`` added: after sibling ``after`` if given, else at the end of
    ``group`` (or of the form when ``group`` is None)."""
    if group is not None and _require(form, group).type not in CONTAINER_TYPES:
        raise _refuse(field_place(group), NOT_A_GROUP())
    if after is not None:
        _require(form, after)
        parent = form.parent_of(after)
        if group is not None and (parent is None or parent.name != group):
            raise _refuse(field_place(after), NOT_IN_GROUP(group=group))
        group = parent.name if parent is not None else None
    if any(item.name == field.name for item in form.walk()):
        raise _refuse(field_place(field.name), NAME_TAKEN())

    def insert(parent: str | None, siblings: Fields) -> Fields:
        if parent != group:
            return siblings
        names = [item.name for item in siblings]
        index = names.index(after) + 1 if after is not None else len(siblings)
        return siblings[:index] + (field,) + siblings[index:]

    return _checked(dataclasses.replace(form, fields=_rewrite(form.fields, None, insert)))


def update_field(form: FormDef, name: str, /, **changes: Any) -> FormDef:
    """``form`` with attributes of field ``name`` changed (``label=...``, ``required=True``...).
    The name is changed only by ``rename_field``, children only by add/move/remove."""
    _require(form, name)
    allowed = {f.name for f in dataclasses.fields(Field)} - {"name", "children"}
    for key in changes:
        if key == "name":
            raise _refuse(f"field '{name}'", "use rename_field to change a field's name")
        if key not in allowed:
            raise _refuse(f"field '{name}'", f"'{key}' is not something a field has")
    return _checked(_map_fields(form, lambda item: dataclasses.replace(item, **changes) if item.name == name else item))


def rename_field(form: FormDef, old: str, new: str) -> FormDef:
    """``form`` with field ``old`` called ``new`` and every ``${old}`` in expressions updated."""
    _require(form, old)
    if old == new:
        return form
    if any(item.name == new for item in form.walk()):
        raise _refuse(field_place(new), NAME_TAKEN())

    def change(item: Field) -> Field:
        updates: dict[str, Any] = {
            key: rename_reference(getattr(item, key), old, new) for key in EXPRESSIONS if getattr(item, key) is not None
        }
        if isinstance(item.parameters.get("count"), str):  # a repeat's count is an expression too
            updates["parameters"] = {**item.parameters, "count": rename_reference(item.parameters["count"], old, new)}
        if item.name == old:
            updates["name"] = new
        return dataclasses.replace(item, **updates)

    return _checked(_map_fields(form, change))


def move_field(form: FormDef, name: str, delta: int) -> FormDef:
    """``form`` with field ``name`` moved ``delta`` places within its group (negative = up),
    stopping at the first or last place."""
    _require(form, name)

    def move(_parent: str | None, siblings: Fields) -> Fields:
        names = [item.name for item in siblings]
        if name not in names:
            return siblings
        index = names.index(name)
        target = max(0, min(len(siblings) - 1, index + delta))
        rest = siblings[:index] + siblings[index + 1 :]
        return rest[:target] + (siblings[index],) + rest[target:]

    return _checked(dataclasses.replace(form, fields=_rewrite(form.fields, None, move)))


def _subtree(item: Field) -> list[Field]:
    found = [item]
    for child in item.children:
        found += _subtree(child)
    return found


def remove_field(form: FormDef, name: str) -> FormDef:
    """``form`` without field ``name`` (a group goes with its fields). Refused while expressions
    of other fields refer to it, naming them, so nothing is left pointing at nothing."""
    target = _require(form, name)
    removed = {item.name for item in _subtree(target)}
    users = []
    for item in form.walk():
        if item.name in removed:
            continue
        for key in (*EXPRESSIONS, "count"):
            text = item.parameters.get("count") if key == "count" else getattr(item, key)
            used = references(parse(text, columns=key == "choice_filter")) & removed if isinstance(text, str) else set()
            if used:
                names = sorted(used)
                # one name is quoted by the sentence (German „…“); several are listed as written
                why = STILL_USED(name=names[0]) if len(names) == 1 else STILL_USED_MANY(names=[f"'{n}'" for n in names])
                users.append(Problem(field_place(item.name, key), why, field=item.name, attribute=key))
    if users:
        raise FormDefError(users)

    def drop(_parent: str | None, siblings: Fields) -> Fields:
        return tuple(item for item in siblings if item.name != name)

    return _checked(dataclasses.replace(form, fields=_rewrite(form.fields, None, drop)))


def set_choices(form: FormDef, list_name: str, choices: Sequence[Choice]) -> FormDef:
    """``form`` with choice list ``list_name`` set to ``choices`` (created if new)."""
    lists = dict(form.choice_lists)
    lists[list_name] = tuple(choices)
    return _checked(dataclasses.replace(form, choice_lists=lists))


def remove_choices(form: FormDef, list_name: str) -> FormDef:
    """``form`` without choice list ``list_name``; refused while a field uses it."""
    users = [item.name for item in form.walk() if item.choice_list == list_name]
    if users:
        raise _refuse(CHOICE_LIST_PLACE(name=list_name), LIST_IN_USE(field=users[0]))
    return _checked(dataclasses.replace(form, choice_lists={k: v for k, v in form.choice_lists.items() if k != list_name}))
