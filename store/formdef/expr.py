"""A small, safe expression language for constraints, relevance and calculations.

It reads like XLSForm's XPath subset and is interpreted by walking a syntax tree: nothing is
ever passed to ``eval``, ``exec`` or ``compile``, there are no names besides the functions below
and ``${field}`` references, and no attribute access. Every limit is checked while parsing, so a
hostile text fails with ``ExpressionError`` instead of exhausting memory or the stack.

Syntax
    ``.`` (the field's own value, in constraints), ``${name}``, numbers (``12``, ``3.5``),
    strings ``'...'`` or ``"..."`` (no escapes, as in XPath), operators by rising precedence
    ``or``; ``and``; ``=`` ``!=``; ``<`` ``<=`` ``>`` ``>=``; ``+`` ``-``; ``*`` ``div`` ``mod``;
    unary ``-``; parentheses; function calls. There is deliberately no power operator. In a
    select field's ``choice_filter`` a bare word is a column of the choice being filtered
    (``name``, or a column of the choices sheet: ``state = ${state}``).

Functions
    ``not(x)``, ``true()``, ``false()``, ``selected(v, 'x')``, ``count-selected(v)``,
    ``string-length(s)``, ``concat(a, ...)``, ``if(c, a, b)``, ``coalesce(a, b)``,
    ``round(x[, n])``, ``int(x)``, ``number(x)``, ``string(x)``, ``today()``, ``now()``,
    ``date('YYYY-MM-DD')``, ``regex(s, 'pattern')``, ``contains(a, b)``, ``starts-with(a, b)``.

Semantics are described in ``store/formdef/semantics.py``. Limits: text <= 2000 characters,
parentheses/calls/unary minus nested <= 40 deep, syntax tree <= 100 deep (long operator chains),
number literals <= 10**15 in magnitude, ``regex`` patterns must be literal strings (see
``saferegex``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from store.core import texts
from store.core.texts import said
from store.formdef import semantics
from store.formdef.functions import NODESET_FUNCTIONS, ODK_FUNCTIONS, indexed
from store.formdef.syntax import (
    FUNCTIONS,
    MAX_CHARS,
    MAX_LITERAL,
    MAX_NESTING,
    MAX_TREE_DEPTH,
    Binary,
    Call,
    Column,
    Current,
    Expr,
    ExpressionError,
    Number,
    Ref,
    String,
    Unary,
    parse,
    tokenize,
)

NOT_WORKED_OUT = said("expr.not_worked_out", "could not be worked out for these values")
CANNOT_EVALUATE = said("expr.cannot_evaluate", "contains something that cannot be evaluated")

__all__ = [
    "FUNCTIONS",
    "MAX_CHARS",
    "MAX_LITERAL",
    "MAX_NESTING",
    "MAX_TREE_DEPTH",
    "Binary",
    "Call",
    "Column",
    "Current",
    "Expr",
    "ExpressionError",
    "Number",
    "Ref",
    "String",
    "Unary",
    "calls",
    "columns",
    "evaluate",
    "parse",
    "references",
    "rename_reference",
    "replace_current",
    "replace_reference",
    "uses_current",
]


def _children(node: Expr) -> tuple[Expr, ...]:
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    return ()


def _nodes(expr: Expr) -> Iterator[Expr]:
    """Every node of ``expr`` (iteratively: trees are bounded, but deep)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(_children(node))


def references(expr: Expr) -> set[str]:
    """The names of every ``${name}`` in ``expr``."""
    return {node.name for node in _nodes(expr) if isinstance(node, Ref)}


def columns(expr: Expr) -> set[str]:
    """The names of every choice column (a bare word of a choice_filter) in ``expr``."""
    return {node.name for node in _nodes(expr) if isinstance(node, Column)}


def calls(expr: Expr) -> set[str]:
    """The names of every function ``expr`` calls."""
    return {node.name for node in _nodes(expr) if isinstance(node, Call)}


def uses_current(expr: Expr) -> bool:
    """True when ``expr`` contains ``.`` (the field's own value)."""
    return any(isinstance(node, Current) for node in _nodes(expr))


def rename_reference(text: str, old: str, new: str) -> str:
    """``text`` with every ``${old}`` replaced by ``${new}``, everything else kept as written."""
    return replace_reference(text, old, "${" + new + "}")


