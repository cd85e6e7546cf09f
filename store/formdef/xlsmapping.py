"""Mapping the rows of an XLSForm's sheets to Fieldbook's form JSON, reporting as it goes.

Each row becomes a field (or opens/closes a group) or a located problem/warning; the result is
handed to ``form_from_json``, whose problems ``XlsMapper.locate`` places back at the row and
column they came from. The mapping table is in the README ("Form definitions").
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from store.core import texts
from store.core.errors import ValidationError
from store.core.texts import said
from store.formdef.convert import parse_text, to_stored
from store.formdef.expr import ExpressionError, parse, references, replace_current, replace_reference, uses_current
from store.formdef.model import PROBLEM_LINE, Field, Problem
from store.formdef.xlsrows import Sheet, cell_text, place

SIMPLE_TYPES = {
    "text": "text",
    "string": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "datetime": "datetime",
    "note": "note",
    "geopoint": "geopoint",
    "image": "photo",
    "photo": "photo",
    "file": "file",
    "acknowledge": "boolean",
    "boolean": "boolean",
    "range": "range",
    "calculate": "text",
}
METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "phonenumber",
    "simserial",
    "subscriberid",
    "email",
    "audit",
    "start-geopoint",
}
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
TEXT_COLUMNS = {
    "label": "label",
    "hint": "hint",
    "constraint_message": "constraint_message",
    "required_message": "required_message",
}
USED_COLUMNS = {
    "type",
    "name",
    "required",
    "constraint",
    "relevant",
    "calculation",
    "default",
    "read_only",
    "appearance",
    "parameters",
}
SETTINGS = ("form_title", "form_id", "version", "default_language")
EXPRESSIONS = ("relevant", "constraint", "calculation")
YES = {"yes", "true", "1", "true()"}
NO = {"no", "false", "0", "false()", ""}
# Which spreadsheet column a FormDef attribute came from, for problem reports.
COLUMN_OF = {"choice_list": "type", "children": "type", "name": "name", "parameters": "parameters"}

# What the mapping reports, placed at a sheet, row and column (``located``). Names from the
# workbook (settings, columns, choices, types, languages) are given as they are written.
EXTRA_SETTINGS_ROW = said("xls.extra_settings_row", "only the first row of settings is used; this row is ignored")
SETTING_IGNORED = said("xls.setting_ignored", "the setting '{setting}' is not used by Fieldbook and is ignored")
LANGUAGE_UNKNOWN = said("xls.language_unknown", "the language '{language}' has no known code; it is kept as it is written")
NO_TITLE = said("xls.no_title", "the form has no form_title; it is called 'Untitled form'")
SHEET_TOO_LONG = said("xls.sheet_too_long", "the sheet has more than {n} rows")
CHOICES_COLUMN_IGNORED = said("xls.choices_column_ignored", "the column '{column}' is not used by Fieldbook and is ignored")
CHOICE_NEEDS_NAMES = said("xls.choice_needs_names", "every choice needs a list_name and a name")
CHOICE_TWICE = said("xls.choice_twice", "the choice '{choice}' appears twice in list '{list}'")
CHOICE_NAME_SPACE = said("xls.choice_name_space", "the choice name '{choice}' contains a space; use _ instead")
SURVEY_COLUMN_IGNORED = said("xls.survey_column_ignored", "the column '{column}' is not supported; this value is ignored")
NO_TYPE = said("xls.no_type", "the row has no type")
END_WITHOUT_BEGIN = said("xls.end_without_begin", "'{end}' has no matching 'begin {kind}'")
REPEAT_UNSUPPORTED = said("xls.repeat_unsupported", "repeats (begin repeat) are not supported by Fieldbook")
GROUP_NOT_CLOSED = said("xls.group_not_closed", "this group or repeat is never closed with 'end group'")
OR_OTHER_UNSUPPORTED = said("xls.or_other_unsupported", "'or_other' is not supported; write '{select} list_name'")
SELECT_FORM_UNSUPPORTED = said("xls.select_form_unsupported", "this form of select is not supported; write '{select} list_name'")
NO_SUCH_LIST = said("xls.no_such_list", "the choice list '{list}' is not on the choices sheet")
METADATA_SKIPPED = said(
    "xls.metadata_skipped",
    "'{kind}' is recorded automatically by Fieldbook (time, device and user of every record); this row is skipped",
)
ACKNOWLEDGE_AS_YES_NO = said("xls.acknowledge_as_yes_no", "'acknowledge' is imported as a yes/no field")
TYPE_UNSUPPORTED = said("xls.type_unsupported", "the type '{kind}' is not supported by Fieldbook")
NO_NAME = said("xls.no_name", "the row has no name")
NAME_TAKEN = said("xls.name_taken", "the name '{name}' is already used in row {row}")
NOT_YES_NO = said("xls.not_yes_no", "'{value}' is not yes or no")
CALCULATE_NEEDS_CALCULATION = said("xls.calculate_needs_calculation", "a calculate row needs a calculation")
ACKNOWLEDGE_READ_AS_OK = said(
    "xls.acknowledge_read_as_ok",
    "{fields} is a yes/no field in Fieldbook; this expression reads it as 'OK' when ticked and empty when not, as ODK does",
)
NOT_NAME_VALUE = said("xls.not_name_value", "'{part}' is not written as name=value")
RANGE_NOT_NUMBER = said("xls.range_not_number", "the range {setting} '{value}' is not a number")
PARAMETER_IGNORED = said("xls.parameter_ignored", "the parameter '{parameter}' is not supported; it is ignored")


def language_code(name: str) -> tuple[str, bool]:
    """The code for a language column suffix (``English (en)`` → ``en``) and whether it was known."""
    text = name.strip()
    bracket = re.search(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\)\s*$", text)
    if bracket:
        return bracket[1].lower(), True
    if text.lower() in LANGUAGES:
        return LANGUAGES[text.lower()], True
    if re.fullmatch(r"[a-z]{2,3}", text):
        return text, True
    return text, False


class XlsMapper:
    """Collects fields, choice lists, settings, problems and warnings from the sheets."""

    def __init__(self, sheets: dict[str, Sheet], *, max_survey_rows: int, max_choice_rows: int) -> None:
        self.sheets = sheets
        self.max_survey_rows = max_survey_rows
        self.max_choice_rows = max_choice_rows
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.rows: dict[str, int] = {}  # field name -> survey row, for problems found later
        self.columns: dict[tuple[str, str], str] = {}  # (field, attribute) -> column header
        self.duplicates: set[str] = set()
        self.acknowledged: list[str] = []  # acknowledge fields, stored as yes/no (see read_acknowledged)
        self.lang = "en"

    def problem(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(located(sheet, row, column, message))

    def warn(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.warnings.append(located(sheet, row, column, message))

    def texts(self, record: dict[str, Any], base: str, owner: str | None, attribute: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for column, value in record.items():
            head, _, lang = column.partition("::")
            if head != base or not cell_text(value):
                continue
            code = self.lang if not lang else language_code(lang)[0]
            out[code] = cell_text(value)
            if owner is not None:
                self.columns[(owner, attribute)] = column
        return out

    def settings(self) -> dict[str, Any]:
        sheet = self.sheets.get("settings")
        values: dict[str, str] = {}
        row, record = sheet.records[0] if sheet is not None and sheet.records else (2, {})
        if sheet is not None:
            for extra, _ in sheet.records[1:]:
                self.warn("settings", extra, None, EXTRA_SETTINGS_ROW())
            for column, value in record.items():
                if column in SETTINGS:
                    values[column] = cell_text(value)
                elif cell_text(value) and not column.startswith("form_title::"):
                    self.warn("settings", row, column, SETTING_IGNORED(setting=column))
        if values.get("default_language"):
            self.lang, known = language_code(values["default_language"])
            if not known:
                self.warn("settings", row, "default_language", LANGUAGE_UNKNOWN(language=self.lang))
        else:
            self.lang = self._first_language()
        title = self.texts(record, "form_title", None, "title")
        if not title:
            title = {self.lang: values.get("form_id") or "Untitled form"}
            if not values.get("form_id"):
                self.warn("settings", None, "form_title", NO_TITLE())
        return {"title": title, "form_id": values.get("form_id") or None, "version": values.get("version") or None}

    def _first_language(self) -> str:
        survey = self.sheets.get("survey")
        if survey is not None and "label" not in survey.headers:
            for header in survey.headers:
                if header.startswith("label::"):
                    return language_code(header.partition("::")[2])[0]
        return "en"

    def check_languages(self) -> None:
        seen: set[str] = set()
        for name, sheet in self.sheets.items():
            for header in sheet.headers:
                head, sep, lang = header.partition("::")
                if sep and head in TEXT_COLUMNS | {"form_title": ""} and lang not in seen:
                    seen.add(lang)
                    code, known = language_code(lang)
                    if not known:
                        self.warn(name, 1, header, LANGUAGE_UNKNOWN(language=lang))

    def choices(self) -> dict[str, list[dict[str, Any]]]:
        sheet = self.sheets.get("choices")
        lists: dict[str, list[dict[str, Any]]] = {}
        if sheet is None:
            return lists
        if len(sheet.records) > self.max_choice_rows:
            self.problem("choices", None, None, SHEET_TOO_LONG(n=self.max_choice_rows))
            return lists
        for header in sheet.headers:
            if header.partition("::")[0] not in ("list_name", "name", "label"):
                self.warn("choices", 1, header, CHOICES_COLUMN_IGNORED(column=header))
        seen: set[tuple[str, str]] = set()
        for row, record in sheet.records:
            list_name, name = cell_text(record.get("list_name")), cell_text(record.get("name"))
            if not list_name or not name:
                self.problem("choices", row, "list_name" if not list_name else "name", CHOICE_NEEDS_NAMES())
                continue
            if (list_name, name) in seen:
                self.problem("choices", row, "name", CHOICE_TWICE(choice=name, list=list_name))
                continue
            if re.search(r"\s", name):
                self.problem("choices", row, "name", CHOICE_NAME_SPACE(choice=name))
                continue
            seen.add((list_name, name))
            entry: dict[str, Any] = {"name": name}
            label = self.texts(record, "label", None, "label")
            if label:
                entry["label"] = label
            lists.setdefault(list_name, []).append(entry)
        return lists

    def survey(self, lists: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        sheet = self.sheets["survey"]
        if len(sheet.records) > self.max_survey_rows:
            self.problem("survey", None, None, SHEET_TOO_LONG(n=self.max_survey_rows))
            return []
        for header in sheet.headers:
            base = header.partition("::")[0]
            if base not in USED_COLUMNS and base not in TEXT_COLUMNS:
                rows = [row for row, record in sheet.records if cell_text(record.get(header))]
                for row in rows:
                    self.warn("survey", row, header, SURVEY_COLUMN_IGNORED(column=header))
        top: list[dict[str, Any]] = []
        stack: list[tuple[dict[str, Any] | None, int, list[dict[str, Any]]]] = []  # (group, begin row, children)
        current = top
        for row, record in sheet.records:
            kind = " ".join(cell_text(record.get("type")).split())
            words = kind.replace("begin_", "begin ").replace("end_", "end ").split()
            lowered = [w.lower() for w in words]
            if not kind:
                self.problem("survey", row, "type", NO_TYPE())
                continue
            if lowered[:1] == ["end"] and lowered[1:2] in (["group"], ["repeat"]):
                if not stack:
                    self.problem("survey", row, "type", END_WITHOUT_BEGIN(end=kind, kind=lowered[1]))
                    continue
                stack.pop()
                current = stack[-1][2] if stack else top
                continue
            if lowered[:1] == ["begin"] and lowered[1:2] in (["group"], ["repeat"]):
                if lowered[1] == "repeat":
                    self.problem("survey", row, "type", REPEAT_UNSUPPORTED())
                    group = None
                else:
                    group = self.field(row, record, "group", None)
                children: list[dict[str, Any]] = []
                if group is not None:
                    group["children"] = children
                    current.append(group)
                stack.append((group, row, children))
                current = children
                continue
            item = self.row_field(row, record, kind, lowered, lists)
            if item is not None:
                current.append(item)
        for _group, begin_row, _children in stack:
            self.problem("survey", begin_row, "type", GROUP_NOT_CLOSED())
        return top

    def row_field(
        self, row: int, record: dict[str, Any], kind: str, lowered: list[str], lists: dict[str, Any]
    ) -> dict[str, Any] | None:
        head = lowered[0]
        if head in ("select_one", "select_multiple"):
            if len(lowered) != 2:
                unsupported = OR_OTHER_UNSUPPORTED if lowered[-1] == "or_other" else SELECT_FORM_UNSUPPORTED
                self.problem("survey", row, "type", unsupported(select=head))
                return None
            list_name = kind.split()[1]
            if list_name not in lists:
                self.problem("survey", row, "type", NO_SUCH_LIST(list=list_name))
                return None
            return self.field(row, record, head, list_name)
        if len(lowered) == 1 and head in METADATA:
            self.warn("survey", row, "type", METADATA_SKIPPED(kind=head))
            return None
        if len(lowered) == 1 and head in SIMPLE_TYPES:
            item = self.field(row, record, SIMPLE_TYPES[head], None, calculated=head == "calculate")
            if head == "acknowledge":
                self.warn("survey", row, "type", ACKNOWLEDGE_AS_YES_NO())
                if item is not None:
                    self.acknowledged.append(item["name"])
            return item
        self.problem("survey", row, "type", TYPE_UNSUPPORTED(kind=kind))
        return None

    def field(
        self, row: int, record: dict[str, Any], ftype: str, list_name: str | None, *, calculated: bool = False
    ) -> dict[str, Any] | None:
        name = cell_text(record.get("name"))
        if not name:
            self.problem("survey", row, "name", NO_NAME())
            return None
        if name in self.rows:
            self.problem("survey", row, "name", NAME_TAKEN(name=name, row=str(self.rows[name])))
            self.duplicates.add(name)
            return None
        self.rows[name] = row
        item: dict[str, Any] = {"name": name, "type": ftype}
        for column, attribute in TEXT_COLUMNS.items():
            texts = self.texts(record, column, name, attribute)
            if texts:
                item[attribute] = texts
        for column in ("required", "read_only"):
            flag = cell_text(record.get(column)).lower()
            if flag in YES:
                item[column] = True
            elif flag not in NO:
                self.problem("survey", row, column, NOT_YES_NO(value=flag))
        for column in ("constraint", "relevant", "calculation"):
            if cell_text(record.get(column)):
                item[column] = cell_text(record.get(column))
        if calculated:
            item["read_only"] = True
            if "calculation" not in item:
                self.problem("survey", row, "calculation", CALCULATE_NEEDS_CALCULATION())
        if list_name is not None:
            item["choice_list"] = list_name
        parameters = self.parameters(row, record, ftype)
        if parameters:
            item["parameters"] = parameters
        default = record.get("default")
        if cell_text(default):
            item["default"] = self.default(row, Field(name, ftype, parameters=parameters), default)
        return item

    def read_acknowledged(self, fields: list[dict[str, Any]]) -> None:
        """Expressions see an acknowledge field as ODK shows it to them: 'OK' when ticked, empty
        when not — Fieldbook stores it as yes/no, so ``${ack} = 'OK'`` would never be true.
        Every expression that refers to one is rewritten, and each rewrite is reported."""
        for item in fields:
            self.read_acknowledged(item.get("children", []))
            for attribute in EXPRESSIONS:
                text = item.get(attribute)
                if not isinstance(text, str):
                    continue
                try:
                    tree = parse(text)
                except ExpressionError:
                    continue  # reported as it is, by the form's own check
                names = [n for n in self.acknowledged if n in references(tree)]
                for name in names:
                    text = replace_reference(text, name, "if(${" + name + "}, 'OK', '')")
                if item["name"] in self.acknowledged and uses_current(tree):  # its own value: "."
                    text = replace_current(text, "if(., 'OK', '')")
                    names.append(item["name"])
                if names:
                    item[attribute] = text
                    which = ["${" + n + "}" for n in names]
                    self.warn("survey", self.rows.get(item["name"]), attribute, ACKNOWLEDGE_READ_AS_OK(fields=which))

    def parameters(self, row: int, record: dict[str, Any], ftype: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        appearance = cell_text(record.get("appearance")).split()
        if ftype == "text" and "multiline" in appearance:
            out["multiline"] = True
            appearance.remove("multiline")
        if appearance:
            out["appearance"] = " ".join(appearance)
        raw = cell_text(record.get("parameters"))
        for part in re.split(r"[\s,;]+", raw) if raw else []:
            key, sep, value = part.partition("=")
            if not sep or not key or not value:
                self.problem("survey", row, "parameters", NOT_NAME_VALUE(part=part))
            elif ftype == "range" and key in ("start", "end", "step"):
                try:
                    out[key] = parse_text(Field("parameter", "decimal"), value)
                except ValidationError:
                    self.problem("survey", row, "parameters", RANGE_NOT_NUMBER(setting=key, value=value))
                    continue
                if float(out[key]).is_integer():
                    out[key] = int(out[key])
            else:
                self.warn("survey", row, "parameters", PARAMETER_IGNORED(parameter=key))
        return out

    def default(self, row: int, item: Field, value: Any) -> Any:
        text = cell_text(value)
        if item.type in ("date", "time", "datetime") and text in ("today()", "now()"):
            return text
        try:
            if isinstance(value, dt.datetime) and item.type in ("date", "time"):
                value = value.date() if item.type == "date" else value.time()
            if isinstance(value, (dt.date, dt.time)) or (isinstance(value, bool) and item.type == "boolean"):
                return to_stored(item, value)
            if item.type == "select_multiple":
                return text.split()
            return parse_text(item, text)
        except ValidationError as exc:
            self.problem("survey", row, "default", texts.of(exc))
            return None

    def locate(self, found: Problem) -> Problem:
        """A FormDef problem placed at the spreadsheet cell its field came from."""
        if found.field is None or found.field not in self.rows:
            return found
        attribute = found.attribute or "type"
        column = self.columns.get((found.field, attribute)) or COLUMN_OF.get(attribute, attribute)
        about_field = found.where.startswith(f"field '{found.field}'")
        message = found.message if about_field else PROBLEM_LINE(where=found.where, message=found.message)
        return located("survey", self.rows[found.field], column, message)


def located(sheet: str, row: int | None, column: str | None, message: str) -> Problem:
    return Problem(place(sheet, row, column), message, row=row, attribute=column)
