"""What a form definition must satisfy beyond its JSON shape; every problem is reported.

Checked: names (valid, unique across the whole form), types, choice lists (exist, are used by
select fields only, unique valid choice names), type-specific parameters (range start < end,
step > 0), which attributes each type may have, defaults (in the stored form of the type, or
``today()``/``now()`` for date and time fields, choices from the list), expressions (parse,
``.`` only in constraints, references to existing fields that hold a value; a choice_filter's
columns exist in its list) and circles among calculations and relevance conditions.
"""

from __future__ import annotations

import math
import re
from typing import Any

from store.core import texts
from store.core.errors import ValidationError
from store.core.texts import said
from store.formdef.convert import check_stored
from store.formdef.expr import Expr, ExpressionError, columns, parse, references, uses_current
from store.formdef.model import CONTAINER_TYPES, FIELD_TYPES, MAX_INSTANCES, METADATA_KINDS, SELECT_TYPES, Field, FormDef, Problem
from store.formdef.plan import (
    CHOICE_LIST_PLACE,
    CHOICE_PLACE,
    DYNAMIC_DEFAULTS,
    FieldPlan,
    cycle_problem,
    dependencies,
    field_place,
    parse_field_expressions,
    scope_orders,
)

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")
LIST_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]{0,63}")  # XLSForm lists such as OSM's building:material
CHOICE_NAME = re.compile(r"\S(?:[^\n\r\t]{0,198}\S)?")  # a select_one's choice may hold spaces (pyxform allows it)
CHOICE_NAME_MULTIPLE = re.compile(r"\S{1,200}")  # a select_multiple's answers are kept separated by spaces
MAX_RANGE_STEPS = 100_000
CALCULATED_TYPES = ("text", "integer", "decimal", "select_one", "date", "time", "datetime", "boolean")
PARAMETERS: dict[str, tuple[str, ...]] = {"text": ("multiline",), "range": ("start", "end", "step"), "repeat": ("count", "min", "max")}
COMMON_PARAMETERS = ("appearance", "metadata", "hidden")

