"""Reading expression text into a syntax tree (see ``expr`` for the language).

The tokenizer and the recursive-descent parser enforce every limit while reading, before any
tree is built that could be too deep to walk: at most 2000 characters, parentheses, calls and
unary minus nested at most 40 deep, a syntax tree at most 100 deep (long operator chains),
number literals at most 10**15, and ``regex`` patterns given as literal text that compile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from store.core import texts
from store.core.errors import ValidationError
from store.core.texts import said
from store.formdef.saferegex import RegexError, compile_pattern

MAX_CHARS = 2_000
MAX_NESTING = 40
MAX_TREE_DEPTH = 100
MAX_LITERAL = 10**15

# An expression error is "The expression" + what is wrong with it (a Text of its own, below),
# and where. Character positions and MAX_CHARS are written as digits, without grouping.
EXPRESSION_ERROR = said("expr.error", "The expression {message}.")
EXPRESSION_ERROR_AT = said("expr.error_at", "The expression {message} (at character {position}).")
TOO_LONG = said("expr.too_long", "is longer than {limit} characters")
LONE_DOLLAR = said("expr.lone_dollar", "has a '$' that does not start a reference like ${{name}}")
OPEN_QUOTE = said("expr.open_quote", "has a text in quotes that is never closed")
BAD_CHARACTER = said("expr.bad_character", "has a character that is not allowed: {char!r}")
BAD_REFERENCE = said("expr.bad_reference", "refers to '${{{name}}}', which is not a valid field name")
EXPECTS = said("expr.expects", "expects '{wanted}' but has {found}")
NESTED_TOO_DEEPLY = said("expr.nested_too_deeply", "is nested more than {n} levels deep")
TOO_MANY_DIGITS = said("expr.too_many_digits", "has a number with too many digits")
NUMBER_TOO_LARGE = said("expr.number_too_large", "has a number that is too large")
DOUBLE_EQUALS = said("expr.double_equals", "uses '=='; compare with a single '='")
NOT_A_VALUE = said("expr.not_a_value", "has {found} where a value should be")
BARE_BOOLEAN = said("expr.bare_boolean", "uses '{name}'; write {name}()")
BARE_WORD = said("expr.bare_word", "has the word '{name}'; write ${{{name}}} to use a field's value")
UNKNOWN_FUNCTION = said("expr.unknown_function", "calls '{name}', which is not a known function")
WRONG_ARITY = said(
    "expr.wrong_arity",
    "calls {name}() with {n} values; it takes {takes}",
    one="calls {name}() with {n} values; it takes {takes}",  # the English has always said "1 values"; German says "1 Wert"
)
ARITY_RANGE = said("expr.arity_range", "{low} to {high}")
PATTERN_NOT_TEXT = said("expr.pattern_not_text", "must give regex() its pattern as text in quotes")
BAD_PATTERN = said("expr.bad_pattern", "has a regex() pattern that cannot be used: {reason}")
CHAIN_TOO_LONG = said("expr.chain_too_long", "is too long a chain of operations (more than {n})")
NOT_TEXT = said("expr.not_text", "must be text")
EMPTY = said("expr.empty", "is empty")
NOT_AT_END = said("expr.not_at_end", "has {found} where it should end")
# What was found at a place (the {found} above).
FOUND_END = said("expr.found.end", "nothing more")
FOUND_WORD = said("expr.found.word", "the word '{word}'")
FOUND_SYMBOL = said("expr.found.symbol", "'{symbol}'")

# name -> (minimum, maximum) number of arguments
FUNCTIONS: dict[str, tuple[int, int]] = {
    "not": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "concat": (1, 100),
    "if": (3, 3),
    "coalesce": (2, 2),
    "round": (1, 2),
    "int": (1, 1),
    "number": (1, 1),
    "string": (1, 1),
    "today": (0, 0),
    "now": (0, 0),
    "date": (1, 1),
    "regex": (2, 2),
    "contains": (2, 2),
    "starts-with": (2, 2),
    # ODK's library beyond the core (store/formdef/functions.py)
    "floor": (1, 1), "ceiling": (1, 1), "abs": (1, 1), "sqrt": (1, 1), "pow": (2, 2), "pi": (0, 0),
    "min": (1, 100), "max": (1, 100), "sum": (1, 100), "join": (2, 100),
    "substr": (2, 3), "substring-before": (2, 2), "substring-after": (2, 2), "normalize-space": (1, 1),
    "translate": (3, 3), "ends-with": (2, 2), "selected-at": (2, 2),
    "boolean": (1, 1), "boolean-from-string": (1, 1), "uuid": (0, 0), "once": (1, 1),
    "date-time": (1, 1), "decimal-date-time": (1, 1), "format-date": (2, 2), "format-date-time": (2, 2),
    "digest": (2, 3), "area": (1, 1), "distance": (1, 1),
    "count": (1, 1), "position": (0, 0), "indexed-repeat": (3, 9),
}  # fmt: skip
BINARY_POWER = {"or": 1, "and": 2, "=": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "div": 6, "mod": 6}
REF_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<number>\d+(?:\.\d*)?|\.\d+)
    |(?P<ref>\$\{(?P<refname>[^}]*)\})
    |(?P<string>'[^']*'|"[^"]*")
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z][A-Za-z0-9_]*)*)
    |(?P<op>!=|<=|>=|[=<>+\-*(),.])""",
    re.VERBOSE,
)