def replace_current(text: str, replacement: str) -> str:
    """``text`` with every ``.`` (the field's own value) replaced by the expression text
    ``replacement``, everything else kept as written."""
    out = []
    last = 0
    for token in tokenize(text):
        if token.kind == "op" and token.text == ".":
            start = token.pos - 1
            out.append(text[last:start])
            out.append(replacement)
            last = start + 1
    out.append(text[last:])
    return "".join(out)


def replace_reference(text: str, name: str, replacement: str) -> str:
    """``text`` with every ``${name}`` replaced by the expression text ``replacement``,
    everything else kept as written."""
    out = []
    last = 0
    for token in tokenize(text):
        if token.kind == "ref" and token.text == name:
            start = token.pos - 1
            out.append(text[last:start])
            out.append(replacement)
            last = start + len(name) + 3
    out.append(text[last:])
    return "".join(out)


def evaluate(
    expr: Expr,
    env: Mapping[str, Any],
    *,
    current: Any = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    choice: Mapping[str, str] | None = None,
    position: int | None = None,
    absolute: Callable[[str, Mapping[str, Any]], Any] | None = None,
) -> Any:
    """The value of ``expr`` with ``${name}`` taken from ``env`` (missing names are empty) and a
    choice column (in a choice_filter) from ``choice`` (a missing column is empty); inside a
    repeat, ``position`` is the entry's place and ``absolute(name, {repeat: place})`` gives a
    field in the entry those places name (``indexed-repeat``).

    Returns None (empty), bool, int, float, str, ``datetime.date``/``datetime``/``time``, or a
    value from ``env`` unchanged. ``ExpressionError`` for type mismatches and results out of
    bounds; no other exception escapes.
    """
    moment = now or dt.datetime.now().replace(microsecond=0)
    context = semantics.Context(env, current, today or moment.date(), moment, choice, position, absolute)
    try:
        return semantics.first(_eval(expr, context))
    except semantics.SemanticError as exc:
        raise ExpressionError(texts.of(exc)) from None
    except (ArithmeticError, ValueError, TypeError, RecursionError):
        # Depth and sizes are bounded, so this is a case the rules above did not foresee; the
        # caller still gets an error it can show rather than a crash.
        raise ExpressionError(NOT_WORKED_OUT()) from None


def _eval(node: Expr, ctx: semantics.Context) -> Any:
    if isinstance(node, (Number, String)):
        return node.value
    if isinstance(node, Ref):
        return ctx.env.get(node.name)
    if isinstance(node, Current):
        return ctx.current
    if isinstance(node, Column):
        return ctx.choice.get(node.name) if ctx.choice is not None else None
    if isinstance(node, Unary):
        return semantics.negate(_one(node.operand, ctx))
    if isinstance(node, Binary):
        if node.op == "and":
            return semantics.truth(_one(node.left, ctx)) and semantics.truth(_one(node.right, ctx))
        if node.op == "or":
            return semantics.truth(_one(node.left, ctx)) or semantics.truth(_one(node.right, ctx))
        left, right = _one(node.left, ctx), _one(node.right, ctx)
        if node.op in semantics.COMPARISONS:
            return semantics.compare(node.op, left, right)
        return semantics.arithmetic(node.op, left, right)
    if isinstance(node, Call):
        if node.name == "if":
            chosen = node.args[1] if semantics.truth(_one(node.args[0], ctx)) else node.args[2]
            return _one(chosen, ctx)
        if node.name == "coalesce":
            first = _one(node.args[0], ctx)
            return _one(node.args[1], ctx) if semantics.is_empty(first) else first
        if node.name == "indexed-repeat":  # the field in the entry named by each repeat's place
            target, pairs = node.args[0], list(zip(node.args[1::2], node.args[2::2], strict=False))
            if isinstance(target, Ref) and ctx.absolute is not None and all(isinstance(r, Ref) for r, _ in pairs):
                return semantics.first(ctx.absolute(target.name, {r.name: _one(n, ctx) for r, n in pairs if isinstance(r, Ref)}))
            return indexed(_eval(target, ctx), [_one(n, ctx) for _, n in pairs])
        many = node.name in NODESET_FUNCTIONS
        args = [_eval(arg, ctx) if many else _one(arg, ctx) for arg in node.args]
        odk = ODK_FUNCTIONS.get(node.name)  # ODK's library beyond the core
        return odk(args, ctx) if odk is not None else semantics.call(node.name, args, ctx)
    raise ExpressionError(CANNOT_EVALUATE())


def _one(node: Expr, ctx: semantics.Context) -> Any:
    return semantics.first(_eval(node, ctx))
