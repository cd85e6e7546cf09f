"""Numbered schema migrations.

Each migration runs in one transaction through the writer and is recorded in
``schema_migrations``; a CHECKPOINT follows so that no DDL stays in the WAL (DuckDB's WAL-replay
bugs live in DDL). A database written by a newer Fieldbook (a version we do not know) is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from store.core.errors import MigrationError, StoreError
from store.core.writer import Writer


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "ui state and events",
        (
            """CREATE TABLE ui_state (
                user_id VARCHAR PRIMARY KEY,
                page VARCHAR NOT NULL,
                params JSON NOT NULL,
                back JSON NOT NULL,
                forward JSON NOT NULL,
                prefs JSON NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )""",
            "CREATE SEQUENCE events_id_seq",
            """CREATE TABLE events (
                id BIGINT PRIMARY KEY DEFAULT nextval('events_id_seq'),
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                level VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                message VARCHAR NOT NULL,
                data JSON
            )""",
        ),
    ),
    Migration(
        2,
        "inputs, forms and attachments",
        (
            """CREATE TABLE inputs (
                user_id VARCHAR NOT NULL,
                scope VARCHAR NOT NULL,
                key VARCHAR NOT NULL,
                value JSON NOT NULL,
                version BIGINT NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                session_id VARCHAR,
                PRIMARY KEY (user_id, scope, key)
            )""",
            "CREATE SEQUENCE input_events_id_seq",
            """CREATE TABLE input_events (
                id BIGINT PRIMARY KEY DEFAULT nextval('input_events_id_seq'),
                user_id VARCHAR NOT NULL,
                scope VARCHAR NOT NULL,
                key VARCHAR NOT NULL,
                value JSON NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                session_id VARCHAR
            )""",
            """CREATE TABLE form_state (
                user_id VARCHAR NOT NULL,
                form_id VARCHAR NOT NULL,
                saved JSON NOT NULL,
                undo JSON NOT NULL,
                redo JSON NOT NULL,
                status VARCHAR NOT NULL,
                saved_at TIMESTAMPTZ,
                updated_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (user_id, form_id)
            )""",
            "CREATE SEQUENCE form_snapshots_id_seq",
            """CREATE TABLE form_snapshots (
                id BIGINT PRIMARY KEY DEFAULT nextval('form_snapshots_id_seq'),
                user_id VARCHAR NOT NULL,
                form_id VARCHAR NOT NULL,
                name VARCHAR NOT NULL,
                data JSON NOT NULL,
                created_at TIMESTAMPTZ NOT NULL
            )""",
            """CREATE TABLE attachments (
                sha256 VARCHAR PRIMARY KEY,
                name VARCHAR NOT NULL,
                size BIGINT NOT NULL,
                mime VARCHAR,
                created_at TIMESTAMPTZ NOT NULL
            )""",
        ),
    ),
    Migration(
        3,
        "job ledger",
        (
            # The truth about background jobs (jobs/ledger.py); Huey's queue only triggers runs.
            # No secondary index: DuckDB rewrites index entries on every UPDATE of an indexed
            # column, and this table is small and updated often (status, progress, lease).
            """CREATE TABLE jobs (
                id VARCHAR PRIMARY KEY,
                name VARCHAR NOT NULL,
                args JSON NOT NULL,
                status VARCHAR NOT NULL,
                priority INTEGER NOT NULL DEFAULT 0,
                progress DOUBLE NOT NULL DEFAULT 0,
                message VARCHAR NOT NULL DEFAULT '',
                result JSON,
                error VARCHAR,
                attempts INTEGER NOT NULL DEFAULT 0,
                max_attempts INTEGER NOT NULL,
                timeout_s DOUBLE,
                lease_owner VARCHAR,
                lease_expires_at TIMESTAMPTZ,
                run_after TIMESTAMPTZ,
                created_at TIMESTAMPTZ NOT NULL,
                started_at TIMESTAMPTZ,
                finished_at TIMESTAMPTZ,
                updated_at TIMESTAMPTZ NOT NULL,
                created_by VARCHAR NOT NULL,
                depends_on VARCHAR[] NOT NULL,
                tags VARCHAR[] NOT NULL,
                cancel_requested BOOLEAN NOT NULL DEFAULT false,
                waited_on BOOLEAN NOT NULL DEFAULT false,
                checkpoint JSON,
                queue_ref VARCHAR
            )""",
        ),
    ),
    Migration(
        4,
        "projects, forms, records, outbox and audit log",
        (
            # One row of facts about this installation (its device id for sync and the HLC).
            "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
            """CREATE TABLE projects (
                id VARCHAR PRIMARY KEY,
                name VARCHAR NOT NULL,
                description VARCHAR NOT NULL DEFAULT '',
                archived BOOLEAN NOT NULL DEFAULT false,
                deleted_at TIMESTAMPTZ,
                is_demo BOOLEAN NOT NULL DEFAULT false,
                created_at TIMESTAMPTZ NOT NULL,
                created_by VARCHAR NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                hlc VARCHAR NOT NULL
            )""",
            # Form definitions are versioned and never changed in place: a record keeps the
            # version it was recorded under, so a later change of the form cannot touch its data.
            """CREATE TABLE forms (
                project_id VARCHAR NOT NULL,
                version INTEGER NOT NULL,
                definition JSON NOT NULL,
                source VARCHAR NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                created_by VARCHAR NOT NULL,
                hlc VARCHAR NOT NULL,
                PRIMARY KEY (project_id, version)
            )""",
            """CREATE TABLE records (
                id VARCHAR PRIMARY KEY,
                project_id VARCHAR NOT NULL,
                form_version INTEGER NOT NULL,
                data JSON NOT NULL,
                status VARCHAR NOT NULL,
                version INTEGER NOT NULL,
                search_text VARCHAR NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                created_by VARCHAR NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                updated_by VARCHAR NOT NULL,
                device_id VARCHAR NOT NULL,
                hlc VARCHAR NOT NULL,
                deleted_at TIMESTAMPTZ
            )""",
            """CREATE TABLE record_versions (
                record_id VARCHAR NOT NULL,
                version INTEGER NOT NULL,
                form_version INTEGER NOT NULL,
                data JSON NOT NULL,
                status VARCHAR NOT NULL,
                deleted BOOLEAN NOT NULL,
                saved_at TIMESTAMPTZ NOT NULL,
                saved_by VARCHAR NOT NULL,
                device_id VARCHAR NOT NULL,
                hlc VARCHAR NOT NULL,
                note VARCHAR NOT NULL DEFAULT '',
                PRIMARY KEY (record_id, version)
            )""",
            # The sync outbox, written in the same transaction as the change it describes.
            "CREATE SEQUENCE changes_seq",
            """CREATE TABLE changes (
                seq BIGINT PRIMARY KEY DEFAULT nextval('changes_seq'),
                change_id VARCHAR NOT NULL UNIQUE,
                entity VARCHAR NOT NULL,
                entity_id VARCHAR NOT NULL,
                op VARCHAR NOT NULL,
                payload JSON NOT NULL,
                hlc VARCHAR NOT NULL,
                device_id VARCHAR NOT NULL,
                created_at TIMESTAMPTZ NOT NULL
            )""",
            "CREATE SEQUENCE audit_log_seq",
            """CREATE TABLE audit_log (
                id BIGINT PRIMARY KEY DEFAULT nextval('audit_log_seq'),
                created_at TIMESTAMPTZ NOT NULL,
                user_id VARCHAR NOT NULL,
                entity VARCHAR NOT NULL,
                entity_id VARCHAR NOT NULL,
                action VARCHAR NOT NULL,
                old JSON,
                new JSON
            )""",
        ),
    ),
    Migration(
        5,
        "sync state and conflicts",
        (
            # Online mode (store/sync/): server url, pull cursor, last sync and its error. Never a password.
            "CREATE TABLE sync_state (key VARCHAR PRIMARY KEY, value VARCHAR, updated_at TIMESTAMPTZ NOT NULL)",
            # Both versions of a concurrent edit; the loser is kept here, nothing is discarded.
            """CREATE TABLE conflicts (
                id VARCHAR PRIMARY KEY,
                entity VARCHAR NOT NULL,
                record_id VARCHAR NOT NULL,
                project_id VARCHAR,
                local JSON NOT NULL,
                remote JSON NOT NULL,
                winner VARCHAR NOT NULL,
                detected_at TIMESTAMPTZ NOT NULL,
                resolved_at TIMESTAMPTZ,
                resolution JSON
            )""",
        ),
    ),
    Migration(
        6,
        "sync quarantine",
        (
            # Pulled changes this device cannot apply (a form with a field type it does not know:
            # a newer Fieldbook's, or a hostile device's), kept whole with the reason; the cursor
            # moves on and each pull tries them again (store/sync/quarantine.py).
            """CREATE TABLE sync_quarantine (
                server VARCHAR NOT NULL,
                seq BIGINT NOT NULL,
                change_id VARCHAR NOT NULL,
                device_id VARCHAR NOT NULL,
                entity VARCHAR NOT NULL,
                entity_id VARCHAR NOT NULL,
                op VARCHAR NOT NULL,
                payload JSON NOT NULL,
                hlc VARCHAR NOT NULL,
                created_at TIMESTAMPTZ,
                reason_code VARCHAR NOT NULL,
                reason VARCHAR NOT NULL,
                held_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (server, seq)
            )""",
        ),
    ),
)

_BOOTSTRAP = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)"""


