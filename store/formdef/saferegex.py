"""Regular expressions that cannot hang: ``regex()`` in form expressions runs on this.

Python's ``re`` backtracks, so patterns like ``(a+)+$`` or ``(\\w+\\s?)*$`` take exponential time
on a slightly wrong input, and ``re`` has no timeout. Rejecting "nested quantifiers" by
inspection misses polynomial cases (``\\d*\\d*\\d*\\d*x``) and refuses harmless patterns, so
instead the pattern is parsed with Python's own parser (``re._parser``; private, pinned by
``requires-python``) and run on a small Thompson NFA without backtracking: time is at most
proportional to ``len(program) * len(text)``, and both are capped.

Supported: literals, ``.``, classes (``[a-z]``, ``[^...]``, ``\\d \\w \\s`` and negations),
groups, alternation, every quantifier (greedy or lazy, which does not matter for a yes/no
answer), anchors ``^ $ \\A \\Z \\b \\B``. Refused with a plain message: back-references,
look-around, conditionals, atomic groups, possessive quantifiers, inline flags such as ``(?i)``.
Matching follows ODK's ``regex()``: true when the pattern matches *somewhere* in the text, so
anchor it with ``^...$`` to test the whole value.
"""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from store.core.texts import said

MAX_PATTERN_CHARS = 500
MAX_PROGRAM = 1_000
# A repeat count is checked before anything is done with it: ``(){4294967294}`` once looped four
# billion times here (its empty body never grows the program), hanging every device that pulled a
# form with it. And every compile step counts against a budget, so nested empty repeats
# (``((){999}){999}``) end too.
MAX_REPEAT = 1_000
MAX_COMPILE_STEPS = 100_000
# Upper bound on steps of one search (program size x text length): about a second of work at
# worst, milliseconds for ordinary patterns.
MAX_WORK = 1_000_000

# Why a pattern cannot be used, in words for the person who wrote it (``regex()`` in a form).
CLASS_FEATURE = said("regex.class_feature", "the pattern uses a character class feature that is not supported")
TOO_COMPLEX = said("regex.too_complex", "the pattern is too complex")
INLINE_FLAGS = said("regex.inline_flags", "flags inside the pattern, such as (?i), are not supported")
LOOK_AROUND = said("regex.look_around", "back-references, look-ahead and look-behind are not supported in patterns")
REPEATS_TOO_OFTEN = said("regex.repeats_too_often", "the pattern repeats something more than {n} times")
PATTERN_TOO_LONG = said("regex.pattern_too_long", "the pattern is longer than {n} characters")
NOT_A_PATTERN = said("regex.not_a_pattern", "the pattern is not a valid regular expression ({reason})")
NESTED_TOO_DEEPLY = said("regex.nested_too_deeply", "the pattern is nested too deeply")
ANCHOR = said("regex.anchor", "the pattern uses an anchor that is not supported")
TEXT_TOO_LONG = said("regex.text_too_long", "the text is too long to check against this pattern")

_CHAR, _SPLIT, _JMP, _ASSERT, _MATCH = range(5)
Instr = tuple[Any, ...]


class RegexError(ValueError):
    """A pattern that cannot be used; the message says why in plain words."""


@dataclass(frozen=True)
class Program:
    pattern: str
    code: tuple[Instr, ...]


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


_CATEGORIES: dict[Any, Callable[[str], bool]] = {
    sre.CATEGORY_DIGIT: str.isdecimal,
    sre.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdecimal(),
    sre.CATEGORY_SPACE: str.isspace,
    sre.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
    sre.CATEGORY_WORD: _is_word,
    sre.CATEGORY_NOT_WORD: lambda ch: not _is_word(ch),
}


def _class(items: list[Any]) -> Callable[[str], bool]:
    negate = False
    tests: list[Callable[[str], bool]] = []
    chars: set[str] = set()
    for op, av in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE:
            tests.append(_in_range(*av))
        elif op is sre.CATEGORY and av in _CATEGORIES:
            tests.append(_CATEGORIES[av])
        else:
            raise RegexError(CLASS_FEATURE())

    def test(ch: str) -> bool:
        return (ch in chars or any(t(ch) for t in tests)) != negate

    return test


def _equals(char: str, wanted: bool) -> Callable[[str], bool]:
    return lambda ch: (ch == char) == wanted


def _in_range(lo: int, hi: int) -> Callable[[str], bool]:
    return lambda ch: lo <= ord(ch) <= hi


class _Budget:
    def __init__(self) -> None:
        self.steps = 0

    def spend(self, prog: list[Instr]) -> None:
        self.steps += 1
        if self.steps > MAX_COMPILE_STEPS or len(prog) > MAX_PROGRAM:
            raise RegexError(TOO_COMPLEX())


