"""The store's sentences in German: ``store.core.texts`` declares each key with its English.

A table per area (``tables.py``, ``formdef.py``) maps key -> German sentence, or -> (sentence,
sentence for n == 1) where the English has a form for one. Fields in braces are the same as in
the English; ``tests/unit/test_said.py`` checks every declared key against these tables.
"""

from __future__ import annotations

from collections.abc import Callable

from app.i18n.said import formdef, tables

GERMAN: dict[str, str | tuple[str, str]] = {}
for _table in (tables.GERMAN, formdef.GERMAN):
    _clash = set(_table) & set(GERMAN)
    if _clash:
        raise RuntimeError(f"German store texts defined twice: {sorted(_clash)}")
    GERMAN.update(_table)


def forms(lang: str) -> Callable[[str], tuple[str, str | None] | None]:
    """The ``forms`` lookup ``store.core.texts.word`` takes for ``lang`` (None: use English)."""

    def lookup(key: str) -> tuple[str, str | None] | None:
        if lang != "de" or key not in GERMAN:
            return None
        entry = GERMAN[key]
        return (entry[0], entry[1]) if isinstance(entry, tuple) else (entry, None)

    return lookup
