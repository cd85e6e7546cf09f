"""Controlled forms as pure state: edits, undo/redo, apply/save/reset, validation, dirty tracking.

No Streamlit here: ``FormState`` is an immutable value and every operation returns a new one,
so the logic is tested on its own (including a model-based hypothesis test). ``app/form_view.py``
renders it and persists every transition.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

Values = dict[str, Any]
UNDO_LIMIT = 100


@dataclass(frozen=True)
class Problem:
    """A validation message: an i18n key (``form.error.<code>``) and its values."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """What a field's value must satisfy."""

    name: str
    required: bool = False
    min: Any = None
    max: Any = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    check: Callable[[Any, Mapping[str, Any]], Problem | None] | None = None  # sees all values


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def check_rule(rule: Rule, value: Any, values: Mapping[str, Any]) -> list[Problem]:
    if _empty(value):
        return [Problem("required")] if rule.required else []
    problems = []
    try:
        if rule.min is not None and value < rule.min:
            problems.append(Problem("min", {"min": rule.min}))
        if rule.max is not None and value > rule.max:
            problems.append(Problem("max", {"max": rule.max}))
        if rule.min_length is not None and len(value) < rule.min_length:
            problems.append(Problem("min_length", {"n": rule.min_length}))
        if rule.max_length is not None and len(value) > rule.max_length:
            problems.append(Problem("max_length", {"n": rule.max_length}))
    except TypeError:  # a number where text was expected, or the other way round
        return [Problem("type")]
    if rule.pattern is not None and not re.fullmatch(rule.pattern, str(value)):
        problems.append(Problem("pattern"))
    if rule.check is not None:
        custom = rule.check(value, values)
        if custom is not None:
            problems.append(custom)
    return problems


def validate(rules: tuple[Rule, ...], values: Mapping[str, Any]) -> dict[str, list[Problem]]:
    """Problems per field name; fields without problems are absent."""
    found = {}
    for rule in rules:
        problems = check_rule(rule, values.get(rule.name), values)
        if problems:
            found[rule.name] = problems
    return found


def _push(stack: tuple[Values, ...], item: Values) -> tuple[Values, ...]:
    return (stack + (item,))[-UNDO_LIMIT:]


@dataclass(frozen=True)
class FormState:
    """A form's draft ``values``, its last applied/saved values and its undo/redo history."""

    values: Values = field(default_factory=dict)
    saved: Values = field(default_factory=dict)
    undo_stack: tuple[Values, ...] = ()
    redo_stack: tuple[Values, ...] = ()
    status: str = "new"  # new | draft | applied | saved

    @property
    def dirty(self) -> bool:
        return self.values != self.saved

    @property
    def can_undo(self) -> bool:
        return bool(self.undo_stack)

    @property
    def can_redo(self) -> bool:
        return bool(self.redo_stack)

    def _change(self, new_values: Values) -> FormState:
        if new_values == self.values:
            return self
        return replace(self, values=new_values, undo_stack=_push(self.undo_stack, self.values), redo_stack=(), status="draft")

    def edit(self, name: str, value: Any) -> FormState:
        """One field changed: one undo step."""
        return self._change({**self.values, name: value})

    def restore(self, values: Values) -> FormState:
        """Replace all values (a named snapshot): one undo step."""
        return self._change(dict(values))

    def reset(self) -> FormState:
        """Back to the last applied/saved values: one undo step."""
        return self._change(dict(self.saved))

    def undo(self) -> FormState:
        if not self.undo_stack:
            return self
        return replace(
            self,
            values=self.undo_stack[-1],
            undo_stack=self.undo_stack[:-1],
            redo_stack=_push(self.redo_stack, self.values),
            status="draft",
        )

    def redo(self) -> FormState:
        if not self.redo_stack:
            return self
        return replace(
            self,
            values=self.redo_stack[-1],
            redo_stack=self.redo_stack[:-1],
            undo_stack=_push(self.undo_stack, self.values),
            status="draft",
        )

    def problems(self, rules: tuple[Rule, ...]) -> dict[str, list[Problem]]:
        return validate(rules, self.values)

    def apply(self, rules: tuple[Rule, ...]) -> FormState:
        """Make the draft the form's current values (stays editable); refused while invalid."""
        return self._commit(rules, "applied")

    def save(self, rules: tuple[Rule, ...]) -> FormState:
        """Like apply, and marks the values final; refused while invalid."""
        return self._commit(rules, "saved")

    def _commit(self, rules: tuple[Rule, ...], status: str) -> FormState:
        if validate(rules, self.values):
            return self
        return replace(self, saved=dict(self.values), status=status)

    def changed_fields(self, other: FormState) -> set[str]:
        """Names whose value differs between ``self`` and ``other`` (what widgets must show anew)."""
        names = set(self.values) | set(other.values)
        return {n for n in names if self.values.get(n, _MISSING) != other.values.get(n, _MISSING)}


_MISSING = object()
