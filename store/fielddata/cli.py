"""The argparse wiring of ``fieldbook project``, ``fieldbook records`` and ``fieldbook export``.

Thin: each command turns its arguments into a payload (absolute paths, the mapping), calls
``fieldadmin.run`` and prints the result. ``launcher.build_parser`` calls ``add_parsers``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from store.core.config import AppConfig
from store.core.errors import UsageError
from store.exports import FORMATS, default_name


def run(cfg: AppConfig, command: str, payload: dict[str, Any]) -> Any:
    from store.fielddata import admin as fieldadmin  # the store and the forms: only when a command really runs

    return fieldadmin.run(cfg, command, payload)


DATA_EXIT = 3


def parse_mapping(items: list[str] | None) -> dict[str, str | None]:
    """``--mapping COL=FIELD`` (``COL=`` ignores the column); split at the last ``=``, since field names have none."""
    mapping: dict[str, str | None] = {}
    for item in items or []:
        column, sep, target = item.rpartition("=")
        if not sep or not column.strip():
            raise UsageError(f"--mapping {item!r} is not COLUMN=FIELD (e.g. --mapping \"Plot no.=plot\", or \"Notes=\" to ignore a column).")
        mapping[column.strip()] = target.strip() or None
    return mapping


def cmd_project(cfg: AppConfig, args: argparse.Namespace) -> int:
    if args.project_command == "list":
        projects = run(cfg, "project.list", {})
        print(json.dumps(projects, indent=2) if args.json else format_projects(projects))
        return 0
    result = run(cfg, "project.create", {"name": args.name, "form": os.path.abspath(args.form)})
    for warning in result["warnings"]:
        print(f"warning: {warning}")
    if not result["ok"]:
        for problem in result["problems"]:
            print(problem)
        print(f"The project was not created: the form has {len(result['problems'])} problem(s). Fix them and run the command again.", file=sys.stderr)
        return DATA_EXIT
    project = result["project"]
    print(f"Created project “{project['name']}” ({project['id']}) with {result['fields']} fields.")
    return 0


def cmd_records(cfg: AppConfig, args: argparse.Namespace) -> int:
    payload = {
        "project": args.project,
        "path": os.path.abspath(args.file),
        "mapping": parse_mapping(args.mapping),
        "status": "draft" if args.draft else "final",
    }
    result = run(cfg, "records.import", payload)
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "text"}, indent=2))
    else:
        print(result["text"])
    return 0 if result["ok"] else DATA_EXIT


def cmd_export(cfg: AppConfig, args: argparse.Namespace) -> int:
    out = os.path.abspath(args.out)
    if os.path.isdir(out):
        out = os.path.join(out, default_name(args.project, args.format))
    result = run(cfg, "records.export", {"project": args.project, "format": args.format, "out": out, "labels": not args.names})
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"Exported {result['records']:,} records of “{result['project']}” to {result['path']}")
    if result["missing_attachments"]:
        print(f"warning: {len(result['missing_attachments'])} attachment file(s) were missing and are not in the archive (see its README.txt).")
    return 0


def format_projects(projects: list[dict[str, Any]]) -> str:
    if not projects:
        return "No projects yet. `fieldbook project create NAME --form FILE` makes one."
    width = max(len("NAME"), *(len(p["name"]) for p in projects))
    lines = [f"{'NAME':<{width}}  {'RECORDS':>7}  {'FORM':>4}  ID"]
    for p in projects:
        lines.append(f"{p['name']:<{width}}  {p['records']:>7,}  {'v' + str(p['form_version']):>4}  {p['id']}" + ("  (archived)" if p["archived"] else ""))
    return "\n".join(lines)


def add_parsers(sub: Any) -> None:
    """Add ``project``, ``records`` and ``export`` to the launcher's subcommands."""
    project = sub.add_parser(
        "project", help="list projects or create one from a form file",
        description="Projects, through the running app or directly when it is not running. "
        "Exit codes: 0 ok, 2 usage (e.g. the name is taken), 3 the form has problems (nothing was created).",
    )
    project.set_defaults(func=lambda cfg, args: project.print_usage(sys.stderr) or 2)
    cmds = project.add_subparsers(title="project commands", metavar="PROJECT_COMMAND", dest="project_command")
    listing = cmds.add_parser("list", help="the projects: name, records, form version, id", description="List the projects by name.")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    create = cmds.add_parser(
        "create", help="create a project from an XLSForm (.xlsx, .xls, .csv) or a form definition (.json)",
        description="Create a project with the form in FILE; prints every problem of the form when it cannot be used.",
    )
    create.add_argument("name", metavar="NAME", help="the project's name (unique)")
    create.add_argument("--form", required=True, metavar="FILE", help="an XLSForm (.xlsx, .xls, .csv) or a Fieldbook form definition (.json)")
    for parser in (listing, create):
        parser.set_defaults(func=cmd_project)

    records = sub.add_parser(
        "records", help="import records from a CSV or Excel file",
        description="Records of a project. Exit codes: 0 ok, 2 usage (unknown project, bad --mapping), 3 the file has problems "
        "(nothing was imported).",
    )
    records.set_defaults(func=lambda cfg, args: records.print_usage(sys.stderr) or 2)
    rcmds = records.add_subparsers(title="records commands", metavar="RECORDS_COMMAND", dest="records_command")
    imp = rcmds.add_parser(
        "import", help="import every row of FILE, or none",
        description="Check every row of FILE (CSV or .xlsx; header in row 1) against the project's form and import all rows, "
        "or none when any row has a problem; prints one line per problem with its row number. Columns are matched to "
        "fields by name or label; --mapping overrides. Importing the same file with the same columns again adds nothing.",
    )
    imp.add_argument("project", metavar="PROJECT", help="the project's name or id")
    imp.add_argument("file", metavar="FILE", help="a .csv (comma, semicolon or tab) or .xlsx file")
    imp.add_argument("--mapping", action="append", metavar="COL=FIELD", help="put column COL into field FIELD (COL= ignores it); repeatable")
    imp.add_argument("--draft", action="store_true", help="import as drafts (required fields may be empty)")
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    imp.set_defaults(func=cmd_records)

    export = sub.add_parser(
        "export", help="export a project's records (csv, xlsx, parquet, geojson, zip)",
        description="Write the project's records to FILE (a folder gets a dated file name). The file appears only when complete. "
        "Exit codes: 0 ok, 2 usage (unknown project or format), 3 the data cannot be exported that way (e.g. GeoJSON without a location field).",
    )
    export.add_argument("project", metavar="PROJECT", help="the project's name or id")
    export.add_argument("--format", required=True, choices=tuple(FORMATS), help="csv (UTF-8, Excel-friendly), xlsx, parquet, geojson, or zip (CSV + forms + attachments)")
    export.add_argument("--out", required=True, metavar="FILE", help="the file (or folder) to write")
    export.add_argument("--names", action="store_true", help="write choice names instead of their labels")
    export.add_argument("--json", action="store_true", help="print JSON for scripts")
    export.set_defaults(func=cmd_export)