class ExpressionError(ValidationError):
    """An expression that cannot be read or evaluated; ``position`` is a 1-based character index."""

    def __init__(self, message: str, position: int | None = None) -> None:
        self.position = position
        self.detail = message  # what completes "The expression ...", a Text where the store says it
        if position is None:
            super().__init__(EXPRESSION_ERROR(message=message))
        else:
            super().__init__(EXPRESSION_ERROR_AT(message=message, position=str(position)))




@dataclass(frozen=True)
class Expr:
    """A node of a parsed expression; ``depth`` is the height of its subtree."""

    depth: int = field(default=1, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Number(Expr):
    value: int | float


@dataclass(frozen=True)
class String(Expr):
    value: str


@dataclass(frozen=True)
class Ref(Expr):
    name: str


@dataclass(frozen=True)
class Current(Expr):
    pass


@dataclass(frozen=True)
class Column(Expr):
    """A bare word in a choice_filter: the column of that name of the choice being filtered."""

    name: str


@dataclass(frozen=True)
class Call(Expr):
    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Unary(Expr):
    op: str
    operand: Expr


@dataclass(frozen=True)
class Binary(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    pos: int  # 1-based


def tokenize(text: str) -> list[_Token]:
    """The tokens of ``text`` (spaces dropped), ending with an ``end`` token."""
    if len(text) > MAX_CHARS:
        raise ExpressionError(TOO_LONG(limit=str(MAX_CHARS)))
    tokens = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            bad = text[pos]
            if bad == "$":
                raise ExpressionError(LONE_DOLLAR(), pos + 1)
            if bad in "'\"":
                raise ExpressionError(OPEN_QUOTE(), pos + 1)
            raise ExpressionError(BAD_CHARACTER(char=bad), pos + 1)
        kind = match.lastgroup if match.lastgroup != "refname" else "ref"
        assert kind is not None
        if kind != "space":
            value = match["refname"] if kind == "ref" else match.group()
            if kind == "ref" and not REF_NAME.fullmatch(value):
                raise ExpressionError(BAD_REFERENCE(name=value), pos + 1)
            tokens.append(_Token(kind, value, pos + 1))
        pos = match.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text: str, columns: bool = False) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.nesting = 0
        self.columns = columns

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text or token.kind not in ("op", "name"):
            raise ExpressionError(EXPECTS(wanted=text, found=_describe(token)), token.pos)

    def nest(self, token: _Token) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise ExpressionError(NESTED_TOO_DEEPLY(n=MAX_NESTING), token.pos)

    def expression(self, min_power: int = 0) -> Expr:
        left = self.unary()
        while True:
            token = self.peek()
            op = token.text if token.kind in ("op", "name") else ""
            power = BINARY_POWER.get(op)
            if power is None or power <= min_power:
                return left
            self.take()
            right = self.expression(power)
            left = _node(Binary(op, left, right, depth=max(left.depth, right.depth) + 1), token)

    def unary(self) -> Expr:
        token = self.peek()
        if token.kind == "op" and token.text == "-":
            self.take()
            self.nest(token)
            operand = self.unary()
            self.nesting -= 1
            return _node(Unary("-", operand, depth=operand.depth + 1), token)
        return self.primary()

    def primary(self) -> Expr:
        token = self.take()
        if token.kind == "number":
            if len(token.text) > 40:
                raise ExpressionError(TOO_MANY_DIGITS(), token.pos)
            value: int | float = float(token.text) if "." in token.text else int(token.text)
            if value > MAX_LITERAL:
                raise ExpressionError(NUMBER_TOO_LARGE(), token.pos)
            return Number(value)
        if token.kind == "string":
            return String(token.text[1:-1])
        if token.kind == "ref":
            return Ref(token.text)
        if token.kind == "op" and token.text == ".":
            return Current()
        if token.kind == "op" and token.text == "(":
            self.nest(token)
            inner = self.expression()
            self.expect(")")
            self.nesting -= 1
            return inner
        if token.kind == "name":
            return self.call(token)
        if token.text == "=" and self.tokens[self.index - 2].text == "=":
            raise ExpressionError(DOUBLE_EQUALS(), token.pos - 1)
        raise ExpressionError(NOT_A_VALUE(found=_describe(token)), token.pos)

    def call(self, token: _Token) -> Expr:
        name = token.text
        if self.peek().text != "(":
            if name in ("true", "false"):
                raise ExpressionError(BARE_BOOLEAN(name=name), token.pos)
            if self.columns:
                return Column(name)
            raise ExpressionError(BARE_WORD(name=name), token.pos)
        if name not in FUNCTIONS:
            raise ExpressionError(UNKNOWN_FUNCTION(name=name), token.pos)
        self.take()
        self.nest(token)
        args: list[Expr] = []
        if self.peek().text != ")":
            args.append(self.expression())
            while self.peek().text == "," and self.peek().kind == "op":
                self.take()
                args.append(self.expression())
        self.expect(")")
        self.nesting -= 1
        low, high = FUNCTIONS[name]
        if not low <= len(args) <= high:
            takes: int | str = low if low == high else ARITY_RANGE(low=low, high=high)
            raise ExpressionError(WRONG_ARITY(name=name, n=len(args), takes=takes), token.pos)
        if name == "regex":
            pattern = args[1]
            if not isinstance(pattern, String):
                raise ExpressionError(PATTERN_NOT_TEXT(), token.pos)
            try:
                compile_pattern(pattern.value)
            except RegexError as exc:
                raise ExpressionError(BAD_PATTERN(reason=texts.of(exc)), token.pos) from None
        depth = max((a.depth for a in args), default=0) + 1
        return _node(Call(name, tuple(args), depth=depth), token)


def _node(node: Expr, token: _Token) -> Expr:
    if node.depth > MAX_TREE_DEPTH:
        raise ExpressionError(CHAIN_TOO_LONG(n=MAX_TREE_DEPTH), token.pos)
    return node


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return FOUND_END()
    if token.kind == "name":
        return FOUND_WORD(word=token.text)
    return FOUND_SYMBOL(symbol=token.text)


def parse(text: str, *, columns: bool = False) -> Expr:
    """Parse ``text``; ``ExpressionError`` with the character position of the first mistake.

    With ``columns`` (a choice_filter), a bare word is a ``Column`` of the choice being filtered
    (``state = ${state}``, ``selected(${kinds}, name)``) instead of a mistake."""
    if not isinstance(text, str):
        raise ExpressionError(NOT_TEXT())
    parser = _Parser(text, columns)
    if parser.peek().kind == "end":
        raise ExpressionError(EMPTY())
    tree = parser.expression()
    rest = parser.peek()
    if rest.kind != "end":
        raise ExpressionError(NOT_AT_END(found=_describe(rest)), rest.pos)
    return tree
