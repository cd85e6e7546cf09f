"""Language columns of an XLSForm (``label::English (en)``) → language codes.

A code in brackets wins; else a code as written (``de``, ``EN``); else a language's name in
English or in itself (``Swahili``, ``Kiswahili``, ``العربية``), as Babel knows them, where the
name means one language. A name nobody knows is kept as written (the importer warns).
"""

from __future__ import annotations

import functools
import re

LANGUAGES = {
    "english": "en",
    "german": "de",
    "deutsch": "de",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "spanish": "es",
    "español": "es",
}


def language_code(name: str) -> tuple[str, bool]:
    """The code for a language column suffix and whether it was known: ``English (en)`` → ``en``;
    a code in any case (``EN``); a language's name in English or in itself (``Swahili``,
    ``Kiswahili``, ``العربية``), as Babel knows them, where the name means one language."""
    text = name.strip()
    bracket = re.search(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\)\s*$", text)
    if bracket:
        return bracket[1].lower(), True
    if text.lower() in LANGUAGES:
        return LANGUAGES[text.lower()], True
    if re.fullmatch(r"[a-z]{2,3}", text):
        return text, True
    english = _language_names()
    if re.fullmatch(r"[A-Za-z]{2,3}", text) and text.lower() in english.values():
        return text.lower(), True
    found = english.get(text.casefold()) or _native_names().get(text.casefold())
    return (found, True) if found else (text, False)


@functools.cache
def _language_names() -> dict[str, str]:
    """Babel's English names of languages (casefolded) → code, without names that mean two."""
    from babel import Locale

    by_name: dict[str, str] = {}
    twice: set[str] = set()
    for code, title in Locale("en").languages.items():
        key = title.casefold()
        if key in by_name and by_name[key] != code:
            twice.add(key)
        by_name.setdefault(key, code)
    return {k: v for k, v in by_name.items() if k not in twice}


@functools.cache
def _native_names() -> dict[str, str]:
    """Each language's name in itself (``Deutsch``, ``Kiswahili``) → code; read once, on first need
    (≈ 1 s: every locale's data)."""
    from babel import Locale, localedata

    out: dict[str, str] = {}
    for code in localedata.locale_identifiers():
        if "_" in code:
            continue
        try:
            title = Locale.parse(code).get_display_name(code)
        except (ValueError, LookupError):
            continue
        if title:
            out.setdefault(title.casefold(), code)
    return out
