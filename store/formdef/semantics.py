"""What the operators and functions of form expressions do with values (see ``expr``).

Values are None (empty), bool, int, float, str, dates/datetimes/times, lists (select_multiple),
dicts (geopoints) and ``FileRef``/dicts (files). The rules, XPath-like where XPath is sensible:

- **Empty.** None, ``''`` and an empty list are all *empty*, and compare like ``''``: ``=`` is
  true only between two empties, ``!=`` is its negation, and ``< <= > >=`` with an empty side are
  false (XPath compares NaN that way). Arithmetic with an empty side is empty, so a calculation
  stays empty until its inputs are filled in.
- **Numbers.** Numeric strings (``'12'``, ``' 3.5 '``) compare and calculate as numbers; a
  non-numeric string in arithmetic or in ``<`` against a number is an error. ``+ - *`` of whole
  numbers stay whole; ``div`` always gives a decimal; ``mod`` takes the sign of the dividend, as
  in XPath (``-7 mod 3 = -1``). **Division by zero** (``div`` or ``mod``) gives empty: never NaN
  or infinity. Results must stay within +-2**63 (whole) or be finite (decimal), else an error;
  there is no power operator, so no result can grow explosively.
- **Dates.** A date or datetime compares with another or with a string in ISO form, as a date.
  ``date + n`` / ``date - n`` add days; ``date - date`` is a whole number of days.
- **Booleans.** Against a boolean, ``'true' 'yes' '1'`` are true and ``'false' 'no' '0'`` false.
  Truth of other values: non-empty strings, non-zero numbers, non-empty lists are true.
- **Strings.** Two non-numeric strings order alphabetically (by code point). Lists read as their
  items separated by spaces (XLSForm's select_multiple form). Results of string functions are
  at most 10,000 characters.
- **Repeats.** Seen from outside a repeat, a field inside it is a ``Nodeset``: its value in every
  entry. ``count``, ``sum``, ``min``, ``max``, ``join`` and ``indexed-repeat`` take them all;
  anywhere else the first entry's value counts, as XPath reads a node-set.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from store.core import texts
from store.core.texts import said
from store.core.values import FileRef
from store.formdef.saferegex import RegexError, compile_pattern, search
from store.formdef.syntax import UNKNOWN_FUNCTION

MAX_INT = 2**63 - 1
MAX_STRING = 10_000

# What completes "The expression ..." when values do not fit (see ``SemanticError``); a value
# shown is written as Python shows it (``_short``), quotes included.
RESULT_TOO_LARGE = said("expr.result_too_large", "gives a number that is too large")
NEEDS_NUMBER = said("expr.needs_number", "needs a number but got {value}")
NOT_TEXT_VALUE = said("expr.not_text_value", "cannot use {value} as text")
CANNOT_COMPARE = said("expr.cannot_compare", "cannot compare {first} with {second}")
CANNOT_COMPARE_NUMBER = said("expr.cannot_compare_number", "cannot compare {first} with the number {second}")
DATE_OUTSIDE_CALENDAR = said("expr.date_outside_calendar", "gives a date outside the calendar")
DATE_ARITHMETIC = said("expr.date_arithmetic", "can only add days to a date, subtract days from it, or subtract two dates")
TEXT_TOO_LONG = said("expr.text_too_long", "gives a text longer than {n} characters")
ROUND_DIGITS = said("expr.round_digits", "needs round()'s number of digits to be a whole number from -15 to 15")
ROUND_TOO_LARGE = said("expr.round_too_large", "cannot round a number this large")
NEEDS_DATE = said("expr.needs_date", "needs a date written as YYYY-MM-DD but got {value}")
REGEX_FAILED = said("expr.regex_failed", "cannot apply regex(): {reason}")
COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
_NUMERIC = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*")
_EPOCH = dt.date(1970, 1, 1)


class SemanticError(Exception):
    """A value that does not fit an operation; the message completes "The expression ..."."""


@dataclass(frozen=True)
class Context:
    env: Mapping[str, Any]
    current: Any
    today: dt.date
    now: dt.datetime
    choice: Mapping[str, str] | None = None  # the columns of the choice a choice_filter is worked out for
    position: int | None = None  # inside a repeat: the entry's place, from 1 (``position(..)``)
    # a field inside repeats in the entry given by each repeat's place (``indexed-repeat``)
    absolute: Callable[[str, Mapping[str, Any]], Any] | None = None


class Nodeset(tuple):  # type: ignore[type-arg]
    """A field's values in the entries of a repeat, in order (for a field in a repeat inside a
    repeat, one ``Nodeset`` per outer entry)."""

    def flat(self) -> list[Any]:
        """Every value, the entries of inner repeats spread out."""
        out: list[Any] = []
        stack = [iter(self)]
        while stack:
            item = next(stack[-1], _END)
            if item is _END:
                stack.pop()
            elif isinstance(item, Nodeset):
                stack.append(iter(item))
            else:
                out.append(item)
        return out


_END = object()


def first(value: Any) -> Any:
    """A value as one value: a ``Nodeset``'s first (None if it has none)."""
    if isinstance(value, Nodeset):
        values = value.flat()
        return values[0] if values else None
    return value


