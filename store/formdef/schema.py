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
import re
from collections.abc import Mapping
from typing import Any

from store.core.texts import said
from store.formdef.model import FIELD_KEYS, TEXT_KEYS, Choice, Field, FormDef, FormDefError, Problem
from store.formdef.plan import CHOICE_LIST_PLACE, CHOICE_PLACE, FIELD_PLACE, PART_PLACE
from store.formdef.validate import check_form

MAX_JSON_CHARS = 5_000_000
MAX_FIELDS = 2_000
MAX_GROUP_DEPTH = 10
MAX_CHOICE_LISTS = 500
MAX_CHOICES = 5_000
MAX_TEXT_CHARS = 5_000
MAX_LANGUAGE_CHARS = 40

EXPRESSION_KEYS = ("constraint", "relevant", "calculation", "choice_filter")
# A choice's column as a choice_filter names it (the expression language's bare words).
COLUMN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z][A-Za-z0-9_]*)*")
FORM_KEYS = ("title", "default_language", "form_id", "version", "instance_name", "fields", "choice_lists")

# Places (besides fields and choice lists, in plan.py; a form file's own keys such as "title"
# are places as they are written) and what is wrong with the shape of the JSON. Positions,
# line and column numbers and the limits the English writes without grouping are given as
# digits; keys and language codes, shown as Python shows them ({key!r}), come from JSON as str.
FORM_PLACE = said("formfile.where.form", "form")
FORM_FILE_PLACE = said("formfile.where.form_file", "form file")
CHOICE_LISTS_PLACE = said("formfile.where.choice_lists", "choice lists")
FIELD_NUMBER_PLACE = said("formfile.where.field_number", "field {position}")
UNNAMED_FIELD_PLACE = said("formfile.where.unnamed_field", "field {position} (no name)")
TEXTS_SHAPE = said("formfile.texts_shape", "must be a text or an object of texts per language")
BAD_LANGUAGE_CODE = said("formfile.bad_language_code", "has an unusable language code {code!r}")
TEXT_NOT_STRING = said("formfile.text_not_string", "text for language '{lang}' must be a string")
TEXT_TOO_LONG = said("formfile.text_too_long", "text for language '{lang}' is longer than {limit} characters")
FIELDS_NOT_LIST = said("formfile.fields_not_list", "'fields' must be a list")
GROUPS_TOO_DEEP = said("formfile.groups_too_deep", "groups are nested more than {n} levels deep")
TOO_MANY_FIELDS = said("formfile.too_many_fields", "has more than {limit} fields")
FIELD_NOT_OBJECT = said("formfile.field_not_object", "must be an object with 'name' and 'type'")
UNKNOWN_KEY = said("formfile.unknown_key", "has an unknown key {key!r}")
NEEDS_NAME = said("formfile.needs_name", "needs a 'name'")
NEEDS_TYPE = said("formfile.needs_type", "needs a 'type'")
EXPRESSION_NOT_TEXT = said("formfile.expression_not_text", "must be an expression written as text")
NOT_BOOLEAN = said("formfile.not_boolean", "must be true or false")
NOT_A_LIST_NAME = said("formfile.not_a_list_name", "must be the name of a choice list")
NOT_AN_OBJECT = said("formfile.not_an_object", "must be an object")
LISTS_NOT_OBJECT = said("formfile.lists_not_object", "'choice_lists' must be an object of lists")
TOO_MANY_LISTS = said("formfile.too_many_lists", "there are more than {n} choice lists")
CHOICES_NOT_LIST = said("formfile.choices_not_list", "must be a list of choices")
TOO_MANY_CHOICES = said("formfile.too_many_choices", "has more than {limit} choices")
CHOICE_NOT_OBJECT = said("formfile.choice_not_object", "must be an object with a 'name'")
BAD_COLUMN_NAME = said(
    "formfile.bad_column_name",
    "the column name {column!r} must start with a letter or _, use only letters, digits, _ and - (followed by a letter), be at most 64 characters and not be 'name' or 'label'",
)
COLUMN_NOT_TEXT = said("formfile.column_not_text", "the value of column '{column}' must be a text of at most {limit} characters")
FORM_NOT_OBJECT = said("formfile.form_not_object", "must be a JSON object with 'title' and 'fields'")
BAD_DEFAULT_LANGUAGE = said("formfile.bad_default_language", "must be a language code such as 'en' or 'de'")
NEEDS_TITLE = said("formfile.needs_title", "the form needs a title")
NOT_TEXT = said("formfile.not_text", "must be text")
NEEDS_FIELDS = said("formfile.needs_fields", "needs a 'fields' list")
FILE_TOO_LARGE = said("formfile.too_many_characters", "is larger than {n} characters")
NOT_JSON = said("formfile.not_json", "is not valid JSON ({reason} at line {line}, column {column})")
NESTED_TOO_DEEPLY = said("formfile.nested_too_deeply", "is nested too deeply to be a form definition")
FILE_NOT_OBJECT = said("formfile.file_not_object", "must contain a JSON object with 'title' and 'fields'")
# Python's JSON reader says what it found wrong in a few fixed English phrases; these are
# said in the reader's language (any other phrase is shown as it is).
JSON_REASONS = {
    "Expecting value": said("formfile.json.expecting_value", "Expecting value"),
    "Expecting property name enclosed in double quotes": said(
        "formfile.json.expecting_key", "Expecting property name enclosed in double quotes"
    ),
    "Expecting ',' delimiter": said("formfile.json.expecting_comma", "Expecting ',' delimiter"),
    "Expecting ':' delimiter": said("formfile.json.expecting_colon", "Expecting ':' delimiter"),
    "Unterminated string starting at": said("formfile.json.unterminated_string", "Unterminated string starting at"),
    "Invalid control character at": said("formfile.json.control_character", "Invalid control character at"),
    "Invalid \\escape": said("formfile.json.bad_escape", "Invalid \\escape"),
    "Invalid \\uXXXX escape": said("formfile.json.bad_unicode_escape", "Invalid \\uXXXX escape"),
    "Extra data": said("formfile.json.extra_data", "Extra data"),
    "Illegal trailing comma before end of object": said(
        "formfile.json.trailing_comma_object", "Illegal trailing comma before end of object"
    ),
    "Illegal trailing comma before end of array": said(
        "formfile.json.trailing_comma_array", "Illegal trailing comma before end of array"
    ),
}


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
            self.add(where, TEXTS_SHAPE(), field=field, attribute=attribute)
            return {}
        out: dict[str, str] = {}
        for lang, text in value.items():
            if not isinstance(lang, str) or not lang.strip() or len(lang) > MAX_LANGUAGE_CHARS:
                self.add(where, BAD_LANGUAGE_CODE(code=lang), field=field, attribute=attribute)
            elif not isinstance(text, str):
                self.add(where, TEXT_NOT_STRING(lang=lang), field=field, attribute=attribute)
            elif len(text) > MAX_TEXT_CHARS:
                message = TEXT_TOO_LONG(lang=lang, limit=str(MAX_TEXT_CHARS))
                self.add(where, message, field=field, attribute=attribute)
            elif text:
                out[lang.strip()] = text
        return out

    def fields(self, value: Any, where: str, depth: int) -> tuple[Field, ...]:
        if not isinstance(value, list):
            self.add(where, FIELDS_NOT_LIST())
            return ()
        if depth > MAX_GROUP_DEPTH:
            self.add(where, GROUPS_TOO_DEEP(n=MAX_GROUP_DEPTH))
            return ()
        out: list[Field] = []
        for position, item in enumerate(value, start=1):
            self.count += 1
            if self.count > MAX_FIELDS:
                self.add(where, TOO_MANY_FIELDS(limit=str(MAX_FIELDS)))
                return tuple(out)
            parsed = self.field(item, position, depth)
            if parsed is not None:
                out.append(parsed)
        return tuple(out)

    def field(self, item: Any, position: int, depth: int) -> Field | None:
        if not isinstance(item, Mapping):
            self.add(FIELD_NUMBER_PLACE(position=str(position)), FIELD_NOT_OBJECT())
            return None
        name = item.get("name")
        where = FIELD_PLACE(name=name) if isinstance(name, str) and name else UNNAMED_FIELD_PLACE(position=str(position))
        ok = True
        for key in item:
            if key not in FIELD_KEYS:
                self.add(where, UNKNOWN_KEY(key=key), field=_str(name))
                ok = False
        if not isinstance(name, str) or not name:
            self.add(where, NEEDS_NAME())
            ok = False
        ftype = item.get("type")
        if not isinstance(ftype, str) or not ftype:
            self.add(where, NEEDS_TYPE(), field=_str(name))
            ok = False
        texts = {
            key: self.texts(item.get(key), PART_PLACE(where=where, part=key), field=_str(name), attribute=key)
            for key in TEXT_KEYS
        }
        exprs: dict[str, str | None] = {}
        for key in EXPRESSION_KEYS:
            raw = item.get(key)
            if raw is not None and not isinstance(raw, str):
                self.add(PART_PLACE(where=where, part=key), EXPRESSION_NOT_TEXT(), field=_str(name), attribute=key)
                ok = False
            exprs[key] = raw.strip() or None if isinstance(raw, str) else None
        flags = {}
        for key in ("required", "read_only"):
            raw = item.get(key, False)
            if not isinstance(raw, bool):
                self.add(PART_PLACE(where=where, part=key), NOT_BOOLEAN(), field=_str(name), attribute=key)
                ok = False
            flags[key] = bool(raw)
        choice_list = item.get("choice_list")
        if choice_list is not None and not isinstance(choice_list, str):
            place = PART_PLACE(where=where, part="choice_list")
            self.add(place, NOT_A_LIST_NAME(), field=_str(name), attribute="choice_list")
            ok = False
        parameters = item.get("parameters", {})
        if not isinstance(parameters, Mapping) or not all(isinstance(k, str) for k in parameters):
            self.add(PART_PLACE(where=where, part="parameters"), NOT_AN_OBJECT(), field=_str(name), attribute="parameters")
            ok = False
            parameters = {}
        children: tuple[Field, ...] = ()
        if "children" in item:
            children = self.fields(item["children"], PART_PLACE(where=where, part="children"), depth + 1)
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
            choice_filter=exprs["choice_filter"],
        )

    def choice_lists(self, value: Any) -> dict[str, tuple[Choice, ...]]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.add(CHOICE_LISTS_PLACE(), LISTS_NOT_OBJECT())
            return {}
        if len(value) > MAX_CHOICE_LISTS:
            self.add(CHOICE_LISTS_PLACE(), TOO_MANY_LISTS(n=MAX_CHOICE_LISTS))
            return {}
        out: dict[str, tuple[Choice, ...]] = {}
        for list_name, items in value.items():
            where = CHOICE_LIST_PLACE(name=str(list_name))
            if not isinstance(items, list):
                self.add(where, CHOICES_NOT_LIST())
                continue
            if len(items) > MAX_CHOICES:
                self.add(where, TOO_MANY_CHOICES(limit=str(MAX_CHOICES)))
                continue
            choices = []
            for position, choice in enumerate(items, start=1):
                place = CHOICE_PLACE(where=where, position=str(position))
                if not isinstance(choice, Mapping) or not isinstance(choice.get("name"), str):
                    self.add(place, CHOICE_NOT_OBJECT())
                    continue
                extra = sorted(set(choice) - {"name", "label", "data"})
                if extra:
                    self.add(place, UNKNOWN_KEY(key=extra[0]))
                    continue
                data = self.choice_data(choice.get("data", {}), PART_PLACE(where=place, part="data"))
                if data is None:
                    continue
                label = self.texts(choice.get("label"), PART_PLACE(where=place, part="label"))
                choices.append(Choice(choice["name"], label, data))
            out[str(list_name)] = tuple(choices)
        return out

    def choice_data(self, value: Any, where: str) -> dict[str, str] | None:
        """A choice's further columns: names as a choice_filter writes them, values as text."""
        if not isinstance(value, Mapping):
            self.add(where, NOT_AN_OBJECT())
            return None
        out: dict[str, str] = {}
        for column, text in value.items():
            if not isinstance(column, str) or len(column) > 64 or not COLUMN_NAME.fullmatch(column) or column in ("name", "label"):
                self.add(where, BAD_COLUMN_NAME(column=str(column)))
                return None
            if not isinstance(text, str) or len(text) > MAX_TEXT_CHARS:
                self.add(where, COLUMN_NOT_TEXT(column=column, limit=str(MAX_TEXT_CHARS)))
                return None
            out[column] = text
        return dict(sorted(out.items()))


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _read_form(data: Any) -> tuple[FormDef | None, list[Problem]]:
    """Read the JSON structure of a form; the form is None when its shape is wrong."""
    if not isinstance(data, Mapping):
        return None, [Problem(FORM_PLACE(), FORM_NOT_OBJECT())]
    lang = data.get("default_language", "en")
    reader = _Reader(lang if isinstance(lang, str) and lang.strip() else "en")
    if not isinstance(lang, str) or not lang.strip() or len(lang) > MAX_LANGUAGE_CHARS:
        reader.add("default_language", BAD_DEFAULT_LANGUAGE())
    for key in data:
        if key not in FORM_KEYS:
            reader.add(FORM_PLACE(), UNKNOWN_KEY(key=key))
    title = reader.texts(data.get("title"), "title")
    if not title:
        reader.add("title", NEEDS_TITLE())
    meta: dict[str, str | None] = {}
    for key in ("form_id", "version", "instance_name"):
        raw = data.get(key)
        if raw is not None and not isinstance(raw, str):
            reader.add(key, NOT_TEXT())
            raw = None
        meta[key] = raw or None
    if "fields" not in data:
        reader.add(FORM_PLACE(), NEEDS_FIELDS())
    fields = reader.fields(data.get("fields", []), FORM_PLACE(), 1)
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
        instance_name=meta["instance_name"],
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
        raise FormDefError([Problem(FORM_FILE_PLACE(), FILE_TOO_LARGE(n=MAX_JSON_CHARS))])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = JSON_REASONS[exc.msg]() if exc.msg in JSON_REASONS else exc.msg
        message = NOT_JSON(reason=reason, line=str(exc.lineno), column=str(exc.colno))
        raise FormDefError([Problem(FORM_FILE_PLACE(), message, row=exc.lineno)]) from None
    except RecursionError:
        raise FormDefError([Problem(FORM_FILE_PLACE(), NESTED_TOO_DEEPLY())]) from None
    if not isinstance(data, dict):
        raise FormDefError([Problem(FORM_FILE_PLACE(), FILE_NOT_OBJECT())])
    return form_from_json(data)
