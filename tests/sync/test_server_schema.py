"""The server's migrations: recorded, idempotent, and the refusals (newer schema, not set up)."""

from __future__ import annotations

import pytest

from store.sync import init_server
from store.sync.connect import connect
from store.sync.errors import ServerNotInitialised, ServerRefused, ServerSchemaTooNew, ServerTooOld, ServerUnreachable
from store.sync.server_schema import (
    KNOWN_VERSION,
    MIN_SERVER_VERSION,
    SERVER_MIGRATIONS,
    check_server,
    check_version,
    check_version_number,
)
from tests.sync.helpers import server_rows
from tests.sync.pg import free_port


def test_init_server_creates_the_tables_and_records_each_migration(pg_url):
    assert init_server(pg_url) == [m.version for m in SERVER_MIGRATIONS]
    tables = {r[0] for r in server_rows(pg_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"projects", "forms", "records", "change_log", "devices", "conflicts", "fb_schema_migrations"} <= tables
    recorded = server_rows(pg_url, "SELECT version, name FROM fb_schema_migrations ORDER BY version")
    assert recorded == [(m.version, m.name) for m in SERVER_MIGRATIONS]


def test_init_server_twice_changes_nothing(pg_url):
    init_server(pg_url)
    assert init_server(pg_url) == []
    assert server_rows(pg_url, "SELECT count(*) FROM fb_schema_migrations") == [(len(SERVER_MIGRATIONS),)]


def test_a_server_set_up_by_a_newer_fieldbook_is_refused(pg_url):
    init_server(pg_url)
    with connect(pg_url) as conn:
        conn.execute("INSERT INTO fb_schema_migrations (version, name) VALUES (%s, 'from the future')", [KNOWN_VERSION + 1])
        with pytest.raises(ServerSchemaTooNew, match="newer Fieldbook"):
            check_server(conn)
    with pytest.raises(ServerSchemaTooNew):
        init_server(pg_url)


def test_an_empty_database_is_not_synced_with(pg_url):
    with connect(pg_url) as conn, pytest.raises(ServerNotInitialised, match="init-server"):
        check_server(conn)


def test_the_minimum_postgresql_version_is_checked(pg_url):
    with connect(pg_url) as conn:
        assert conn.info.server_version >= MIN_SERVER_VERSION
        check_version(conn)
    with pytest.raises(ServerTooOld, match="PostgreSQL 12; Fieldbook needs PostgreSQL 13 or newer"):
        check_version_number(120022)


def test_plain_errors_for_a_server_that_is_not_there_and_a_wrong_database(pg_server):
    with pytest.raises(ServerUnreachable, match="Cannot reach the server"):
        connect(f"postgresql://postgres@127.0.0.1:{free_port()}/x")
    with pytest.raises(ServerRefused, match="does not exist"):
        connect(pg_server.url("no_such_database"))
