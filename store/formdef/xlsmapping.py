"""Mapping pyxform's reading of an XLSForm onto Fieldbook's form JSON, reporting as it goes.

pyxform (the converter ODK Central and KoboToolbox run) reads the workbook: every spelling,
alias and row rule is its own (``select one from L``, ``gps``, ``constraint message``,
``relevance``, notes without a name, smart quotes, ``or_other``, trailing formatted rows…). What
it gives — a tree of survey elements with normalised binds — is mapped here element by element
to a Fieldbook field, or to a located problem or warning where Fieldbook cannot (yet) carry
something over. The result is handed to ``form_from_json``, whose problems ``XlsMapper.locate``
places back at the row and column they came from. pyxform's tree has no row numbers: they are
taken from the rows as read (``DefinitionData``), by name, in order. The mapping table is in the
README ("Form definitions").
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

from store.core import texts
from store.core.errors import ValidationError
from store.core.texts import said
from store.formdef.convert import parse_text
from store.formdef.languages import language_code
from store.formdef.model import METADATA_KINDS, PROBLEM_LINE, Field, Problem
from store.formdef.schema import COLUMN_NAME
from store.formdef.xlsrows import cell_text, place
from store.formdef.xlstypes import (
    ACKNOWLEDGE,
    AS_ANOTHER_TYPE,
    CALCULATED,
    METADATA,
    RECORDED,
    SELECT_TYPES,
    SIMPLE_TYPES,
    SKIPPED,
)

# The element's keys (pyxform's names) that hold texts per language → Fieldbook's attributes;
# and the spreadsheet column each came from, for problem reports.
TEXT_KEYS = {"label": "label", "hint": "hint"}
BIND_TEXTS = {"jr:constraintMsg": "constraint_message", "jr:requiredMsg": "required_message"}
COLUMN_OF = {
    "choice_list": "type",
    "children": "type",
    "name": "name",
    "parameters": "parameters",
    "calculation": "calculation",
    "constraint_message": "constraint_message",
    "required_message": "required_message",
}
KNOWN_KEYS = {
    "type", "name", "label", "hint", "bind", "default", "_dynamic_default", "control", "parameters", "itemset",
    "list_name", "choices", "children", "choice_filter", "actions", "sms_field",
}  # fmt: skip
USED_BIND = {"relevant", "constraint", "required", "readonly", "calculate", "jr:constraintMsg", "jr:requiredMsg"}
USED_CONTROL = {"appearance", "bodyless", "start", "end", "step", "jr:count"}
# allow_choice_duplicates: a name twice in a list is accepted where a choice_filter picks one
SETTINGS = ("form_title", "form_id", "version", "default_language", "allow_choice_duplicates", "instance_name")
YES = {"yes", "true", "1", "true()"}
NO = {"no", "false", "0", "false()", ""}
TABLE_LIST_RESERVED = "reserved_name_for_field_list_labels_"  # pyxform's names inside a table-list group
TABLE_LIST_LABEL = "generated_table_list_label_"
FILE_LIST = re.compile(r"\.(csv|xml|geojson)$", re.IGNORECASE)

# What the mapping reports, placed at a sheet, row and column (``located``). Names from the
# workbook (settings, columns, choices, types, languages) are given as they are written.
EXTRA_SETTINGS_ROW = said("xls.extra_settings_row", "only the first row of settings is used; this row is ignored")
SETTING_IGNORED = said("xls.setting_ignored", "the setting '{setting}' is not used by Fieldbook and is ignored")
PUBLIC_KEY_UNUSED = said(
    "xls.public_key_unused",
    "the form asks for encrypted submissions (public_key): Fieldbook keeps its records unencrypted on this "
    "computer, in the user's own data folder, and does not make ODK's encrypted submissions; protect the computer "
    "with its login and disk encryption",
)
SUBMISSION_URL_UNUSED = said(
    "xls.submission_url_unused",
    "Fieldbook does not send records to the submission_url '{url}': they stay on this computer and go to the "
    "team's Fieldbook server when it syncs",
)
LANGUAGE_UNKNOWN = said("xls.language_unknown", "the language '{language}' has no known code; it is kept as it is written")
LANGUAGE_TWICE = said(
    "xls.language_twice", "the texts '{first}' and '{second}' are both read as language '{lang}'; only '{second}' is kept"
)
NO_TITLE = said("xls.no_title", "the form has no form_title; it is called 'Untitled form'")
NO_TITLE_FILE = said("xls.no_title_file", "the form has no form_title; it is called '{name}' after its file")
CHOICES_COLUMN_IGNORED = said("xls.choices_column_ignored", "the column '{column}' is not used by Fieldbook and is ignored")
CHOICE_NAME_SPACE = said(
    "xls.choice_name_space_multiple",
    "the choice name '{choice}' contains a space, and list '{list}' is used by a select_multiple, whose answers are separated by spaces; use _ instead",
)
SURVEY_COLUMN_IGNORED = said("xls.survey_column_ignored", "the column '{column}' is not supported; this value is ignored")
METADATA_SKIPPED = said("xls.metadata_not_recorded", "'{kind}' is not recorded by Fieldbook; this row is skipped")
METADATA_EMPTY = said(
    "xls.metadata_empty", "'{kind}' is not known on a computer; Fieldbook keeps the field '{name}', but it stays empty"
)
BACKGROUND_SKIPPED = said(
    "xls.background_skipped",
    "'{kind}' is recorded in the background by ODK Collect; Fieldbook does not record it, this row is skipped",
)
ACKNOWLEDGE_AS_YES_NO = said("xls.acknowledge_as_yes_no", "'{kind}' is imported as a yes/no field")
BARCODE_AS_TEXT = said(
    "xls.barcode_as_text",
    "'barcode' is imported as a text field: the code is typed, or scanned by a scanner that types it; Fieldbook does not scan with the camera",
)
OSM_AS_FILE = said(
    "xls.osm_as_file", "'osm' is imported as a file field: attach the .osm file; Fieldbook does not edit OpenStreetMap tags"
)
TYPE_UNSUPPORTED = said("xls.type_unsupported", "the type '{kind}' is not supported by Fieldbook")
FILE_LIST_UNSUPPORTED = said("xls.file_list_unsupported", "choices from a file ('{file}') are not supported by Fieldbook yet")
NAME_TAKEN = said("xls.name_taken", "the name '{name}' is already used in row {row}")
NAME_TAKEN_UNKNOWN_ROW = said(
    "xls.name_taken_elsewhere", "the name '{name}' is already used by another field; Fieldbook needs every name once in a form"
)
NOT_YES_NO = said("xls.not_yes_no", "'{value}' is not yes or no")
NO_VALUE_FLAG = said("xls.no_value_flag", "a {kind} holds no value, so '{column}' has no effect; it is ignored")
DYNAMIC_DEFAULT = said(
    "xls.dynamic_default", "the default '{default}' is an expression; Fieldbook takes only a fixed value, today() or now() as a default"
)
CALCULATE_NEEDS_CALCULATION = said("xls.calculate_needs_calculation", "a calculate row needs a calculation")
RANGE_NOT_NUMBER = said("xls.range_not_number", "the range {setting} '{value}' is not a number")
PARAMETER_IGNORED = said("xls.parameter_ignored", "the parameter '{parameter}' is not supported; it is ignored")


def _lowered(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row's columns as pyxform matches them: case and spaces do not matter (``Default Language``)."""
    return {re.sub(r"\s+", "_", str(k).strip().lower()) if "::" not in str(k) else str(k).strip().lower(): v for k, v in row.items()}


