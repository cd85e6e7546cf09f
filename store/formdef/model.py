"""The form definition: fields, choice lists and labels per language, as immutable values.

A ``FormDef`` built with its constructor is not checked; ``form_from_json`` (and
``form_from_text``, both in store/formdef/schema.py) is the one way in from the outside and checks
everything, reporting *all* problems at once so a person can fix a form in one pass. ``to_json``
gives the canonical JSON form: defaults are left out, so ``form_from_json(form.to_json()) ==
form`` and equal forms give equal text.

Record values are plain JSON keyed by field name; the stored form of each type is described in
``store/formdef/convert.py`` and in the README ("Form definitions"). A ``repeat`` is a group
answered any number of times: its value is the list of its *instances*, each an object keyed by
the names of the fields inside it (``instance_fields``), in the order the person put them.
Field names stay unique in the whole form, inside repeats too, so ``${name}`` names one field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from store.core.errors import ValidationError
from store.core.texts import said

PROBLEM_LINE = said("problem.line", "{where}: {message}")
FORM_NOT_UTF8 = said("formfile.not_utf8", "The file is not UTF-8 text, so it cannot be a Fieldbook form (.json).")
FORM_WRONG_KIND = said(
    "formfile.wrong_kind", "Only XLSForm spreadsheets (.xlsx, .xls, .csv) and Fieldbook forms (.json) can be imported."
)
FORM_UNUSABLE = said("formfile.unusable", "The form definition cannot be used.")
FORM_PROBLEM = said("formfile.a_problem", "The form definition has a problem: {problem}.")
FORM_PROBLEMS = said("formfile.problems", "The form definition has {n} problems; the first is: {problem}.")

FIELD_TYPES = (
    "text",
    "integer",
    "decimal",
    "select_one",
    "select_multiple",
    "date",
    "time",
    "datetime",
    "boolean",
    "range",
    "note",
    "geopoint",
    "geotrace",
    "geoshape",
    "photo",
    "file",
    "audio",
    "video",
    "group",
    "repeat",
)
# Fields that contain fields: a group (once) and a repeat (any number of times, see ``instance_fields``).
CONTAINER_TYPES = ("group", "repeat")
# A repeat holds at most this many instances in one record (ODK sets no limit; a form's count
# or a pasted import beyond it is far more likely a mistake than a survey).
MAX_INSTANCES = 1_000
SELECT_TYPES = ("select_one", "select_multiple")
# Types whose value is an attachment (a file stored by its content hash, ``store.core.FileRef``).
FILE_TYPES = ("photo", "file", "audio", "video")
# What Fieldbook records by itself into a field with ``parameters.metadata`` (ODK's metadata
# questions), and the field's type: the moment the record was started and last saved, the day
# it was started, this device, the person; the rest no desktop knows, so they stay empty.
METADATA_KINDS = {
    "start": "datetime", "end": "datetime", "today": "date", "deviceid": "text", "username": "text",
    "email": "text", "phonenumber": "text", "simserial": "text", "subscriberid": "text",
}  # fmt: skip
# Types that never hold a value in a record.
NO_VALUE_TYPES = ("note", "group")


@dataclass(frozen=True)
class Problem:
    """One line of a problem report, written for the person who made the form.

    ``field`` and ``attribute`` say what the problem is about when it is about one field
    (``attribute`` is a JSON key such as ``"constraint"``), so an importer can point at the
    spreadsheet cell the field came from.
    """

    where: str
    message: str
    row: int | None = None
    field: str | None = None
    attribute: str | None = None

    def text(self) -> str:
        """``where: message`` as a ``Text`` (``store.core.texts``) the app words in the reader's language."""
        return PROBLEM_LINE(where=self.where, message=self.message)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Choice:
    """One option of a choice list: ``name`` is what is stored, ``label`` what is shown.

    ``data`` holds the choice's further columns (an XLSForm choices sheet's ``state``, ``cf``…),
    which a select field's ``choice_filter`` refers to by their bare names.
    """

    name: str
    label: Mapping[str, str] = field(default_factory=dict)
    data: Mapping[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(self.name)


@dataclass(frozen=True)
class Field:
    """One question (or a note, or a group of questions) of a form.

    ``default`` is in the stored-value form of the field's type; date, time and datetime fields
    also accept the dynamic defaults ``"today()"`` and ``"now()"``. ``parameters`` holds type
    specific settings: ``start``/``end``/``step`` for ranges, ``multiline`` for text,
    ``appearance`` (a display hint carried over from XLSForm) for any type; for a repeat
    ``count`` (an expression: exactly that many instances, XLSForm's ``repeat_count``), ``min``
    and ``max`` (whole numbers of instances). ``choice_filter``
    (select fields only) is an expression worked out for every choice of the list: only the
    choices for which it is true are offered (a cascading select: ``state = ${state}``).
    """

    name: str
    type: str
    label: Mapping[str, str] = field(default_factory=dict)
    hint: Mapping[str, str] = field(default_factory=dict)
    required: bool = False
    constraint: str | None = None
    constraint_message: Mapping[str, str] = field(default_factory=dict)
    relevant: str | None = None
    default: Any = None
    read_only: bool = False
    calculation: str | None = None
    choice_list: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    children: tuple[Field, ...] = ()
    required_message: Mapping[str, str] = field(default_factory=dict)
    choice_filter: str | None = None

    def __hash__(self) -> int:
        # Consistent with the generated __eq__ (equal fields share name and type); the mapping
        # attributes themselves are not hashable.
        return hash((self.name, self.type))

    @property
    def hidden(self) -> bool:
        """A value kept without a widget (ODK's ``hidden``, a metadata field): not shown in the editor."""
        return self.parameters.get("hidden") is True or self.metadata is not None

    @property
    def metadata(self) -> str | None:
        """What Fieldbook records into this field by itself (``METADATA_KINDS``), or None."""
        kind = self.parameters.get("metadata")
        return kind if isinstance(kind, str) else None

    @property
    def holds_value(self) -> bool:
        """False for groups and notes, which never appear in a record's data."""
        return self.type not in NO_VALUE_TYPES


def instance_fields(repeat: Field) -> list[Field]:
    """The fields that hold a value in one instance of ``repeat``, in form order: those inside
    it, through its groups; a repeat inside it is one of them (its value: its own instances)."""
    return list(_values_in(repeat.children))


def _values_in(fields: tuple[Field, ...]) -> Iterator[Field]:
    stack: list[Iterator[Field]] = [iter(fields)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        if item.holds_value:
            yield item
        elif item.children:
            stack.append(iter(item.children))


class FormDefError(ValidationError):
    """A form definition that cannot be used; ``problems`` lists every reason, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        if not self.problems:
            return FORM_UNUSABLE()
        first = self.problems[0].text()
        if len(self.problems) == 1:
            return FORM_PROBLEM(problem=first)
        return FORM_PROBLEMS(n=len(self.problems), problem=first)


@dataclass(frozen=True)
class FormDef:
    """A complete form: title, fields in order (groups nest), and the choice lists they use.

    ``form_id`` and ``version`` are carried over from an XLSForm's settings sheet; Fieldbook's
    own versioning of stored forms does not depend on them. ``instance_name`` (XLSForm's setting)
    is an expression that names each record in lists (``concat(${site}, ' ', ${today})``).
    """

    title: Mapping[str, str]
    fields: tuple[Field, ...]
    choice_lists: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)
    default_language: str = "en"
    form_id: str | None = None
    version: str | None = None
    instance_name: str | None = None

    def __hash__(self) -> int:
        # Equal forms have equal field names; usable as a cache key despite the mappings inside.
        return hash((self.default_language, tuple(item.name for item in self.fields)))

    # --- loading and saving -------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The canonical JSON structure; ``form_from_json`` of it gives an equal form."""
        return form_to_json(self)

    def dumps(self) -> str:
        """Canonical JSON text (UTF-8 characters kept, two-space indent)."""
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    # --- navigation -----------------------------------------------------------------------

    def walk(self) -> Iterator[Field]:
        """Every field in form order, a group before its children (pre-order)."""
        stack: list[Iterator[Field]] = [iter(self.fields)]
        while stack:
            item = next(stack[-1], None)
            if item is None:
                stack.pop()
                continue
            yield item
            if item.children:
                stack.append(iter(item.children))

    def value_fields(self) -> list[Field]:
        """The fields that hold a value at the top of a record's data (not groups, not notes), in
        form order. A repeat is one of them (its value: the list of its instances); the fields
        inside it are not (see ``instance_fields``)."""
        return list(_values_in(self.fields))

    def repeat_of(self, name: str) -> Field | None:
        """The innermost repeat that field ``name`` is inside, or None (a field of the record itself)."""
        found: Field | None = None
        stack: list[tuple[Field, Field | None]] = [(item, None) for item in reversed(self.fields)]
        while stack:
            item, repeat = stack.pop()
            if item.name == name:
                found = repeat
                break
            inner = item if item.type == "repeat" else repeat
            stack.extend((child, inner) for child in reversed(item.children))
        return found

    def field(self, name: str) -> Field:
        """The field called ``name`` anywhere in the form; ``KeyError`` if there is none."""
        for item in self.walk():
            if item.name == name:
                return item
        raise KeyError(name)

    def parent_of(self, name: str) -> Field | None:
        """The group directly containing field ``name``; None at the top level or if unknown."""
        for item in self.walk():
            if any(child.name == name for child in item.children):
                return item
        return None

    def choices(self, field: Field) -> tuple[Choice, ...]:
        """The options of a select field; empty for other fields or an unknown list."""
        if field.choice_list is None:
            return ()
        return tuple(self.choice_lists.get(field.choice_list, ()))

    def choices_by_name(self, field: Field) -> dict[str, Choice]:
        """The options of a select field by name; of a name given twice in a list (a cascading
        select's, see ``choice_filter``), the first."""
        found: dict[str, Choice] = {}
        for choice in self.choices(field):
            found.setdefault(choice.name, choice)
        return found

    def text(self, mapping: Mapping[str, str], lang: str) -> str:
        """The text for ``lang``, else for the default language, else any text, else ``""``."""
        for key in (lang, self.default_language):
            value = mapping.get(key)
            if value:
                return value
        for value in mapping.values():
            if value:
                return value
        return ""

    def label(self, field: Field, lang: str) -> str:
        """A field's label in ``lang`` (with fallbacks), or its name when it has no label."""
        return self.text(field.label, lang) or field.name

    @property
    def languages(self) -> list[str]:
        """Every language some text of the form is written in, the default language first."""
        found: set[str] = set(self.title)
        for item in self.walk():
            for mapping in (item.label, item.hint, item.constraint_message, item.required_message):
                found.update(mapping)
        for options in self.choice_lists.values():
            for choice in options:
                found.update(choice.label)
        found.discard(self.default_language)
        return [self.default_language, *sorted(found)]


# --- the canonical JSON (reading it back, with every check: store/formdef/schema.py) -----------

TEXT_KEYS = ("label", "hint", "constraint_message", "required_message")
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
    "choice_filter",
    "parameters",
    "children",
)


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
            if item.type in CONTAINER_TYPES or value:
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
    """The canonical JSON of a form (``FormDef.to_json``)."""
    out: dict[str, Any] = {"title": _texts_json(form.title), "default_language": form.default_language}
    if form.form_id:
        out["form_id"] = form.form_id
    if form.version:
        out["version"] = form.version
    if form.instance_name:
        out["instance_name"] = form.instance_name
    out["fields"] = [field_to_json(item) for item in form.fields]
    out["choice_lists"] = {name: [choice_to_json(c) for c in options] for name, options in form.choice_lists.items()}
    return out


def choice_to_json(choice: Choice) -> dict[str, Any]:
    """The canonical JSON of one choice: its name, then its label and data when it has them."""
    out: dict[str, Any] = {"name": choice.name}
    if choice.label:
        out["label"] = _texts_json(choice.label)
    if choice.data:
        out["data"] = dict(sorted(choice.data.items()))
    return out
