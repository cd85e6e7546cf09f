"""FormState as pure logic: edits, undo/redo, reset/restore, apply/save, validation; and a
hypothesis state machine checking it against a timeline model."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from app.forms import UNDO_LIMIT, FormState, Problem, Rule, check_rule, validate

RULES = (Rule("name", required=True, max_length=10), Rule("count", min=0, max=5))
VALID = {"name": "Ada", "count": 3}


def test_new_form() -> None:
    f = FormState()
    assert (f.values, f.saved, f.status, f.dirty, f.can_undo, f.can_redo) == ({}, {}, "new", False, False, False)
    assert f.undo() is f and f.redo() is f


def test_edit_is_one_undo_step_and_clears_redo() -> None:
    f = FormState().edit("name", "A").edit("name", "Ad")
    assert f.values == {"name": "Ad"} and f.status == "draft" and f.dirty
    assert f.undo_stack == ({}, {"name": "A"})
    f = f.undo()
    assert f.values == {"name": "A"} and f.can_redo
    f = f.edit("count", 1)
    assert f.values == {"name": "A", "count": 1}
    assert not f.can_redo
    assert f.undo().values == {"name": "A"}


def test_edit_to_the_same_value_changes_nothing() -> None:
    f = FormState().edit("name", "A")
    assert f.edit("name", "A") is f


def test_undo_redo_walk_back_and_forth() -> None:
    f = FormState()
    for i in range(5):
        f = f.edit("n", i)
    for i in reversed(range(4)):
        f = f.undo()
        assert f.values == {"n": i}
    f = f.undo()
    assert f.values == {} and not f.can_undo
    assert f.undo().values == {}
    for i in range(5):
        f = f.redo()
        assert f.values == {"n": i}
    assert not f.can_redo and f.redo().values == {"n": 4}


def test_restore_replaces_all_values_in_one_step() -> None:
    f = FormState().edit("a", 1).edit("b", 2)
    snapshot = {"a": 9, "c": (1, 2)}
    g = f.restore(snapshot)
    assert g.values == snapshot
    assert g.values is not snapshot  # later changes to the caller's dict do not leak in
    assert g.undo().values == {"a": 1, "b": 2}


def test_apply_and_save_keep_values_and_set_saved() -> None:
    f = FormState().edit("name", "Ada").edit("count", 3)
    applied = f.apply(RULES)
    assert (applied.saved, applied.values, applied.status, applied.dirty) == (VALID, VALID, "applied", False)
    assert applied.undo_stack == f.undo_stack  # apply is not an undo step
    saved = applied.edit("count", 4).save(RULES)
    assert (saved.saved, saved.status, saved.dirty) == ({"name": "Ada", "count": 4}, "saved", False)
    assert saved.saved is not saved.values


def test_reset_goes_back_to_saved_as_one_undo_step() -> None:
    f = FormState().edit("name", "Ada").edit("count", 3).apply(RULES)
    f = f.edit("count", 5).edit("name", "Bob")
    assert f.dirty
    r = f.reset()
    assert r.values == VALID and not r.dirty
    assert r.undo().values == {"name": "Bob", "count": 5}
    assert r.reset() is r


@pytest.mark.parametrize("op", ["apply", "save"])
@pytest.mark.parametrize(
    "bad",
    [
        {"name": "", "count": 1},
        {"count": 1},
        {"name": "Ada", "count": 6},
        {"name": "x" * 11, "count": 0},
        {"name": "Ada", "count": "3"},
    ],
)
def test_apply_and_save_refused_while_invalid(op: str, bad: dict[str, Any]) -> None:
    f = FormState(saved=VALID, status="applied").restore(bad)
    assert f.problems(RULES)
    assert getattr(f, op)(RULES) == f


def test_dirty_compares_values_with_saved() -> None:
    f = FormState(values={"a": 1}, saved={"a": 1})
    assert not f.dirty
    assert f.edit("a", 2).dirty
    assert not f.edit("a", 2).edit("a", 1).dirty


def test_undo_stack_is_bounded() -> None:
    f = FormState()
    for i in range(UNDO_LIMIT + 25):
        f = f.edit("n", i)
    assert len(f.undo_stack) == UNDO_LIMIT
    for _ in range(UNDO_LIMIT):
        f = f.undo()
    assert not f.can_undo
    assert f.values == {"n": 24}  # the oldest 25 steps were dropped
    assert len(f.redo_stack) == UNDO_LIMIT
    for _ in range(UNDO_LIMIT):
        f = f.redo()
    assert f.values == {"n": UNDO_LIMIT + 24} and not f.can_redo


def test_changed_fields() -> None:
    a = FormState(values={"x": 1, "y": 2, "z": None})
    b = FormState(values={"x": 1, "y": 3, "w": 0})
    assert a.changed_fields(b) == {"y", "z", "w"}
    assert a.changed_fields(a) == set()


# -- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize("empty", [None, "", [], ()])
def test_required(empty: Any) -> None:
    assert check_rule(Rule("f", required=True), empty, {}) == [Problem("required")]
    assert check_rule(Rule("f", required=False, min_length=3, pattern="x+"), empty, {}) == []


@pytest.mark.parametrize("present", [0, False, "0", [None], " ", 0.0])
def test_required_accepts_falsy_values_that_are_not_empty(present: Any) -> None:
    assert check_rule(Rule("f", required=True), present, {}) == []


def test_missing_field_is_required() -> None:
    assert validate((Rule("f", required=True),), {}) == {"f": [Problem("required")]}


def test_min_and_max() -> None:
    r = Rule("n", min=1, max=10)
    assert check_rule(r, 0, {}) == [Problem("min", {"min": 1})]
    assert check_rule(r, 11, {}) == [Problem("max", {"max": 10})]
    assert check_rule(r, 1, {}) == check_rule(r, 10, {}) == []
    d = Rule("d", min=dt.date(2024, 1, 1))
    assert check_rule(d, dt.date(2023, 12, 31), {}) == [Problem("min", {"min": dt.date(2024, 1, 1)})]


def test_lengths() -> None:
    r = Rule("s", min_length=2, max_length=4)
    assert check_rule(r, "a", {}) == [Problem("min_length", {"n": 2})]
    assert check_rule(r, "abcde", {}) == [Problem("max_length", {"n": 4})]
    assert check_rule(r, ["a", "b", "c"], {}) == []


def test_pattern_must_match_whole_value() -> None:
    r = Rule("code", pattern=r"[A-Z]{2}\d+")
    assert check_rule(r, "AB12", {}) == []
    assert check_rule(r, "AB12x", {}) == [Problem("pattern")]
    assert check_rule(r, "xAB12", {}) == [Problem("pattern")]


def test_custom_check_sees_all_values() -> None:
    def end_after_start(value: Any, values: Mapping[str, Any]) -> Problem | None:
        return None if value > values["start"] else Problem("after", {"other": "start"})

    rules = (Rule("end", check=end_after_start),)
    assert validate(rules, {"start": 5, "end": 6}) == {}
    assert validate(rules, {"start": 5, "end": 5}) == {"end": [Problem("after", {"other": "start"})]}


def test_several_problems_of_one_field_are_all_reported() -> None:
    r = Rule("s", max=("zz",), min_length=5, pattern=r"\d+")
    assert [p.code for p in check_rule(r, ("zzz", "a"), {})] == ["max", "min_length", "pattern"]


@pytest.mark.parametrize(
    "rule, value",
    [
        (Rule("n", min=1), "3"),
        (Rule("n", max=dt.date(2024, 1, 1)), 5),
        (Rule("n", min_length=2), 12),  # a number where text was expected
        (Rule("n", max_length=2), 3.5),
    ],
)
def test_wrong_type_is_a_type_problem_not_an_exception(rule: Rule, value: Any) -> None:
    assert check_rule(rule, value, {}) == [Problem("type")]


def test_validate_lists_only_fields_with_problems() -> None:
    assert validate(RULES, VALID) == {}
    assert validate(RULES, {"name": "", "count": 9}) == {"name": [Problem("required")], "count": [Problem("max", {"max": 5})]}
    assert re.fullmatch(r"form\.error\.\w+", f"form.error.{Problem('required').code}")


# -- model-based ---------------------------------------------------------------------------------

# Each field gets values of its own type (plus empty ones), some of them invalid under RULES.
FIELD_VALUES = {
    "name": st.one_of(st.sampled_from(["", "Ada", "Bob", "far too long a name"]), st.none()),
    "count": st.one_of(st.integers(min_value=-1, max_value=7), st.none()),
}
EDITS = st.sampled_from(sorted(FIELD_VALUES)).flatmap(lambda n: st.tuples(st.just(n), FIELD_VALUES[n]))


class FormMachine(RuleBasedStateMachine):
    """The model: a timeline of value dicts and an index into it.

    An edit (or reset/restore) that changes something drops the timeline after the index and
    appends; undo/redo move the index. Only the last UNDO_LIMIT + 1 entries are kept.
    """

    @initialize(start=st.fixed_dictionaries(FIELD_VALUES))
    def start(self, start: dict[str, Any]) -> None:
        self.form = FormState(values=dict(start), saved=dict(start))
        self.timeline: list[dict[str, Any]] = [dict(start)]
        self.index = 0
        self.saved = dict(start)
        self.status = "new"

    def _model_change(self, new: dict[str, Any]) -> None:
        if new == self.timeline[self.index]:
            return
        self.timeline = self.timeline[: self.index + 1] + [new]
        self.index += 1
        if len(self.timeline) > UNDO_LIMIT + 1:
            del self.timeline[0]
            self.index -= 1
        self.status = "draft"

    @rule(edit=EDITS)
    def edit(self, edit: tuple[str, Any]) -> None:
        name, value = edit
        self.form = self.form.edit(name, value)
        self._model_change({**self.timeline[self.index], name: value})

    @rule(n=st.integers(min_value=1, max_value=UNDO_LIMIT + 20))
    def type_a_lot(self, n: int) -> None:
        base = len(self.timeline) * 1000
        for i in range(n):
            self.form = self.form.edit("name", f"t{base + i}")
            self._model_change({**self.timeline[self.index], "name": f"t{base + i}"})

    @rule(snapshot=st.fixed_dictionaries({"name": FIELD_VALUES["name"]}, optional={"count": FIELD_VALUES["count"]}))
    def restore(self, snapshot: dict[str, Any]) -> None:
        self.form = self.form.restore(snapshot)
        self._model_change(dict(snapshot))

    @rule()
    def reset(self) -> None:
        self.form = self.form.reset()
        self._model_change(dict(self.saved))

    @rule()
    def undo(self) -> None:
        self.form = self.form.undo()
        if self.index > 0:
            self.index -= 1
            self.status = "draft"

    @rule()
    def redo(self) -> None:
        self.form = self.form.redo()
        if self.index < len(self.timeline) - 1:
            self.index += 1
            self.status = "draft"

    @rule(final=st.booleans())
    def apply_or_save(self, final: bool) -> None:
        self.form = self.form.save(RULES) if final else self.form.apply(RULES)
        if not validate(RULES, self.timeline[self.index]):
            self.saved = dict(self.timeline[self.index])
            self.status = "saved" if final else "applied"

    @precondition(lambda self: self.form.can_undo)
    @rule()
    def undo_then_redo_is_identity(self) -> None:
        assert self.form.undo().redo().values == self.form.values

    @invariant()
    def matches_model(self) -> None:
        f = self.form
        assert f.values == self.timeline[self.index]
        assert f.saved == self.saved
        assert f.status == self.status
        assert f.can_undo == (self.index > 0)
        assert f.can_redo == (self.index < len(self.timeline) - 1)
        assert list(f.undo_stack) == self.timeline[: self.index]
        assert list(f.redo_stack) == self.timeline[self.index + 1 :][::-1]
        assert f.dirty == (f.values != self.saved)


FormMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestFormMachine = FormMachine.TestCase
