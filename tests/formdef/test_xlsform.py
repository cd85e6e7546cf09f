"""XLSForm import from real .xlsx files built with openpyxl."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from store.formdef import form_from_json, form_from_text
from store.formdef import xlsform as xlsform_module
from store.formdef.xlsform import ImportResult, import_xlsform, language_code, load_form_file
from tests.formdef.workbooks import SURVEY_HEADER, full_workbook, survey_row, workbook


def lines(found: list[Any]) -> list[str]:
    return [str(p) for p in found]


def survey_only(*rows: list[Any], choices: list[list[Any]] | None = None, **sheets: Any) -> ImportResult:
    data: dict[str, Any] = {"survey": [SURVEY_HEADER, *rows]}
    if choices is not None:
        data["choices"] = [["list_name", "name", "label"], *choices]
    data.update(sheets)
    return import_xlsform(workbook(data))


def test_full_workbook_maps_every_supported_type() -> None:
    result = import_xlsform(full_workbook())
    assert result.ok and result.problems == []
    form = result.form
    assert form is not None
    assert form.title == {"en": "Trees"} and form.form_id == "trees" and form.version == "2024052901"
    types = {f.name: f.type for f in form.walk()}
    assert types == {
        "intro": "note", "observer": "text", "species": "select_one", "damage": "select_multiple", "measure": "group",
        "dbh": "decimal", "stems": "integer", "circ": "text", "height": "range", "seen": "date", "seen_time": "time",
        "logged": "datetime", "where": "geopoint", "picture": "photo", "sheet": "file", "ok": "boolean", "notes": "text",
        "started": "datetime",
    }  # fmt: skip
    assert form.field("started").metadata == "start" and form.field("started").read_only  # recorded by Fieldbook
    assert [c.name for c in form.field("measure").children] == ["dbh", "stems", "circ", "height"]
    assert form.field("species").label == {"en": "Species", "de": "Art"} and form.field("species").required
    assert form.field("observer").required_message == {"en": "Who?"}
    dbh = form.field("dbh")
    assert dbh.constraint == ". > 0 and . < 500" and dbh.constraint_message == {
        "en": "Between 0 and 500",
        "de": "Zwischen 0 und 500",
    }
    assert form.field("damage").relevant == "${species} != 'oak'" and form.field("damage").choice_list == "damage"
    assert form.field("circ").calculation == "round(${dbh} * 3.14159, 1)" and form.field("circ").read_only
    assert form.field("height").parameters == {"start": 0, "end": 60, "step": 1}
    assert form.field("stems").default == 1 and form.field("seen").default == "today()"
    assert form.field("notes").parameters == {"multiline": True}
    assert [(c.name, dict(c.label)) for c in form.choice_lists["species"]] == [
        ("oak", {"en": "Oak", "de": "Eiche"}),
        ("beech", {"en": "Beech", "de": "Buche"}),
    ]
    assert lines(result.warnings) == [
        "survey sheet, row 19, column 'type': 'acknowledge' is imported as a yes/no field",
    ]


def test_import_round_trips_through_json() -> None:
    form = import_xlsform(full_workbook()).form
    assert form is not None
    assert form_from_json(form.to_json()) == form
    assert form_from_text(form.dumps()) == form


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file: the file is empty"),
        (
            b"type,name,label\ninteger,a,A\n",
            "file: the file is not an Excel workbook (.xlsx); save it from your spreadsheet program as .xlsx",
        ),
        (
            bytes(range(256)) * 10,
            "file: the file is not an Excel workbook (.xlsx); save it from your spreadsheet program as .xlsx",
        ),
        (b"PK\x03\x04" + b"\x00" * 100, "file: the file is damaged and cannot be read as an Excel workbook (.xlsx)"),
    ],
)
def test_unreadable_files_give_one_plain_problem(data: bytes, message: str) -> None:
    result = import_xlsform(data)
    assert result.form is None and not result.ok
    assert lines(result.problems) == [message]


def test_a_zip_that_is_not_a_workbook_and_a_truncated_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert lines(import_xlsform(buffer.getvalue()).problems) == [
        "file: the file is a zip archive but not an Excel workbook (.xlsx)"
    ]
    truncated = import_xlsform(full_workbook()[:3000])
    assert truncated.form is None and len(truncated.problems) == 1 and "damaged" in truncated.problems[0].message


def test_a_csv_renamed_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    path.write_text("type,name\ninteger,a\n")
    result = load_form_file(path)
    assert result.form is None and "not an Excel workbook" in result.problems[0].message


def test_huge_files_are_refused_without_reading_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"\x00" * 5000)

    def never(self: Path) -> bytes:
        raise AssertionError("read the whole file")

    monkeypatch.setattr(Path, "read_bytes", never)
    assert lines(import_xlsform(path, max_bytes=1000).problems) == ["file: the file is larger than 1,000 bytes"]
    assert lines(import_xlsform(full_workbook(), max_bytes=1000).problems) == ["file: the file is larger than 1,000 bytes"]


def test_zip_bombs_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsform_module, "MAX_UNPACKED", 1000)
    assert "unpacks to more than 1,000 bytes" in import_xlsform(full_workbook()).problems[0].message


def test_missing_survey_sheet() -> None:
    result = import_xlsform(workbook({"questions": [["type", "name"], ["text", "a"]], "notes": [["x"], ["y"]]}))
    assert lines(result.problems) == ["workbook: there is no 'survey' sheet; an XLSForm lists its questions there"]
    assert lines(result.warnings) == [
        "questions sheet: is not part of an XLSForm and is ignored",
        "notes sheet: is not part of an XLSForm and is ignored",
    ]
    alone = import_xlsform(
        workbook({"questions": [["type", "name"], ["text", "a"]]})
    )  # as pyxform reads it: the one sheet is the survey
    assert alone.form is not None and [f.name for f in alone.form.fields] == ["a"]
    assert not [w for w in lines(alone.warnings) if "is ignored" in w]


def test_sheet_names_as_pyxform_reads_them() -> None:
    """Case does not matter (pyxform); a space around the name does: ODK Central refuses such a form
    too, and the report says which sheet to rename."""
    result = import_xlsform(
        workbook({"Survey": [["Type", "Name", "Label"], ["text", "a", "A"]], "CHOICES": [["list name", "name"]]})
    )
    assert result.ok and result.form is not None and result.form.field("a").label == {"en": "A"}
    assert lines(result.warnings) == [
        "settings sheet, column 'form_title': the form has no form_title; it is called 'Untitled form'"
    ]
    spaced = import_xlsform(workbook({"Survey ": [["type", "name"], ["text", "a"]], "choices": [["list_name", "name"]]}))
    assert lines(spaced.problems) == [
        "workbook: there is no 'survey' sheet; the sheet 'Survey ' looks like it: rename it to exactly 'survey'"
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (survey_row("select_one nolist", "d", "D"), "survey sheet, row 3: List name not in choices sheet: nolist"),
        (survey_row("", "", "orphan label"), "survey sheet, row 3: Question with no type."),
        (survey_row("text", "", "no name"), "survey sheet, row 3: Question or group with no name."),
        (
            survey_row("end group", ""),
            "survey sheet, row 3: Unmatched 'end_group'. No matching 'begin_group' was found for the name 'unknown'.",
        ),
        (
            survey_row("begin group", "open", "Never closed"),
            "survey sheet, row 3: Unmatched 'begin_group'. No matching 'end_group' was found for the name 'open'.",
        ),
        (survey_row("calculate", "calc"), "survey sheet, row 3: Missing calculation."),
        (survey_row("text", "a", "again"), "survey sheet, row 3: On the 'survey' sheet, the 'name' value 'a' is invalid."),
        (survey_row("integer", "1bad", "x"), "survey sheet, row 3: On the 'survey' sheet, the 'name' value is invalid."),
        (
            survey_row("range", "rg", "R", parameters="start=0 end=x step"),
            "survey sheet, row 3: On the 'survey' sheet, the 'parameters' value is invalid.",
        ),
    ],
)
def test_what_pyxform_refuses_is_refused_with_its_row(row: list[Any], message: str) -> None:
    """pyxform reads the form (as ODK Central and Kobo do): what it refuses is refused here, with
    its own words and the row it names (pyxform stops at the first)."""
    result = survey_only(survey_row("integer", "a", "A"), row, choices=[["l", "a", "A"]])
    assert result.form is None and len(result.problems) == 1
    assert result.problems[0].row == 3 and lines(result.problems)[0].startswith(message)


def test_every_row_fieldbook_cannot_carry_over_is_a_problem_with_its_row() -> None:
    """What pyxform accepts but Fieldbook cannot record (yet) is reported all at once, row by row."""
    result = survey_only(
        survey_row("integer", "a", "A"),  # row 2
        survey_row("begin repeat", "r", "R"),  # 3: imported (a repeat)
        survey_row("text", "inside", "In"),  # 4
        survey_row("end repeat", ""),  # 5
        survey_row("rank", "c", "C"),  # 6
        survey_row("select_one_from_file trees.csv", "e", "E"),  # 7
        survey_row("begin group", "g", "G"),  # 8
        survey_row("text", "a", "again"),  # 9: unique in its group (XLSForm), not in the form (Fieldbook)
        survey_row("end group", ""),  # 10
        survey_row("text", "q", "Q", required="maybe"),  # 11
        choices=[["l", "a", "A"]],
    )
    assert result.form is None
    assert lines(result.problems) == [
        "survey sheet, row 6, column 'type': the type 'rank' is not supported by Fieldbook",
        "survey sheet, row 7, column 'type': choices from a file ('trees.csv') are not supported by Fieldbook yet",
        "survey sheet, row 9, column 'name': the name 'a' is already used in row 2",
        "survey sheet, row 11, column 'required': 'maybe' is not yes or no",
    ]


def test_spellings_pyxform_accepts() -> None:
    """Old select syntax, type and column aliases, one-colon language headers, a note without a
    name, smart quotes, required on a note, or_other (its text field, relevance by path), spaces in
    select_one choice names, ':' in list names — as pyxform reads them."""
    survey = [
        ["type", "name", "label:English", "constraint message", "relevance", "required", "readonly", "hint::Deutsch (de)"],
        ["select one from yn", "q1", "Q one", "", "", "", "", "Hinweis"],
        ["select all that apply from yn", "q2", "Q two", "", "${q1} = \u2018yes\u2019", "yes", "", ""],
        ["gps", "where", "Where", "", "", "", "", ""],
        ["note", "", "A note", "", "", "yes", "", ""],
        ["phone number", "ph", "Phone", "", "", "", "yes", ""],
        ["integer", "age", "Age", "too old", "", "", "", ""],
        [],
        ["select_one building:material", "bm", "Material", "", "", "", "", ""],
        ["select_one yn or_other", "oo", "Or other", "", "", "", "", ""],
    ]
    choices = [
        ["list_name", "name", "label:English"],
        ["yn", "yes", "Yes"],
        ["yn", "no", "No"],
        ["building:material", "wood stone", "Wood and stone"],
    ]
    result = import_xlsform(
        workbook({"survey": survey, "choices": choices, "settings": [["form_title", "default_language"], ["T", "English"]]})
    )
    assert result.problems == [] and result.form is not None
    form = result.form
    types = {f.name: f.type for f in form.walk()}
    assert types == {
        "q1": "select_one", "q2": "select_multiple", "where": "geopoint", "generated_note_name_5": "note", "ph": "text",
        "age": "integer", "bm": "select_one", "oo": "select_one", "oo_other": "text",
    }  # fmt: skip
    assert form.field("q1").label == {"en": "Q one"} and form.field("q1").hint == {"de": "Hinweis"}
    assert form.field("q2").relevant == "${q1} = 'yes'" and form.field("q2").required
    assert form.field("ph").read_only and form.field("age").constraint_message == {"en": "too old"}
    assert [c.name for c in form.choice_lists["building:material"]] == ["wood stone"]
    assert form.field("oo_other").relevant == "selected(${oo}, 'other')"
    assert "survey sheet, row 5, column 'required': a note holds no value, so 'required' has no effect; it is ignored" in lines(
        result.warnings
    )


def test_expression_problems_name_sheet_row_and_column() -> None:
    result = survey_only(
        survey_row("integer", "a", "A", constraint=". >"),
        survey_row("text", "b", "B", relevant="${a} > 1 and"),
        survey_row("text", "c", "C", calculation="${a} +* 1"),
    )
    assert lines(result.problems) == [
        "survey sheet, row 2, column 'constraint': The expression has nothing more where a value should be (at character 4).",
        "survey sheet, row 3, column 'relevant': The expression has nothing more where a value should be (at character 13).",
        "survey sheet, row 4, column 'calculation': The expression has '*' where a value should be (at character 7).",
    ]
    unknown = survey_only(survey_row("integer", "a", "A"), survey_row("text", "b", "B", relevant="${zz} = 1"))
    assert lines(unknown.problems) == [  # pyxform's own check of references
        "survey sheet, row 3: On the 'survey' sheet, the 'relevant' value is invalid. Reference variables must contain a name "
        "from the 'survey' sheet. Could not find the name 'zz'."
    ]
    cycle = survey_only(survey_row("integer", "x", "X", calculation="${y}"), survey_row("integer", "y", "Y", calculation="${x}"))
    assert lines(cycle.problems) == [
        "survey sheet, row 2, column 'type': calculations or relevance conditions depend on each other in a circle: x → y → x"
    ]


def test_choices_sheet_problems_have_rows() -> None:
    no_name = survey_only(survey_row("select_one l", "s", "S"), choices=[["l", "a", "A"], ["l", "", "no name"]])
    assert lines(no_name.problems)[0].startswith(
        "choices sheet, row 3: On the 'choices' sheet, the 'name' value is invalid. Choices must have a name."
    )
    twice = survey_only(survey_row("select_one l", "s", "S"), choices=[["l", "a", "A"], ["l", "a", "again"]])
    assert "Choice names must be unique for each choice list" in lines(twice.problems)[0] and twice.problems[0].row == 3
    spaced = survey_only(survey_row("select_one l", "s", "S"), choices=[["l", "a", "A"], ["l", "with space", "x"]])
    assert spaced.form is not None and [c.name for c in spaced.form.choice_lists["l"]] == ["a", "with space"]
    multiple = survey_only(survey_row("select_multiple l", "s", "S"), choices=[["l", "a", "A"], ["l", "with space", "x"]])
    assert (
        multiple.form is None
        and "Choice names with spaces cannot be added to multiple choice selects" in lines(multiple.problems)[0]
    )


def test_languages_and_unsupported_columns() -> None:
    survey = [
        ["type", "name", "label::English", "label::German", "label::Martian", "hint::en", "media::image", "choice_filter"],
        ["text", "a", "Tree", "Baum", "ulla", "A hint", "tree.png", ""],
        ["integer", "b", "Count", "Anzahl", "", "", "", "x = 1"],
    ]
    result = import_xlsform(workbook({"survey": survey, "settings": [["form_title", "style"], ["Bäume", "pages"]]}))
    assert result.ok and result.form is not None
    assert result.form.field("a").label == {"en": "Tree", "de": "Baum", "Martian": "ulla"}
    assert result.form.field("a").hint == {"en": "A hint"}
    assert lines(result.warnings) == [
        "settings sheet, row 2, column 'style': the setting 'style' is not used by Fieldbook and is ignored",
        "survey sheet, row 1, column 'label::Martian': the language 'Martian' has no known code; it is kept as it is written",
        "survey sheet, row 2, column 'media::image': the column 'media::image' is not supported; this value is ignored",
        "survey sheet, row 3, column 'choice_filter': the column 'choice_filter' is not supported; this value is ignored",
    ]


def test_odk_metadata_is_recorded_and_can_be_referred_to() -> None:
    survey = [
        ["type", "name", "label", "constraint"],
        ["start", "start", "", ""],
        ["end", "end", "", ""],
        ["today", "today", "", ""],
        ["imei", "device", "", ""],
        ["username", "person", "", ""],
        ["phonenumber", "phone", "", ""],
        ["audit", "audit", "", ""],
        ["start-geopoint", "here", "", ""],
        ["date", "visited", "Visited", ". <= ${today}"],
    ]
    result = import_xlsform(workbook({"survey": survey, "settings": [["form_title"], ["Visits"]]}))
    assert result.ok and result.form is not None, lines(result.problems)
    form = result.form
    kept = {f.name: (f.type, f.metadata, f.read_only) for f in form.walk() if f.metadata}
    assert kept == {
        "start": ("datetime", "start", True), "end": ("datetime", "end", True), "today": ("date", "today", True),
        "device": ("text", "deviceid", True), "person": ("text", "username", True), "phone": ("text", "phonenumber", True),
    }  # fmt: skip
    assert lines(result.warnings) == [
        "survey sheet, row 7, column 'type': 'phonenumber' is not known on a computer; Fieldbook keeps the field 'phone', but it stays empty",
        "survey sheet, row 9, column 'type': 'start-geopoint' is not recorded by Fieldbook; this row is skipped",
        "survey sheet, row 8, column 'type': 'audit' is not recorded by Fieldbook; this row is skipped",
    ]


def test_language_codes() -> None:
    assert language_code("English (en)") == ("en", True)
    assert language_code("Deutsch (de)") == ("de", True)
    assert language_code("german") == ("de", True)
    assert language_code("de") == ("de", True)
    assert language_code("Português (pt-BR)") == ("pt-br", True)
    assert language_code("Martian") == ("Martian", False)
    # names without a code, as Babel knows them (issue 16, part 6): in English, in the language itself, a code in capitals
    assert language_code("Swahili") == ("sw", True) and language_code("Kiswahili") == ("sw", True)
    assert language_code("العربية") == ("ar", True) and language_code("EN") == ("en", True) and language_code("chinese") == ("zh", True)


def test_settings_default_language_and_plain_label_column() -> None:
    result = import_xlsform(
        workbook(
            {
                "survey": [["type", "name", "label", "label::English (en)"], ["text", "a", "Baum", "Tree"]],
                "settings": [["form_title", "default_language"], ["Bäume", "Deutsch (de)"]],
            }
        )
    )
    assert result.form is not None
    assert result.form.default_language == "de" and result.form.title == {"de": "Bäume"}
    assert result.form.field("a").label == {"de": "Baum", "en": "Tree"}


def test_defaults_are_read_in_stored_form() -> None:
    result = survey_only(
        survey_row("decimal", "d", default="12,5"),
        survey_row("select_multiple l", "m", default="a b"),
        survey_row("date", "dt", default="2024-05-31"),
        survey_row("integer", "bad", default="many"),
        choices=[["l", "a", "A"], ["l", "b", "B"]],
    )
    assert lines(result.problems) == [
        "survey sheet, row 5, column 'default': 'many' is not a number (write it like 12.5 or 12,5) for 'bad'."
    ]
    fine = survey_only(
        survey_row("decimal", "d", default="12,5"),
        survey_row("select_multiple l", "m", default="a b"),
        choices=[["l", "a", "A"], ["l", "b", "B"]],
    )
    assert fine.form is not None and fine.form.field("d").default == 12.5 and fine.form.field("m").default == ["a", "b"]


def test_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsform_module, "MAX_SURVEY_ROWS", 50)
    rows = [survey_row("text", f"f{i}", "x") for i in range(60)]
    result = survey_only(*rows)
    assert lines(result.problems) == ["survey sheet: the sheet has more than 50 rows"]


def test_load_form_file(tmp_path: Path) -> None:
    good = tmp_path / "form.json"
    good.write_text('{"title": "T", "fields": [{"name": "a", "type": "text"}]}', encoding="utf-8")
    assert load_form_file(good).ok
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "T", "fields": [', encoding="utf-8")
    assert "is not valid JSON" in load_form_file(bad).problems[0].message
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"title": "\xe4"}')
    assert lines(load_form_file(latin).problems) == ["file: the file is not UTF-8 text"]
    other = tmp_path / "form.txt"
    other.write_bytes(b"x")
    assert lines(load_form_file(other).problems) == [
        "file: Fieldbook reads forms from .xlsx, .xls or .csv (XLSForm) or .json files, not '.txt' files"
    ]
    not_xls = tmp_path / "form.xls"
    not_xls.write_bytes(full_workbook())
    assert lines(load_form_file(not_xls).problems) == ["file: the file is not an Excel 97-2003 workbook (.xls)"]
    missing = load_form_file(tmp_path / "missing.xlsx")
    assert missing.form is None and missing.problems[0].message.startswith("the file cannot be read")
    xlsx = tmp_path / "trees.xlsx"
    xlsx.write_bytes(full_workbook())
    assert load_form_file(xlsx).ok


def test_title_per_language_and_extra_settings_rows() -> None:
    result = import_xlsform(
        workbook(
            {
                "survey": [["type", "name", "label"], ["text", "a", "A"]],
                "settings": [
                    ["form_title::English (en)", "form_title::Deutsch (de)", "form_id"],
                    ["Trees", "Bäume", "trees"],
                    ["x", "y", "z"],
                ],
            }
        )
    )
    assert result.form is not None and result.form.title == {"en": "Trees", "de": "Bäume"}
    assert lines(result.warnings) == ["settings sheet, row 3: only the first row of settings is used; this row is ignored"]
    untitled = import_xlsform(workbook({"survey": [["type", "name"], ["text", "a"]], "settings": [["form_id"], ["trees"]]}))
    assert untitled.form is not None and untitled.form.title == {"en": "trees"} and untitled.warnings == []


def test_an_acknowledge_field_is_read_by_expressions_as_odk_reads_it() -> None:
    """ODK stores an acknowledge as 'OK' when ticked and empty when not; Fieldbook stores yes/no.
    The expressions that refer to it are rewritten to see 'OK' / empty, so the form's own
    relevance still shows its follow-up question, and each rewrite is reported."""
    from store.formdef import evaluate_record

    data = workbook({"survey": [
        SURVEY_HEADER,
        survey_row("acknowledge", "ack", "I have read the safety note", "Gelesen", constraint=". = 'OK' or . = ''"),
        survey_row("text", "follow", "Anything to report?", relevant="${ack} = 'OK'"),
        survey_row("text", "missing", "Why not?", relevant="${ack} != 'OK' and string-length(${ack}) = 0"),
        survey_row("calculate", "said", calculation="concat('ack:', ${ack})"),
    ]})
    result = import_xlsform(data)
    assert result.form is not None, result.problems
    form = result.form
    assert form.field("ack").type == "boolean"
    ticked = evaluate_record(form, {"ack": True})
    assert "ack" not in ticked.errors  # its own constraint sees 'OK' too
    assert ticked.relevant["follow"] and not ticked.relevant["missing"] and ticked.values["said"] == "ack:OK"
    unticked = evaluate_record(form, {"ack": False})
    assert not unticked.relevant["follow"] and unticked.relevant["missing"] and unticked.values["said"] == "ack:"
    assert not evaluate_record(form, {}).relevant["follow"]
    rewritten = [w for w in lines(result.warnings) if "as ODK does" in w]
    assert [w.split(":")[0] for w in rewritten] == [
        "survey sheet, row 2, column 'constraint'",
        "survey sheet, row 3, column 'relevant'",
        "survey sheet, row 4, column 'relevant'",
        "survey sheet, row 5, column 'calculation'",
    ], lines(result.warnings)


def test_xls_and_csv_forms_as_pyxform_reads_them(tmp_path: Path) -> None:
    """An old Excel workbook (.xls: pyxform's own example form) and pyxform's CSV layout (the
    sheet's name in the first column) are XLSForms too."""
    xls = load_form_file(Path(__file__).parent / "corpus" / "pyxform" / "gps.xls")
    assert xls.ok and xls.form is not None and [f.type for f in xls.form.value_fields()] == ["geopoint"]
    csv = tmp_path / "trees.csv"
    csv.write_text(
        "survey,type,name,label::English (en),label::Deutsch (de)\n"
        ",select_one species,tree,Tree,Baum\n"
        ",integer,count,Count,Anzahl\n"
        "choices,list_name,name,label::English (en),label::Deutsch (de)\n"
        ",species,oak,Oak,Eiche\n"
        ",species,beech,Beech,Buche\n"
        "settings,form_title\n"
        ",Trees\n",
        encoding="utf-8",
    )
    result = load_form_file(csv)
    assert result.ok and result.form is not None and result.form.title == {"en": "Trees"}
    assert result.form.field("tree").label == {"en": "Tree", "de": "Baum"}
    assert [c.name for c in result.form.choice_lists["species"]] == ["oak", "beech"]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("survey,type,name\n,text,b\xe4\n".encode("latin-1"))
    assert lines(load_form_file(latin).problems) == ["file: the file is not UTF-8 text"]


def _csv(tmp_path: Path, text: str, name: str = "form.csv") -> ImportResult:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return load_form_file(path)


def test_deep_nesting_is_a_problem_never_an_exception(tmp_path: Path) -> None:
    """pyxform nests groups without limit; Fieldbook's walks must not overflow the stack."""
    depth = 1200
    rows = [f",begin group,g{i},G{i}" for i in range(depth)] + [",text,leaf,Leaf"] + [",end group,," for _ in range(depth)]
    result = _csv(tmp_path, "survey,type,name,label\n" + "\n".join(rows) + "\n")
    assert result.form is None and lines(result.problems) == ["survey sheet: groups are nested more than 10 levels deep"]


def test_columns_pyxform_keeps_but_fieldbook_does_not_use_are_warned_never_dropped_silently() -> None:
    """With '::' headers, pyxform leaves a one-colon 'bind:relevant' and 'constraint-msg' as they are:
    Fieldbook cannot use them, so it says so per value (else a relevance would vanish unnoticed)."""
    survey = [
        ["type", "name", "label", "label::German (de)", "bind:relevant", "constraint-msg", "media::image", "disabled"],
        ["integer", "age", "Age", "Alter", "", "", "", ""],
        ["text", "x", "X", "X", "${age} > 10", "too old", "x.png", ""],
        ["text", "gone", "Gone", "Weg", "", "", "", "yes"],
        ["integer", "late", "Late", "Spät", "", "", "", ""],
    ]
    settings = [["form_title:English", "form_id"], ["My form", "myform"]]
    result = import_xlsform(workbook({"survey": survey, "settings": settings}))
    assert result.form is not None and result.form.title == {"en": "My form"}
    assert "gone" not in {f.name for f in result.form.walk()}  # pyxform drops a disabled row
    warned = lines(result.warnings)
    assert "survey sheet, row 3, column 'bind:relevant': the column 'bind:relevant' is not supported; this value is ignored" in warned
    assert "survey sheet, row 3, column 'constraint-msg': the column 'constraint-msg' is not supported; this value is ignored" in warned
    assert "survey sheet, row 3, column 'media::image': the column 'media::image' is not supported; this value is ignored" in warned
    assert not [w for w in warned if "disabled" in w]


def test_rows_stay_right_past_repeats_end_rows_with_names_and_disabled_rows(tmp_path: Path) -> None:
    repeat = survey_only(
        survey_row("begin repeat", "r", "R"),  # 2
        survey_row("text", "a", "A"),  # 3
        survey_row("end repeat", ""),  # 4
        survey_row("integer", "a", "again", required="maybe"),  # 5
    )
    assert [(p.row, p.attribute, p.message) for p in repeat.problems] == [(5, "name", "the name 'a' is already used in row 3")]
    named_end = survey_only(
        survey_row("begin group", "g", "G"),  # 2
        survey_row("text", "q", "Q"),  # 3
        survey_row("end group", "g"),  # 4: an end row with the group's name
        survey_row("text", "z", "Z", required="maybe"),  # 5
    )
    assert [(p.row, p.attribute) for p in named_end.problems] == [(5, "required")]


def test_repeats_come_in_nested_with_their_count_and_position() -> None:
    result = survey_only(
        survey_row("integer", "people", "People"),  # 2
        survey_row("begin repeat", "person", "Person", repeat_count="${people}"),  # 3
        survey_row("text", "pname", "Name"),  # 4
        survey_row("calculate", "place", "Place", calculation="position(..)"),  # 5
        survey_row("begin repeat", "visit", "Visit"),  # 6
        survey_row("date", "when", "When", relevant="../../pname != ''"),  # 7
        survey_row("end repeat", ""),  # 8
        survey_row("end repeat", ""),  # 9
        survey_row("calculate", "n", "N", calculation="count(${person})"),  # 10
    )
    assert result.ok, lines(result.problems)
    form = result.form
    assert form is not None
    person = form.field("person")
    assert person.type == "repeat" and person.parameters["count"] == "${people}"
    assert [f.name for f in person.children] == ["pname", "place", "visit"]
    assert form.field("place").calculation == "position()"
    assert form.field("visit").type == "repeat" and form.field("when").relevant == "${pname} != ''"
    assert [f.name for f in form.value_fields()] == ["people", "person", "n"]


def test_a_table_list_group_keeps_its_label_and_no_header_field() -> None:
    survey = [["type", "name", "label", "appearance"], ["begin group", "tl", "Rate these", "table-list"],
              ["select_one yn", "a", "A", ""], ["select_one yn", "b", "B", ""], ["end group", "", "", ""]]  # fmt: skip
    result = import_xlsform(workbook({"survey": survey, "choices": [["list_name", "name", "label"], ["yn", "y", "Yes"], ["yn", "n", "No"]]}))
    assert result.form is not None
    group = result.form.field("tl")
    assert group.label == {"en": "Rate these"} and [c.name for c in group.children] == ["a", "b"]


def test_an_expression_as_default_is_refused_not_stored_as_text() -> None:
    result = survey_only(survey_row("text", "id", "Id", default="uuid()"), survey_row("date", "d", "D", default="today()"))
    assert lines(result.problems) == [
        "survey sheet, row 2, column 'default': the default 'uuid()' is an expression; Fieldbook takes only a fixed value, today() or now() as a default"
    ]


def test_paths_in_quotes_stay_text() -> None:
    result = survey_only(survey_row("text", "home", "Home"), survey_row("text", "where", "Where", constraint=". != '/data/home' and ../home != ''"))
    assert result.form is not None and result.form.field("where").constraint == ". != '/data/home' and ${home} != ''"


def test_pyxform_reading_errors_are_its_sentence_and_a_bom_is_fine(tmp_path: Path) -> None:
    twice = import_xlsform(workbook({"survey": [["type", "name", "label", "label"], ["text", "a", "A", "B"]]}))
    assert lines(twice.problems) == ["workbook: Duplicate column header: label"]
    bom = _csv(tmp_path, b"\xef\xbb\xbfsurvey,type,name,label\n,text,a,A\n")
    assert bom.ok and bom.form is not None and bom.form.field("a").label == {"en": "A"}


def test_two_texts_read_as_one_language_are_warned() -> None:
    result = import_xlsform(workbook({"survey": [["type", "name", "label", "label::English (en)"], ["text", "a", "Plain", "English one"]]}))
    assert result.form is not None and result.form.field("a").label == {"en": "English one"}
    assert "survey sheet, row 2: the texts 'Plain' and 'English one' are both read as language 'en'; only 'English one' is kept" in lines(
        result.warnings
    )


def test_every_odk_question_type_becomes_a_field_and_says_what_is_lost() -> None:
    """audio and video are recordings kept as files, barcode is typed text, trigger a yes/no
    acknowledgement, osm its file, hidden a value without a widget — each loss said at its row."""
    from store.formdef import FILE_TYPES

    result = survey_only(
        survey_row("audio", "call", "Bird call"),  # row 2
        survey_row("video", "walk", "Walk-through"),  # 3
        survey_row("barcode", "tag", "Tag"),  # 4
        survey_row("trigger", "seen", "Seen the note"),  # 5
        survey_row("osm", "building", "Building"),  # 6
        survey_row("hidden", "batch", default="B-7"),  # 7
        survey_row("q audio", "call2", "Another call"),  # 8
        survey_row("geotrace", "route", "Transect"),  # 9
        survey_row("geoshape", "plot", "Plot"),  # 10
    )
    assert result.ok, lines(result.problems)
    form = result.form
    assert form is not None
    kinds = {f.name: f.type for f in form.value_fields()}
    assert kinds == {"call": "audio", "walk": "video", "tag": "text", "seen": "boolean", "building": "file", "batch": "text", "call2": "audio",
                     "route": "geotrace", "plot": "geoshape"}
    assert {"audio", "video"} <= set(FILE_TYPES)
    batch = form.field("batch")
    assert batch.hidden and batch.default == "B-7" and not form.field("tag").hidden
    from store.formdef import initial_values

    assert initial_values(form)["batch"] == "B-7"  # kept in every new record, though never shown
    warned = {w.row: str(w) for w in result.warnings}
    assert "typed, or scanned by a scanner that types it" in warned[4]
    assert "'trigger' is imported as a yes/no field" in warned[5]
    assert "attach the .osm file" in warned[6]
    assert not {2, 3, 7, 8, 9, 10} & set(warned)  # nothing lost


def test_hidden_must_be_true_or_false() -> None:
    import pytest

    from store.formdef import FormDefError, form_from_json

    with pytest.raises(FormDefError) as caught:
        form_from_json({"title": "T", "fields": [{"name": "h", "type": "text", "parameters": {"hidden": "yes"}}]})
    assert "hidden must be true or false" in str(caught.value.problems[0])


def test_encryption_and_a_submission_address_are_said_plainly() -> None:
    """ODK's public_key (encrypted submissions) and submission_url: Fieldbook does neither, and
    says what happens to the records instead."""
    result = survey_only(
        survey_row("text", "a", "A"),
        settings=[["form_title", "public_key", "submission_url"], ["Visits", "MIIBIjANBgkqh", "https://central.example/submission"]],
    )
    assert result.ok, lines(result.problems)
    said = {w.attribute: str(w) for w in result.warnings}
    assert "keeps its records unencrypted on this computer" in said["public_key"]
    assert "does not send records to the submission_url 'https://central.example/submission'" in said["submission_url"]


def test_instance_name_names_each_record_and_its_paths_are_read() -> None:
    from store.formdef import form_from_json
    from store.formdef.evaluate import record_title

    result = survey_only(
        survey_row("text", "site", "Site"),
        survey_row("integer", "n", "Nests"),
        settings=[["form_title", "instance_name"], ["Nests", "concat(/data/site, ' – ', ${n}, ' nests')"]],
    )
    assert result.ok, lines(result.problems)
    form = result.form
    assert form is not None and form.instance_name == "concat(${site}, ' – ', ${n}, ' nests')"
    assert record_title(form, {"site": "Moor", "n": 3}) == "Moor – 3 nests"
    assert record_title(form_from_json(form.to_json()), {"site": "Lake"}) == "Lake – nests"  # kept in the form's JSON
    wrong = survey_only(survey_row("text", "site", "Site"), settings=[["form_title", "instance_name"], ["Nests", "${place}"]])
    assert wrong.form is None and "Could not find the name 'place'" in lines(wrong.problems)[0]  # pyxform's own words
    import pytest

    from store.formdef import FormDefError

    with pytest.raises(FormDefError, match="instance_name: refers to \\$\\{place\\}"):  # a form file (JSON): the same check
        form_from_json({"title": "T", "instance_name": "${place}", "fields": [{"name": "site", "type": "text"}]})
