"""A snapshot's manifest: what it holds, and the checks that its content matches.

The manifest (``manifest.json``) names the format and app versions, the schema version, when and
why the snapshot was made and on which host, the row count of every table, and the sha256 and
size of every file (the database; attachments are named by their sha256).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import duckdb

from store.core.migrations import MIGRATIONS
from store.core.texts import said
from store.snapshots.errors import SnapshotInvalid

FORMAT = "fieldbook-snapshot"
FORMAT_VERSION = 1
DATABASE = "fieldbook.duckdb"
MANIFEST = "manifest.json"

_REQUIRED = ("id", "app_version", "schema_version", "created_at", "reason", "host", "tables", "files", "attachments")

OTHER_VERSION = said(
    "snap.other_version",
    "{label} has snapshot format version {version}; this Fieldbook reads version {reads}. Use the Fieldbook that made it. Nothing was changed.",
)
NEWER = said(
    "snap.newer",
    "{label} was made by a newer Fieldbook (schema version {schema}); this one knows up to version {known}. "
    "Install the newer Fieldbook to restore it. Nothing was changed.",
)
SCHEMA_DIFFERS = said("snap.schema_differs", "The database in {label} has schema version {schema}, its manifest says {says}. Nothing was changed.")
FIELDBOOK_SNAPSHOT_MANIFEST_MISSING = said("snap.fieldbook_snapshot_manifest_missing", "{label} is not a Fieldbook snapshot (its manifest is missing or foreign). Nothing was changed.")
HAS_INCOMPLETE_MANIFEST = said("snap.has_incomplete_manifest", "{label} has an incomplete manifest (no {names}). Nothing was changed.")
HAS_MANIFEST_THAT_CANNOT = said("snap.has_manifest_that_cannot", "{label} has a manifest that cannot be used ({names}). Nothing was changed.")
DATABASE_CANNOT_OPENED = said("snap.database_cannot_opened", "The database in {label} cannot be opened ({reason}). Nothing was changed.")
DATABASE_CANNOT_READ = said("snap.database_cannot_read", "The database in {label} cannot be read ({reason}). Nothing was changed.")
DATABASE_DOES_MATCH_MANIFEST = said("snap.database_does_match_manifest", "The database in {label} does not match its manifest ({diff}). Nothing was changed.")


def known_schema() -> int:
    return max(m.version for m in MIGRATIONS)


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows of every table in the main schema, in one statement."""
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database() ORDER BY table_name"
        ).fetchall()
    ]
    if not names:
        return {}
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM main."{n}")' for n in names)
    counts = con.execute(sql).fetchall()[0]
    return {n: int(c) for n, c in zip(names, counts, strict=True)}


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    has = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_migrations' AND database_name = current_database()"
    ).fetchall()[0][0]
    if not has:
        return 0
    value = con.execute("SELECT max(version) FROM schema_migrations").fetchall()[0][0]
    return int(value or 0)


def attachment_hashes(con: duckdb.DuckDBPyConnection) -> list[str]:
    has = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'attachments' AND database_name = current_database()"
    ).fetchall()[0][0]
    if not has:
        return []
    return [r[0] for r in con.execute("SELECT sha256 FROM attachments ORDER BY sha256").fetchall()]


def check(manifest: Any, label: str) -> dict[str, Any]:
    """``manifest`` if it is one this Fieldbook can restore; else ``SnapshotInvalid`` saying why."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SnapshotInvalid(FIELDBOOK_SNAPSHOT_MANIFEST_MISSING(label=label))
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise SnapshotInvalid(OTHER_VERSION(label=label, version=str(version), reads=str(FORMAT_VERSION)))
    missing = [k for k in _REQUIRED if k not in manifest]
    if missing:
        raise SnapshotInvalid(HAS_INCOMPLETE_MANIFEST(label=label, names=', '.join(missing)))
    wrong = _wrong_types(manifest)
    if wrong:
        # a crafted or damaged manifest: refused before anything is done with it (a created_at that
        # is no date once crashed the CLI after the restore had been applied)
        raise SnapshotInvalid(HAS_MANIFEST_THAT_CANNOT(label=label, names=', '.join(wrong)))
    schema = manifest["schema_version"]
    if schema > known_schema():
        raise SnapshotInvalid(NEWER(label=label, schema=str(schema), known=str(known_schema())))
    return manifest


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _wrong_types(manifest: dict[str, Any]) -> list[str]:
    """What in ``manifest`` has the wrong JSON type or form (named for the message)."""
    wrong = [k for k in ("id", "app_version", "reason", "host") if not isinstance(manifest[k], str)]
    if not _count(manifest["schema_version"]):
        wrong.append("schema_version is not a whole number")
    try:
        when = dt.datetime.fromisoformat(manifest["created_at"])
        if when.tzinfo is None:
            raise ValueError("no time zone")
    except (TypeError, ValueError):
        wrong.append("created_at is not a date and time")
    tables = manifest["tables"]
    if not isinstance(tables, dict) or not all(isinstance(k, str) and _count(v) for k, v in tables.items()):
        wrong.append("tables is not a list of row counts")
    entry = manifest["files"].get(DATABASE) if isinstance(manifest["files"], dict) else None
    if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str) or not _SHA256.fullmatch(entry["sha256"]) or not _count(entry.get("size")):
        wrong.append("no usable database entry")
    attachments = manifest["attachments"]
    if not isinstance(attachments, (dict, list)) or not all(isinstance(a, str) and _SHA256.fullmatch(a) for a in attachments):
        wrong.append("attachments are not content hashes")
    return wrong


def created_at(manifest: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(manifest["created_at"])


def check_database(db_copy: Path, manifest: dict[str, Any], label: str) -> None:
    """Open ``db_copy`` (a temp copy: never the user's file) read-only and compare it with ``manifest``."""
    try:
        con = duckdb.connect(str(db_copy), read_only=True)
    except duckdb.Error as exc:
        raise SnapshotInvalid(DATABASE_CANNOT_OPENED(label=label, reason=str(exc))) from None
    try:
        counts = row_counts(con)
        schema = schema_version(con)
    except duckdb.Error as exc:
        raise SnapshotInvalid(DATABASE_CANNOT_READ(label=label, reason=str(exc))) from None
    finally:
        con.close()
    if schema != manifest["schema_version"]:
        raise SnapshotInvalid(SCHEMA_DIFFERS(label=label, schema=str(schema), says=str(manifest["schema_version"])))
    if counts != manifest["tables"]:
        diff = sorted(
            f"{t}: {counts.get(t)} rows, manifest {manifest['tables'].get(t)}"
            for t in set(counts) | set(manifest["tables"])
            if counts.get(t) != manifest["tables"].get(t)
        )
        raise SnapshotInvalid(DATABASE_DOES_MATCH_MANIFEST(label=label, diff='; '.join(diff[:5])))
