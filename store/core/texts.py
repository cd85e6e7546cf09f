"""Sentences for people, said in the store and worded at the edge in the reader's language.

The store knows what happened (``import.nothing`` with ``problems=3, rows=120``), not who reads
it. A ``Text`` is a ``str`` — the English sentence, which is what the command line, logs and
report files show — that also carries its ``key`` and ``args``, so that ``app`` can say it in
German from its own tables (``app/i18n/said/``). Every key is declared once here with
``said(key, english)``; a test checks that each has a German sentence with the same fields.

Arguments are kept as they were given and formatted for the language when worded: whole numbers
grouped (``1,250`` / ``1.250``), other numbers with the language's decimal symbol, a ``Text``
worded in the same language, a list joined (names by commas, ``Text``s by semicolons). A ``Text`` survives a trip through JSON (``encode``/``decode``), so
a job's error in the ledger is said in German on the Jobs page and in English by the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

ENGLISH: dict[str, tuple[str, str | None]] = {}  # key -> (sentence, sentence for n == 1)
_MARK = "fbtext"


class Text(str):
    """An English sentence that knows its key and arguments (see the module docstring)."""

    key: str
    args: Mapping[str, Any]

    def __new__(cls, key: str, args: Mapping[str, Any]) -> Text:
        obj = super().__new__(cls, word(key, args, "en"))
        obj.key = key
        obj.args = dict(args)
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (self.key, self.args))


class Said:
    """The maker of one declared sentence: ``NAME_TAKEN(name="Birds")`` is a ``Text``."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __call__(self, **args: Any) -> Text:
        return Text(self.key, args)

    def of(self, value: object) -> bool:
        """Whether ``value`` is this sentence (a ``Text`` with this key)."""
        return isinstance(value, Text) and value.key == self.key


def said(key: str, english: str, *, one: str | None = None) -> Said:
    """Declare the sentence ``key`` (``one`` is its form for ``n == 1``) and return its maker."""
    if key in ENGLISH and ENGLISH[key] != (english, one):
        raise ValueError(f"the text {key!r} is declared twice with different sentences")
    ENGLISH[key] = (english, one)
    return Said(key)


Forms = Callable[[str], "tuple[str, str | None] | None"]  # key -> (sentence, form for n == 1), None if unknown


def _english_forms(key: str) -> tuple[str, str | None] | None:
    return ENGLISH.get(key)


def word(key: str, args: Mapping[str, Any], lang: str, forms: Forms = _english_forms) -> str:
    """The sentence ``key`` for ``args`` in ``lang``, from ``forms`` (English where it has none)."""
    found = forms(key) or ENGLISH[key]
    sentence = found[1] if found[1] is not None and args.get("n") == 1 else found[0]
    return sentence.format(**{name: _argument(value, lang, forms) for name, value in args.items()})


def _argument(value: Any, lang: str, forms: Forms) -> str:
    from store.core.locale import format_count, format_number

    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return format_count(value, lang)
    if isinstance(value, float):
        return format_number(value, lang)
    if isinstance(value, Text):
        return word(value.key, value.args, lang, forms)
    if isinstance(value, (list, tuple)):  # names by commas; sentences (which have commas) by semicolons
        separator = "; " if any(isinstance(v, Text) for v in value) else ", "
        return separator.join(_argument(v, lang, forms) for v in value)
    return str(value)


def of(error: BaseException) -> str:
    """What ``error`` says: its ``Text`` (so it can be worded in another language), else its words."""
    return next((a for a in error.args if isinstance(a, Text)), None) or str(error)


def encode(value: str | None) -> str | None:
    """``value`` for a text column: a ``Text`` as JSON that ``decode`` turns back into one."""
    if not isinstance(value, Text):
        return value
    return json.dumps({_MARK: 1, "key": value.key, "args": _plain(value.args), "en": str(value)}, ensure_ascii=False)


def decode(value: str | None) -> str | None:
    """What ``encode`` stored: a ``Text`` again, or the plain string it was (older rows)."""
    if not value or not value.startswith('{"' + _MARK):
        return value
    try:
        data = json.loads(value)
    except ValueError:
        return value
    try:
        return _revive(data)
    except Exception:  # noqa: BLE001 (arguments a later version words differently: its English words)
        english = data.get("en") if isinstance(data, dict) else None
        return english if isinstance(english, str) else value


def _plain(args: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in args.items():
        if isinstance(value, Text):
            out[name] = {_MARK: 1, "key": value.key, "args": _plain(value.args), "en": str(value)}
        elif isinstance(value, (int, float, str, bool)) or value is None:
            out[name] = value
        elif isinstance(value, (list, tuple)):
            out[name] = [_plain({"v": v})["v"] for v in value]
        else:
            out[name] = str(value)
    return out


def _revived(value: Any) -> Any:
    if isinstance(value, dict) and _MARK in value:
        return _revive(value)
    if isinstance(value, list):
        return [_revived(v) for v in value]
    return value


def _revive(data: dict[str, Any]) -> str:
    if data["key"] not in ENGLISH:  # a text this version no longer declares: its English words
        return str(data["en"])
    args = {name: _revived(v) for name, v in data["args"].items()}
    return Text(data["key"], args)
