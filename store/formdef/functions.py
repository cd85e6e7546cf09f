"""ODK's function library beyond the core (``semantics.call``; ``expr`` calls either): numbers, text, dates, hashes,
choices, lines and areas — as ODK Collect (JavaRosa) works them out, within the expression
language's limits (results bounded, texts at most ``MAX_STRING`` characters, no pattern that can
hang). ``count``, ``sum``, ``min``, ``max``, ``join`` take every value of a field inside a repeat
(``NODESET_FUNCTIONS``, see ``semantics.Nodeset``); ``position(..)`` is the entry's place and
``indexed-repeat(${field}, ${repeat}, n[, ${inner}, m …])`` the field's value in the n-th entry.

Each entry: name → implementation. The parser checks the number of arguments (``syntax.FUNCTIONS``
holds them, with the core's); an implementation gets the arguments' values and the context, and
raises ``SemanticError`` with a sentence that completes "The expression …".
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from store.core.texts import said
from store.formdef import semantics
from store.formdef.semantics import Context, Nodeset, SemanticError, is_empty, to_number, to_text

NEEDS_LINE = said("expr.needs_line", "needs a line or an area (points separated by ';') but got {value}")
DIGEST_ALGORITHM = said("expr.digest_algorithm", "knows the digest algorithms MD5, SHA-1, SHA-256, SHA-384 and SHA-512, not '{name}'")
DIGEST_ENCODING = said("expr.digest_encoding", "writes a digest as base64 or hex, not '{name}'")
NEEDS_DATE_TIME = said("expr.needs_date_time", "needs a date and time but got {value}")
POWER_TOO_LARGE = said("expr.power_too_large", "gives a number that is too large")
OUTSIDE_REPEAT = said("expr.outside_repeat", "uses position(..) outside a repeat")
NODESET_FUNCTIONS = frozenset({"count", "sum", "min", "max", "join"})

Impl = Callable[[list[Any], Context], Any]
_EPOCH = dt.datetime(1970, 1, 1)
_ALGORITHMS = {"md5": "md5", "sha-1": "sha1", "sha-256": "sha256", "sha-384": "sha384", "sha-512": "sha512"}


def _number(fn: Callable[[float], Any]) -> Impl:
    def run(args: list[Any], ctx: Context) -> Any:
        number = to_number(args[0])
        return None if number is None else semantics.bounded(fn(number))

    return run


def _power(args: list[Any], ctx: Context) -> Any:
    base, exponent = to_number(args[0]), to_number(args[1])
    if base is None or exponent is None:
        return None
    if abs(exponent) > 1024 or (base == 0 and exponent < 0):
        raise SemanticError(POWER_TOO_LARGE())
    if isinstance(base, int) and isinstance(exponent, int) and exponent >= 0:
        return semantics.bounded(base**exponent)  # exact: at most 1024 multiplications of a bounded number
    try:
        return semantics.bounded(math.pow(base, exponent))
    except (OverflowError, ValueError):
        raise SemanticError(POWER_TOO_LARGE()) from None


def _spread(args: list[Any]) -> list[Any]:
    """The arguments, a list (a select_multiple's answers) spread into its items."""
    out: list[Any] = []
    for arg in args:
        if isinstance(arg, Nodeset):
            out.extend(arg.flat())
        else:
            out.extend(arg if isinstance(arg, (list, tuple)) and not _is_line(arg) else [arg])
    return out


def _count(args: list[Any], ctx: Context) -> int:
    """How many entries (of a repeat, or values of a field in one); a field outside a repeat is one."""
    value = args[0]
    if isinstance(value, Nodeset):
        return len(value.flat())
    return 0 if is_empty(value) else 1


def _position(args: list[Any], ctx: Context) -> int:
    if ctx.position is None:
        raise SemanticError(OUTSIDE_REPEAT())
    return ctx.position


def indexed(value: Any, places: list[Any]) -> Any:
    """``indexed-repeat``: ``value`` (a ``Nodeset``) at the 1-based place in each repeat level."""
    for place in places:
        if not isinstance(value, Nodeset):
            break
        number = to_number(place)
        index = int(number) if number is not None and number == int(number) else 0
        value = value[index - 1] if 1 <= index <= len(value) else None
    return semantics.first(value)


def _extreme(pick: Callable[..., Any]) -> Impl:
    def run(args: list[Any], ctx: Context) -> Any:
        numbers = [to_number(v) for v in _spread(args) if not is_empty(v)]
        return pick(numbers) if numbers else None

    return run


def _sum(args: list[Any], ctx: Context) -> Any:
    return semantics.bounded(sum(to_number(v) or 0 for v in _spread(args)))


def _join(args: list[Any], ctx: Context) -> str:
    return semantics.text_result(to_text(args[0]).join(to_text(v) for v in _spread(args[1:]) if not is_empty(v)))


def _substr(args: list[Any], ctx: Context) -> str:
    """ODK's substr(text, start[, end]): 0-based, the end excluded."""
    text = to_text(args[0])
    start = to_number(args[1]) or 0
    end = to_number(args[2]) if len(args) > 2 else None
    return text[max(int(start), 0) : None if end is None else max(int(end), 0)]


def _around(args: list[Any], *, before: bool) -> str:
    """XPath substring-before / -after: the text before or after the first ``separator`` ('' if
    it is not there; an empty separator is found at the start)."""
    text, separator = to_text(args[0]), to_text(args[1])
    if separator not in text:
        return ""
    head, _, tail = text.partition(separator) if separator else ("", "", text)
    return head if before else tail


def _translate(args: list[Any], ctx: Context) -> str:
    """XPath translate(): each character of ``from`` becomes the one at its place in ``to``, or
    goes where ``to`` is shorter."""
    source, to = to_text(args[1]), to_text(args[2])
    table: dict[int, int | None] = {}
    for i, char in enumerate(source):
        table.setdefault(ord(char), ord(to[i]) if i < len(to) else None)
    return to_text(args[0]).translate(table)


def _text(fn: Callable[[str], Any]) -> Impl:
    return lambda args, ctx: fn(to_text(args[0]))


def _selected_at(args: list[Any], ctx: Context) -> str:
    answers = _spread([args[0]]) if isinstance(args[0], (list, tuple)) else to_text(args[0]).split()
    index = to_number(args[1])
    if index is None or index != int(index) or not 0 <= index < len(answers):
        return ""
    return to_text(answers[int(index)])


def _moment(value: Any) -> dt.datetime | None:
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # days since 1970, as ODK counts
        try:
            return _EPOCH + dt.timedelta(days=float(value))
        except OverflowError:
            raise SemanticError(NEEDS_DATE_TIME(value=repr(value))) from None
    found = semantics.temporal(value, dt.datetime.min)
    if found is None:
        number = semantics.number_or_none(value)
        if number is not None:
            return _moment(number)
        raise SemanticError(NEEDS_DATE_TIME(value=semantics.short(value)))
    return found.replace(tzinfo=None)


def _decimal_date_time(args: list[Any], ctx: Context) -> Any:
    moment = _moment(args[0])
    return None if moment is None else (moment - _EPOCH).total_seconds() / 86400


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _format(args: list[Any], ctx: Context) -> str:
    """ODK's format-date / format-date-time: %Y %y %m %n %b %d %e %a %H %h %M %S %3; any other
    character as it is."""
    moment = _moment(args[0])
    if moment is None:
        return ""
    pattern, out, i = to_text(args[1]), [], 0
    codes = {
        "Y": f"{moment.year:04d}", "y": f"{moment.year % 100:02d}", "m": f"{moment.month:02d}", "n": str(moment.month),
        "b": _MONTHS[moment.month - 1], "d": f"{moment.day:02d}", "e": str(moment.day), "a": _DAYS[moment.weekday()],
        "H": f"{moment.hour:02d}", "h": str(moment.hour), "M": f"{moment.minute:02d}", "S": f"{moment.second:02d}",
        "3": f"{moment.microsecond // 1000:03d}",
    }  # fmt: skip
    while i < len(pattern):
        if pattern[i] == "%" and i + 1 < len(pattern) and pattern[i + 1] in codes:
            out.append(codes[pattern[i + 1]])
            i += 2
        else:
            out.append(pattern[i])
            i += 1
    return semantics.text_result("".join(out))


def _digest(args: list[Any], ctx: Context) -> str:
    name = to_text(args[1]).strip().lower()
    encoding = to_text(args[2]).strip().lower() if len(args) > 2 else "base64"
    if name not in _ALGORITHMS:
        raise SemanticError(DIGEST_ALGORITHM(name=to_text(args[1])))
    if encoding not in ("base64", "hex"):
        raise SemanticError(DIGEST_ENCODING(name=to_text(args[2])))
    digest = hashlib.new(_ALGORITHMS[name], to_text(args[0]).encode("utf-8"))
    return digest.hexdigest() if encoding == "hex" else base64.b64encode(digest.digest()).decode("ascii")


def _is_line(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(p, Mapping) and "lat" in p for p in value)


def _points(value: Any) -> list[dict[str, float]] | None:
    """A line's or an area's points: a field's value, or ODK's text ``lat lon [alt acc];…``."""
    if is_empty(value):
        return None
    if _is_line(value):
        points = [{"lat": float(to_number(p.get("lat")) or 0), "lon": float(to_number(p.get("lon")) or 0)} for p in value]
    else:
        points = []
        for part in to_text(value).split(";"):
            numbers = part.split()
            if not part.strip():
                continue
            if len(numbers) < 2 or any(semantics.number_or_none(n) is None for n in numbers[:2]):
                raise SemanticError(NEEDS_LINE(value=semantics.short(value)))
            points.append({"lat": float(numbers[0]), "lon": float(numbers[1])})
    if not all(-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180 for p in points):
        raise SemanticError(NEEDS_LINE(value=semantics.short(value)))  # not on the earth
    return points


def _measure(kind: str, area: bool) -> Impl:
    def run(args: list[Any], ctx: Context) -> Any:
        from store.formdef.geo import measure

        points = _points(args[0])
        if not points or len(points) < (3 if area else 2):
            return None
        if kind == "geoshape" and len(points) > 3 and (points[0]["lat"], points[0]["lon"]) == (points[-1]["lat"], points[-1]["lon"]):
            points = points[:-1]  # ODK's text closes an outline with its first point again
        length, surface = measure(kind, points)
        return surface if area else length

    return run


def _boolean_from_string(args: list[Any], ctx: Context) -> bool:
    return to_text(args[0]).strip().lower() in ("true", "1")


def _once(args: list[Any], ctx: Context) -> Any:
    """The field's value as it is, if it has one; else the argument (``once(uuid())``)."""
    return args[0] if is_empty(ctx.current) else ctx.current


ODK_FUNCTIONS: dict[str, Impl] = {  # how many arguments each takes: syntax.FUNCTIONS
    "floor": _number(math.floor),
    "ceiling": _number(math.ceil),
    "abs": _number(abs),
    "sqrt": lambda args, ctx: None if (to_number(args[0]) or 0) < 0 else _number(math.sqrt)(args, ctx),  # ODK: NaN
    "pow": _power,
    "pi": lambda args, ctx: math.pi,
    "min": _extreme(min),
    "max": _extreme(max),
    "sum": _sum,
    "count": _count,
    "position": _position,
    "join": _join,
    "substr": _substr,
    "substring-before": lambda args, ctx: _around(args, before=True),
    "substring-after": lambda args, ctx: _around(args, before=False),
    "normalize-space": _text(lambda s: " ".join(s.split())),
    "translate": _translate,
    "ends-with": lambda args, ctx: to_text(args[0]).endswith(to_text(args[1])),
    "selected-at": _selected_at,
    "boolean": lambda args, ctx: semantics.truth(args[0]),
    "boolean-from-string": _boolean_from_string,
    "uuid": lambda args, ctx: str(uuid.uuid4()),
    "once": _once,
    "date-time": lambda args, ctx: _moment(args[0]),
    "decimal-date-time": _decimal_date_time,
    "format-date": _format,
    "format-date-time": _format,
    "digest": _digest,
    "area": _measure("geoshape", area=True),
    "distance": _measure("geotrace", area=False),
}
