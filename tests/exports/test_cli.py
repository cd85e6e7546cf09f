"""``fieldbook project``, ``fieldbook records import`` and ``fieldbook export`` as commands: directly
on the database while the app is stopped, through the control channel while it runs; reports,
exit codes (2 usage, 3 data) and nothing changed on a refusal."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pyarrow.parquet as pq

from launcher import build_parser
from tests.conftest import ROOT, run_cli
from tests.exports.helpers import form


def ok(result) -> str:
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stdout.strip()


def projects(home) -> dict[str, dict]:
    return {p["name"]: p for p in json.loads(ok(run_cli(home, "project", "list", "--json")))}


def files(tmp_path):
    good_form = tmp_path / "birds.json"
    good_form.write_text(form(2).dumps(), encoding="utf-8")
    bad_form = tmp_path / "bad.json"
    bad_form.write_text(json.dumps({"title": "x", "fields": [{"name": "a", "type": "colour"}, {"name": "1b", "type": "text"}]}))
    good = tmp_path / "good.csv"
    good.write_text("Observer,Anzahl,species\nJürgen,3,Wren\nZoë,0,\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("observer,count\nAna,1\nBo,lots\n", encoding="utf-8")
    return good_form, bad_form, good, bad


def test_commands_without_the_app(tmp_path):
    home = tmp_path / "home"
    good_form, bad_form, good, bad = files(tmp_path)
    assert ok(run_cli(home, "project", "list")).startswith("No projects yet.")
    assert ok(run_cli(home, "project", "create", "Birds", "--form", str(good_form))).startswith("Created project “Birds”")
    listing = ok(run_cli(home, "project", "list"))
    assert "Birds" in listing and "v1" in listing

    refused = run_cli(home, "project", "create", "Bad", "--form", str(bad_form))
    assert refused.returncode == 3 and "The project was not created" in refused.stderr
    assert "colour" in refused.stdout and "1b" in refused.stdout  # every problem, one per line
    taken = run_cli(home, "project", "create", "birds", "--form", str(good_form))
    assert taken.returncode == 2 and "already exists" in taken.stderr
    assert set(projects(home)) == {"Birds"}

    rejected = run_cli(home, "records", "import", "Birds", str(bad))
    assert rejected.returncode == 3
    assert "Row 3, column “count”: 'lots' is not a number" in rejected.stdout and "Nothing was imported" in rejected.stdout
    assert projects(home)["Birds"]["records"] == 0

    assert ok(run_cli(home, "records", "import", "Birds", str(good), "--mapping", "Anzahl=count")).endswith("Imported 2 records.")
    assert "already imported" in ok(run_cli(home, "records", "import", "Birds", str(good), "--mapping", "Anzahl=count"))
    assert projects(home)["Birds"]["records"] == 2
    drafts = json.loads(ok(run_cli(home, "records", "import", "Birds", str(bad), "--mapping", "count=", "--draft", "--json")))
    assert drafts["ok"] and drafts["imported"] == 2 and drafts["mapping"] == {"observer": "observer", "count": None}

    out = tmp_path / "out" / "birds.csv"
    assert ok(run_cli(home, "export", "Birds", "--format", "csv", "--out", str(out))) == f"Exported 4 records of “Birds” to {out}"
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert frame["observer"].tolist() == ["Jürgen", "Zoë", "Ana", "Bo"] and frame["species"].tolist() == ["Wren", "", "", ""]
    assert frame["_status"].tolist() == ["final", "final", "draft", "draft"]
    ok(run_cli(home, "export", "Birds", "--format", "csv", "--out", str(out), "--names"))
    assert pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)["species"].tolist() == ["wren", "", "", ""]
    folder = tmp_path / "folder"
    folder.mkdir()
    result = json.loads(ok(run_cli(home, "export", "Birds", "--format", "xlsx", "--out", str(folder), "--json")))
    assert result["path"].startswith(str(folder / "Birds-")) and result["path"].endswith(".xlsx") and result["records"] == 4


def test_bad_usage_gets_a_plain_message_and_exit_code(tmp_path):
    home = tmp_path / "home"
    good_form, _, good, _ = files(tmp_path)
    ok(run_cli(home, "project", "create", "Birds", "--form", str(good_form)))
    cases = [
        (("records", "import", "Nope", str(good)), 2, "There is no project “Nope”"),
        (("export", "Nope", "--format", "csv", "--out", str(tmp_path / "x.csv")), 2, "There is no project “Nope”"),
        (("records", "import", "Birds", str(good), "--mapping", "nofield"), 2, "is not COLUMN=FIELD"),
        (("records", "import", "Birds", str(tmp_path / "missing.csv")), 2, "does not exist"),
        (("export", "Birds", "--format", "geojson", "--out", str(tmp_path / "x.geojson")), 0, ""),
        (("export", "Birds", "--format", "pdf", "--out", "x"), 2, "invalid choice: 'pdf'"),
        (("project", "create", "X", "--form", str(tmp_path / "none.json")), 2, "does not exist"),
        (("project",), 2, "usage: fieldbook project"),
        (("records",), 2, "usage: fieldbook records"),
    ]
    for args, code, words in cases:
        result = run_cli(home, *args)
        assert result.returncode == code, (args, result.stdout, result.stderr)
        assert words in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout


def test_commands_go_through_the_running_app(tmp_path, start_app):
    home = tmp_path / "home"
    good_form, _, good, bad = files(tmp_path)
    ok(run_cli(home, "project", "create", "Birds", "--form", str(good_form)))
    app = start_app(home)  # it holds the database now: the commands must go through it
    assert projects(home)["Birds"]["records"] == 0
    assert ok(run_cli(home, "records", "import", "Birds", str(good))).endswith("Imported 2 records.")
    rejected = run_cli(home, "records", "import", "Birds", str(bad))
    assert rejected.returncode == 3 and "Row 3, column “count”" in rejected.stdout
    out = tmp_path / "birds.parquet"
    assert ok(run_cli(home, "export", "Birds", "--format", "parquet", "--out", str(out))).startswith("Exported 2 records")
    assert pq.read_table(out).column("observer").to_pylist() == ["Jürgen", "Zoë"]
    assert projects(home)["Birds"]["records"] == 2
    assert app.proc.poll() is None


def test_every_new_command_has_help_and_is_documented():
    readme = (ROOT / "README.md").read_text()
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction").choices
    for name, commands in (("project", {"list", "create"}), ("records", {"import"})):
        found = next(a for a in sub[name]._actions if a.__class__.__name__ == "_SubParsersAction").choices
        assert set(found) == commands
        for command, parser in found.items():
            assert parser.description and f"`fieldbook {name} {command}" in readme
    assert sub["export"].description and "`fieldbook export PROJECT" in readme


def xlsform(path, rows):
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    for r in rows:
        survey.append(r)
    choices = book.create_sheet("choices")
    for r in (["list_name", "name", "label"], ["species", "robin", "Robin"], ["species", "wren", "Wren"]):
        choices.append(r)
    book.save(path)
    return path


def test_project_create_from_an_xlsform(tmp_path):
    home = tmp_path / "home"
    good = xlsform(tmp_path / "good.xlsx", [["type", "name", "label"], ["text", "observer", "Observer"],
                                             ["integer", "count", "Count"], ["select_one species", "species", "Species"]])
    created = ok(run_cli(home, "project", "create", "From Excel", "--form", str(good))).splitlines()
    assert created[0].startswith("warning: settings sheet") and created[-1].startswith("Created project “From Excel”")
    bad = xlsform(tmp_path / "bad.xlsx", [["type", "name", "label"], ["text", "observer", "Observer"], ["colour", "tint", "Tint"]])
    refused = run_cli(home, "project", "create", "Bad Excel", "--form", str(bad))
    assert refused.returncode == 3 and "colour" in refused.stdout and "Traceback" not in refused.stderr
    assert set(projects(home)) == {"From Excel"}
    source = tmp_path / "rows.csv"
    source.write_text("Observer,Count,Species\nAna,2,Robin\n", encoding="utf-8")
    assert ok(run_cli(home, "records", "import", "From Excel", str(source))).endswith("Imported 1 record.")
