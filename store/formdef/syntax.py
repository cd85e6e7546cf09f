"""Reading expression text into a syntax tree (see ``expr`` for the language).

The tokenizer and the recursive-descent parser enforce every limit while reading, before any
tree is built that could be too deep to walk: at most 2000 characters, parentheses, calls and
unary minus nested at most 40 deep, a syntax tree at most 100 deep (long operator chains),
number literals at most 10**15, and ``regex`` patterns given as literal text that compile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from store.core.errors import ValidationError
from store.formdef.saferegex import RegexError, compile_pattern

MAX_CHARS = 2_000
MAX_NESTING = 40
MAX_TREE_DEPTH = 100
MAX_LITERAL = 10**15

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
}
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
        self.detail = message
        where = f" (at character {position})" if position is not None else ""
        super().__init__(f"The expression {message}{where}.")


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
        raise ExpressionError(f"is longer than {MAX_CHARS} characters")
    tokens = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            bad = text[pos]
            if bad == "$":
                raise ExpressionError("has a '$' that does not start a reference like ${name}", pos + 1)
            if bad in "'\"":
                raise ExpressionError("has a text in quotes that is never closed", pos + 1)
            raise ExpressionError(f"has a character that is not allowed: {bad!r}", pos + 1)
        kind = match.lastgroup if match.lastgroup != "refname" else "ref"
        assert kind is not None
        if kind != "space":
            value = match["refname"] if kind == "ref" else match.group()
            if kind == "ref" and not REF_NAME.fullmatch(value):
                raise ExpressionError(f"refers to '${{{value}}}', which is not a valid field name", pos + 1)
            tokens.append(_Token(kind, value, pos + 1))
        pos = match.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.nesting = 0

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text or token.kind not in ("op", "name"):
            raise ExpressionError(f"expects '{text}' but has {_describe(token)}", token.pos)

    def nest(self, token: _Token) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise ExpressionError(f"is nested more than {MAX_NESTING} levels deep", token.pos)

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
                raise ExpressionError("has a number with too many digits", token.pos)
            value: int | float = float(token.text) if "." in token.text else int(token.text)
            if value > MAX_LITERAL:
                raise ExpressionError("has a number that is too large", token.pos)
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
            raise ExpressionError("uses '=='; compare with a single '='", token.pos - 1)
        raise ExpressionError(f"has {_describe(token)} where a value should be", token.pos)

    def call(self, token: _Token) -> Expr:
        name = token.text
        if self.peek().text != "(":
            if name in ("true", "false"):
                raise ExpressionError(f"uses '{name}'; write {name}()", token.pos)
            raise ExpressionError(f"has the word '{name}'; write ${{{name}}} to use a field's value", token.pos)
        if name not in FUNCTIONS:
            raise ExpressionError(f"calls '{name}', which is not a known function", token.pos)
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
            wanted = str(low) if low == high else f"{low} to {high}"
            raise ExpressionError(f"calls {name}() with {len(args)} values; it takes {wanted}", token.pos)
        if name == "regex":
            pattern = args[1]
            if not isinstance(pattern, String):
                raise ExpressionError("must give regex() its pattern as text in quotes", token.pos)
            try:
                compile_pattern(pattern.value)
            except RegexError as exc:
                raise ExpressionError(f"has a regex() pattern that cannot be used: {exc}", token.pos) from None
        depth = max((a.depth for a in args), default=0) + 1
        return _node(Call(name, tuple(args), depth=depth), token)


def _node(node: Expr, token: _Token) -> Expr:
    if node.depth > MAX_TREE_DEPTH:
        raise ExpressionError(f"is too long a chain of operations (more than {MAX_TREE_DEPTH})", token.pos)
    return node


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return "nothing more"
    if token.kind == "name":
        return f"the word '{token.text}'"
    return f"'{token.text}'"


def parse(text: str) -> Expr:
    """Parse ``text``; ``ExpressionError`` with the character position of the first mistake."""
    if not isinstance(text, str):
        raise ExpressionError("must be text")
    parser = _Parser(text)
    if parser.peek().kind == "end":
        raise ExpressionError("is empty")
    tree = parser.expression()
    rest = parser.peek()
    if rest.kind != "end":
        raise ExpressionError(f"has {_describe(rest)} where it should end", rest.pos)
    return tree
