"""What a form definition must satisfy beyond its JSON shape; every problem is reported.

Checked: names (valid, unique across the whole form), types, choice lists (exist, are used by
select fields only, unique valid choice names), type-specific parameters (range start < end,
step > 0), which attributes each type may have, defaults (in the stored form of the type, or
``today()``/``now()`` for date and time fields, choices from the list), expressions (parse,
``.`` only in constraints, references to existing fields that hold a value) and circles among
calculations and relevance conditions.
"""

from __future__ import annotations

import math
import re
from typing import Any

from store.core.errors import ValidationError
from store.formdef.convert import check_stored
from store.formdef.expr import Expr, references, uses_current
from store.formdef.model import FIELD_TYPES, SELECT_TYPES, Field, FormDef, Problem
from store.formdef.plan import DYNAMIC_DEFAULTS, cycle_problem, dependencies, find_cycle, parse_field_expressions

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")
CHOICE_NAME = re.compile(r"\S{1,200}")
MAX_RANGE_STEPS = 100_000
CALCULATED_TYPES = ("text", "integer", "decimal", "select_one", "date", "time", "datetime", "boolean")
PARAMETERS: dict[str, tuple[str, ...]] = {"text": ("multiline",), "range": ("start", "end", "step")}
COMMON_PARAMETERS = ("appearance",)


def _problem(item: Field, attribute: str | None, message: str) -> Problem:
    where = f"field '{item.name}'" + (f", {attribute}" if attribute else "")
    return Problem(where, message, field=item.name, attribute=attribute)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_parameters(item: Field) -> list[Problem]:
    problems = []
    allowed = PARAMETERS.get(item.type, ()) + COMMON_PARAMETERS
    for key, value in item.parameters.items():
        if key not in allowed:
            problems.append(_problem(item, "parameters", f"'{key}' is not a setting of a {item.type} field"))
        elif key == "appearance" and not isinstance(value, str):
            problems.append(_problem(item, "parameters", "appearance must be text"))
        elif key == "multiline" and not isinstance(value, bool):
            problems.append(_problem(item, "parameters", "multiline must be true or false"))
    if item.type == "range":
        params = item.parameters
        values = [params.get(k, d) for k, d in (("start", 0), ("end", 10), ("step", 1))]
        if not all(_is_number(v) for v in values):
            problems.append(_problem(item, "parameters", "start, end and step of a range must be numbers"))
        else:
            start, end, step = values
            if step <= 0:
                problems.append(_problem(item, "parameters", "the step of a range must be greater than 0"))
            elif start >= end:
                problems.append(_problem(item, "parameters", "the start of a range must be smaller than its end"))
            elif (end - start) / step > MAX_RANGE_STEPS:
                problems.append(_problem(item, "parameters", f"a range may have at most {MAX_RANGE_STEPS:,} steps"))
    return problems


def _check_attributes(item: Field) -> list[Problem]:
    problems = []
    if item.children and item.type != "group":
        problems.append(_problem(item, "children", "only a group can contain fields"))
    if item.type in SELECT_TYPES and not item.choice_list:
        problems.append(_problem(item, "choice_list", f"a {item.type} field needs a choice list"))
    if item.type not in SELECT_TYPES and item.choice_list:
        problems.append(_problem(item, "choice_list", "only select_one and select_multiple fields use a choice list"))
    if not item.holds_value:
        for attribute in ("required", "read_only", "constraint", "calculation"):
            if getattr(item, attribute):
                problems.append(_problem(item, attribute, f"a {item.type} holds no value, so it cannot have '{attribute}'"))
        if item.default is not None:
            problems.append(_problem(item, "default", f"a {item.type} holds no value, so it cannot have a default"))
    elif item.calculation and item.type not in CALCULATED_TYPES:
        problems.append(_problem(item, "calculation", f"a {item.type} field cannot be calculated"))
    return problems


def _check_default(form: FormDef, item: Field) -> list[Problem]:
    if item.default is None or not item.holds_value:
        return []
    if item.type in ("date", "time", "datetime") and item.default in DYNAMIC_DEFAULTS:
        return []
    try:
        check_stored(item, item.default)
    except ValidationError as exc:
        return [_problem(item, "default", str(exc))]
    if item.type in SELECT_TYPES and item.choice_list is not None and item.choice_list in form.choice_lists:
        names = {c.name for c in form.choice_lists[item.choice_list]}
        given = [item.default] if item.type == "select_one" else list(item.default)
        missing = [name for name in given if name not in names]
        if missing:
            return [_problem(item, "default", f"'{missing[0]}' is not a choice of list '{item.choice_list}'")]
    return []