# Problems of a form, placed at a field (and its attribute) or a choice list. A {type} is the
# form file's own name for a field type (text, range, note…) and stays as it is written.
NOT_A_SETTING = said("formfile.not_a_setting", "'{key}' is not a setting of a {type} field")
METADATA_UNKNOWN = said("formfile.metadata_unknown", "metadata must be one of {kinds}")
METADATA_TYPE = said("formfile.metadata_type", "the metadata '{kind}' is recorded in a {type} field")
METADATA_CALCULATED = said("formfile.metadata_calculated", "the metadata '{kind}' is recorded by Fieldbook, so it cannot be calculated")
APPEARANCE_NOT_TEXT = said("formfile.appearance_not_text", "appearance must be text")
MULTILINE_NOT_BOOLEAN = said("formfile.multiline_not_boolean", "multiline must be true or false")
HIDDEN_NOT_BOOLEAN = said("formfile.hidden_not_boolean", "hidden must be true or false")
RANGE_NOT_NUMBERS = said("formfile.range_not_numbers", "start, end and step of a range must be numbers")
RANGE_STEP = said("formfile.range_step", "the step of a range must be greater than 0")
RANGE_START = said("formfile.range_start", "the start of a range must be smaller than its end")
RANGE_TOO_MANY_STEPS = said("formfile.range_too_many_steps", "a range may have at most {n} steps")
FILTER_WITHOUT_SELECT = said("formfile.filter_without_select", "only select_one and select_multiple fields can have a choice_filter")
FILTER_ON_ITSELF = said("formfile.filter_on_itself", "the choice_filter refers to the field's own answer; it can only depend on other fields")
NO_SUCH_COLUMN = said("formfile.no_such_column", "the choice_filter uses the column '{column}', which the choices of list '{list}' do not have")
CHILDREN_OUTSIDE_GROUP = said("formfile.children_outside_group", "only a group or a repeat can contain fields")
REPEAT_COUNT_NOT_TEXT = said("formfile.repeat_count_not_text", "the count of a repeat must be an expression written as text")
REPEAT_LIMIT = said("formfile.repeat_limit", "min and max of a repeat must be whole numbers from 0 to {n}, min not above max")
REPEAT_RULE_INSIDE = said("formfile.repeat_rule_inside", "the {attribute} of a repeat is worked out before its entries, so it cannot refer to '{name}' inside it")
REPEAT_ATTRIBUTE = said("formfile.repeat_attribute", "a repeat cannot have '{attribute}' (its fields can)")
SELECT_NEEDS_LIST = said("formfile.select_needs_list", "a {type} field needs a choice list")
LIST_WITHOUT_SELECT = said("formfile.list_without_select", "only select_one and select_multiple fields use a choice list")
NO_VALUE_ATTRIBUTE = said("formfile.no_value_attribute", "a {type} holds no value, so it cannot have '{attribute}'")
NO_VALUE_DEFAULT = said("formfile.no_value_default", "a {type} holds no value, so it cannot have a default")
NOT_CALCULATED = said("formfile.not_calculated", "a {type} field cannot be calculated")
DEFAULT_NOT_A_CHOICE = said("formfile.default_not_a_choice", "'{choice}' is not a choice of list '{list}'")
LIST_NAME = said("formfile.list_name", "a list name must start with a letter or _ and use only letters, digits, _, ., - and :")
LIST_EMPTY = said("formfile.list_empty", "has no choices")
CHOICE_NAME_SHAPE = said(
    "formfile.choice_name_shape",
    "the choice name {name!r} must be 1 to 200 characters, without a space at its start or end, on one line",
)
CHOICE_NAME_SPACE = said(
    "formfile.choice_name_space",
    "the choice name {name!r} contains a space, and the list is used by a select_multiple, whose answers are separated by spaces",
)
CHOICE_NAME_TWICE = said("formfile.choice_name_twice", "the choice name '{name}' is used twice")
CURRENT_OUTSIDE_CONSTRAINT = said(
    "formfile.current_outside_constraint", "'.' (this field's value) can only be used in a constraint; use ${{name}} here"
)
REFERS_TO_NOTHING = said("formfile.refers_to_nothing", "refers to ${{{name}}}, but the form has no field '{name}'")
REFERS_TO_NO_VALUE = said("formfile.refers_to_no_value", "refers to ${{{name}}}, a {type}, which holds no value")
NAME_TAKEN_BY_LOCATION = said(
    "formfile.name_taken_by_location", "the name '{name}' is taken by the {part} column of the location field '{location}'"
)
NAME_SHAPE = said(
    "formfile.name_shape", "a name must start with a letter or _, use only letters, digits, _ - . and be at most 64 characters"
)
NAME_TWICE = said("formfile.name_twice", "the name '{name}' is used by more than one field")
UNKNOWN_TYPE = said("formfile.unknown_type", "'{type}' is not a field type Fieldbook knows")
NO_SUCH_LIST = said("formfile.no_such_list", "the choice list '{list}' does not exist")


def _problem(item: Field, attribute: str | None, message: str) -> Problem:
    return Problem(field_place(item.name, attribute), message, field=item.name, attribute=attribute)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_parameters(item: Field) -> list[Problem]:
    problems = []
    allowed = PARAMETERS.get(item.type, ()) + COMMON_PARAMETERS
    for key, value in item.parameters.items():
        if key not in allowed:
            problems.append(_problem(item, "parameters", NOT_A_SETTING(key=key, type=item.type)))
        elif key == "appearance" and not isinstance(value, str):
            problems.append(_problem(item, "parameters", APPEARANCE_NOT_TEXT()))
        elif key == "multiline" and not isinstance(value, bool):
            problems.append(_problem(item, "parameters", MULTILINE_NOT_BOOLEAN()))
        elif key == "hidden" and not isinstance(value, bool):
            problems.append(_problem(item, "parameters", HIDDEN_NOT_BOOLEAN()))
        elif key == "metadata" and value not in METADATA_KINDS:
            problems.append(_problem(item, "parameters", METADATA_UNKNOWN(kinds=", ".join(METADATA_KINDS))))
        elif key == "metadata" and METADATA_KINDS[value] != item.type:
            problems.append(_problem(item, "parameters", METADATA_TYPE(kind=value, type=METADATA_KINDS[value])))
        elif key == "metadata" and item.calculation:
            problems.append(_problem(item, "calculation", METADATA_CALCULATED(kind=value)))
    if item.type == "repeat":
        problems += _check_repeat(item)
    if item.type == "range":
        params = item.parameters
        values = [params.get(k, d) for k, d in (("start", 0), ("end", 10), ("step", 1))]
        if not all(_is_number(v) for v in values):
            problems.append(_problem(item, "parameters", RANGE_NOT_NUMBERS()))
        else:
            start, end, step = values
            if step <= 0:
                problems.append(_problem(item, "parameters", RANGE_STEP()))
            elif start >= end:
                problems.append(_problem(item, "parameters", RANGE_START()))
            elif (end - start) / step > MAX_RANGE_STEPS:
                problems.append(_problem(item, "parameters", RANGE_TOO_MANY_STEPS(n=MAX_RANGE_STEPS)))
    return problems


