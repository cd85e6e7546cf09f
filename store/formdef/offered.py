"""The choices a cascading select offers now: its ``choice_filter`` worked out for the choices of
its list (``evaluate_record`` puts them in ``Evaluation.options``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from store.formdef import semantics
from store.formdef.expr import ExpressionError, calls, columns, evaluate, references
from store.formdef.model import Choice, Field, FormDef
from store.formdef.plan import plan_for

OFFERED_CACHE_SIZE = 512


def offered(
    form: FormDef, item: Field, env: Mapping[str, Any], *, today: dt.date | None = None, now: dt.datetime | None = None,
    position: int | None = None,
) -> tuple[Choice, ...]:
    """The choices of select ``item`` its choice_filter lets through, given the other fields'
    values ``env`` (as expressions see them), in list order and each name once (the first of a
    name given twice that passes, so its own label is shown).

    Kept per plan by the values the filter refers to, so a rerun with the same answers does not
    work out the filter for every choice again. A choice the filter cannot be worked out for (a
    cell that is not a number where the filter compares numbers) is left out, as ODK leaves it
    out; ``ExpressionError`` only when it can be worked out for none of them.
    """
    plan = plan_for(form)
    expr = plan.fields[item.name].choice_filter
    choices = form.choices(item)
    if expr is None:
        return tuple(form.choices_by_name(item).values())
    moment = now or dt.datetime.now().replace(microsecond=0)
    day = today or moment.date()
    used = sorted(references(expr))
    used_calls = calls(expr)
    place = position if "position" in used_calls else None  # in a repeat's entry: its place (position())
    key = (item.name, repr(([env.get(name) for name in used], day, moment if "now" in used_calls else None, place)))
    hit = plan.offered.get(key)
    if hit is not None:
        return hit
    # The filter is worked out once per distinct value of the columns it uses, not once per
    # choice: 5,000 species filtered by one of 50 regions are 50 evaluations.
    used_columns = sorted(columns(expr))
    verdicts: dict[tuple[str | None, ...], bool] = {}
    names: dict[str, Choice] = {}
    failure: ExpressionError | None = None
    failures = 0
    for choice in choices:
        if choice.name in names:
            continue
        seen = tuple(choice.name if column == "name" else choice.data.get(column) for column in used_columns)
        verdict = verdicts.get(seen)
        if verdict is None:
            row = {column: value for column, value in zip(used_columns, seen, strict=True) if value is not None}
            try:
                verdict = semantics.truth(evaluate(expr, env, today=day, now=moment, choice=row, position=position))
            except ExpressionError as exc:
                failure, verdict, failures = exc, False, failures + 1
            verdicts[seen] = verdict
        if verdict:
            names.setdefault(choice.name, choice)
    if failure is not None and failures == len(verdicts):
        raise failure  # not one choice could be worked out: the filter itself is wrong
    found = tuple(names.values())
    if len(plan.offered) >= OFFERED_CACHE_SIZE:
        plan.offered.clear()
    plan.offered[key] = found
    return found
