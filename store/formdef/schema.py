"""Reading a form definition from its JSON (writing it: ``FormDef.to_json`` in model.py).

``form_from_json`` checks the *shape* (keys, JSON types, sizes) and collects every problem it
finds instead of stopping at the first; what the values mean (types, references, expressions)
is checked by ``validate.check_form``, which it calls. Unknown keys are problems, not ignored: a misspelt
``"requried": true`` silently doing nothing would be worse than a refusal.

Texts (titles, labels, hints, messages) are objects ``{"en": "...", "de": "..."}``; a plain
string is accepted as the text in the form's default language. Empty texts are dropped, so the
canonical form never contains them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from store.formdef.model import FIELD_KEYS, TEXT_KEYS, Choice, Field, FormDef, FormDefError, Problem
from store.formdef.validate import check_form

MAX_JSON_CHARS = 5_000_000
MAX_FIELDS = 2_000
MAX_GROUP_DEPTH = 10
MAX_CHOICE_LISTS = 500
MAX_CHOICES = 5_000
MAX_TEXT_CHARS = 5_000
MAX_LANGUAGE_CHARS = 40

EXPRESSION_KEYS = ("constraint", "relevant", "calculation")
FORM_KEYS = ("title", "default_language", "form_id", "version", "fields", "choice_lists")


class _Reader:
    """Collects problems while reading one JSON document."""

    def __init__(self, default_language: str) -> None:
        self.problems: list[Problem] = []
        self.lang = default_language
        self.count = 0

    def add(self, where: str, message: str, *, field: str | None = None, attribute: str | None = None) -> None:
        self.problems.append(Problem(where, message, field=field, attribute=attribute))

    def texts(self, value: Any, where: str, *, field: str | None = None, attribute: str | None = None) -> dict[str, str]:
        if value is None:
            return {}
        if isinstance(value, str):
            value = {self.lang: value}
        if not isinstance(value, Mapping):
            self.add(where, "must be a text or an object of texts per language", field=field, attribute=attribute)
            return {}
        out: dict[str, str] = {}
        for lang, text in value.items():
            if not isinstance(lang, str) or not lang.strip() or len(lang) > MAX_LANGUAGE_CHARS:
                self.add(where, f"has an unusable language code {lang!r}", field=field, attribute=attribute)
            elif not isinstance(text, str):
                self.add(where, f"text for language '{lang}' must be a string", field=field, attribute=attribute)
            elif len(text) > MAX_TEXT_CHARS:
                self.add(
                    where,
                    f"text for language '{lang}' is longer than {MAX_TEXT_CHARS} characters",
                    field=field,
                    attribute=attribute,
                )
            elif text:
                out[lang.strip()] = text
        return out

    def fields(self, value: Any, where: str, depth: int) -> tuple[Field, ...]:
        if not isinstance(value, list):
            self.add(where, "'fields' must be a list")
            return ()
        if depth > MAX_GROUP_DEPTH:
            self.add(where, f"groups are nested more than {MAX_GROUP_DEPTH} levels deep")
            return ()
        out: list[Field] = []
        for position, item in enumerate(value, start=1):
            self.count += 1
            if self.count > MAX_FIELDS:
                self.add(where, f"has more than {MAX_FIELDS} fields")
                return tuple(out)
            parsed = self.field(item, position, depth)
            if parsed is not None:
                out.append(parsed)
        return tuple(out)

    def field(self, item: Any, position: int, depth: int) -> Field | None:
        if not isinstance(item, Mapping):
            self.add(f"field {position}", "must be an object with 'name' and 'type'")
            return None
        name = item.get("name")
        where = f"field '{name}'" if isinstance(name, str) and name else f"field {position} (no name)"
        ok = True
        for key in item:
            if key not in FIELD_KEYS:
                self.add(where, f"has an unknown key {key!r}", field=_str(name))
                ok = False
        if not isinstance(name, str) or not name:
            self.add(where, "needs a 'name'")
            ok = False
        ftype = item.get("type")
        if not isinstance(ftype, str) or not ftype:
            self.add(where, "needs a 'type'", field=_str(name))
            ok = False
        texts = {key: self.texts(item.get(key), f"{where}, {key}", field=_str(name), attribute=key) for key in TEXT_KEYS}
        exprs: dict[str, str | None] = {}
        for key in EXPRESSION_KEYS:
            raw = item.get(key)
            if raw is not None and not isinstance(raw, str):
                self.add(f"{where}, {key}", "must be an expression written as text", field=_str(name), attribute=key)
                ok = False
            exprs[key] = raw.strip() or None if isinstance(raw, str) else None
        flags = {}
        for key in ("required", "read_only"):
            raw = item.get(key, False)
            if not isinstance(raw, bool):
                self.add(f"{where}, {key}", "must be true or false", field=_str(name), attribute=key)
                ok = False
            flags[key] = bool(raw)
        choice_list = item.get("choice_list")
        if choice_list is not None and not isinstance(choice_list, str):
            self.add(f"{where}, choice_list", "must be the name of a choice list", field=_str(name), attribute="choice_list")
            ok = False
        parameters = item.get("parameters", {})
        if not isinstance(parameters, Mapping) or not all(isinstance(k, str) for k in parameters):
            self.add(f"{where}, parameters", "must be an object", field=_str(name), attribute="parameters")
            ok = False
            parameters = {}
        children: tuple[Field, ...] = ()
        if "children" in item:
            children = self.fields(item["children"], f"{where}, children", depth + 1)
        if not ok:
            return None
        return Field(
            name=str(name),
            type=str(ftype),
            label=texts["label"],
            hint=texts["hint"],
            required=flags["required"],
            constraint=exprs["constraint"],
            constraint_message=texts["constraint_message"],
            relevant=exprs["relevant"],
            default=item.get("default"),
            read_only=flags["read_only"],
            calculation=exprs["calculation"],
            choice_list=choice_list,
            parameters=dict(sorted(parameters.items())),
            children=children,
            required_message=texts["required_message"],
        )

    def choice_lists(self, value: Any) -> dict[str, tuple[Choice, ...]]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.add("choice lists", "'choice_lists' must be an object of lists")
            return {}
        if len(value) > MAX_CHOICE_LISTS:
            self.add("choice lists", f"there are more than {MAX_CHOICE_LISTS} choice lists")
            return {}
        out: dict[str, tuple[Choice, ...]] = {}
        for list_name, items in value.items():
            where = f"choice list '{list_name}'"
            if not isinstance(items, list):
                self.add(where, "must be a list of choices")
                continue
            if len(items) > MAX_CHOICES:
                self.add(where, f"has more than {MAX_CHOICES} choices")
                continue
            choices = []
            for position, choice in enumerate(items, start=1):
                if not isinstance(choice, Mapping) or not isinstance(choice.get("name"), str):
                    self.add(f"{where}, choice {position}", "must be an object with a 'name'")
                    continue
                extra = sorted(set(choice) - {"name", "label"})
                if extra:
                    self.add(f"{where}, choice {position}", f"has an unknown key {extra[0]!r}")
                    continue
                choices.append(Choice(choice["name"], self.texts(choice.get("label"), f"{where}, choice {position}, label")))
            out[str(list_name)] = tuple(choices)
        return out


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _read_form(data: Any) -> tuple[FormDef | None, list[Problem]]:
    """Read the JSON structure of a form; the form is None when its shape is wrong."""
    if not isinstance(data, Mapping):
        return None, [Problem("form", "must be a JSON object with 'title' and 'fields'")]
    lang = data.get("default_language", "en")
    reader = _Reader(lang if isinstance(lang, str) and lang.strip() else "en")
    if not isinstance(lang, str) or not lang.strip() or len(lang) > MAX_LANGUAGE_CHARS:
        reader.add("default_language", "must be a language code such as 'en' or 'de'")
    for key in data:
        if key not in FORM_KEYS:
            reader.add("form", f"has an unknown key {key!r}")
    title = reader.texts(data.get("title"), "title")
    if not title:
        reader.add("title", "the form needs a title")
    meta: dict[str, str | None] = {}
    for key in ("form_id", "version"):
        raw = data.get(key)
        if raw is not None and not isinstance(raw, str):
            reader.add(key, "must be text")
            raw = None
        meta[key] = raw or None
    if "fields" not in data:
        reader.add("form", "needs a 'fields' list")
    fields = reader.fields(data.get("fields", []), "form", 1)
    lists = reader.choice_lists(data.get("choice_lists"))
    if reader.problems:
        return None, reader.problems
    form = FormDef(
        title=title,
        fields=fields,
        choice_lists=lists,
        default_language=reader.lang,
        form_id=meta["form_id"],
        version=meta["version"],
    )
    return form, []


def form_from_json(data: Mapping[str, Any]) -> FormDef:
    """Build and check a form from its JSON structure: the one way in from the outside.

    Raises ``FormDefError`` listing every problem found (structure, names, types, choice
    lists, expressions, references, range parameters, calculation cycles).
    """
    form, problems = _read_form(data)
    if form is not None:
        problems = problems + check_form(form)
    if problems or form is None:
        raise FormDefError(problems)
    return form


def form_from_text(text: str) -> FormDef:
    """``form_from_json`` on JSON text; text that is not JSON is a problem naming line and column."""
    if len(text) > MAX_JSON_CHARS:
        raise FormDefError([Problem("form file", f"is larger than {MAX_JSON_CHARS:,} characters")])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormDefError(
            [Problem("form file", f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})", row=exc.lineno)]
        ) from None
    except RecursionError:
        raise FormDefError([Problem("form file", "is nested too deeply to be a form definition")]) from None
    if not isinstance(data, dict):
        raise FormDefError([Problem("form file", "must contain a JSON object with 'title' and 'fields'")])
    return form_from_json(data)
