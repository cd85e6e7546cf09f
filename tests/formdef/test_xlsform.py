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
    }  # fmt: skip
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
        "survey sheet, row 2, column 'type': 'start' is recorded automatically by Fieldbook (time, device and user of every record); this row is skipped",
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
    result = import_xlsform(workbook({"questions": [["type", "name"], ["text", "a"]]}))
    assert lines(result.problems) == ["workbook: there is no 'survey' sheet; an XLSForm lists its questions there"]
    assert lines(result.warnings) == ["questions sheet: is not part of an XLSForm and is ignored"]


def test_sheet_names_match_ignoring_case_and_spaces_with_a_warning() -> None:
    result = import_xlsform(
        workbook({"Survey ": [["Type", "Name", "Label"], ["text", "a", "A"]], "CHOICES": [["list name", "name"]]})
    )
    assert result.ok
    assert "Survey  sheet: was read as the 'survey' sheet (the name should be exactly 'survey')" in lines(result.warnings)
    assert "CHOICES sheet: was read as the 'choices' sheet (the name should be exactly 'choices')" in lines(result.warnings)
    assert result.form is not None and result.form.field("a").label == {"en": "A"}
    assert "settings sheet, column 'form_title': the form has no form_title; it is called 'Untitled form'" in lines(
        result.warnings
    )


def test_every_unsupported_row_is_a_problem_with_its_row() -> None:
    result = survey_only(
        survey_row("integer", "a", "A"),  # row 2
        survey_row("begin repeat", "r", "R"),  # 3
        survey_row("text", "inside", "In"),  # 4
        survey_row("end repeat", ""),  # 5
        survey_row("audio", "c", "C"),  # 6
        survey_row("select_one nolist", "d", "D"),  # 7
        survey_row("select_one_from_file trees.csv", "e", "E"),  # 8
        survey_row("text", "a", "again"),  # 9
        survey_row("integer", "1bad", "x"),  # 10
        survey_row("select_one l or_other", "o", "O"),  # 11
        survey_row("", "", "orphan label"),  # 12
        survey_row("text", "", "no name"),  # 13
        survey_row("end group", ""),  # 14
        survey_row("text", "q", "Q", required="maybe"),  # 15
        survey_row("range", "rg", "R", parameters="start=0 end=x step"),  # 16
        survey_row("calculate", "calc"),  # 17
        survey_row("begin group", "open", "Never closed"),  # 18
        choices=[["l", "a", "A"]],
    )
    assert result.form is None
    assert [(p.row, p.attribute) for p in result.problems] == [
        (3, "type"), (6, "type"), (7, "type"), (8, "type"), (9, "name"), (11, "type"), (12, "type"), (13, "name"),
        (14, "type"), (15, "required"), (16, "parameters"), (16, "parameters"), (17, "calculation"), (18, "type"), (10, "name"),
    ]  # fmt: skip
    text = lines(result.problems)
    assert "survey sheet, row 3, column 'type': repeats (begin repeat) are not supported by Fieldbook" in text
    assert "survey sheet, row 8, column 'type': the type 'select_one_from_file trees.csv' is not supported by Fieldbook" in text
    assert "survey sheet, row 9, column 'name': the name 'a' is already used in row 2" in text
    assert "survey sheet, row 14, column 'type': 'end group' has no matching 'begin group'" in text
    assert "survey sheet, row 18, column 'type': this group or repeat is never closed with 'end group'" in text


def test_expression_problems_name_sheet_row_and_column() -> None:
    result = survey_only(
        survey_row("integer", "a", "A", constraint=". >"),
        survey_row("text", "b", "B", relevant="${zz} = 1"),
        survey_row("text", "c", "C", calculation="${a} +* 1"),
        survey_row("integer", "x", "X", calculation="${y}"),
        survey_row("integer", "y", "Y", calculation="${x}"),
    )
    assert lines(result.problems) == [
        "survey sheet, row 2, column 'constraint': The expression has nothing more where a value should be (at character 4).",
        "survey sheet, row 4, column 'calculation': The expression has '*' where a value should be (at character 7).",
        "survey sheet, row 3, column 'relevant': refers to ${zz}, but the form has no field 'zz'",
    ]
    cycle = survey_only(survey_row("integer", "x", "X", calculation="${y}"), survey_row("integer", "y", "Y", calculation="${x}"))
    assert lines(cycle.problems) == [
        "survey sheet, row 2, column 'type': calculations or relevance conditions depend on each other in a circle: x → y → x"
    ]


def test_choices_sheet_problems_have_rows() -> None:
    result = survey_only(
        survey_row("select_one l", "s", "S"),
        choices=[["l", "a", "A"], ["l", "", "no name"], ["l", "a", "again"], ["", "b", "no list"], ["l", "with space", "x"]],
    )
    assert lines(result.problems) == [
        "choices sheet, row 3, column 'name': every choice needs a list_name and a name",
        "choices sheet, row 4, column 'name': the choice 'a' appears twice in list 'l'",
        "choices sheet, row 5, column 'list_name': every choice needs a list_name and a name",
        "choices sheet, row 6, column 'name': the choice name 'with space' contains a space; use _ instead",
    ]


def test_languages_and_unsupported_columns() -> None:
    survey = [
        ["type", "name", "label::English", "label::German", "label::Klingon", "hint::en", "media::image", "choice_filter"],
        ["text", "a", "Tree", "Baum", "tlhIngan", "A hint", "tree.png", ""],
        ["integer", "b", "Count", "Anzahl", "", "", "", "x = 1"],
    ]
    result = import_xlsform(workbook({"survey": survey, "settings": [["form_title", "style"], ["Bäume", "pages"]]}))
    assert result.ok and result.form is not None
    assert result.form.field("a").label == {"en": "Tree", "de": "Baum", "Klingon": "tlhIngan"}
    assert result.form.field("a").hint == {"en": "A hint"}
    assert lines(result.warnings) == [
        "settings sheet, row 2, column 'style': the setting 'style' is not used by Fieldbook and is ignored",
        "survey sheet, row 1, column 'label::Klingon': the language 'Klingon' has no known code; it is kept as it is written",
        "survey sheet, row 2, column 'media::image': the column 'media::image' is not supported; this value is ignored",
        "survey sheet, row 3, column 'choice_filter': the column 'choice_filter' is not supported; this value is ignored",
    ]


def test_language_codes() -> None:
    assert language_code("English (en)") == ("en", True)
    assert language_code("Deutsch (de)") == ("de", True)
    assert language_code("german") == ("de", True)
    assert language_code("de") == ("de", True)
    assert language_code("Português (pt-BR)") == ("pt-br", True)
    assert language_code("Klingon") == ("Klingon", False)


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
    old = tmp_path / "form.xls"
    old.write_bytes(b"x")
    assert lines(load_form_file(old).problems) == [
        "file: Fieldbook reads forms from .xlsx (XLSForm) or .json files, not '.xls' files"
    ]
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
        "survey sheet, row 2, column 'constraint'", "survey sheet, row 3, column 'relevant'", "survey sheet, row 4, column 'relevant'", "survey sheet, row 5, column 'calculation'",
    ], lines(result.warnings)
