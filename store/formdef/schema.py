"""The JSON form of a form definition, both ways.

``form_from_json`` checks the *shape* (keys, JSON types, sizes) and collects every problem it
finds instead of stopping at the first; what the values mean (types, references, expressions)
is checked by ``validate.check_form``. Unknown keys are problems, not ignored: a misspelt
``"requried": true`` silently doing nothing would be worse than a refusal.

Texts (titles, labels, hints, messages) are objects ``{"en": "...", "de": "..."}``; a plain
string is accepted as the text in the form's default language. Empty texts are dropped, so the
canonical form never contains them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from store.formdef.model import Choice, Field, FormDef, Problem

MAX_JSON_CHARS = 5_000_000
MAX_FIELDS = 2_000
MAX_GROUP_DEPTH = 10
MAX_CHOICE_LISTS = 500
MAX_CHOICES = 5_000
MAX_TEXT_CHARS = 5_000
MAX_LANGUAGE_CHARS = 40

FORM_KEYS = ("title", "default_language", "form_id", "version", "fields", "choice_lists")
TEXT_KEYS = ("label", "hint", "constraint_message", "required_message")
EXPRESSION_KEYS = ("constraint", "relevant", "calculation")
FIELD_KEYS = (
    "name",
    "type",
    "label",
    "hint",
    "required",
    "required_message",
    "constraint",
    "constraint_message",
    "relevant",
    "default",
    "read_only",
    "calculation",
    "choice_list",
    "parameters",
    "children",
)


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


def form_from_json(data: Any) -> tuple[FormDef | None, list[Problem]]:
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


def _texts_json(mapping: Mapping[str, str]) -> dict[str, str]:
    return {lang: mapping[lang] for lang in sorted(mapping) if mapping[lang]}


def field_to_json(item: Field) -> dict[str, Any]:
    """The canonical JSON of one field: name and type first, defaults left out."""
    out: dict[str, Any] = {"name": item.name, "type": item.type}
    for key in FIELD_KEYS[2:]:
        value = getattr(item, key)
        if key in TEXT_KEYS:
            if value:
                out[key] = _texts_json(value)
        elif key == "children":
            if item.type == "group" or value:
                out[key] = [field_to_json(child) for child in value]
        elif key in ("required", "read_only"):
            if value:
                out[key] = True
        elif key == "parameters":
            if value:
                out[key] = dict(sorted(value.items()))
        elif value is not None:
            out[key] = value
    return out


def form_to_json(form: FormDef) -> dict[str, Any]:
    """The canonical JSON of a form (see ``FormDef.to_json``)."""
    out: dict[str, Any] = {"title": _texts_json(form.title), "default_language": form.default_language}
    if form.form_id:
        out["form_id"] = form.form_id
    if form.version:
        out["version"] = form.version
    out["fields"] = [field_to_json(item) for item in form.fields]
    out["choice_lists"] = {
        name: [{"name": c.name, "label": _texts_json(c.label)} if c.label else {"name": c.name} for c in options]
        for name, options in form.choice_lists.items()
    }
    return out