def _check_choice_lists(form: FormDef, used: set[str]) -> list[Problem]:
    problems = []
    for list_name, options in form.choice_lists.items():
        where = f"choice list '{list_name}'"
        if not NAME.fullmatch(list_name):
            problems.append(Problem(where, "a list name must start with a letter and use only letters, digits and _"))
        if not options and list_name in used:
            problems.append(Problem(where, "has no choices"))
        seen: set[str] = set()
        for position, choice in enumerate(options, start=1):
            if not CHOICE_NAME.fullmatch(choice.name):
                problems.append(
                    Problem(
                        f"{where}, choice {position}",
                        f"the choice name {choice.name!r} must be 1 to 200 characters without spaces",
                    )
                )
            elif choice.name in seen:
                problems.append(Problem(f"{where}, choice {position}", f"the choice name '{choice.name}' is used twice"))
            seen.add(choice.name)
    return problems


def _check_expression(item: Field, attribute: str, expr: Expr, by_name: dict[str, Field]) -> list[Problem]:
    problems = []
    if attribute != "constraint" and uses_current(expr):
        problems.append(_problem(item, attribute, "'.' (this field's value) can only be used in a constraint; use ${name} here"))
    for name in sorted(references(expr)):
        target = by_name.get(name)
        if target is None:
            problems.append(_problem(item, attribute, f"refers to ${{{name}}}, but the form has no field '{name}'"))
        elif not target.holds_value:
            problems.append(_problem(item, attribute, f"refers to ${{{name}}}, a {target.type}, which holds no value"))
    return problems


GEO_PARTS = ("lat", "lon", "accuracy")


def _check_export_columns(form: FormDef, by_name: dict[str, Field]) -> list[Problem]:
    """A geopoint ``loc`` is exported as ``loc_lat``, ``loc_lon``, ``loc_accuracy``: a field with one
    of those names would give two columns of the same name (and an import could not tell them apart)."""
    problems: list[Problem] = []
    for item in by_name.values():
        if item.type != "geopoint":
            continue
        for part in GEO_PARTS:
            other = by_name.get(f"{item.name}_{part}")
            if other is not None:
                problems.append(
                    _problem(other, "name", f"the name '{other.name}' is taken by the {part} column of the location field '{item.name}'")
                )
    return problems


def check_form(form: FormDef) -> list[Problem]:
    """Every problem of ``form`` (an empty list when it can be used)."""
    problems: list[Problem] = []
    by_name: dict[str, Field] = {}
    for item in form.walk():
        if not NAME.fullmatch(item.name):
            problems.append(
                _problem(
                    item,
                    "name",
                    "a name must start with a letter or _, use only letters, digits, _ - . and be at most 64 characters",
                )
            )
        if item.name in by_name:
            problems.append(_problem(item, "name", f"the name '{item.name}' is used by more than one field"))
        else:
            by_name[item.name] = item
        if item.type not in FIELD_TYPES:
            problems.append(_problem(item, "type", f"'{item.type}' is not a field type Fieldbook knows"))
            continue
        problems += _check_attributes(item)
        problems += _check_parameters(item)
        if item.choice_list and item.choice_list not in form.choice_lists:
            problems.append(_problem(item, "choice_list", f"the choice list '{item.choice_list}' does not exist"))
        problems += _check_default(form, item)
    problems += _check_export_columns(form, by_name)
    used = {item.choice_list for item in form.walk() if item.choice_list}
    problems += _check_choice_lists(form, used)
    parsed, expression_problems = parse_field_expressions(form)
    problems += expression_problems
    for item in form.walk():
        plan = parsed.get(item.name)
        if plan is None or by_name.get(item.name) is not item:
            continue
        for attribute in ("relevant", "constraint", "calculation"):
            expr = getattr(plan, attribute)
            if expr is not None:
                problems += _check_expression(item, attribute, expr, by_name)
    if not problems:
        cycle = find_cycle(dependencies(form, parsed))
        if cycle is not None:
            problems.append(cycle_problem(cycle))
    return problems
