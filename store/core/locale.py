"""Numbers, dates and times as each language writes them (Babel's locale data).

Fieldbook speaks German and English; ``LOCALES`` says which of Babel's locales each one means.
Everything a person reads goes through here, so that a German table shows ``41,5`` and
``07.12.2026, 10:35`` while the machine text of exports stays ``41.5`` and ISO 8601.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

LOCALES = {"de": "de_DE", "en": "en_US"}


def locale_of(lang: str) -> str:
    return LOCALES.get(lang, "en_US")


def number_text(value: float) -> str:
    """A number as machines write it: ``12`` for 12.0, ``12.5``, never an exponent for everyday sizes."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e16):
        return str(int(value))
    return repr(value)


@functools.cache
def symbols(lang: str) -> tuple[str, str]:
    """(decimal symbol, group symbol) of ``lang``."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_decimal_symbol(locale_of(lang)), get_group_symbol(locale_of(lang))


def format_number(value: int | float, lang: str) -> str:
    """``value`` in ``lang`` without grouping (nothing to misread, and what a number field reads
    back): the language's decimal symbol, every digit kept (``12,5`` in German)."""
    decimal, _ = symbols(lang)
    text = number_text(value)
    if "e" in text or "E" in text:  # 1e-05, 1e+16: written out
        text = format(Decimal(text), "f")
    return text.replace(".", decimal)


def format_fixed(value: float, digits: int, lang: str) -> str:
    """``value`` with exactly ``digits`` decimals in ``lang`` (``1,5`` / ``1.5``; sizes: ``1,0 MB``)."""
    return f"{value:.{digits}f}".replace(".", symbols(lang)[0])


def format_size(n: int, lang: str) -> str:
    """A file's size in ``lang``: ``512 B``, ``5,6 KB``, ``1,0 MB``, ``1,25 GB`` in German."""
    if n < 1024:
        return f"{format_count(n, lang)} B"
    if n < 1_048_576:
        return f"{format_fixed(n / 1024, 1, lang)} KB"
    if n < 1_073_741_824:
        return f"{format_fixed(n / 1_048_576, 1, lang)} MB"
    return f"{format_fixed(n / 1_073_741_824, 2, lang)} GB"


def format_count(n: int, lang: str) -> str:
    """A count as the language groups it: 5,003 in English, 5.003 in German."""
    from babel.numbers import format_decimal

    return str(format_decimal(n, locale=locale_of(lang)))


def format_percent(fraction: float, lang: str) -> str:
    """``0.42`` as ``42%`` in English, ``42 %`` in German."""
    from babel.numbers import format_percent as babel_percent

    return str(babel_percent(round(fraction, 2), locale=locale_of(lang)))


def format_geopoint(value: dict[str, object], lang: str) -> str:
    """A location in ``lang``: its numbers in the language's decimal symbol, separated by "; "
    where that symbol is a comma, else by ", "."""
    parts = [value.get("lat"), value.get("lon")] + ([value["accuracy"]] if value.get("accuracy") is not None else [])
    numbers = [format_number(p, lang) for p in parts if isinstance(p, (int, float))]
    return ("; " if symbols(lang)[0] == "," else ", ").join(numbers)


def format_date(day: dt.date, lang: str) -> str:
    """``07.12.2026`` in German, ``Dec 7, 2026`` in English: no day and month to mix up."""
    from babel.dates import format_date as babel_date

    return str(babel_date(day, "medium", locale=locale_of(lang)))


def format_time(moment: dt.time | dt.datetime, lang: str, *, seconds: bool = False) -> str:
    from babel.dates import format_time as babel_time

    return str(babel_time(moment, "medium" if seconds else "short", locale=locale_of(lang)))


def format_moment(moment: dt.datetime, lang: str, *, seconds: bool = False) -> str:
    """A point in time in the computer's time zone: ``07.12.2026, 10:35`` / ``Dec 7, 2026, 10:35 AM``."""
    local = moment.astimezone() if moment.tzinfo else moment
    return f"{format_date(local.date(), lang)}, {format_time(local, lang, seconds=seconds)}"


def date_input_format(lang: str) -> str:
    """The ``format`` Streamlit's date input takes for ``lang`` (it knows only digits)."""
    return "DD.MM.YYYY" if lang == "de" else "MM/DD/YYYY"