def _emit(items: Any, prog: list[Instr], budget: _Budget) -> None:
    for op, av in items:
        budget.spend(prog)
        if op is sre.LITERAL:
            prog.append((_CHAR, _equals(chr(av), True)))
        elif op is sre.NOT_LITERAL:
            prog.append((_CHAR, _equals(chr(av), False)))
        elif op is sre.ANY:
            prog.append((_CHAR, lambda ch: ch != "\n"))
        elif op is sre.IN:
            prog.append((_CHAR, _class(av)))
        elif op is sre.AT:
            prog.append((_ASSERT, av))
        elif op is sre.SUBPATTERN:
            _group, add_flags, del_flags, body = av
            if add_flags or del_flags:
                raise RegexError(INLINE_FLAGS())
            _emit(body, prog, budget)
        elif op is sre.BRANCH:
            _emit_branch(av[1], prog, budget)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            _emit_repeat(av, prog, budget)
        else:
            raise RegexError(LOOK_AROUND())


def _emit_branch(alternatives: list[Any], prog: list[Instr], budget: _Budget) -> None:
    jumps = []
    for alt in alternatives[:-1]:
        split = len(prog)
        prog.append(())
        _emit(alt, prog, budget)
        jumps.append(len(prog))
        prog.append(())
        prog[split] = (_SPLIT, split + 1, len(prog))
    _emit(alternatives[-1], prog, budget)
    for jump in jumps:
        prog[jump] = (_JMP, len(prog))


def _emit_repeat(av: Any, prog: list[Instr], budget: _Budget) -> None:
    low, high, body = av
    if low > MAX_REPEAT or (high is not sre.MAXREPEAT and high > MAX_REPEAT):
        raise RegexError(REPEATS_TOO_OFTEN(n=MAX_REPEAT))
    for _ in range(low):
        budget.spend(prog)
        _emit(body, prog, budget)
    if high is sre.MAXREPEAT:
        loop = len(prog)
        prog.append(())
        _emit(body, prog, budget)
        prog.append((_JMP, loop))
        prog[loop] = (_SPLIT, loop + 1, len(prog))
        return
    for _ in range(high - low):
        budget.spend(prog)
        split = len(prog)
        prog.append(())
        _emit(body, prog, budget)
        prog[split] = (_SPLIT, split + 1, len(prog))


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Program:
    """Compile ``pattern``; ``RegexError`` (plain message) if it is invalid or unsupported."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise RegexError(PATTERN_TOO_LONG(n=MAX_PATTERN_CHARS))
    try:
        parsed = sre_parse.parse(pattern, 0)
    except re.error as exc:
        raise RegexError(NOT_A_PATTERN(reason=exc.msg)) from None
    except OverflowError:  # a repeat count beyond what re can hold (a{4294967296})
        raise RegexError(REPEATS_TOO_OFTEN(n=MAX_REPEAT)) from None
    except RecursionError:
        raise RegexError(NESTED_TOO_DEEPLY()) from None
    if parsed.state.flags & ~re.UNICODE:
        raise RegexError(INLINE_FLAGS())
    prog: list[Instr] = []
    _emit(parsed, prog, _Budget())
    prog.append((_MATCH,))
    if len(prog) > MAX_PROGRAM:
        raise RegexError(TOO_COMPLEX())
    return Program(pattern, tuple(prog))


def _holds(kind: Any, text: str, pos: int) -> bool:
    if kind in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING):
        return pos == 0
    if kind is sre.AT_END:
        return pos == len(text) or (pos == len(text) - 1 and text[-1] == "\n")
    if kind is sre.AT_END_STRING:
        return pos == len(text)
    before = pos > 0 and _is_word(text[pos - 1])
    after = pos < len(text) and _is_word(text[pos])
    if kind is sre.AT_BOUNDARY:
        return before != after
    if kind is sre.AT_NON_BOUNDARY:
        return before == after
    raise RegexError(ANCHOR())


def search(program: Program, text: str) -> bool:
    """True when the pattern matches somewhere in ``text``.

    ``RegexError`` when the text is too long for this pattern to check within the work limit.
    """
    code = program.code
    if len(code) * (len(text) + 1) > MAX_WORK:
        raise RegexError(TEXT_TOO_LONG())

    def add(threads: list[int], seen: set[int], start: int, pos: int) -> bool:
        # Follows the jumps, splits and anchors from ``start``; True when a match is reached.
        stack = [start]
        while stack:
            pc = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            instr = code[pc]
            kind = instr[0]
            if kind == _CHAR:
                threads.append(pc)
            elif kind == _JMP:
                stack.append(instr[1])
            elif kind == _SPLIT:
                stack.extend((instr[2], instr[1]))
            elif kind == _ASSERT:
                if _holds(instr[1], text, pos):
                    stack.append(pc + 1)
            else:
                return True
        return False

    threads: list[int] = []
    if add(threads, set(), 0, 0):
        return True
    for index, ch in enumerate(text):
        following: list[int] = []
        seen: set[int] = set()
        for pc in threads:
            if code[pc][1](ch) and add(following, seen, pc + 1, index + 1):
                return True
        if add(following, seen, 0, index + 1):
            return True
        threads = following
    return False
