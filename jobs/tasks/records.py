"""``records.export`` and ``records.import``: a project's records out to a file, and in from one.

Both are thin over the store's library (store/exports, store/record_import) and safe to run again:
an export writes a fixed name in the job's own folder through a temp file and a rename, so a
re-run replaces it; an import is recorded under a key (project, file content, mapping, status) in
the same transaction as its records, so a re-run after a crash — even one between the commit and
the ledger's "done" — finds the key and adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jobs.context import JobContext
from jobs.errors import BadJobArguments
from jobs.registry import task
from store.core import texts
from store.core.errors import ValidationError
from store.exports import FORMATS, export_project
from store.exports.columns import safe_name
from store.fielddata.importer import Report, import_file
from store.fielddata.projects import get_project
from store.fielddata.records import STATUSES

REPORT_LINES = "import-report.json"


def report_lines(folder: Path) -> list[str]:
    """The lines of the import report in the job's ``folder`` (``Text``s where the store said them)."""
    try:
        lines = json.loads((folder / REPORT_LINES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        try:
            return (folder / "import-report.txt").read_text(encoding="utf-8").splitlines()  # a job of an older version
        except OSError:
            return []
    return [texts.decode(line) or "" for line in lines if isinstance(line, str)]


class ImportRejected(ValidationError):
    """At least one row has a problem; nothing was imported. The message names the first ones."""

IMPORTED = texts.said("import.job_done", "{n} records imported", one="1 record imported")
IMPORTED_EARLIER = texts.said("import.job_done_earlier", "{n} records imported (earlier)", one="1 record imported (earlier)")
REFUSED = texts.said(
    "import.refused",
    "Nothing was imported: {n} problems. {problems}. The full report: {path}",
    one="Nothing was imported: 1 problem. {problems}. The full report: {path}",
)
REFUSED_MORE = texts.said("import.refused_more", "Nothing was imported: {n} problems. {problems} (and {more} more). The full report: {path}")


def _check_export(args: Mapping[str, Any]) -> None:
    fmt = str(args.get("format", "csv")).lower()
    if fmt not in FORMATS:
        raise BadJobArguments(f"The argument 'format' of job 'records.export' must be one of {', '.join(FORMATS)}, not {fmt!r}.")


@task("records.export", max_attempts=3, timeout_s=None, check=_check_export)
def export_records(ctx: JobContext, project_id: str, format: str = "csv", labels: bool = True, out: str = "") -> dict[str, Any]:
    """Export the project's records; the file goes to ``out`` or into the job's folder."""
    fmt = format.lower()
    if out:
        target = Path(out)
    else:
        project = get_project(ctx.store, project_id)
        target = ctx.output_dir() / f"{safe_name(project.name).replace(' ', '_')}{FORMATS[fmt]}"
    result = export_project(
        ctx.store,
        project_id,
        fmt,
        target,
        labels=labels,
        attachments_dir=ctx.data_dir / "attachments",
        progress=ctx.progress,
        check_cancelled=ctx.check_cancelled,
        tag=ctx.job_id,
    )
    return result.to_dict()


def _check_import(args: Mapping[str, Any]) -> None:
    if args.get("status", "final") not in STATUSES:
        raise BadJobArguments("The argument 'status' of job 'records.import' must be 'draft' or 'final'.")
    mapping = args.get("mapping") or {}
    if not all(isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in mapping.items()):
        raise BadJobArguments("The argument 'mapping' of job 'records.import' must map column names to field names (or null).")


@task("records.import", max_attempts=3, timeout_s=None, check=_check_import)
def import_records_job(
    ctx: JobContext, project_id: str, path: str, mapping: dict[str, Any] | None = None, status: str = "final", user: str = ""
) -> dict[str, Any]:
    """Check every row of the file and import all of them, or none (the report says why)."""
    report = import_file(
        ctx.store,
        project_id,
        Path(path),
        mapping or None,
        user=user or "import",
        status=status,
        progress=ctx.progress,
        check_cancelled=ctx.check_cancelled,
    )
    report_path = ctx.write_atomic(ctx.output_dir() / "import-report.txt", report.text() + "\n")
    # the same lines as Texts, for the app to say in the reader's language
    ctx.write_atomic(ctx.output_dir() / REPORT_LINES, json.dumps([texts.encode(line) for line in report.lines()], ensure_ascii=False))
    if not report.ok:
        raise ImportRejected(rejection(report, report_path))
    ctx.progress(1.0, (IMPORTED_EARLIER if report.already_imported else IMPORTED)(n=report.imported))
    return {
        "records": report.imported,
        "rows": report.rows,
        "already_imported": report.already_imported,
        "warnings": [str(w) for w in report.warnings],  # English; the page words them from import-report.json
        "path": str(report_path),
    }


def refused_for_good(name: str, error: str | None) -> bool:
    """Whether a failed job of task ``name`` was an import refused by its check: the same file
    would be refused the same way, so running it again is no help (the Jobs page offers no Retry)."""
    if isinstance(error, texts.Text):
        return name == "records.import" and (REFUSED.of(error) or REFUSED_MORE.of(error))
    return name == "records.import" and (error or "").startswith("Nothing was imported:")  # a job of an older version


def rejection(report: Report, report_path: Path, first: int = 3) -> texts.Text:
    total = len(report.problems) + report.more_problems
    shown = [p.text() for p in report.problems[:first]]
    if total > first:
        return REFUSED_MORE(n=total, problems=shown, more=total - first, path=str(report_path))
    return REFUSED(n=total, problems=shown, path=str(report_path))
