"""Real XLSForms (tests/formdef/corpus/, each folder with its source and licence): every file is read
as pyxform reads it, and what Fieldbook keeps of it is checked against pyxform's own reading.

A file pyxform refuses is refused. A file pyxform accepts is imported — or refused only for the
reasons listed in ``NOT_YET`` (what Fieldbook cannot record yet, each a part of the forms issue):
a file that imports today and stops importing fails here, and one that starts importing must be
taken off the list."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from store.formdef.model import METADATA_KINDS
from store.formdef.xlsform import load_form_file
from store.formdef.xlsmapping import METADATA, SELECT_TYPES, SIMPLE_TYPES, SKIPPED, TABLE_LIST_LABEL, TABLE_LIST_RESERVED
from tests.conftest import REPORT

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".xls", ".xlsx", ".csv"))

# file → what keeps it from importing today (a part of each problem's message)
NOT_YET = {
    "bad_calc.xlsx": ("never closed",),  # an expression ODK Validate refuses too
    "calculate.xls": ("a note, which holds no value",),
    "case_insensitivity.xls": ("'select one external'",),
    "case_insensitivity.xlsx": ("'select one external'",),
    "choice_name_as_type.xls": ("'select one external'",),
    "include.xls": ("'include'",),
    "include.xlsx": ("'include'",),
    "include_json.xls": ("'include'",),
    "include_json.xlsx": ("'include'",),
    "loop.xls": ("'loop'",),
    # "pastel=yes": a column 'yes' the choices do not have (ODK would offer nothing; 'yes' was meant)
    "or_other.xlsx": ("do not have",),
    "loop.xlsx": ("'loop'",),
    "pull_data.xlsx": ("'pulldata'",),
    "simple_loop.xls": ("'loop'",),
}


def pyxform_reading(path: Path) -> dict[str, Any] | None:
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return workbook_to_json(get_xlsform(path.read_bytes(), file_type=path.suffix.lower()), form_name="data", warnings=[])
        except PyXFormError:
            return None


def questions(elements: list[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for element in elements:
        if element.get("type") == "group" and element.get("name") == "meta":
            continue
        if str(element.get("name", "")).startswith((TABLE_LIST_LABEL, TABLE_LIST_RESERVED)):
            continue  # pyxform's header row of a table-list group: the label goes to the group
        yield element
        yield from questions(element.get("children", []))


def _inside(field: Any) -> list[Any]:
    out = []
    for child in field.children:
        out += [child, *_inside(child)]
    return out


def test_the_corpus_has_forty_files_with_their_source() -> None:
    assert len(FILES) >= 40
    for folder in {p.parent for p in FILES}:
        assert (folder / "SOURCE.md").is_file() and (folder / "LICENSE").is_file(), folder


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_real_form_is_kept_as_pyxform_reads_it(path: Path) -> None:
    reading = pyxform_reading(path)
    result = load_form_file(path)
    if reading is None:
        assert result.form is None and result.problems, "pyxform refuses it, so must Fieldbook"
        return
    if path.name in NOT_YET:
        assert result.form is None, f"{path.name} imports now: take it off NOT_YET"
        for problem in result.problems:
            assert any(part in problem.message for part in NOT_YET[path.name]), str(problem)
        return
    assert result.ok, [str(p) for p in result.problems]
    form = result.form
    assert form is not None
    kept = {f.name: f for f in form.walk()}
    for element in questions(reading.get("children", [])):
        kind, name = element["type"], element["name"]
        if kind in METADATA:  # recorded by Fieldbook itself, as ODK does (audit, geopoints: skipped with a warning)
            preload = str((element.get("bind") or {}).get("jr:preloadParams") or kind).removeprefix("uri:")
            if preload in METADATA_KINDS:
                assert kept[name].metadata == preload and kept[name].type == METADATA_KINDS[preload], name
            else:
                assert name not in kept
            continue
        if kind in SKIPPED:
            assert name not in kept  # a warning says so
            continue
        field = kept[name]
        expected = kind if kind in ("group", "repeat") else SELECT_TYPES.get(kind) or SIMPLE_TYPES[kind]
        assert field.type == expected, (name, kind)
        label = element.get("label")
        if label:
            languages = len([t for t in label.values() if t]) if isinstance(label, Mapping) else 1
            assert len(field.label) == languages, (name, label, field.label)
        bind = element.get("bind") or {}
        assert (field.relevant is not None) == bool(bind.get("relevant")), name
        assert (field.constraint is not None) == bool(bind.get("constraint")), name
        if kind == "repeat":  # its fields inside it, and pyxform's repeat_count as its count
            assert [c["name"] for c in questions(element.get("children", []))] == [f.name for f in _inside(field)], name
            count = (element.get("control") or {}).get("jr:count")
            assert field.parameters.get("count") == (count or None) or count.startswith("/"), name
        if kind in SELECT_TYPES:
            names = [c["name"] for c in reading["choices"][element["itemset"]]]
            assert [c.name for c in form.choices(field)] == names, name
            assert field.choice_filter == (element.get("choice_filter") or None), name
            if field.choice_filter:  # the columns it filters on are kept with every choice
                own = [{k: str(v) for k, v in c.items() if k not in ("name", "label")} for c in reading["choices"][element["itemset"]]]
                assert [dict(c.data) for c in form.choices(field)] == own, name


def test_how_much_of_the_corpus_imports() -> None:
    accepted = [p for p in FILES if pyxform_reading(p) is not None]
    imported = [p for p in accepted if load_form_file(p).ok]
    REPORT.append(f"XLSForm corpus ({len(FILES)} real forms): {len(imported)} of the {len(accepted)} pyxform accepts import")
    assert len(imported) == len(accepted) - len(NOT_YET)
