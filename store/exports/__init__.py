"""Export a project's records: CSV, Excel, Parquet, GeoJSON, or a ZIP with forms and attachments.

``export_project`` is the one entry point (the ``records.export`` job, the CLI's ``fieldbook
export`` and the app use it). It streams the records (``iter_records``, 2,000 at a time), so an
export of 100,000 records needs no more memory than one of 2,000; it writes under a temp name and
renames at the end (``atomic.py``); it reports progress and checks for cancellation every 1,000
records. Deleted records are not exported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from store.core.errors import ValidationError
from store.core.texts import said

if TYPE_CHECKING:  # the package itself stays light: the CLI's parser imports it for FORMATS
    from store.core.db import Store
    from store.exports.columns import CheckCancelled, Progress

FORMATS: dict[str, str] = {"csv": ".csv", "xlsx": ".xlsx", "parquet": ".parquet", "geojson": ".geojson", "zip": ".zip"}

RECORDS_OF = said("export.records_of", "{done}/{n} records")
EXPORTED = said("export.exported", "{n} records exported", one="1 record exported")


class UnknownFormat(ValidationError):
    """The export format is not one Fieldbook writes."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    records: int
    missing_attachments: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "format": self.format, "records": self.records, "missing_attachments": self.missing_attachments}


def check_format(fmt: str) -> str:
    fmt = (fmt or "").lower().lstrip(".")
    if fmt not in FORMATS:
        raise UnknownFormat(f"Fieldbook cannot export “{fmt}”; choose one of: {', '.join(FORMATS)}.")
    return fmt


def default_name(project_name: str, fmt: str) -> str:
    """``<project>-<UTC date and time>.<ext>``: a new name per export, safe on every system."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    base = re.sub(r"[^\w.\-]+", "_", project_name).strip("._")[:80] or "export"
    return f"{base}-{stamp}{FORMATS[check_format(fmt)]}"


def export_project(
    store: Store,
    project_id: str,
    fmt: str,
    out: Path,
    *,
    labels: bool = True,
    lang: str | None = None,
    attachments_dir: Path | None = None,
    progress: Progress | None = None,
    check_cancelled: CheckCancelled | None = None,
    tag: str = "export",
) -> ExportResult:
    """Write the project's live records to ``out`` in ``fmt``; ``out`` exists only once complete.

    ``labels``: choices as their labels in ``lang`` (default: the form's default language), else
    as their stored names. ``progress(fraction, message)`` is called every 1,000 records;
    ``check_cancelled()`` is called as often and raises to stop — the temp file is then removed
    and ``out`` is left as it was. ``attachments_dir``: where a ZIP export finds photos and files.
    Raises ``UnknownFormat``, ``ProjectNotFound``, ``NoLocationField`` (GeoJSON without a geopoint field).
    """
    from store.exports.atomic import atomic_output
    from store.exports.columns import Ticker, make_plan, record_count
    from store.fielddata.projects import get_project
    from store.fielddata.records import iter_records

    fmt = check_format(fmt)
    project = get_project(store, project_id)
    plan = make_plan(store, project_id, labels=labels, lang=lang)
    total = record_count(store, project_id)
    ticker = Ticker(total, progress, check_cancelled, share=0.9 if fmt == "zip" else 1.0)
    if progress is not None:
        progress(0.0, RECORDS_OF(done=0, n=total))
    records = iter_records(store, project_id)
    missing: list[str] = []
    with atomic_output(Path(out), tag) as tmp:
        if fmt == "csv":
            from store.exports.csv_export import write_csv

            count = write_csv(tmp, plan, records, ticker)
        elif fmt == "xlsx":
            from store.exports.xlsx_export import write_xlsx

            count = write_xlsx(tmp, plan, records, ticker, _versions_in_use(store, project_id))
        elif fmt == "parquet":
            from store.exports.parquet_export import write_parquet

            count = write_parquet(tmp, plan, records, ticker)
        elif fmt == "geojson":
            from store.exports.geojson_export import write_geojson

            count = write_geojson(tmp, plan, records, ticker)
        else:
            from store.exports.zip_export import write_zip

            when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
            count, missing = write_zip(tmp, plan, records, ticker, project=project.name, when=when, attachments_dir=attachments_dir)
        if check_cancelled is not None:
            check_cancelled()  # a cancel that came during the last records still wins over the rename
    if progress is not None:
        progress(1.0, EXPORTED(n=count))
    return ExportResult(Path(out), fmt, count, missing)


def _versions_in_use(store: Store, project_id: str) -> list[int]:
    rows = store.read("SELECT DISTINCT form_version FROM records WHERE project_id = ? AND deleted_at IS NULL", [project_id])
    return [int(r[0]) for r in rows]
