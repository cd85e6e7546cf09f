"""The evaluation plan of a form: parsed expressions and the order to work them out in.

A field's *effective* value (what other expressions see) depends on whether it is relevant,
which depends on its ``relevant`` expression and on its group; a calculated field's value also
depends on what its ``calculation`` refers to. These dependencies must form no circle (ODK
refuses such forms too); given that, evaluating fields in dependency order gives every
expression final values, in one pass.

A repeat is worked out as one step of the record: its instances one after the other, each with
the fields inside it in their own dependency order (``Plan.instance_order``). So a field of the
record that refers to a field inside a repeat (``sum(${weight})``) depends on the whole repeat,
and the repeat on every field outside it that something inside refers to. A form where those
two meet (a total over a repeat that decides the relevance of a field inside it) is refused as
a circle: Fieldbook works each out once.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from store.core import texts
from store.core.texts import said
from store.formdef.expr import Expr, ExpressionError, parse, references
from store.formdef.model import Choice, Field, FormDef, FormDefError, Problem

EXPRESSION_ATTRIBUTES = ("relevant", "constraint", "calculation", "choice_filter")
DYNAMIC_DEFAULTS = {"today()", "now()"}

# Places in a form a problem is about (also used by validate, schema and edit); a part such as
# "constraint" or "children" is the form file's own key and stays as it is written.
FIELD_PLACE = said("formfile.where.field", "field '{name}'")
PART_PLACE = said("formfile.where.part", "{where}, {part}")
CHOICE_LIST_PLACE = said("formfile.where.choice_list", "choice list '{name}'")
CHOICE_PLACE = said("formfile.where.choice", "{where}, choice {position}")
CIRCLE = said("formfile.circle", "calculations or relevance conditions depend on each other in a circle: {chain}")


def field_place(name: str, part: str | None = None) -> str:
    """``field 'name'`` or ``field 'name', part`` as a ``Text``."""
    place = FIELD_PLACE(name=name)
    return PART_PLACE(where=place, part=part) if part else place


@dataclass(frozen=True)
class FieldPlan:
    parent: str | None
    relevant: Expr | None
    constraint: Expr | None
    calculation: Expr | None
    choice_filter: Expr | None = None
    count: Expr | None = None  # a repeat's number of instances (its ``count`` parameter)
    repeat: str | None = None  # the innermost repeat the field is inside


@dataclass(frozen=True)
class Plan:
    fields: Mapping[str, FieldPlan]
    order: tuple[str, ...]  # every field, groups included: dependencies first, else form order
    # the choices a choice_filter lets through, by field and the values it refers to (filled by
    # ``evaluate.offered``: a rerun with the same answers does not filter 5,000 choices again)
    offered: dict[tuple[str, str], tuple[Choice, ...]] = field(default_factory=dict, compare=False, repr=False)
    instance_name: Expr | None = None  # the form's name for each record (``evaluate.record_title``)
    # for each repeat, the fields of one instance (not those of a repeat inside it) like ``order``
    instance_order: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def dependencies(form: FormDef, parsed: Mapping[str, FieldPlan]) -> dict[str, list[str]]:
    """For each field, the fields its effective value depends on (see the module docstring)."""
    deps: dict[str, list[str]] = {}
    for item in form.walk():
        plan = parsed.get(item.name)
        if plan is None:
            continue
        found: set[str] = set()
        for expr in (plan.relevant, plan.calculation, plan.count):
            if expr is not None:
                found |= references(expr)
        if plan.parent is not None:
            found.add(plan.parent)
        deps[item.name] = sorted(name for name in found if name in parsed)
    return deps


def find_cycle(deps: Mapping[str, list[str]]) -> list[str] | None:
    """One circle in ``deps`` as ``[a, b, ..., a]``, or None. Iterative: forms can be long."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in deps:
        if root in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            children = deps.get(node, [])
            if index < len(children):
                stack.append((node, index + 1))
                child = children[index]
                if state.get(child) == 1:
                    return path[path.index(child) :] + [child]
                if child not in state:
                    stack.append((child, 0))
            else:
                state[node] = 2
                path.pop()
    return None


def repeats_around(form: FormDef) -> dict[str, tuple[str, ...]]:
    """For each field, the repeats it is inside, the outermost first (itself not included)."""
    around: dict[str, tuple[str, ...]] = {}
    stack: list[tuple[Field, tuple[str, ...]]] = [(item, ()) for item in reversed(form.fields)]
    while stack:  # in form order
        item, outer = stack.pop()
        around[item.name] = outer
        inner = (*outer, item.name) if item.type == "repeat" else outer
        stack.extend((child, inner) for child in reversed(item.children))
    return around


