"""The server's own schema: numbered migrations, each in one transaction, recorded in
``fb_schema_migrations``.

The server keeps the current state (``projects``, ``forms``, ``records``), every change any device
ever pushed (``change_log``, whose ``seq`` is the order devices pull in), the devices it has seen
and the losing versions of concurrent edits (``conflicts``). A server set up by a newer Fieldbook
is refused, and so is a PostgreSQL older than ``MIN_SERVER_VERSION``.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from store.sync.connect import connect, translate
from store.sync.errors import ServerNotInitialised, ServerSchemaTooNew, ServerTooOld

MIN_SERVER_VERSION = 130000  # PostgreSQL 13: DROP DATABASE … WITH (FORCE), jsonb as we use it
MIN_SERVER_TEXT = "13"


@dataclass(frozen=True)
class ServerMigration:
    version: int
    name: str
    statements: tuple[str, ...]


SERVER_MIGRATIONS: tuple[ServerMigration, ...] = (
    ServerMigration(
        1,
        "projects, forms, records, change log, devices, conflicts",
        (
            """CREATE TABLE projects (
                id text PRIMARY KEY,
                name text NOT NULL,
                description text NOT NULL DEFAULT '',
                archived boolean NOT NULL DEFAULT false,
                deleted_at timestamptz,
                is_demo boolean NOT NULL DEFAULT false,
                hlc text NOT NULL,
                device_id text NOT NULL,
                payload jsonb NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            )""",
            """CREATE TABLE forms (
                project_id text NOT NULL,
                version integer NOT NULL,
                definition jsonb NOT NULL,
                source text NOT NULL,
                hlc text NOT NULL,
                device_id text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (project_id, version)
            )""",
            # The current state of each record; ``payload`` is the whole state as the device sent it
            # (kept so that a conflict can store both versions exactly).
            """CREATE TABLE records (
                id text PRIMARY KEY,
                project_id text NOT NULL,
                form_version integer NOT NULL,
                data jsonb NOT NULL,
                status text NOT NULL,
                version integer NOT NULL,
                deleted boolean NOT NULL,
                created_at timestamptz,
                created_by text,
                updated_at timestamptz,
                updated_by text,
                hlc text NOT NULL,
                device_id text NOT NULL,
                payload jsonb NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now()
            )""",
            "CREATE INDEX records_project ON records (project_id)",
            # Every change ever pushed, in the order the server accepted them. Pushes are serialised
            # (an advisory lock, store/sync/push.py), so a committed seq is never followed by a
            # smaller one: a device that has read up to seq N has missed nothing below it.
            """CREATE TABLE change_log (
                seq bigserial PRIMARY KEY,
                change_id uuid NOT NULL UNIQUE,
                device_id text NOT NULL,
                entity text NOT NULL,
                entity_id text NOT NULL,
                op text NOT NULL,
                payload jsonb NOT NULL,
                hlc text NOT NULL,
                created_at timestamptz,
                received_at timestamptz NOT NULL DEFAULT now()
            )""",
            """CREATE TABLE devices (
                id text PRIMARY KEY,
                first_seen timestamptz NOT NULL DEFAULT now(),
                last_seen timestamptz NOT NULL DEFAULT now(),
                cursor bigint NOT NULL DEFAULT 0
            )""",
            # Both versions of a concurrent edit; ``record_id`` is the entity's id (a record id, or
            # ``project:version`` for a form).
            """CREATE TABLE conflicts (
                id bigserial PRIMARY KEY,
                entity text NOT NULL DEFAULT 'record',
                record_id text NOT NULL,
                winner jsonb NOT NULL,
                loser jsonb NOT NULL,
                winner_device text NOT NULL,
                loser_device text NOT NULL,
                detected_at timestamptz NOT NULL DEFAULT now()
            )""",
            "CREATE INDEX conflicts_record ON conflicts (record_id)",
        ),
    ),
    # A conflict resolved on a device is marked here when the resolution arrives (store/sync/push.py);
    # the row keeps both versions.
    ServerMigration(
        2,
        "conflict resolutions",
        (
            "ALTER TABLE conflicts ADD COLUMN resolved_at timestamptz",
            "ALTER TABLE conflicts ADD COLUMN resolution jsonb",
        ),
    ),
)

KNOWN_VERSION = max(m.version for m in SERVER_MIGRATIONS)

_BOOTSTRAP = """CREATE TABLE IF NOT EXISTS fb_schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)"""
_LOCK = 0x46_42_53_43  # "FBSC": one init at a time, however many admins run it


def applied_versions(conn: psycopg.Connection) -> list[int]:
    exists = conn.execute("SELECT to_regclass('fb_schema_migrations') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return []
    return [int(r[0]) for r in conn.execute("SELECT version FROM fb_schema_migrations ORDER BY version").fetchall()]


def check_version(conn: psycopg.Connection) -> None:
    """Refuse a PostgreSQL older than ``MIN_SERVER_VERSION``."""
    check_version_number(conn.info.server_version)


def check_version_number(server_version: int) -> None:
    if server_version < MIN_SERVER_VERSION:
        major = server_version // 10000
        raise ServerTooOld(f"The server runs PostgreSQL {major}; Fieldbook needs PostgreSQL {MIN_SERVER_TEXT} or newer.")


def check_schema(conn: psycopg.Connection, applied: list[int]) -> None:
    if applied and max(applied) > KNOWN_VERSION:
        raise ServerSchemaTooNew(
            f"The server was set up by a newer Fieldbook (server schema {max(applied)}; this one knows up to "
            f"{KNOWN_VERSION}). Update Fieldbook on this device to sync."
        )


def check_server(conn: psycopg.Connection) -> None:
    """Before a sync: the server is new enough, set up, and not by a newer Fieldbook."""
    check_version(conn)
    applied = applied_versions(conn)
    check_schema(conn, applied)
    if KNOWN_VERSION not in applied:
        raise ServerNotInitialised(
            "The server has no Fieldbook tables (or older ones). An admin sets it up with `fieldbook sync init-server --url URL`."
        )


def migrate_server(conn: psycopg.Connection) -> list[int]:
    """Apply the pending server migrations, each in its own transaction; return the versions applied."""
    check_version(conn)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        conn.execute(_BOOTSTRAP)
    done = []
    for migration in SERVER_MIGRATIONS:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
            applied = applied_versions(conn)
            check_schema(conn, applied)
            if migration.version in applied:
                continue
            for statement in migration.statements:
                conn.execute(statement)  # type: ignore[arg-type]  # our own constant SQL
            conn.execute("INSERT INTO fb_schema_migrations (version, name) VALUES (%s, %s)", [migration.version, migration.name])
        done.append(migration.version)
    return done


def init_server(url: str, *, password: str | None = None) -> list[int]:
    """Create or update Fieldbook's tables on the server at ``url``; safe to run again."""
    conn = connect(url, password=password)
    try:
        return migrate_server(conn)
    except psycopg.Error as exc:
        raise translate(exc, url) from None
    finally:
        conn.close()
