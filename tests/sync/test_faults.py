"""Bad input and faults against a real PostgreSQL: wrong URL, unknown host, wrong password, server
stopped (with backoff), TLS required but not offered, a server that never answers, a schema newer
than the app, a PostgreSQL too old. Each: one plain sentence and its code, from the connection test
and from a sync; the local records untouched; the outbox kept."""

from __future__ import annotations

import socket
import struct
import threading
import time
from datetime import UTC, datetime

import pytest

from store.core.errors import FieldbookError
from store.fielddata.records import create_record
from store.sync import connect as connect_module
from store.sync import credentials, init_server, settings, state, sync_now
from store.sync.connect import connect
from store.sync.server_schema import KNOWN_VERSION
from store.sync.state import status
from tests.sync.helpers import USER, local_records, new_project, open_device, outbox, server_records
from tests.sync.pg import PgServer, free_port

ROLE, ROLE_PASSWORD = "fb_secret_user", "c0rrect-horse"



@pytest.fixture
def device(tmp_path):
    store = open_device(tmp_path, "dev")
    project = new_project(store)
    for i in range(3):
        create_record(store, project, {"plot": i}, user=USER)
    yield store
    store.close()


def assert_fails_plainly(store, url, code, words, **check):
    """The connection test and a sync both fail with ``code`` and a sentence; nothing local changes."""
    before, waiting = local_records(store), outbox(store)
    result = settings.check_connection(store, url, **check)
    assert (result.ok, result.code) == (False, code), result
    assert words in result.message and "Traceback" not in result.message and "\n" not in result.message
    with pytest.raises(FieldbookError) as failed:
        sync_now(store, url)
    assert words in str(failed.value)
    assert local_records(store) == before and outbox(store) == waiting
    shown = status(store)
    assert shown.last_error == str(failed.value) and shown.last_error_code == code and shown.failures >= 1
    return result


def test_a_wrong_url_and_an_unknown_host(device, pg_server):
    assert_fails_plainly(device, "mysql://alice@db.example.org/fb", "url", "must look like postgresql://")
    assert_fails_plainly(device, "postgresql://alice@no-such-host.invalid:5432/fb", "unreachable", "Cannot reach the server")
    assert status(device).failures == 2


def test_a_wrong_password_and_the_right_one_from_the_keyring(device, pg_server, keyring_home):
    pg_server.password_role(ROLE, ROLE_PASSWORD)
    database = pg_server.create_database()
    admin_url = pg_server.url(database)
    with connect(admin_url) as conn:
        conn.execute(f"ALTER DATABASE {database} OWNER TO {ROLE}")  # type: ignore[arg-type]
    url = f"postgresql://{ROLE}@127.0.0.1:{pg_server.port}/{database}"
    try:
        none = assert_fails_plainly(device, url, "refused", "asks for a password")
        assert "Enter it in Settings" in none.message
        credentials.save_password(url, "wrong")
        wrong = assert_fails_plainly(device, url, "refused", "refused the user name or password")
        assert "wrong" not in wrong.message
        assert settings.check_connection(device, url, password=ROLE_PASSWORD).code == "not_initialised"  # a typed password is tried as is

        settings.configure(device, url, password=ROLE_PASSWORD)  # stored in the keyring, not in the database
        init_server(url, password=credentials.password_for(url))
        assert settings.check_connection(device).ok
        report = sync_now(device)  # the password comes from the keyring
        assert report.pushed == 5 and outbox(device) == 0 and status(device).failures == 0
        assert local_records(device) == server_records(admin_url)
    finally:
        pg_server.drop_database(database)


def test_server_stopped_is_unreachable_with_a_growing_backoff_then_recovers(device, tmp_path):
    pg = PgServer()
    try:
        url = pg.url(pg.create_database())
        init_server(url)
        settings.configure(device, url)
        settings.set_online(device, True)
        pg.stop()
        started = datetime.now(UTC)
        assert_fails_plainly(device, url, "unreachable", "Cannot reach the server")
        first = status(device).next_attempt_at
        assert first is not None and 24 <= (first - started).total_seconds() <= 37  # 30 s ± 20 %
        with pytest.raises(FieldbookError):
            sync_now(device)
        second = status(device)
        assert second.failures == 2 and 48 <= (second.next_attempt_at - started).total_seconds() <= 73  # 60 s ± 20 %
        for _ in range(8):
            with pytest.raises(FieldbookError):
                sync_now(device)
        capped = status(device)  # 30 s · 2^9 would be hours: capped at the interval (5 min) ± 20 %
        assert capped.failures == 10 and (capped.next_attempt_at - datetime.now(UTC)).total_seconds() <= 360

        pg.start()
        report = sync_now(device)
        after = status(device)
        assert report.pushed == 5 and (after.failures, after.last_error, after.last_error_code) == (0, None, None)
        assert 290 <= (after.next_attempt_at - datetime.now(UTC)).total_seconds() <= 300  # back to the interval
        assert local_records(device) == server_records(url)
    finally:
        pg.close()


def test_tls_required_but_the_server_has_none(device, pg_url):
    init_server(pg_url)
    result = assert_fails_plainly(device, pg_url + "?sslmode=require", "tls", "secure (TLS) connection")
    assert "does not support SSL" in result.message


