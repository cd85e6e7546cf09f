"""``fieldbook project …``, ``fieldbook records import`` and ``fieldbook export``: the library side.

Like ``snapshot`` and ``jobs``: when Fieldbook runs it owns the database, so the CLI sends the
command over the control channel and the app carries it out on its store; when it does not run,
the CLI takes the instance lock itself (so the app cannot start meanwhile) and opens the database.
Both ways end in ``handle`` below, which returns plain JSON values. Paths are absolute by then
(the app's working folder is not the shell's).

Exit codes (the CLI's convention): 2 for usage (unknown project, bad mapping, a taken project
name), 3 for data (a form or an import file with problems; nothing was changed).
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from store.core.config import AppConfig
from store.core.db import Store
from store.core.errors import FieldbookError, ValidationError
from store.core.instance import CONTROL_NAME, ControlServer, InstanceLock, send_command
from store.exports import export_project
from store.fielddata.importer import import_file
from store.fielddata.projects import ProjectNotFound, create_project, find_project, list_projects
from store.formdef import FormDef

COMMANDS = ("project.list", "project.create", "records.import", "records.export")
StoreGetter = Callable[[], Store]


class CommandFailed(FieldbookError):
    """A command that could not be carried out; ``exit_code`` says whether it was usage (2) or data (3)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def cli_user() -> str:
    """The OS user, as the app itself names the person at this machine."""
    try:
        return getpass.getuser()
    except Exception:
        return "user"


def handle(store: Store, attachments_dir: Path, command: str, args: dict[str, Any]) -> Any:
    """Carry out one command on ``store``; plain JSON values back, ``CommandFailed`` with its exit code."""
    try:
        if command == "project.list":
            return [_project_dict(p) for p in list_projects(store)]
        if command == "project.create":
            return _create(store, args)
        if command == "records.import":
            project = find_project(store, str(args["project"]))
            if not Path(args["path"]).is_file():
                raise CommandFailed(f"The file {args['path']} does not exist.", 2)
            report = import_file(
                store, project.id, Path(args["path"]), args.get("mapping") or None,
                user=str(args.get("user") or cli_user()), status=str(args.get("status") or "final"),
            )
            return {**report.to_dict(), "project": project.name, "text": report.text()}
        if command == "records.export":
            project = find_project(store, str(args["project"]))
            result = export_project(
                store, project.id, str(args["format"]), Path(args["out"]), labels=bool(args.get("labels", True)), attachments_dir=attachments_dir
            )
            return {**result.to_dict(), "project": project.name}
    except ProjectNotFound as exc:
        raise CommandFailed(str(exc), 2) from None
    except CommandFailed:
        raise
    except ValidationError as exc:  # the file or the data: nothing was changed
        raise CommandFailed(str(exc), 3) from None
    raise CommandFailed(f"Unknown command {command!r}.", 2)


def _project_dict(p: Any) -> dict[str, Any]:
    return {
        "id": p.id, "name": p.name, "records": p.record_count, "form_version": p.form_version, "archived": p.archived,
        "created_at": p.created_at.isoformat(), "last_activity": p.last_activity.isoformat() if p.last_activity else None,
    }


def load_form_file(path: Path) -> tuple[FormDef | None, list[str], list[str], str]:
    """A form from an XLSForm (.xlsx) or a form definition (.json): (form or None, problems, warnings, source)."""
    if not path.is_file():
        raise CommandFailed(f"The form file {path} does not exist.", 2)
    from store.formdef.xlsform import load_form_file as load

    result = load(path)
    source = "json" if path.suffix.lower() == ".json" else "xlsform"
    problems = [_problem_text(p) for p in result.problems]
    return (result.form if result.ok else None), problems, [_problem_text(w) for w in result.warnings], source


def _problem_text(problem: Any) -> str:
    row = getattr(problem, "row", None)
    text = str(problem)
    return f"{text} (row {row})" if row is not None and f"row {row}" not in text else text


def _create(store: Store, args: dict[str, Any]) -> dict[str, Any]:
    form, problems, warnings, source = load_form_file(Path(args["form"]))
    if form is None:
        return {"ok": False, "problems": problems or ["The form cannot be used."], "warnings": warnings}
    try:
        project = create_project(store, str(args["name"]), form, user=str(args.get("user") or cli_user()), source=source)
    except ValidationError as exc:  # no name, too long, or taken: the person chooses another
        raise CommandFailed(str(exc), 2) from None
    return {"ok": True, "project": _project_dict(project), "problems": [], "warnings": warnings, "fields": len(form.value_fields())}


def register_control(control: ControlServer, current_store: StoreGetter, attachments_dir: Path) -> None:
    """Serve the commands on the running app's control channel (the store is looked up per call:
    a restore swaps it)."""
    for command in COMMANDS:
        control.register(command, _handler(current_store, attachments_dir, command))


def _handler(current_store: StoreGetter, attachments_dir: Path, command: str) -> Callable[[dict[str, Any]], Any]:
    return lambda args: handle(current_store(), attachments_dir, command, args)


def run(cfg: AppConfig, command: str, args: dict[str, Any], *, wait_for_app: float = 15.0) -> Any:
    """The CLI's way in: through the running app if there is one, else directly on the database."""
    args = {**args, "user": args.get("user") or cli_user()}
    lock = InstanceLock(cfg.paths.runtime_dir)
    if not lock.acquire():
        deadline = time.monotonic() + wait_for_app  # the app may be starting
        while not (cfg.paths.runtime_dir / CONTROL_NAME).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        return send_command(cfg.paths.runtime_dir, command, args, timeout=3600)
    try:
        cfg.paths.ensure()
        store = Store.open(cfg.paths.database, min_free_mb=cfg.min_free_mb)
        try:
            return handle(store, cfg.paths.attachments_dir, command, args)
        finally:
            store.close()
    finally:
        lock.release()
