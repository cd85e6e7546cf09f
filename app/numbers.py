"""Numbers as people write them: read in the user's language, shown in it, never reinterpreted.

A number field is a text field (``app.widgets.s_number``): the browser's number input drops what
it does not understand, so ``12,5`` typed in German became 125. Here the language's own symbols
(from Babel's locale data) decide:

- the language's decimal symbol always (``12,5`` in German, ``12.5`` in English), and a decimal
  point in every language (``12.5`` in German too) — except where the point is the language's
  grouping and three digits follow it (``1.000`` in German is one thousand, as written on paper);
- grouping only in groups of three, with the language's group symbol or a space (``1.000,25``,
  ``1,000.25``, ``1 000``);
- a leading ``+``, ``-`` or ``−``; nothing else. Anything else is refused with a sentence
  (``NumberTextError``) and kept as typed by the caller — never a character dropped.
"""

from __future__ import annotations

import functools
import re

from store.core.locale import LOCALES, format_count, format_geopoint, format_number, symbols

__all__ = ["LOCALES", "format_count", "format_geopoint", "format_number", "parse_geopoint", "parse_number", "symbols"]

SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space: groups in many languages


class NumberTextError(ValueError):
    """Text that is not a number as written in the language: ``key`` names the sentence (app
    i18n) and ``example`` shows how to write one."""

    def __init__(self, key: str, text: str, example: str) -> None:
        super().__init__(f"{text!r} is not a number ({key})")
        self.key = key
        self.text = text
        self.example = example


def example(lang: str, integer: bool = False) -> str:
    decimal, _ = symbols(lang)
    return "12" if integer else f"12{decimal}5"


def _pattern(decimal: str, group: str) -> re.Pattern[str]:
    d, g = re.escape(decimal), "[" + re.escape(group + SPACES) + "]"
    plain = r"(?P<plain>\d+)"
    grouped = rf"(?P<grouped>[1-9]\d{{0,2}}(?:(?P<g>{g})\d{{3}})(?:(?P=g)\d{{3}})*)"
    # a decimal symbol with nothing after it is the number before it ("5," on the way to "5,5")
    return re.compile(rf"(?P<sign>[+\-\u2212]?)(?:{grouped}|{plain})?(?:{d}(?P<fraction>\d*))?")


@functools.cache
def _patterns(lang: str) -> tuple[re.Pattern[str], ...]:
    decimal, group = symbols(lang)
    found = [_pattern(decimal, group)]
    if decimal != ".":
        # a decimal point where the language writes a comma; then "." cannot also group
        found.append(_pattern(".", group.replace(".", "") or " "))
    return tuple(found)


def parse_number(text: str, lang: str, *, integer: bool = False) -> int | float | None:
    """The number ``text`` means in ``lang`` (None for empty text); ``NumberTextError`` if it is
    not one as written there, or not whole where ``integer``."""
    stripped = text.strip().strip(SPACES)
    if not stripped:
        return None
    for pattern in _patterns(lang):
        match = pattern.fullmatch(stripped)
        if match and (match["grouped"] or match["plain"] or match["fraction"]):
            break
    else:
        raise NumberTextError("number.not_a_number", text, example(lang, integer))
    whole = re.sub(r"\D", "", match["grouped"] or match["plain"] or "0")
    sign = "-" if match["sign"] in ("-", "\u2212") else ""
    fraction = match["fraction"] or ""
    if integer or not fraction:
        if fraction.strip("0"):
            raise NumberTextError("number.whole", text, example(lang, True))
        return int(sign + whole)  # exact, however many digits (no detour through a float)
    return float(f"{sign}{whole}.{fraction}")


# -- locations ---------------------------------------------------------------------------------
# A location is typed as "latitude, longitude[, accuracy in m]". Coordinates are never grouped
# (a latitude is at most 90), so each part takes one decimal symbol of either kind — "48.137" is
# 48.137 in German as well, never 48137 — and the parts are separated by a semicolon, a comma
# followed by a space, or spaces: "48,137; 11,575" and "48.137, 11.575" and "48,137 11,575" all
# mean the same place in every language. "48.137,11.575" (one comma, no space) is read too.