def is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (list, tuple)) and not value)


def truth(value: Any) -> bool:
    if is_empty(value):
        return False
    if isinstance(value, (bool, int, float)):
        return bool(value)
    return True


def _bounded(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_INT:
            raise SemanticError(RESULT_TOO_LARGE())
        return value
    if isinstance(value, float) and not math.isfinite(value):
        raise SemanticError(RESULT_TOO_LARGE())
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def number_or_none(value: Any) -> int | float | None:
    """The number in ``value``, or None when it is empty or holds no number."""
    if is_empty(value):
        return None
    if isinstance(value, (bool, int)):
        return int(value)
    if isinstance(value, float):
        return _bounded(value)
    if isinstance(value, str) and _NUMERIC.fullmatch(value):
        text = value.strip()
        if "." in text:
            return _bounded(float(text))
        # read exactly: leading zeros do not count, and more than 19 digits is beyond MAX_INT anyway
        # (checked before int(), whose cost grows with the length)
        sign, digits = ("-", text[1:]) if text[0] == "-" else ("", text.lstrip("+"))
        digits = digits.lstrip("0") or "0"
        if len(digits) > len(str(MAX_INT)):
            raise SemanticError(RESULT_TOO_LARGE())
        return _bounded(int(sign + digits))
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return (value - _EPOCH).days
    return None


def to_number(value: Any) -> int | float | None:
    number = number_or_none(value)
    if number is None and not is_empty(value):
        raise SemanticError(NEEDS_NUMBER(value=_short(value)))
    return number


def to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Mapping) and "lat" in v for v in value):
        return ";".join(to_text(item) for item in value)  # a line or an outline, as ODK writes it
    if isinstance(value, (list, tuple)):
        return " ".join(to_text(item) for item in value)
    if isinstance(value, FileRef):
        return value.name
    if isinstance(value, Mapping):
        if "lat" in value and "lon" in value:
            acc = value.get("accuracy")
            return f"{to_text(value['lat'])} {to_text(value['lon'])}" + ("" if acc is None else f" 0 {to_text(acc)}")
        if "name" in value:
            return to_text(value["name"])
    raise SemanticError(NOT_TEXT_VALUE(value=_short(value)))


def _bool_of(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("true", "yes", "1"):
            return True
        if word in ("false", "no", "0"):
            return False
    return None


def _temporal(value: Any, like: Any) -> Any:
    """``value`` as the same kind of temporal value as ``like``, or None."""
    if isinstance(like, dt.datetime):
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time())
        parse: Any = dt.datetime.fromisoformat
    elif isinstance(like, dt.date):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        parse = dt.date.fromisoformat
    else:
        if isinstance(value, dt.time):
            return value
        parse = dt.time.fromisoformat
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 40:  # longer than any ISO date or time: not one (never a cut prefix read as one)
            return None
        try:
            return parse(text)
        except ValueError:
            return None
    return None


def _order(op: str, a: Any, b: Any) -> bool:
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a >= b)


def compare(op: str, a: Any, b: Any) -> bool:
    """``a op b`` for ``= != < <= > >=`` following the rules in the module docstring."""
    equal_op = op in ("=", "!=")
    if is_empty(a) or is_empty(b):
        if equal_op:
            return (is_empty(a) and is_empty(b)) == (op == "=")
        return False
    if isinstance(a, (list, tuple)):
        a = to_text(a)
    if isinstance(b, (list, tuple)):
        b = to_text(b)
    if isinstance(a, bool) or isinstance(b, bool):
        p, q = _bool_of(a), _bool_of(b)
        if p is None or q is None:
            if equal_op:
                return op == "!="
            raise SemanticError(CANNOT_COMPARE(first=_short(a), second=_short(b)))
        return (p == q) == (op == "=") if equal_op else _order(op, p, q)
    for first, second in ((a, b), (b, a)):
        if isinstance(first, (dt.date, dt.time)):
            other = _temporal(second, first)
            if other is None:
                if equal_op:
                    return op == "!="
                raise SemanticError(CANNOT_COMPARE(first=_short(a), second=_short(b)))
            x, y = (first, other) if first is a else (other, first)
            return (x == y) == (op == "=") if equal_op else _order(op, x, y)
    numeric = isinstance(a, (int, float)) or isinstance(b, (int, float))
    if numeric or (not equal_op and number_or_none(a) is not None and number_or_none(b) is not None):
        x, y = number_or_none(a), number_or_none(b)
        if x is None or y is None:
            if equal_op:
                return op == "!="
            raise SemanticError(CANNOT_COMPARE_NUMBER(first=_short(a), second=_short(b if x is None else a)))
        return (x == y) == (op == "=") if equal_op else _order(op, x, y)
    if isinstance(a, str) and isinstance(b, str):
        return (a == b) == (op == "=") if equal_op else _order(op, a, b)
    if equal_op:
        return (a == b) == (op == "=")
    raise SemanticError(CANNOT_COMPARE(first=_short(a), second=_short(b)))