def _check_repeat(item: Field) -> list[Problem]:
    params = item.parameters
    problems = []
    if "count" in params and (not isinstance(params["count"], str) or not params["count"].strip()):
        problems.append(_problem(item, "parameters", REPEAT_COUNT_NOT_TEXT()))
    low, high = params.get("min", 0), params.get("max", MAX_INSTANCES)
    whole = all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_INSTANCES for v in (low, high))
    if not whole or low > high:
        problems.append(_problem(item, "parameters", REPEAT_LIMIT(n=MAX_INSTANCES)))
    return problems


def _check_repeat_rules(form: FormDef, item: Field, plan: FieldPlan) -> list[Problem]:
    """A repeat's relevance and count are worked out before its instances: they cannot refer to
    a field inside it."""
    inside: set[str] = set()
    stack = list(item.children)
    while stack:
        child = stack.pop()
        inside.add(child.name)
        stack.extend(child.children)
    problems = []
    for attribute in ("relevant", "count"):
        expr = getattr(plan, attribute)
        for name in sorted(references(expr) & inside) if expr is not None else ():
            problems.append(_problem(item, attribute, REPEAT_RULE_INSIDE(attribute=attribute, name=name)))
    return problems


def _check_attributes(item: Field) -> list[Problem]:
    problems = []
    if item.children and item.type not in CONTAINER_TYPES:
        problems.append(_problem(item, "children", CHILDREN_OUTSIDE_GROUP()))
    if item.type in SELECT_TYPES and not item.choice_list:
        problems.append(_problem(item, "choice_list", SELECT_NEEDS_LIST(type=item.type)))
    if item.type not in SELECT_TYPES and item.choice_list:
        problems.append(_problem(item, "choice_list", LIST_WITHOUT_SELECT()))
    if item.type not in SELECT_TYPES and item.choice_filter:
        problems.append(_problem(item, "choice_filter", FILTER_WITHOUT_SELECT()))
    if item.type == "repeat":  # one value per instance is asked for, never the list as a whole
        for attribute in ("required", "read_only", "constraint", "calculation", "default"):
            if getattr(item, attribute) not in (None, False):
                problems.append(_problem(item, attribute, REPEAT_ATTRIBUTE(attribute=attribute)))
    elif not item.holds_value:
        for attribute in ("required", "read_only", "constraint", "calculation"):
            if getattr(item, attribute):
                problems.append(_problem(item, attribute, NO_VALUE_ATTRIBUTE(type=item.type, attribute=attribute)))
        if item.default is not None:
            problems.append(_problem(item, "default", NO_VALUE_DEFAULT(type=item.type)))
    elif item.calculation and item.type not in CALCULATED_TYPES:
        problems.append(_problem(item, "calculation", NOT_CALCULATED(type=item.type)))
    return problems


def _check_default(form: FormDef, item: Field) -> list[Problem]:
    if item.default is None or not item.holds_value or item.type == "repeat":
        return []
    if item.type in ("date", "time", "datetime") and item.default in DYNAMIC_DEFAULTS:
        return []
    try:
        check_stored(item, item.default)
    except ValidationError as exc:
        return [_problem(item, "default", texts.of(exc))]
    if item.type in SELECT_TYPES and item.choice_list is not None and item.choice_list in form.choice_lists:
        names = {c.name for c in form.choice_lists[item.choice_list]}
        given = [item.default] if item.type == "select_one" else list(item.default)
        missing = [name for name in given if name not in names]
        if missing:
            return [_problem(item, "default", DEFAULT_NOT_A_CHOICE(choice=missing[0], list=item.choice_list))]
    return []