def applied_versions(con: duckdb.DuckDBPyConnection) -> list[int]:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchall()
    if rows[0][0] == 0:
        return []
    return [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]


def pending(con: duckdb.DuckDBPyConnection, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[Migration]:
    """Migrations not yet applied; reads only."""
    done = set(applied_versions(con))
    return [m for m in migrations if m.version not in done]


def migrate(
    writer: Writer,
    migrations: tuple[Migration, ...] = MIGRATIONS,
    *,
    before_first: Callable[[list[int]], None] | None = None,
) -> list[int]:
    """Apply pending migrations in order; return the versions applied.

    ``before_first(applied)`` is called once before the first pending migration of a database that
    already has a schema (the place for a pre-migration snapshot).
    """
    known = max((m.version for m in migrations), default=0)
    applied = writer.submit_exclusive(applied_versions, writes=False).result()
    if applied and max(applied) > known:
        raise StoreError(
            f"This database was written by a newer Fieldbook (schema version {max(applied)}); "
            f"this one knows up to version {known}. Install the newer Fieldbook or restore a snapshot."
        )
    todo = [m for m in migrations if m.version not in set(applied)]
    if not todo:
        return []
    if applied and before_first is not None:
        before_first(applied)
    writer.submit_exclusive(lambda con: con.execute(_BOOTSTRAP).fetchall()).result()
    done = []
    for migration in todo:
        def apply(con: duckdb.DuckDBPyConnection, m: Migration = migration) -> None:
            for statement in m.statements:
                con.execute(statement).fetchall()
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [m.version, m.name])

        try:
            writer.write(apply)
        except duckdb.Error as exc:
            raise MigrationError(
                f"Updating the database to schema version {migration.version} ({migration.name}) failed: {exc}. "
                "The database was left as it was."
            ) from exc
        done.append(migration.version)
    writer.submit_exclusive(lambda con: con.execute("CHECKPOINT").fetchall()).result()
    return done
