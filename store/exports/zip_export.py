"""ZIP export: everything needed to read the data without Fieldbook.

Members: ``data.csv`` (as the CSV export), ``forms/form-v<N>.json`` (every form version's
definition), ``attachments/<sha256>-<name>`` (each photo or file a record references, once, the
path the CSV's cell holds) and ``README.txt`` (what is where). An attachment whose file is missing
from the data folder is listed in the README instead of failing the whole export.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from store.exports.columns import Plan, Ticker, attachment_member
from store.exports.csv_export import write_csv_stream
from store.fielddata.attachments import attachment_path, valid_sha256
from store.fielddata.records import Record
from store.formdef.model import FILE_TYPES

README = """\
Fieldbook export of the project "{project}" ({records:,} records, exported {when} UTC).

data.csv          one row per record, UTF-8 with BOM. Columns starting with "_" are the record's
                  metadata (id, status, version, form version, created/updated at and by); then
                  one column per field; a location field has the columns <name>_lat, <name>_lon,
                  <name>_accuracy; several choices are separated by {multi}.
forms/            the definition of every form version (JSON), form-v1.json is the first.
attachments/      the photos and files the records reference, named <sha256>-<file name>;
                  the data.csv cell of a photo or file field holds that path.
"""


def write_zip(
    path: Path,
    plan: Plan,
    records: Iterable[Record],
    ticker: Ticker,
    *,
    project: str,
    when: str,
    attachments_dir: Path | None,
) -> tuple[int, list[str]]:
    """Write the archive; return the number of records and the attachment paths that were missing."""
    files = [f.name for f in plan.fields if f.type in FILE_TYPES]
    wanted: dict[str, str] = {}  # member → sha256; at most one entry per distinct file

    def collect(record: Record) -> None:
        for name in files:
            ref = record.data.get(name)
            if isinstance(ref, dict) and valid_sha256(ref.get("sha256")):  # never a path from a reference
                wanted.setdefault(attachment_member(ref), ref["sha256"])

    missing: list[str] = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        with zf.open("data.csv", "w", force_zip64=True) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as fh:
            count = write_csv_stream(fh, plan, records, ticker, on_record=collect)
        for version, form in sorted(plan.forms.items()):
            zf.writestr(f"forms/form-v{version}.json", form.dumps())
        for i, (member, sha) in enumerate(sorted(wanted.items())):
            source = attachment_path(attachments_dir, sha) if attachments_dir is not None else None
            if source is None or not source.is_file():
                missing.append(member)
                continue
            # photos are compressed already; deflating them again costs time for nothing
            zf.write(source, member, compress_type=zipfile.ZIP_STORED)
            if i % 50 == 0:
                ticker.report()
        text = README.format(project=project, records=count, when=when, multi='"; "' if plan.labels else "spaces")
        if missing:
            text += "\nThese attachments were missing from the data folder and are NOT in this archive:\n"
            text += "".join(f"  {m}\n" for m in missing)
        zf.writestr("README.txt", text)
    return count, missing