class XlsMapper:
    """Collects fields, choice lists, settings, problems and warnings from pyxform's reading.

    ``survey_json`` is pyxform's ``workbook_to_json``; ``rows`` the sheets as read
    (``DefinitionData``), for row numbers and the columns as written.
    """

    def __init__(self, survey_json: dict[str, Any], rows: Any, file_name: str | None = None) -> None:
        self.json = survey_json
        self.book = rows
        self.file_name = file_name  # the file's name without its suffix: the title of an untitled form, as in ODK
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.rows: dict[str, int] = {}  # field name -> survey row, for problems found later
        self.columns: dict[tuple[str, str], str] = {}  # (field, attribute) -> column header
        self.duplicates: set[str] = set()
        self.acknowledged: list[str] = []  # acknowledge fields, stored as yes/no (see xlsexpr.read_acknowledged)
        self.lang = "en"
        self._row_queue: dict[str, deque[int]] = {}
        for index, raw in enumerate(rows.survey or ()):
            row = _lowered(raw)
            name = cell_text(row.get("name"))
            kind = cell_text(row.get("type")).lower().replace("_", " ")
            if name and not kind.startswith("end ") and cell_text(row.get("disabled")).lower() not in YES:
                self._row_queue.setdefault(name, deque()).append(index + 2)  # pyxform drops end rows and disabled rows
        self.multiple_lists: set[str] = set()
        self.current_row: int | None = None  # the survey row being mapped, for warnings about its texts

    def problem(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(located(sheet, row, column, message))

    def warn(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.warnings.append(located(sheet, row, column, message))

    # -- texts and languages ----------------------------------------------------------------

    def texts(self, value: Any) -> dict[str, str]:
        """pyxform's text (a string, or ``{language as written: text}``) as ``{code: text}``."""
        if isinstance(value, Mapping):
            out: dict[str, str] = {}
            for lang, text in value.items():
                if isinstance(text, Mapping) or not cell_text(text):
                    continue
                code = self.lang if lang == "default" else language_code(str(lang))[0]
                if out.get(code) not in (None, cell_text(text)):  # "label" and "label::English (en)" when English is the default
                    self.warn("survey", self.current_row, None, LANGUAGE_TWICE(first=out[code], second=cell_text(text), lang=code))
                out[code] = cell_text(text)
            return out
        return {self.lang: cell_text(value)} if cell_text(value) else {}

    def element_texts(self, element: Mapping[str, Any], key: str) -> dict[str, str]:
        """The texts of ``key`` (``label``, ``hint``), also as written with one colon (``label:English``,
        which pyxform leaves as a key of its own)."""
        out = self.texts(element.get(key))
        for other, text in element.items():
            head, sep, lang = str(other).partition(":")
            if sep and head == key and not lang.startswith(":") and cell_text(text):
                out[language_code(lang)[0]] = cell_text(text)
        return out

    def settings(self) -> dict[str, Any]:
        raw = list(self.book.settings or ())
        first = _lowered(raw[0]) if raw else {}
        row = 2
        for extra in range(1, len(raw)):
            self.warn("settings", row + extra, None, EXTRA_SETTINGS_ROW())
        for column, value in first.items():
            if column == "public_key" and cell_text(value):
                self.warn("settings", row, column, PUBLIC_KEY_UNUSED())
            elif column == "submission_url" and cell_text(value):
                self.warn("settings", row, column, SUBMISSION_URL_UNUSED(url=cell_text(value)))
            elif column not in SETTINGS and not column.startswith("form_title:") and cell_text(value):
                self.warn("settings", row, column, SETTING_IGNORED(setting=column))
        default = cell_text(first.get("default_language"))
        if default:
            self.lang, known = language_code(default)
            if not known:
                self.warn("settings", row, "default_language", LANGUAGE_UNKNOWN(language=self.lang))
        else:
            self.lang = self._first_language()
        title: dict[str, str] = {}
        for column, value in first.items():
            head, sep, lang = column.partition("::")
            if not sep:
                head, sep, lang = column.partition(":")  # form_title:English, as label:English
            if head == "form_title" and cell_text(value):
                title[language_code(lang)[0] if sep else self.lang] = cell_text(value)
        form_id = cell_text(first.get("form_id"))
        if not title:
            title = {self.lang: form_id or self.file_name or "Untitled form"}
            if not form_id:
                message = NO_TITLE_FILE(name=self.file_name) if self.file_name else NO_TITLE()
                self.warn("settings", None, "form_title", message)
        return {
            "title": title, "form_id": form_id or None, "version": cell_text(first.get("version")) or None,
            "instance_name": cell_text(first.get("instance_name")) or None,  # its paths: xlsexpr.read_path_text
        }

    def _first_language(self) -> str:
        headers = [str(h).strip() for h in _headers(self.book.survey_header)]
        if "label" not in [h.lower() for h in headers]:
            for header in headers:
                head, sep, lang = header.partition("::")
                if sep and head.lower() == "label":
                    return language_code(lang)[0]
        return "en"

    def check_languages(self) -> None:
        seen: set[str] = set()
        for sheet, header_rows in (
            ("survey", self.book.survey_header),
            ("choices", self.book.choices_header),
            ("settings", self.book.settings_header),
        ):
            for header in _headers(header_rows):
                head, sep, lang = str(header).strip().partition("::")
                if (
                    sep
                    and head.lower() in ("label", "hint", "constraint_message", "required_message", "form_title")
                    and lang not in seen
                ):
                    seen.add(lang)
                    if not language_code(lang)[1]:
                        self.warn(sheet, 1, str(header).strip(), LANGUAGE_UNKNOWN(language=lang))

    # -- choices ------------------------------------------------------------------------------

    def choices(self) -> dict[str, list[dict[str, Any]]]:
        """The choice lists; a list some select filters (choice_filter) keeps its further columns
        as each choice's ``data``, which the filter refers to. Any other column is reported."""
        lists: dict[str, list[dict[str, Any]]] = {}
        filtered = self._filtered_lists(self.json.get("children", ()))
        ignored: dict[str, None] = {}
        for list_name, options in (self.json.get("choices") or {}).items():
            entries: list[dict[str, Any]] = []
            for option in options:
                entry: dict[str, Any] = {"name": cell_text(option.get("name"))}
                label = self.texts(option.get("label"))
                if label:
                    entry["label"] = label
                data: dict[str, str] = {}
                for key, value in option.items():
                    if key in ("name", "label") or not value:
                        continue
                    if isinstance(value, Mapping):  # media::image::English… (shown by ODK, not by Fieldbook)
                        ignored.update((f"{key}::{sub}", None) for sub in value)
                    elif str(list_name) in filtered and COLUMN_NAME.fullmatch(str(key)):
                        data[str(key)] = cell_text(value)
                    else:
                        ignored[str(key)] = None
                if data:
                    entry["data"] = data
                entries.append(entry)
            lists[str(list_name)] = entries
        for column in ignored:
            self.warn("choices", 1, column, CHOICES_COLUMN_IGNORED(column=column))
        return lists

    def _filtered_lists(self, elements: Sequence[Mapping[str, Any]]) -> set[str]:
        """The names of the lists some select's choice_filter filters."""
        found: set[str] = set()
        for element in elements:
            if element.get("choice_filter") and str(element.get("type")) in SELECT_TYPES:
                found.add(cell_text(element.get("itemset") or element.get("list_name")))
            found |= self._filtered_lists(element.get("children", ()))
        return found

    def check_choice_names(self, lists: dict[str, list[dict[str, Any]]]) -> None:
        """A space inside a choice name is fine for select_one (pyxform allows it); a select_multiple
        stores its answers separated by spaces, so there a space would split one answer in two."""
        choice_rows: dict[tuple[str, str], int] = {}
        for index, raw in enumerate(self.book.choices or ()):
            row = _lowered(raw)
            key = (cell_text(row.get("list_name", row.get("list name"))), cell_text(row.get("name")))
            choice_rows.setdefault(key, index + 2)
        for list_name in sorted(self.multiple_lists):
            for entry in lists.get(list_name, ()):
                if re.search(r"\s", entry["name"]):
                    at = choice_rows.get((list_name, entry["name"]))
                    self.problem("choices", at, "name", CHOICE_NAME_SPACE(choice=entry["name"], list=list_name))

    # -- the survey ---------------------------------------------------------------------------

    def survey(self, lists: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        return self._elements(self.json.get("children", ()), lists)

    def report_unused(self, row: int | None, element: Mapping[str, Any]) -> None:
        """A column pyxform keeps but Fieldbook does not use (``media::image``, ``bind:relevant``
        when other headers use ``::``, ``constraint-msg``…): one warning per value, never a silent drop."""
        unused: list[str] = []
        for key, value in element.items():
            head, sep, lang = str(key).partition(":")
            if key in KNOWN_KEYS or (sep and head in TEXT_KEYS and not lang.startswith(":")):
                continue
            if isinstance(value, Mapping):
                unused += [f"{key}::{sub}" for sub, text in value.items() if text]
            elif cell_text(value):
                unused.append(str(key))
        unused += [f"bind::{k}" for k, v in (element.get("bind") or {}).items() if k not in USED_BIND and cell_text(v)]
        unused += [f"control::{k}" for k, v in (element.get("control") or {}).items() if k not in USED_CONTROL and cell_text(v)]
        if element.get("choice_filter") and str(element.get("type")) not in SELECT_TYPES:
            unused.append("choice_filter")
        for column in unused:
            self.warn("survey", row, column, SURVEY_COLUMN_IGNORED(column=column))

    def _row_of(self, name: str) -> int | None:
        queue = self._row_queue.get(name)
        if queue:
            return queue.popleft()
        generated = re.fullmatch(r"generated_note_name_(\d+)", name)  # pyxform names a nameless note by its row
        return int(generated[1]) if generated else None

    def _elements(self, elements: Sequence[Mapping[str, Any]], lists: dict[str, Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for element in elements:
            kind = str(element.get("type", ""))
            name = cell_text(element.get("name"))
            if kind == "group" and name == "meta" and (element.get("control") or {}).get("bodyless"):
                # pyxform's own <meta><instanceID/>: Fieldbook gives every record its id; what
                # else pyxform put there (an audit log of ODK Collect) is not recorded
                for inner in element.get("children", ()):
                    inner_name = cell_text(inner.get("name"))
                    if inner_name not in ("instanceID", "instanceName"):
                        self.warn("survey", self._row_of(inner_name), "type", METADATA_SKIPPED(kind=cell_text(inner.get("type"))))
                continue
            if name.startswith(TABLE_LIST_RESERVED):
                continue  # pyxform's header row of a table-list group: not a question
            row = self.current_row = self._row_of(name)
            if kind == "loop":  # pyxform's old loop over a list's choices
                self.problem("survey", row, "type", TYPE_UNSUPPORTED(kind=kind))
                self._skip(element.get("children", ()))
                continue
            self.report_unused(row, element)
            if kind == "repeat":
                repeat = self.field(row, element, "repeat", None)
                if repeat is not None:
                    count = cell_text((element.get("control") or {}).get("jr:count"))
                    if count:  # repeat_count (pyxform made a calculation of it if it was more than a reference)
                        repeat["parameters"] = {**repeat.get("parameters", {}), "count": count}
                    repeat["children"] = self._elements(list(element.get("children", ())), lists)
                    out.append(repeat)
                continue
            if kind == "group":
                children = list(element.get("children", ()))
                title = children[0] if children and str(children[0].get("name", "")).startswith(TABLE_LIST_LABEL) else None
                group = self.field(row, {**element, "label": title.get("label"), "hint": title.get("hint")} if title else element, "group", None)
                if group is not None:
                    group["children"] = self._elements(children[1:] if title else children, lists)
                    out.append(group)
                continue
            item = self.row_field(row, element, kind, lists)
            if item is not None:
                out.append(item)
        return out

    def _skip(self, elements: Sequence[Mapping[str, Any]]) -> None:
        """Use up the rows of a part not carried over, so later names keep their own rows."""
        for element in elements:
            self._row_of(cell_text(element.get("name")))
            self._skip(element.get("children", ()))

    def row_field(self, row: int | None, element: Mapping[str, Any], kind: str, lists: dict[str, Any]) -> dict[str, Any] | None:
        if kind in SELECT_TYPES:
            list_name = cell_text(element.get("itemset") or element.get("list_name"))
            if FILE_LIST.search(list_name):
                self.problem("survey", row, "type", FILE_LIST_UNSUPPORTED(file=list_name))
                return None
            ftype = SELECT_TYPES[kind]
            if ftype == "select_multiple":
                self.multiple_lists.add(list_name)
            item = self.field(row, element, ftype, list_name)
            if item is not None and cell_text(element.get("choice_filter")):
                item["choice_filter"] = cell_text(element.get("choice_filter"))
            return item
        if kind in METADATA:
            return self.metadata(row, element, kind)
        if kind in SKIPPED:
            self.warn("survey", row, "type", BACKGROUND_SKIPPED(kind=kind))
            return None
        if kind in SIMPLE_TYPES:
            item = self.field(row, element, SIMPLE_TYPES[kind], None, calculated=kind in CALCULATED, hidden=kind == "hidden")
            if kind in AS_ANOTHER_TYPE:
                self.warn("survey", row, "type", BARCODE_AS_TEXT() if AS_ANOTHER_TYPE[kind] == "barcode" else OSM_AS_FILE())
            if kind in ACKNOWLEDGE:
                self.warn("survey", row, "type", ACKNOWLEDGE_AS_YES_NO(kind=kind))
                if item is not None:
                    self.acknowledged.append(item["name"])
            return item
        self.problem("survey", row, "type", TYPE_UNSUPPORTED(kind=kind))
        return None

    def field(
        self,
        row: int | None,
        element: Mapping[str, Any],
        ftype: str,
        list_name: str | None,
        *,
        calculated: bool = False,
        hidden: bool = False,
    ) -> dict[str, Any] | None:
        name = cell_text(element.get("name"))
        if name in self.rows or name in self.duplicates:
            first = self.rows.get(name)
            message = NAME_TAKEN(name=name, row=str(first)) if first else NAME_TAKEN_UNKNOWN_ROW(name=name)
            self.problem("survey", row, "name", message)
            self.duplicates.add(name)
            return None
        if row is not None:
            self.rows[name] = row
        else:
            self.rows.setdefault(name, 0)  # generated by pyxform (a note without a name, or_other's text)
        item: dict[str, Any] = {"name": name, "type": ftype}
        for key, attribute in TEXT_KEYS.items():
            found = self.element_texts(element, key)
            if found:
                item[attribute] = found
        bind = element.get("bind") or {}
        for key, attribute in BIND_TEXTS.items():
            found = self.texts(bind.get(key))
            if found:
                item[attribute] = found
        holds_value = ftype not in ("note", "group", "repeat")
        for key, attribute in (("required", "required"), ("readonly", "read_only")):
            flag = cell_text(bind.get(key)).lower()
            if flag in YES and holds_value:
                item[attribute] = True
            elif flag in YES:
                self.warn("survey", row, attribute, NO_VALUE_FLAG(kind=ftype, column=attribute))
                item.pop("required_message", None)
            elif flag not in NO:
                self.problem("survey", row, attribute, NOT_YES_NO(value=flag))
        for key, attribute in (("constraint", "constraint"), ("relevant", "relevant"), ("calculate", "calculation")):
            text = cell_text(bind.get(key))
            if text:
                item[attribute] = text
        if calculated or hidden:
            item["read_only"] = True
            if calculated and "calculation" not in item:
                self.problem("survey", row, "calculation", CALCULATE_NEEDS_CALCULATION())
        if list_name is not None:
            item["choice_list"] = list_name
        parameters = self.parameters(row, element, ftype)
        if hidden:  # ODK's hidden question: a value (its default) kept without a widget
            parameters["hidden"] = True
        if parameters:
            item["parameters"] = parameters
        default = element.get("default")
        if cell_text(default) and element.get("_dynamic_default") and cell_text(default) not in ("today()", "now()"):
            self.problem("survey", row, "default", DYNAMIC_DEFAULT(default=cell_text(default)))
        elif cell_text(default):
            item["default"] = self.default(row, Field(name, ftype, parameters=parameters), default)
        return item

    def metadata(self, row: int | None, element: Mapping[str, Any], kind: str) -> dict[str, Any] | None:
        """ODK's metadata questions (``start``, ``today``, ``imei``…, as pyxform names them): a field
        Fieldbook fills by itself, hidden in the editor, referable as ``${start}``; or, for what it
        cannot record (``audit``, ``start-geopoint``), a skipped row with a warning."""
        preload = cell_text((element.get("bind") or {}).get("jr:preloadParams")) or kind
        recorded = preload.removeprefix("uri:")
        if recorded not in METADATA_KINDS:
            self.warn("survey", row, "type", METADATA_SKIPPED(kind=kind))
            return None
        item = self.field(row, {**element, "bind": {}, "default": None}, METADATA_KINDS[recorded], None)  # no rules
        if item is not None:
            item["read_only"] = True
            item["parameters"] = {**item.get("parameters", {}), "metadata": recorded}
            if recorded not in RECORDED:
                self.warn("survey", row, "type", METADATA_EMPTY(kind=kind, name=item["name"]))
        return item

    def parameters(self, row: int | None, element: Mapping[str, Any], ftype: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        appearance = cell_text((element.get("control") or {}).get("appearance")).split()
        if ftype == "text" and "multiline" in appearance:
            out["multiline"] = True
            appearance.remove("multiline")
        if appearance:
            out["appearance"] = " ".join(appearance)
        given = element.get("parameters") or {}
        if isinstance(given, str):  # pyxform keeps the text as written where it moved the values into "control"
            given = dict(part.partition("=")[::2] for part in re.split(r"[\s,;]+", given) if part)
        for key, value in given.items():
            if ftype == "range" and key in ("start", "end", "step"):
                try:
                    out[key] = parse_text(Field("parameter", "decimal"), cell_text(value))
                except ValidationError:
                    self.problem("survey", row, "parameters", RANGE_NOT_NUMBER(setting=key, value=cell_text(value)))
                    continue
                if float(out[key]).is_integer():
                    out[key] = int(out[key])
            else:
                self.warn("survey", row, "parameters", PARAMETER_IGNORED(parameter=key))
        return out

    def default(self, row: int | None, item: Field, value: Any) -> Any:
        text = cell_text(value)
        if item.type in ("date", "time", "datetime") and text in ("today()", "now()"):
            return text
        try:
            if item.type == "select_multiple":
                return text.split()
            if item.type == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2} 00:00:00", text):
                text = text[:10]  # pyxform gives a date cell as a date-time at midnight
            return parse_text(item, text)
        except ValidationError as exc:
            self.problem("survey", row, "default", texts.of(exc))
            return None

    def locate(self, found: Problem) -> Problem:
        """A FormDef problem placed at the spreadsheet cell its field came from."""
        if found.where == "instance_name":  # the form's own setting
            return located("settings", 2, "instance_name", found.message)
        if found.field is None or not self.rows.get(found.field):
            return found
        attribute = found.attribute or "type"
        column = self.columns.get((found.field, attribute)) or COLUMN_OF.get(attribute, attribute)
        about_field = found.where.startswith(f"field '{found.field}'")
        message = found.message if about_field else PROBLEM_LINE(where=found.where, message=found.message)
        return located("survey", self.rows[found.field], column, message)


def _headers(header_rows: Any) -> list[str]:
    """The column headers as written, from pyxform's ``*_header`` (a list of one dict)."""
    if not header_rows:
        return []
    first = header_rows[0]
    return [str(k) for k in first] if isinstance(first, Mapping) else [str(k) for k in header_rows]


def located(sheet: str, row: int | None, column: str | None, message: str) -> Problem:
    return Problem(place(sheet, row, column), message, row=row, attribute=column)


__all__ = ["METADATA", "SELECT_TYPES", "SIMPLE_TYPES", "SKIPPED", "XlsMapper", "language_code", "located"]
