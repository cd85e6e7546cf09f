"""Text from data shown on a terminal: never a control sequence (issue 20, item 12).

A project name or a record value holding ``ESC ] 0 ; … BEL`` or ``ESC [ 2 J`` would retitle,
clear or rewrite the terminal of whoever lists it with the CLI; a text-direction override
(U+202E) makes a line read differently from what it is. Names refuse such characters
(``has_control``); whatever else reaches the CLI's output is escaped on the way out
(``visible``: ``\\x1b``), so a value is shown, never run. Line breaks and tabs stay.
"""

from __future__ import annotations

import io
import re
from typing import Any

_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_CONTROL = [c for c in range(0x20) if c not in (0x09, 0x0A)] + [0x7F, *range(0x80, 0xA0)]
_ESCAPES = {c: f"\\x{c:02x}" for c in _CONTROL} | {c: f"\\u{c:04x}" for c in _BIDI}
_ANY = re.compile("[" + "".join(re.escape(chr(c)) for c in _ESCAPES) + "\t\n]")


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character, a line break, a tab or a direction override."""
    return _ANY.search(text) is not None


def visible(text: str) -> str:
    """``text`` with every control character but line breaks and tabs written as an escape."""
    return text.translate(_ESCAPES)


class VisibleWriter(io.TextIOBase):
    """A text stream that escapes control characters before they reach ``target``."""

    def __init__(self, target: Any) -> None:
        self.target = target

    @classmethod
    def around(cls, target: Any) -> Any:
        """``target`` wrapped once (a frozen windowed app has no stream at all: None stays None)."""
        return target if target is None or isinstance(target, cls) else cls(target)

    def write(self, text: str) -> int:
        self.target.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return bool(self.target.isatty())

    def fileno(self) -> int:
        return int(self.target.fileno())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(self.target.encoding)
