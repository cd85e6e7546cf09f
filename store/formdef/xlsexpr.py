"""XLSForm expressions read as Fieldbook's, once ``XlsMapper`` has read the rows (``xlsform``):
paths to fields (``../x``, ``/data/group/x``) become ``${x}``, and expressions that read an
acknowledge field see it as ODK shows it ('OK' or empty), each such rewrite reported."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from store.core.texts import said
from store.formdef.expr import ExpressionError, parse, references, replace_current, replace_reference, uses_current

EXPRESSIONS = ("relevant", "constraint", "calculation", "choice_filter")
# A path to a field in an expression (``../x``, ``/data/group/x``): read as ``${x}`` where x is a
# field of the form — pyxform writes ``or_other``'s relevance this way, and forms do too.
PATH = re.compile(r"(?<![\w}$])(?:\.\./)+([A-Za-z_][\w.-]*)|(?<![\w}$])/[A-Za-z_][\w.-]*(?:/[A-Za-z_][\w.-]*)+")
QUOTED = re.compile(r"('[^']*'|\"[^\"]*\")")
ACKNOWLEDGE_READ_AS_OK = said(
    "xls.acknowledge_read_as_ok",
    "{fields} is a yes/no field in Fieldbook; this expression reads it as 'OK' when ticked and empty when not, as ODK does",
)

Warn = Callable[[str, int | None, str | None, str], None]  # XlsMapper.warn


def read_paths(fields: list[dict[str, Any]], names: Collection[str]) -> None:
    """In every field's expressions (a repeat's count too), a path to one of ``names`` (the form's
    fields, each named once) read as ``${x}``, and ``position(..)`` as ``position()``."""
    for item in fields:
        read_paths(item.get("children", []), names)
        for attribute in EXPRESSIONS:
            text = item.get(attribute)
            if isinstance(text, str):
                item[attribute] = read_path_text(text, names)
        count = (item.get("parameters") or {}).get("count")
        if isinstance(count, str):
            item["parameters"]["count"] = read_path_text(count, names)


POSITION = re.compile(r"\bposition\(\s*\.\.\s*\)")  # the entry's place in its repeat


def read_path_text(text: str, names: Collection[str]) -> str:
    """One expression with its paths to ``names`` read as ``${x}`` (not inside a text in quotes)."""
    if "position" in text:
        text = "".join(part if QUOTED.fullmatch(part) else POSITION.sub("position()", part) for part in QUOTED.split(text))
    if "/" not in text:
        return text

    def swap(match: re.Match[str]) -> str:
        last = match[1] or match[0].rsplit("/", 1)[-1]
        return "${" + last + "}" if last in names else match[0]

    return "".join(part if QUOTED.fullmatch(part) else PATH.sub(swap, part) for part in QUOTED.split(text))


def read_acknowledged(fields: list[dict[str, Any]], acknowledged: list[str], rows: Mapping[str, int], warn: Warn) -> None:
    """Expressions see an acknowledge field as ODK shows it to them: 'OK' when ticked, empty
    when not — Fieldbook stores it as yes/no, so ``${ack} = 'OK'`` would never be true.
    Every expression that refers to one is rewritten, and each rewrite is reported (``warn``,
    at the field's row)."""
    for item in fields:
        read_acknowledged(item.get("children", []), acknowledged, rows, warn)
        for attribute in EXPRESSIONS:
            text = item.get(attribute)
            if not isinstance(text, str):
                continue
            try:
                tree = parse(text, columns=attribute == "choice_filter")
            except ExpressionError:
                continue  # reported as it is, by the form's own check
            names = [n for n in acknowledged if n in references(tree)]
            for name in names:
                text = replace_reference(text, name, "if(${" + name + "}, 'OK', '')")
            if item["name"] in acknowledged and uses_current(tree):  # its own value: "."
                text = replace_current(text, "if(., 'OK', '')")
                names.append(item["name"])
            if names:
                item[attribute] = text
                which = ["${" + n + "}" for n in names]
                warn("survey", rows.get(item["name"]) or None, attribute, ACKNOWLEDGE_READ_AS_OK(fields=which))
