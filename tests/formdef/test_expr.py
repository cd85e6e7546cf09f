"""The expression language: syntax, limits, hostile input, semantics."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.core.values import FileRef
from store.formdef.expr import MAX_CHARS, ExpressionError, evaluate, parse, references, rename_reference
from tests.conftest import ROOT

TODAY = dt.date(2026, 5, 15)
NOW = dt.datetime(2026, 5, 15, 10, 30, 0)


def ev(text: str, current: Any = None, **env: Any) -> Any:
    return evaluate(parse(text), env, current=current, today=TODAY, now=NOW)


def error(text: str, **env: Any) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        ev(text, **env)
    return caught.value


# --- syntax --------------------------------------------------------------------------------


def test_references() -> None:
    assert references(parse("${a} + ${b} * ${a} > 2 and selected(${c}, 'x')")) == {"a", "b", "c"}
    assert references(parse(". > 0")) == set()


def test_precedence_follows_xpath() -> None:
    assert ev("1 + 2 * 3") == 7
    assert ev("(1 + 2) * 3") == 9
    assert ev("1 < 2 = 2 > 1") is True  # relational binds tighter than equality
    assert ev("1 = 1 or 1 = 2 and 1 = 2") is True  # and binds tighter than or
    assert ev("- 2 * 3") == -6 and ev("--2") == 2
    assert ev("10 - 3 - 2") == 5 and ev("12 div 2 div 3") == 2.0


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "is empty", None),
        ("1 +", "has nothing more where a value should be", 4),
        ("1 2", "has '2' where it should end", 3),
        ("a.b", "has the word 'a'; write ${a} to use a field's value", 1),
        ("${x}.__class__", "has '.' where it should end", 5),
        ("__import__('os')", "calls '__import__', which is not a known function", 1),
        ("foo(1)", "calls 'foo', which is not a known function", 1),
        ("not(1, 2)", "calls not() with 2 values; it takes 1", 1),
        ("if(1, 2)", "calls if() with 2 values; it takes 3", 1),
        ("true", "uses 'true'; write true()", 1),
        ("'abc", "has a text in quotes that is never closed", 1),
        ("$x", "has a '$' that does not start a reference like ${name}", 1),
        ("${a b}", "refers to '${a b}', which is not a valid field name", 1),
        ("${}", "refers to '${}', which is not a valid field name", 1),
        ("1 == 1", "uses '=='; compare with a single '='", 3),
        ("x[0]", "has a character that is not allowed: '['", 2),
        ("π > 1", "has a character that is not allowed: 'π'", 1),
        ("1; import os", "has a character that is not allowed: ';'", 2),
        ("regex(., ${p})", "must give regex() its pattern as text in quotes", 1),
        ("regex(., '(a')", "has a regex() pattern that cannot be used: the pattern is not a valid regular expression", 1),
        ("regex(., '(a)\\1')", "back-references", 1),
        ("1 +* 2", "has '*' where a value should be", 4),
    ],
)
def test_syntax_errors_name_the_position(text: str, message: str, position: int | None) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert message in caught.value.detail
    assert caught.value.position == position
    assert str(caught.value).startswith("The expression ")


def test_hostile_input_fails_cleanly_and_quickly() -> None:
    started = time.monotonic()
    for text in [
        "(" * 10_000 + "1" + ")" * 10_000,
        "(" * 900 + "1" + ")" * 900,
        "-" * 1500 + "1",
        "not(" * 300 + "1" + ")" * 300,
        "1" + " + 1" * 400,
        "1" * 400,
        "10" + "0" * 399,
        "9999999999999999",
        "concat(" + ", ".join(["'a'"] * 101) + ")",
        "${" + "a" * 3000 + "}",
        "'" + "x" * 5000 + "'",
        "\x00",
        "${x}.__class__.__mro__",
        "().__class__",
        "__import__('os').system('true')",
        "open('/etc/passwd')",
        "lambda: 1",
        "exec('1')",
    ]:
        with pytest.raises(ExpressionError):
            parse(text)
    assert time.monotonic() - started < 2


def test_limits_are_what_the_docstring_says() -> None:
    parse("(" * 40 + "1" + ")" * 40)
    with pytest.raises(ExpressionError, match="nested more than 40"):
        parse("(" * 41 + "1" + ")" * 41)
    parse("1" + " + 1" * 99)
    with pytest.raises(ExpressionError, match="too long a chain"):
        parse("1" + " + 1" * 100)
    parse("'" + "x" * (MAX_CHARS - 2) + "'")
    with pytest.raises(ExpressionError, match="longer than 2000"):
        parse("'" + "x" * (MAX_CHARS - 1) + "'")
    assert ev("1000000000000000") == 10**15
    with pytest.raises(ExpressionError, match="too large"):
        parse("1000000000000001")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_random_text_never_crashes_the_parser(text: str) -> None:
    try:
        tree = parse(text)
    except ExpressionError:
        return
    try:
        evaluate(tree, {}, today=TODAY, now=NOW)
    except ExpressionError:
        pass


TOKENS = st.sampled_from(
    [
        "(",
        ")",
        "1",
        "0",
        "2.5",
        "${a}",
        "${b}",
        ".",
        "'x'",
        "'3'",
        "+",
        "-",
        "*",
        " div ",
        " mod ",
        "=",
        "!=",
        "<",
        ">=",
        " and ",
        " or ",
        ",",
        "not(",
        "if(",
        "concat(",
        "round(",
        "date(",
        "today()",
        "selected(",
        "count-selected(",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(TOKENS, max_size=25), st.sampled_from([None, 0, 3, -2.5, "", "7", "abc", ["x", "y"], True, TODAY]))
def test_token_soup_parses_or_fails_with_expression_error_only(tokens: list[str], value: Any) -> None:
    try:
        tree = parse("".join(tokens))
    except ExpressionError:
        return
    try:
        evaluate(tree, {"a": value, "b": "2"}, current=value, today=TODAY, now=NOW)
    except ExpressionError:
        pass


SMALL = st.integers(-(10**6), 10**6)


@settings(max_examples=400, deadline=None)
@given(SMALL, SMALL, SMALL)
def test_integer_arithmetic_matches_python(a: int, b: int, c: int) -> None:
    env = {"a": a, "b": b, "c": c}
    assert ev("${a} + ${b} * ${c}", **env) == a + b * c
    assert ev("(${a} - ${b}) * -${c}", **env) == (a - b) * -c
    assert ev("${a} < ${b}", **env) == (a < b)
    assert ev("${a} = ${b} or ${a} >= ${c}", **env) == (a == b or a >= c)
    if b != 0:
        assert ev("${a} div ${b}", **env) == a / b
        assert ev("${a} mod ${b}", **env) == int(math.fmod(a, b))  # XPath: sign of the dividend
    else:
        assert ev("${a} div ${b}", **env) is None and ev("${a} mod ${b}", **env) is None


def test_results_stay_bounded() -> None:
    big = "${a} * ${a} * ${a} * ${a} * ${a}"
    assert error(big, a=10**15).detail == "gives a number that is too large"
    assert error("${a} * 10", a=1e308).detail == "gives a number that is too large"
    assert error("concat(${a}, ${a}, ${a})", a="x" * 4000).detail.startswith("gives a text longer than 10,000")
    assert ev("string-length(${a})", a="x" * 50_000) == 50_000


# --- semantics -----------------------------------------------------------------------------


def test_empty_compares_like_empty_text() -> None:
    assert ev("${a} = ''") is True and ev("${a} != ''") is False
    assert ev("${a} = ${b}", a=None, b="") is True
    assert ev("${a} = ''", a=[]) is True
    assert ev("${a} > 0") is False and ev("${a} < 0") is False and ev("${a} = 0") is False
    assert ev("${a} + 1") is None and ev("-${a}") is None
    assert ev("${p} != ''", p=FileRef("0" * 64, "tree.jpg", 10)) is True


def test_numeric_strings_compare_as_numbers() -> None:
    assert ev("${a} > 9", a="10") is True
    assert ev("'10' > '9'") is True  # both numeric: numbers, not alphabet
    assert ev("'b' > 'a'") is True
    assert ev("${a} = 3", a="3") is True and ev("${a} = 3", a="3.0") is True
    assert ev("${a} = 3", a="x") is False and ev("${a} != 3", a="x") is True
    assert "cannot compare" in error("${a} < 3", a="x").detail
    assert "needs a number" in error("${a} + 1", a="abc").detail


def test_dates() -> None:
    assert ev("today()") == TODAY and ev("now()") == NOW
    assert ev("${d} <= today()", d=dt.date(2026, 5, 15)) is True
    assert ev("${d} > today()", d="2026-06-01") is True
    assert ev("today() - date('2026-01-01')") == 134
    assert ev("date('2026-01-31') + 1") == dt.date(2026, 2, 1)
    assert ev("date('2026-01-31') - 31") == dt.date(2025, 12, 31)
    assert ev("now() > date('2026-05-15')") is True
    assert ev("${t} < '12:00'", t=dt.time(10, 0)) is True
    assert "needs a date written as YYYY-MM-DD" in error("date('31.12.2024')").detail
    assert "can only add days" in error("today() * 2").detail
    assert ev("date(${d})", d="2026-01-02T10:00:00") == dt.date(2026, 1, 2)


def test_booleans() -> None:
    assert ev("${b} = true()", b=True) is True
    assert ev("${b} = 'yes'", b=True) is True and ev("${b} = 'no'", b=False) is True
    assert ev("${b} = 'maybe'", b=True) is False
    assert ev("not(${b})", b=False) is True
    assert ev("true() and false()") is False and ev("false() or 1") is True


def test_functions() -> None:
    assert ev("selected(${a}, 'b')", a=["a", "b"]) is True
    assert ev("selected(${a}, 'b')", a="a b c") is True
    assert ev("selected(${a}, 'b')", a=None) is False
    assert ev("count-selected(${a})", a=["a", "b"]) == 2 and ev("count-selected(${a})") == 0
    assert ev("string-length('Größe')") == 5
    assert ev("concat('a', 1, 2.5, true(), ${x})", x=["p", "q"]) == "a12.5truep q"
    assert ev("if(${x} > 2, 'big', 'small')", x="3") == "big"
    assert ev("if(1, 'yes', 1 div 0)") == "yes"
    assert ev("coalesce(${a}, 'none')") == "none" and ev("coalesce(${a}, 'none')", a="x") == "x"
    assert ev("round(2.5)") == 3 and ev("round(-2.5)") == -3 and ev("round(2.675, 2)") == 2.68
    assert ev("round(1234, -2)") == 1200
    assert ev("round(${d} * 3.14159, 1)", d=30) == 94.2
    assert "whole number from -15 to 15" in error("round(1, 99)").detail
    assert ev("int(-3.7)") == -3 and ev("int('12')") == 12
    assert ev("number('3.5')") == 3.5 and ev("number('abc')") is None and ev("number(true())") == 1
    assert ev("string(12.0)") == "12" and ev("string(${g})", g={"lat": 1.5, "lon": 2.0, "accuracy": None}) == "1.5 2"
    assert ev("contains('Eichenwald', 'chen')") is True and ev("starts-with('Eiche', 'Ei')") is True
    assert ev("regex(., '^[0-9]{5}$')", current="12345") is True
    assert ev("regex(., '^[0-9]{5}$')", current="1234") is False
    assert ev("regex(., 'ab')", current="xxabxx") is True  # ODK: matches anywhere


def test_current_value() -> None:
    assert ev(". > 0 and . < 500", current=12.5) is True
    assert ev(". > 0 and . < 500", current=500) is False


def test_regex_bombs_return_quickly() -> None:
    started = time.monotonic()
    for pattern, text in [
        ("^(a+)+$", "a" * 5000 + "!"),
        ("^(a|aa)+$", "a" * 5000 + "!"),
        ("^(\\w+\\s?)*$", "word " * 1000 + "!"),
        ("\\d*\\d*\\d*\\d*\\d*x", "1" * 5000),
        ("(.*){20}x", "a" * 5000),
    ]:
        assert ev(f"regex(., '{pattern}')", current=text) is False
    assert time.monotonic() - started < 5
    with pytest.raises(ExpressionError, match="too long to check"):
        ev("regex(., '(a?){300}a{300}')", current="a" * 5000)
    with pytest.raises(ExpressionError, match="too complex"):
        parse("regex(., '((a{100}){100}){100}')")


REPEAT_BOMBS = ["(){4294967294}", "a{4294967296}", "a{1001}", "x{2,100000}", "((){999}){999}", "(((){999}){999}){999}", "(|){1000}"]


def test_huge_repeat_counts_are_refused_before_any_work() -> None:
    """A pushed form with ``(){4294967294}`` once hung every device's sync in the pattern compiler,
    and ``a{4294967296}`` escaped as OverflowError. Run in a child with a deadline: a hang fails."""
    code = (
        "import json, sys\n"
        "from store.formdef.saferegex import RegexError, compile_pattern\n"
        "out = []\n"
        "for p in json.loads(sys.argv[1]):\n"
        "    try:\n"
        "        compile_pattern(p); out.append('compiled')\n"
        "    except RegexError as exc:\n"
        "        out.append(str(exc))\n"
        "print(json.dumps(out))\n"
    )
    child = subprocess.run([sys.executable, "-c", code, json.dumps(REPEAT_BOMBS)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert child.returncode == 0, child.stderr
    messages = json.loads(child.stdout)
    assert all(m.startswith("the pattern repeats something more than 1,000 times") or m == "the pattern is too complex" for m in messages), messages
    assert ev("regex(., '^a{900}$')", current="a" * 900) is True  # long repeats below the limits still work
    with pytest.raises(ExpressionError, match="more than 1,000 times"):
        parse("regex(., 'a{4294967296}')")


def test_rename_reference_keeps_everything_else() -> None:
    assert rename_reference("${a}+${ab} >  ${a}", "a", "z") == "${z}+${ab} >  ${z}"
    assert rename_reference("'${a}' = ${b}", "a", "z") == "'${a}' = ${b}"


LEAVES = st.sampled_from(
    ["1", "0", "2.5", "${a}", "${b}", ".", "'x'", "'3'", "'2024-01-01'", "''", "today()", "now()", "true()", "999999999999999"]
)
ONE_ARG = ["not", "date", "count-selected", "int", "number", "string", "string-length", "round", "-"]
TWO_ARGS = [
    "+",
    "-",
    "*",
    "div",
    "mod",
    "=",
    "!=",
    "<",
    ">=",
    "and",
    "or",
    "selected",
    "coalesce",
    "contains",
    "starts-with",
    "concat",
    "round",
]


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    unary = st.tuples(st.sampled_from(ONE_ARG), children).map(lambda t: f"-({t[1]})" if t[0] == "-" else f"{t[0]}({t[1]})")
    binary = st.tuples(st.sampled_from(TWO_ARGS), children, children).map(
        lambda t: (
            f"({t[1]} {t[0]} {t[2]})"
            if not t[0][0].isalpha() or t[0] in ("div", "mod", "and", "or")
            else f"{t[0]}({t[1]}, {t[2]})"
        )
    )
    branch = st.tuples(children, children, children).map(lambda t: f"if({t[0]}, {t[1]}, {t[2]})")
    return unary | binary | branch


VALUES = st.sampled_from(
    [None, 0, 3, -2.5, "", "7", "abc", ["x", "y"], True, TODAY, NOW, dt.time(3, 4), "9" * 39, "1" * 300 + ".5", 2**62]
)


@settings(max_examples=600, deadline=None)
@given(st.recursive(LEAVES, _combine, max_leaves=12), VALUES, VALUES)
def test_well_formed_expressions_evaluate_or_fail_with_expression_error(text: str, a: Any, b: Any) -> None:
    tree = parse(text)
    try:
        result = evaluate(tree, {"a": a, "b": b}, current=a, today=TODAY, now=NOW)
    except ExpressionError:
        return
    if isinstance(result, float):
        assert math.isfinite(result)
    if isinstance(result, int):
        assert abs(result) < 2**63
    if isinstance(result, str) and result not in (a, b):
        assert len(result) <= 10_000


def test_the_interpreter_never_calls_eval_exec_or_compile() -> None:
    import ast
    from pathlib import Path

    import store.formdef

    folder = Path(store.formdef.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec", "compile", "__import__"), (path.name, node.lineno)
                # the interpreter reaches values only through its own operations, never by name
                if path.stem in ("syntax", "expr", "semantics", "saferegex"):
                    assert node.func.id not in ("getattr", "setattr", "vars", "globals"), (path.name, node.lineno)
