"""Real .xlsx workbooks built with openpyxl, for the XLSForm import tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import openpyxl

Rows = Sequence[Sequence[Any]]


def workbook(sheets: dict[str, Rows]) -> bytes:
    """The bytes of an .xlsx file with one sheet per entry, rows as given (first row = header)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SURVEY_HEADER = [
    "type",
    "name",
    "label::English (en)",
    "label::Deutsch (de)",
    "hint::English (en)",
    "required",
    "required_message::English (en)",
    "constraint",
    "constraint_message::English (en)",
    "constraint_message::Deutsch (de)",
    "relevant",
    "calculation",
    "default",
    "read_only",
    "appearance",
    "parameters",
    "repeat_count",
]


def survey_row(
    type_: str, name: str, en: str = "", de: str = "", extra: dict[str, Any] | None = None, **columns: Any
) -> list[Any]:
    """A survey row in SURVEY_HEADER order; ``columns`` by header name, ``extra`` for headers with ``::``."""
    values = {"type": type_, "name": name, "label::English (en)": en, "label::Deutsch (de)": de, **columns, **(extra or {})}
    unknown = set(values) - set(SURVEY_HEADER)
    assert not unknown, unknown
    return [values.get(header) for header in SURVEY_HEADER]


def full_workbook() -> bytes:
    """Every supported XLSForm type, a group, two languages, choices and settings."""
    survey = [
        SURVEY_HEADER,
        survey_row("start", "started"),
        survey_row("note", "intro", "Welcome", "Willkommen"),
        survey_row(
            "text", "observer", "Observer", "Beobachter", required="yes", extra={"required_message::English (en)": "Who?"}
        ),
        survey_row("select_one species", "species", "Species", "Art", required="TRUE"),
        survey_row("select_multiple damage", "damage", "Damage", "Schäden", relevant="${species} != 'oak'"),
        survey_row("begin group", "measure", "Measurements", "Messungen"),
        survey_row(
            "decimal",
            "dbh",
            "DBH",
            "BHD",
            constraint=". > 0 and . < 500",
            extra={
                "constraint_message::English (en)": "Between 0 and 500",
                "constraint_message::Deutsch (de)": "Zwischen 0 und 500",
            },
        ),
        survey_row("integer", "stems", "Stems", "Stämme", default=1),
        survey_row("calculate", "circ", calculation="round(${dbh} * 3.14159, 1)"),
        survey_row("range", "height", "Height", "Höhe", parameters="start=0 end=60 step=1"),
        survey_row("end group", ""),
        survey_row("date", "seen", "Seen on", "Gesehen am", default="today()"),
        survey_row("time", "seen_time", "Time", "Zeit"),
        survey_row("dateTime", "logged", "Logged", "Erfasst"),
        survey_row("geopoint", "where", "Location", "Ort"),
        survey_row("image", "picture", "Photo", "Foto"),
        survey_row("file", "sheet", "Field sheet", "Feldblatt"),
        survey_row("acknowledge", "ok", "Checked", "Geprüft"),
        survey_row("text", "notes", "Notes", "Notizen", appearance="multiline"),
    ]
    choices = [
        ["list_name", "name", "label::English (en)", "label::Deutsch (de)"],
        ["species", "oak", "Oak", "Eiche"],
        ["species", "beech", "Beech", "Buche"],
        ["damage", "bark", "Bark", "Rinde"],
        ["damage", "crown", "Crown", "Krone"],
    ]
    settings = [["form_title", "form_id", "version", "default_language"], ["Trees", "trees", 2024052901, "English (en)"]]
    return workbook({"survey": survey, "choices": choices, "settings": settings})
