"""Every sentence the store says has German words with the same fields (issue 15, item 7)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import string

import pytest

import jobs
import store
from app.i18n import say
from app.i18n.said import GERMAN
from store.core import texts
from store.core.errors import ValidationError
from store.core.texts import ENGLISH, Text, said


def _import_all() -> None:
    importlib.import_module("app.operations")  # the one app module that says sentences this way
    for package in (store, jobs):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)


def _fields(sentence: str) -> set[str]:
    """The {fields} of ``sentence`` with their conversion: {name!r} escapes what it shows (a
    control character from a file), so the German must escape it too."""
    return {name + (f"!{conversion}" if conversion else "") for _, name, _, conversion in string.Formatter().parse(sentence) if name}


def test_every_store_sentence_has_german_with_the_same_fields() -> None:
    _import_all()
    assert len(ENGLISH) > 50  # the store's modules were imported and declared their sentences
    missing = sorted(set(ENGLISH) - set(GERMAN))
    assert not missing, f"no German for: {missing}"
    assert not sorted(set(GERMAN) - set(ENGLISH)), "German for sentences the store no longer says"
    for key, (english, one) in ENGLISH.items():
        if key == "import.form_says":  # the form's own message, given in each language ({en}, {de})
            continue
        german = GERMAN[key]
        other_de, one_de = german if isinstance(german, tuple) else (german, None)
        assert (one is None) == (one_de is None), f"{key}: a form for one in one language only"
        wanted = _fields(english) | (_fields(one) if one else set())
        assert _fields(other_de) | (_fields(one_de) if one_de else set()) <= wanted, key
        assert _fields(other_de) == _fields(english), f"{key}: German fields {_fields(other_de)} ≠ English {_fields(english)}"


def test_a_text_is_english_and_says_itself_in_german() -> None:
    from store.fielddata.importer import AT_ROW_COLUMN, NOTHING_IMPORTED

    nested = AT_ROW_COLUMN(row=1250, name="Anzahl", message=NOTHING_IMPORTED(n=3, rows=12000))
    assert nested == "Row 1,250, column “Anzahl”: Nothing was imported: 3 problems in 12,000 rows. Fix the file and import it again."
    assert say("de", nested) == (
        "Zeile 1.250, Spalte „Anzahl“: Nichts wurde importiert: 3 Probleme in 12.000 Zeilen. "
        "Berichtigen Sie die Datei und importieren Sie sie erneut."
    )
    assert say("de", NOTHING_IMPORTED(n=1, rows=5)).startswith("Nichts wurde importiert: 1 Problem in 5 Zeilen.")
    assert say("de", ValidationError(nested)) == say("de", nested)  # an error says its Text
    assert say("de", ValidationError("plain")) == "plain"
    assert say("en", nested) == str(nested)


def test_a_text_survives_json_and_pickling() -> None:
    import pickle

    from store.fielddata.tablefile import TOO_BIG

    text = TOO_BIG(name="a.csv", size=61.5, limit=50)
    assert say("de", text) == "Die Datei a.csv ist 61,5 MB groß; Fieldbook importiert Dateien bis 50 MB. Teilen Sie sie in kleinere Dateien."
    stored = texts.encode(text)
    assert stored is not None and json.loads(stored)["en"] == str(text)
    back = texts.decode(stored)
    assert isinstance(back, Text) and back.key == text.key and say("de", back) == say("de", text)
    assert texts.decode("a plain message") == "a plain message" and texts.encode("plain") == "plain"
    assert say("de", pickle.loads(pickle.dumps(text))) == say("de", text)
    unknown = json.dumps({"fbtext": 1, "key": "gone.from.this.version", "args": {}, "en": "Old words."})
    assert texts.decode(unknown) == "Old words."


def test_a_key_is_declared_once() -> None:
    said("test.once", "Once.")
    said("test.once", "Once.")  # the same sentence again (a module imported twice) is fine
    with pytest.raises(ValueError):
        said("test.once", "Twice.")
    ENGLISH.pop("test.once")


def test_an_xlsform_import_says_its_warnings_in_german() -> None:
    import re

    from store.formdef.xlsform import import_xlsform
    from tests.formdef.workbooks import workbook

    data = workbook(
        {
            "survey": [
                ["type", "name", "label::Martian", "relevant", "parameters", "colour"],
                ["acknowledge", "ok", "OK?", "", "", "red"],
                ["text", "note_it", "Note", "${ok} = 'OK'", "rows=3", ""],
                ["start", "started", "", "", "", ""],
            ],
            "settings": [["form_title", "style"], ["Birds", "pages"]],
            "Notes": [["anything"]],
        }
    )
    result = import_xlsform(data)
    assert result.ok and len(result.warnings) >= 7, [str(w) for w in result.warnings]
    english = re.compile(r"\b(the|is|not|and|sheet|row|column|ignored|used|supported|field|when|this|has|it)\b", re.IGNORECASE)
    for warning in result.warnings:
        german = say("de", warning)
        assert german != str(warning) and not english.search(german), german
    assert say("de", result.warnings[0]).startswith("Blatt „")