def negate(value: Any) -> Any:
    number = to_number(value)
    return None if number is None else _bounded(-number)


def arithmetic(op: str, a: Any, b: Any) -> Any:
    """``a op b`` for ``+ - * div mod``; see the module docstring for empties and dates."""
    if is_empty(a) or is_empty(b):
        return None
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        return _date_arithmetic(op, a, b)
    x, y = to_number(a), to_number(b)
    assert x is not None and y is not None
    if op == "+":
        return _bounded(x + y)
    if op == "-":
        return _bounded(x - y)
    if op == "*":
        return _bounded(x * y)
    if y == 0:
        return None
    if op == "div":
        return _bounded(x / y)
    if isinstance(x, int) and isinstance(y, int):
        rest = abs(x) % abs(y)
        return -rest if x < 0 else rest
    return _bounded(math.fmod(x, y))


def _date_arithmetic(op: str, a: Any, b: Any) -> Any:
    if op == "-" and isinstance(a, dt.date) and isinstance(b, dt.date):
        if isinstance(a, dt.datetime) or isinstance(b, dt.datetime):
            first, second = _temporal(a, dt.datetime.min), _temporal(b, dt.datetime.min)
            return (first - second).total_seconds() / 86400
        return (a - b).days
    if op in ("+", "-") and isinstance(a, dt.date):
        days = to_number(b)
        assert days is not None
        try:
            return a + dt.timedelta(days=days if op == "+" else -days)
        except OverflowError:
            raise SemanticError(DATE_OUTSIDE_CALENDAR()) from None
    if op == "+" and isinstance(b, dt.date):
        return _date_arithmetic("+", b, a)
    raise SemanticError(DATE_ARITHMETIC())


def _text_result(text: str) -> str:
    if len(text) > MAX_STRING:
        raise SemanticError(TEXT_TOO_LONG(n=MAX_STRING))
    return text


def _round(value: Any, digits: Any) -> Any:
    number = to_number(value)
    places = to_number(digits) if digits is not None else 0
    if number is None:
        return None
    if places is None or places != int(places) or not -15 <= places <= 15:
        raise SemanticError(ROUND_DIGITS())
    places = int(places)
    try:
        rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise SemanticError(ROUND_TOO_LARGE()) from None
    return _bounded(int(rounded)) if places <= 0 else float(rounded)


def _date(value: Any) -> Any:
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        parsed = _temporal(value[:10] if "T" in value else value, dt.date.min)
        if parsed is not None:
            return parsed
    elif isinstance(value, int) and not isinstance(value, bool):
        try:
            return _EPOCH + dt.timedelta(days=value)
        except OverflowError:
            pass
    raise SemanticError(NEEDS_DATE(value=_short(value)))


def _choices(value: Any) -> list[str]:
    if is_empty(value):
        return []
    if isinstance(value, (list, tuple)):
        return [to_text(item) for item in value]
    return to_text(value).split()


def call(name: str, args: list[Any], ctx: Context) -> Any:
    """The value of function ``name`` (arity already checked by the parser)."""
    if name == "not":
        return not truth(args[0])
    if name in ("true", "false"):
        return name == "true"
    if name == "selected":
        return to_text(args[1]).strip() in _choices(args[0])
    if name == "count-selected":
        return len(_choices(args[0]))
    if name == "string-length":
        return len(to_text(args[0]))
    if name == "concat":
        return _text_result("".join(to_text(arg) for arg in args))
    if name == "round":
        return _round(args[0], args[1] if len(args) > 1 else None)
    if name == "int":
        number = to_number(args[0])
        return None if number is None else _bounded(math.trunc(number))
    if name == "number":
        return number_or_none(args[0])
    if name == "string":
        return _text_result(to_text(args[0]))
    if name == "today":
        return ctx.today
    if name == "now":
        return ctx.now
    if name == "date":
        return _date(args[0])
    if name == "regex":
        try:
            return search(compile_pattern(to_text(args[1])), to_text(args[0]))
        except RegexError as exc:
            raise SemanticError(REGEX_FAILED(reason=texts.of(exc))) from None
    if name == "contains":
        return to_text(args[1]) in to_text(args[0])
    if name == "starts-with":
        return to_text(args[0]).startswith(to_text(args[1]))
    raise SemanticError(UNKNOWN_FUNCTION(name=name))  # the rest of ODK's library: store.formdef.functions


# What store.formdef.functions builds on.
bounded, text_result, temporal, short = _bounded, _text_result, _temporal, _short