_COORDINATE = re.compile(r"(?P<sign>[+\-\u2212]?)(?P<whole>\d+)(?:[.,](?P<fraction>\d+))?")


class GeopointTextError(NumberTextError):
    """Text that is not a location; ``key`` names the sentence, ``example`` shows one."""


def location_example(lang: str) -> str:
    return format_geopoint({"lat": 48.1374, "lon": 11.5755, "accuracy": 5}, lang)


def _parts(text: str) -> tuple[list[str], bool] | None:
    """The parts of a location's text, and whether they were listed (";" or ", ": latitude,
    longitude[, accuracy]) or written as ODK writes them (spaces: latitude longitude [altitude]
    [accuracy] — there a third number is the altitude, which Fieldbook does not keep)."""
    if ";" in text:
        return re.split(r"\s*;\s*", text), True
    if re.search(r",\s", text):
        return re.split(r",\s+", text), True
    if re.search(r"\s", text):
        return text.split(), False
    if text.count(",") == 1 and "." in text:
        return text.split(","), True
    return None


def parse_geopoint(text: str, lang: str) -> dict[str, float | None] | None:
    """The location ``text`` means (None for empty text); ``GeopointTextError`` if it is not one."""
    stripped = text.strip().strip(SPACES)
    if not stripped:
        return None
    found = _parts(stripped)
    parts, listed = found if found is not None else ([], True)
    matches = [_COORDINATE.fullmatch(p) for p in parts]
    if found is None or len(parts) not in ((2, 3) if listed else (2, 3, 4)) or not all(matches):
        raise GeopointTextError("geopoint.not_a_location", text, location_example(lang))
    lat, lon, *rest = (
        float(("-" if m["sign"] in ("-", "\u2212") else "") + m["whole"] + "." + (m["fraction"] or "0")) for m in matches if m
    )
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GeopointTextError("geopoint.outside", text, location_example(lang))
    accuracy = (rest[0] if rest else None) if listed else (rest[1] if len(rest) == 2 else None)
    if accuracy is not None and accuracy < 0:
        raise GeopointTextError("geopoint.accuracy", text, location_example(lang))
    return {"lat": lat, "lon": lon, "accuracy": accuracy}


def parse_geoline(text: str, lang: str, kind: str) -> list[dict[str, float | None]] | None:
    """The points of a line (``geotrace``) or an outline (``geoshape``), one location per line of
    ``text`` as ``parse_geopoint`` reads it (None for empty text). ``GeopointTextError`` names the
    first line that is not a location, or says how many points are still missing. Kept for the
    same text: the editor reads a line of 5,000 points on every run."""
    points = _geoline(text, lang, kind)
    return None if points is None else list(points)  # the points are read, never changed (to_stored makes its own)


@functools.lru_cache(maxsize=16)  # a few lines on screen; each up to 5,000 points
def _geoline(text: str, lang: str, kind: str) -> tuple[dict[str, float | None], ...] | None:
    from store.formdef.geo import MIN_POINTS

    points = [parse_geopoint(line, lang) for line in text.splitlines() if line.strip(SPACES + "\t")]
    if not points:
        return None
    if len(points) < MIN_POINTS[kind]:
        raise GeopointTextError(f"geoline.too_few_{kind}", text.strip(), location_example(lang))
    return tuple(p for p in points if p is not None)


def format_geoline(points: list[dict[str, float | None]], lang: str) -> str:
    """A line's points as the text area shows them: one location per line, in ``lang``."""
    return _geoline_text(tuple((p.get("lat"), p.get("lon"), p.get("accuracy")) for p in points), lang)


@functools.lru_cache(maxsize=16)
def _geoline_text(points: tuple[tuple[float | None, float | None, float | None], ...], lang: str) -> str:
    return "\n".join(format_geopoint({"lat": lat, "lon": lon, "accuracy": acc}, lang) for lat, lon, acc in points)