class Silent:
    """A TCP port that accepts connections and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        for conn in self.accepted:
            conn.close()
        self.sock.close()


def test_a_server_that_never_answers_times_out(device, monkeypatch):
    monkeypatch.setattr(connect_module, "CONNECT_TIMEOUT_S", 2)  # libpq's minimum
    silent = Silent()
    try:
        started = time.monotonic()
        assert_fails_plainly(device, f"postgresql://alice@127.0.0.1:{silent.port}/fb", "timeout", "did not answer in time")
        assert time.monotonic() - started < 20  # two attempts (test and sync), each about 2 s per address tried
        assert silent.accepted
    finally:
        silent.close()


def test_a_schema_newer_than_the_app(device, pg_url):
    init_server(pg_url)
    with connect(pg_url) as conn:
        conn.execute("INSERT INTO fb_schema_migrations (version, name) VALUES (%s, 'from the future')", [KNOWN_VERSION + 1])
    result = assert_fails_plainly(device, pg_url, "schema_new", "newer Fieldbook")
    assert "Update Fieldbook" in result.message and result.server_version


class OldServer:
    """Enough of the PostgreSQL wire protocol to say "I am PostgreSQL 12.0": refuse TLS/GSS, accept
    the startup, report the parameters, be ready; then wait for the client to leave. (No real
    PostgreSQL 12 is installable next to 15 here; this is what libpq sees of one.)"""

    def __init__(self, version: str = "12.0") -> None:
        self.version = version
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn: socket.socket) -> None:
        with conn:
            while True:
                head = conn.recv(8, socket.MSG_WAITALL)
                if len(head) < 8:
                    return
                length, code = struct.unpack("!ii", head)
                if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest: no
                    conn.sendall(b"N")
                    continue
                conn.recv(length - 8, socket.MSG_WAITALL)  # the startup parameters
                break

            def message(kind: bytes, body: bytes) -> bytes:
                return kind + struct.pack("!i", len(body) + 4) + body

            params = {"server_version": self.version, "client_encoding": "UTF8", "server_encoding": "UTF8",
                      "standard_conforming_strings": "on", "integer_datetimes": "on", "DateStyle": "ISO, MDY"}
            reply = message(b"R", struct.pack("!i", 0))
            for key, value in params.items():
                reply += message(b"S", key.encode() + b"\0" + value.encode() + b"\0")
            reply += message(b"K", struct.pack("!ii", 4242, 1)) + message(b"Z", b"I")
            conn.sendall(reply)
            while conn.recv(1024):
                pass

    def close(self) -> None:
        self.sock.close()


def test_a_postgresql_older_than_13_is_refused(device):
    old = OldServer("12.0")
    try:
        result = assert_fails_plainly(device, f"postgresql://alice@127.0.0.1:{old.port}/fb", "too_old", "PostgreSQL 12; Fieldbook needs PostgreSQL 13")
        assert result.server_version == "12.0"
    finally:
        old.close()


def test_failures_are_recorded_and_the_outbox_survives_a_restart(tmp_path):
    store = open_device(tmp_path, "dev")
    project = new_project(store)
    create_record(store, project, {"plot": 1}, user=USER)
    with pytest.raises(FieldbookError):
        sync_now(store, f"postgresql://alice@127.0.0.1:{free_port()}/fb")
    before = (local_records(store), outbox(store), status(store).to_dict())
    store.close()
    again = open_device(tmp_path, "dev")
    try:
        assert (local_records(again), outbox(again), status(again).to_dict()) == before
        assert state.get(again, state.LAST_ERROR_CODE) == "unreachable"
    finally:
        again.close()


def test_no_password_reaches_a_message_the_database_or_the_log(device, keyring_home, caplog):
    """A password libpq would echo (a bad %-escape) or one given as ``?password=`` never shows up
    in the error, ``sync_state`` (last_error, server) or the log."""
    port = free_port()
    for url, secret in (
        (f"postgresql://alice:se%zzcret@127.0.0.1:{port}/fb", "zzcret"),
        (f"postgresql://alice@127.0.0.1:{port}/fb?password=hunter22", "hunter22"),
        (f"postgresql://alice@127.0.0.1:{port}/fb?sslmode=disable&passfile=/tmp/hunter22", "hunter22"),
    ):
        with pytest.raises(FieldbookError) as failed:
            sync_now(device, url)
        assert secret not in str(failed.value) and getattr(failed.value, "reason", None) in ("unreadable", "password_param")
        checked = settings.check_connection(device, url)
        assert checked.code == "url" and secret not in checked.message
        assert not [v for v in state.values(device).values() if v and secret in v]
        assert status(device).server is None  # nothing kept as the server
        assert secret not in caplog.text


def test_driver_text_that_repeats_a_password_is_not_shown():
    """libpq repeats what it could not read; any piece of the password in it (4 characters or more,
    URL-encoded or not, or the keyring's) drops the driver's text from the sentence."""
    import psycopg

    from store.sync.connect import translate

    url = "postgresql://alice:Tr0ub%2Fdor@db.example.org/fb"
    for text in ('invalid percent-encoded token: "Tr0ub%2Fdor"', "could not parse Tr0ub/dor", "near 'b/do'", "at ub%2F here"):
        said = str(translate(psycopg.ProgrammingError(text), url))
        assert "Tr0ub" not in said and "b/do" not in said and "%2F" not in said and "alice@db.example.org/fb" in said
        tls = str(translate(psycopg.OperationalError(f"SSL error: {text}"), url))
        assert "secure (TLS)" in tls and "b/do" not in tls and "ub%2F" not in tls
    kept = str(translate(psycopg.ProgrammingError("bad thing about kept-in-the-keyring"), "postgresql://alice@h/fb", "kept-in-the-keyring"))
    assert "keyring" not in kept and "ProgrammingError" in kept
    plain = str(translate(psycopg.ProgrammingError("syntax error at or near \"x\""), url))
    assert 'syntax error at or near "x"' in plain  # a text without the password is still shown