def _check_choice_lists(form: FormDef, used: set[str]) -> list[Problem]:
    problems = []
    multiple = {item.choice_list for item in form.walk() if item.type == "select_multiple" and item.choice_list}
    # A name may be given twice in a list only where a choice_filter picks one of them (XLSForm's
    # allow_choice_duplicates: "king" in Texas and in Washington); elsewhere it would be ambiguous.
    unfiltered = {item.choice_list for item in form.walk() if item.choice_list and not item.choice_filter}
    for list_name, options in form.choice_lists.items():
        where = CHOICE_LIST_PLACE(name=list_name)
        if not LIST_NAME_RE.fullmatch(list_name):
            problems.append(Problem(where, LIST_NAME()))
        if not options and list_name in used:
            problems.append(Problem(where, LIST_EMPTY()))
        seen: set[str] = set()
        for position, choice in enumerate(options, start=1):
            if not CHOICE_NAME.fullmatch(choice.name):
                problems.append(Problem(CHOICE_PLACE(where=where, position=str(position)), CHOICE_NAME_SHAPE(name=choice.name)))
            elif list_name in multiple and not CHOICE_NAME_MULTIPLE.fullmatch(choice.name):
                problems.append(Problem(CHOICE_PLACE(where=where, position=str(position)), CHOICE_NAME_SPACE(name=choice.name)))
            elif choice.name in seen and list_name in unfiltered:
                problems.append(Problem(CHOICE_PLACE(where=where, position=str(position)), CHOICE_NAME_TWICE(name=choice.name)))
            seen.add(choice.name)
    return problems


def _check_columns(form: FormDef, item: Field, expr: Expr) -> list[Problem]:
    """Every column a choice_filter names must be ``name`` or a column of the list's choices."""
    known = {"name"} | {column for choice in form.choices(item) for column in choice.data}
    return [
        _problem(item, "choice_filter", NO_SUCH_COLUMN(column=column, list=item.choice_list))
        for column in sorted(columns(expr) - known)
    ]


def _check_expression(item: Field, attribute: str, expr: Expr, by_name: dict[str, Field]) -> list[Problem]:
    return [_problem(item, attribute, message) for message in _wrong_in(expr, by_name, current=attribute == "constraint")]


def _wrong_in(expr: Expr, by_name: dict[str, Field], *, current: bool) -> list[str]:
    """What is wrong with an expression's references: ``.`` where it has no meaning (``current``:
    it has, in a constraint), a field that does not exist or holds no value."""
    found: list[str] = [] if current or not uses_current(expr) else [CURRENT_OUTSIDE_CONSTRAINT()]  # texts.Text: translatable
    for name in sorted(references(expr)):
        target = by_name.get(name)
        if target is None:
            found.append(REFERS_TO_NOTHING(name=name))
        elif not target.holds_value:
            found.append(REFERS_TO_NO_VALUE(name=name, type=target.type))
    return found


def _check_instance_name(form: FormDef, by_name: dict[str, Field]) -> list[Problem]:
    """The form's name for each record: an expression over the record's fields (no ``.``)."""
    if not form.instance_name:
        return []
    try:
        wrong = _wrong_in(parse(form.instance_name), by_name, current=False)
    except ExpressionError as exc:
        wrong = [texts.of(exc)]
    return [Problem("instance_name", message, attribute="instance_name") for message in wrong]


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
                problems.append(_problem(other, "name", NAME_TAKEN_BY_LOCATION(name=other.name, part=part, location=item.name)))
    return problems


def check_form(form: FormDef) -> list[Problem]:
    """Every problem of ``form`` (an empty list when it can be used)."""
    problems: list[Problem] = []
    by_name: dict[str, Field] = {}
    for item in form.walk():
        if not NAME.fullmatch(item.name):
            problems.append(_problem(item, "name", NAME_SHAPE()))
        if item.name in by_name:
            problems.append(_problem(item, "name", NAME_TWICE(name=item.name)))
        else:
            by_name[item.name] = item
        if item.type not in FIELD_TYPES:
            problems.append(_problem(item, "type", UNKNOWN_TYPE(type=item.type)))
            continue
        problems += _check_attributes(item)
        problems += _check_parameters(item)
        if item.choice_list and item.choice_list not in form.choice_lists:
            problems.append(_problem(item, "choice_list", NO_SUCH_LIST(list=item.choice_list)))
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
        for attribute in ("relevant", "constraint", "calculation", "choice_filter", "count"):
            expr = getattr(plan, attribute)
            if expr is not None:
                problems += _check_expression(item, attribute, expr, by_name)
        if item.type == "repeat":
            problems += _check_repeat_rules(form, item, plan)
        if plan.choice_filter is not None and item.type in SELECT_TYPES and item.choice_list in form.choice_lists:
            problems += _check_columns(form, item, plan.choice_filter)
        if plan.choice_filter is not None and item.name in references(plan.choice_filter):
            problems.append(_problem(item, "choice_filter", FILTER_ON_ITSELF()))
    problems += _check_instance_name(form, by_name)
    if not problems:
        _, cycle = scope_orders(form, dependencies(form, parsed))
        if cycle is not None:
            problems.append(cycle_problem(cycle))
    return problems