def scoped_dependencies(form: FormDef, deps: Mapping[str, list[str]]) -> dict[str | None, dict[str, list[str]]]:
    """The dependencies among the record's own fields (scope None) and among the fields of one
    instance of each repeat: a field inside a repeat stands for the repeat in every scope above
    it, a field outside a scope is worked out before it (see the module docstring)."""
    around = repeats_around(form)
    scopes: dict[str | None, dict[str, set[str]]] = {None: {}}
    for name, outer in around.items():
        scopes.setdefault(outer[-1] if outer else None, {})[name] = set()
        for repeat in outer:
            scopes.setdefault(repeat, {})
    for name, found in deps.items():
        mine = around[name]
        for dep in found:  # an edge in the innermost scope holding both (above it, both are one repeat)
            theirs = around[dep]
            depth = 0
            while depth < min(len(mine), len(theirs)) and mine[depth] == theirs[depth]:
                depth += 1
            a = mine[depth] if depth < len(mine) else name
            b = theirs[depth] if depth < len(theirs) else dep
            if a != b or name == dep:  # not a field and the repeat it is in (``count(${visits})``)
                scopes[(None, *mine)[depth]][a].add(b)
    return {scope: {name: sorted(found) for name, found in members.items()} for scope, members in scopes.items()}


def scope_orders(form: FormDef, deps: Mapping[str, list[str]]) -> tuple[dict[str | None, tuple[str, ...]], list[str] | None]:
    """Each scope's evaluation order (``scoped_dependencies``), or a circle in one of them."""
    orders: dict[str | None, tuple[str, ...]] = {}
    for scope, members in scoped_dependencies(form, deps).items():
        cycle = find_cycle(members)
        if cycle is not None:
            return {}, cycle
        orders[scope] = evaluation_order(form, members)
    return orders, None


def evaluation_order(form: FormDef, deps: Mapping[str, list[str]]) -> tuple[str, ...]:
    """Fields with their dependencies first; among free choices, form order. Assumes no circle."""
    position = {item.name: index for index, item in enumerate(form.walk())}
    waiting = {name: len(set(found)) for name, found in deps.items()}
    users: dict[str, list[str]] = {name: [] for name in deps}
    for name, found in deps.items():
        for dep in set(found):
            users[dep].append(name)
    ready = [(position[name], name) for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(name)
        for user in users[name]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, (position[user], user))
    return tuple(order)


def parse_field_expressions(form: FormDef) -> tuple[dict[str, FieldPlan], list[Problem]]:
    """Every field's parsed expressions, and a problem for each that does not parse."""
    problems: list[Problem] = []
    plans: dict[str, FieldPlan] = {}
    parents: dict[str, str | None] = {item.name: None for item in form.fields}
    around = repeats_around(form)
    for item in form.walk():
        for child in item.children:
            parents[child.name] = item.name
        parsed: dict[str, Expr | None] = {}
        for attribute in EXPRESSION_ATTRIBUTES:
            text = getattr(item, attribute)
            parsed[attribute] = None
            if text is None:
                continue
            try:
                parsed[attribute] = parse(text, columns=attribute == "choice_filter")
            except ExpressionError as exc:
                problems.append(Problem(field_place(item.name, attribute), texts.of(exc), field=item.name, attribute=attribute))
        count = item.parameters.get("count") if item.type == "repeat" else None
        parsed["count"] = None
        if isinstance(count, str) and count.strip():
            try:
                parsed["count"] = parse(count)
            except ExpressionError as exc:
                problems.append(Problem(field_place(item.name, "count"), texts.of(exc), field=item.name, attribute="parameters"))
        outer = around.get(item.name, ())
        plans[item.name] = FieldPlan(
            parents.get(item.name), parsed["relevant"], parsed["constraint"], parsed["calculation"], parsed["choice_filter"],
            parsed["count"], outer[-1] if outer else None,
        )
    return plans, problems


_CACHE: dict[int, tuple[FormDef, Plan]] = {}
_CACHE_SIZE = 16
_CACHE_LOCK = threading.Lock()  # pages of several sessions evaluate records in parallel threads


def plan_for(form: FormDef) -> Plan:
    """The plan of a checked form (from ``form_from_json``). Cached by identity, because a
    page evaluates the same form object on every rerun. ``FormDefError`` for a form whose
    expressions do not parse or depend on each other in a circle."""
    with _CACHE_LOCK:
        hit = _CACHE.get(id(form))
    if hit is not None and hit[0] is form:
        return hit[1]
    parsed, problems = parse_field_expressions(form)
    if problems:
        raise FormDefError(problems)
    orders, cycle = scope_orders(form, dependencies(form, parsed))
    if cycle is not None:
        raise FormDefError([cycle_problem(cycle)])
    instance_name = parse(form.instance_name) if form.instance_name else None
    instance_order = {name: order for name, order in orders.items() if name is not None}
    plan = Plan(parsed, orders[None], instance_name=instance_name, instance_order=instance_order)
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        # The form itself is kept in the entry, so its id cannot be reused while cached.
        _CACHE[id(form)] = (form, plan)
    return plan


def cycle_problem(cycle: list[str]) -> Problem:
    return Problem(field_place(cycle[0]), CIRCLE(chain=" → ".join(cycle)), field=cycle[0])
