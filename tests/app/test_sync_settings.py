"""Settings → Sync and the sync status in the header, run by Streamlit's AppTest against a real
store, a real keyring file (keyrings.alt's plaintext backend in tmp_path), a real job service and,
for the connection test, a real PostgreSQL that asks for a password."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import psycopg
import pytest
from keyrings.alt.file import PlaintextKeyring
from streamlit.testing.v1 import AppTest

from app.desktop import runtime
from app.sync_header import BUTTON
from app.views.sync_settings import PASSWORD, SCOPE, without_password
from app.widgets import widget_key
from store.fielddata.records import create_record
from store.inputs.uistate import load_ui_state
from store.sync import settings as sync_settings
from store.sync import state
from store.sync.credentials import has_password, keyring_info, password_for
from store.sync.server_schema import init_server
from tests.app_fixtures import SCRIPT, TOKEN, installed_runtime
from tests.sync.helpers import new_project
from tests.sync.pg import PgServer

URL_KEY = widget_key(SCOPE, "url")
USER_KEY = widget_key(SCOPE, "user")
SECRET = "Tr0ub4dor-&-3-sync"


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def private_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """keyrings.alt's plaintext file in tmp_path: the real home's keyring is never touched."""
    path = tmp_path / "keyring" / "keyring_pass.cfg"
    path.parent.mkdir()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "keyring"))
    backend = PlaintextKeyring()
    backend.file_path = str(path)
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    keyring_info()  # described once per process, as the app's sync scheduler does at start (off the page)
    yield path
    keyring.set_keyring(previous)


@pytest.fixture
def app_rt(tmp_path: Path) -> Iterator[runtime.Runtime]:
    """The runtime with a running job service (the connection test and the sync are jobs)."""
    with installed_runtime(tmp_path / "home", with_jobs=True) as current:
        yield current


@pytest.fixture
def open_page(app_rt: runtime.Runtime) -> Callable[..., AppTest]:
    def make(page: str = "settings") -> AppTest:
        at = AppTest.from_file(SCRIPT, default_timeout=30)
        at.query_params["t"] = TOKEN
        at.query_params["page"] = page
        return at.run()

    return make


class PasswordPg:
    """A PostgreSQL of its own whose TCP logins (but the admin's) need a password (scram)."""

    def __init__(self) -> None:
        self.server = PgServer()
        hba = self.server.data / "pg_hba.conf"
        hba.write_text(
            "local all all trust\n"
            "host all postgres 127.0.0.1/32 trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
        )
        self.server._run("pg_ctl", "-D", str(self.server.data), "reload")
        self.user, self.password, self.db = "fieldworker", SECRET, "fb_pw"
        with psycopg.connect(self.server.url(), autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {self.user} LOGIN PASSWORD '{self.password}'")  # type: ignore[arg-type]
            conn.execute(f"CREATE DATABASE {self.db} OWNER {self.user}")  # type: ignore[arg-type]
        init_server(self.url, password=self.password)

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.server.port}/{self.db}"

    @property
    def url_without_user(self) -> str:
        return f"postgresql://127.0.0.1:{self.server.port}/{self.db}"


@pytest.fixture(scope="module")
def password_pg() -> Iterator[PasswordPg]:
    pg = PasswordPg()
    try:
        yield pg
    finally:
        pg.server.close()


# -- helpers ----------------------------------------------------------------------------------


def texts(at: AppTest) -> str:
    """Everything the page says (markdown, captions, alerts), one string."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error] + [w.value for w in at.warning]
    shown = re.sub(r"\\(.)", r"\1", " | ".join(parts))  # as shown: without the Markdown escapes
    return shown.replace("\u2060", "")  # nor the word joiners that keep URLs from becoming links (app/slots.py)


def header_line(at: AppTest) -> str:
    return at.button(key=BUTTON).label


def configure_server(rt: runtime.Runtime, url: str = "postgresql://alice@127.0.0.1:5432/fieldbook", online: bool = False) -> None:
    sync_settings.configure(rt.store, url)
    sync_settings.set_online(rt.store, online)


def every_file_bytes(root: Path, skip: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and skip not in p.parents}


# -- Settings → Sync ----------------------------------------------------------------------------


def test_save_url_user_password_keeps_the_password_only_in_the_keyring(open_page, app_rt, tmp_path, private_keyring):
    at = open_page()
    assert not at.exception
    assert at.text_input(key=URL_KEY).placeholder == "postgresql://HOST:5432/DATABASE"
    at.text_input(key=URL_KEY).input("postgresql://db.example.org:5432/fieldbook").run()
    at.text_input(key=USER_KEY).input("alice").run()
    at.text_input(key=PASSWORD).input(SECRET).run()
    at.button(key="sync_save").click().run()
    assert not at.exception

    saved = sync_settings.load(app_rt.store)
    assert saved.url == "postgresql://alice@db.example.org:5432/fieldbook" and saved.user == "alice"
    assert has_password(saved.url) and password_for(saved.url) == SECRET
    assert "Saved. The password is in the keyring." in texts(at)
    # the field is empty again and says that a password is stored
    assert at.text_input(key=PASSWORD).value == ""
    assert at.text_input(key=PASSWORD).placeholder == "A password is stored"
    assert "A password is stored" in texts(at)
    assert at.text_input(key=URL_KEY).value == saved.url

    # nowhere in Fieldbook's files (DuckDB file and its WAL, job queue, logs), only in the keyring file
    app_rt.store.write(lambda con: con.execute("CHECKPOINT"))
    files = every_file_bytes(tmp_path / "home", private_keyring.parent)
    assert any(p.suffix == ".duckdb" for p in files)
    leaked = [p for p, data in files.items() if SECRET.encode() in data]
    assert leaked == []
    assert private_keyring.exists()

    # a new browser session (reload) shows the saved server and the stored password, not the password
    again = open_page()
    assert again.text_input(key=URL_KEY).value == saved.url
    assert again.text_input(key=USER_KEY).value == "alice"
    assert again.text_input(key=PASSWORD).value == ""
    assert again.text_input(key=PASSWORD).placeholder == "A password is stored"

    # forget it
    again.button(key="sync_forget").click().run()
    assert not has_password(saved.url)
    assert "The stored password was removed." in texts(again)
    assert again.button(key="sync_forget").disabled


def test_a_password_typed_into_the_url_is_never_stored_as_a_draft(open_page, app_rt, tmp_path, private_keyring):
    assert without_password("postgresql://bob:pa:ss@host:5432/db") == "postgresql://bob@host:5432/db"
    assert without_password("postgresql://bob@host/db") == "postgresql://bob@host/db"
    # an unescaped / ? # or @ inside the password: read up to the last @, like urlsplit reads the user
    for typed in ("postgresql://u:pa/ss@host/db", "postgresql://u:p@ss@host/db", "postgresql://u:p?ss@host/db", "postgresql://u:p#ss@host/db"):
        assert without_password(typed) == "postgresql://u@host/db", typed
    assert without_password("postgresql://u:half-typed-secret") == "postgresql://u"  # before its @ is typed
    assert without_password("postgresql://u@h/db?sslmode=require&password=x") == "postgresql://u@h/db?sslmode=require"
    assert without_password("postgresql://alice@new-server:54") == "postgresql://alice@new-server:54"  # a port is no password
    assert without_password("postgresql://u@host:5432/db?application_name=a@b") == "postgresql://u@host:5432/db?application_name=a@b"
    at = open_page()
    at.text_input(key=URL_KEY).input(f"postgresql://bob:{SECRET}@127.0.0.1:5432/plots").run()
    assert SECRET not in json.dumps([str(v) for v in app_rt.inputs.load("tester").values()])
    at.button(key="sync_save").click().run()
    saved = sync_settings.load(app_rt.store)
    assert saved.url == "postgresql://bob@127.0.0.1:5432/plots"
    assert password_for(saved.url) == SECRET
    app_rt.store.write(lambda con: con.execute("CHECKPOINT"))
    assert [p for p, data in every_file_bytes(tmp_path / "home", private_keyring.parent).items() if SECRET.encode() in data] == []


def test_bad_url_gets_a_plain_message_and_changes_nothing(open_page, app_rt):
    at = open_page()
    at.text_input(key=URL_KEY).input("http://db.example.org/fieldbook").run()
    at.button(key="sync_save").click().run()
    assert not at.exception
    assert "The server URL must look like postgresql://USER@HOST:PORT/DATABASE." in texts(at)
    assert sync_settings.load(app_rt.store).url is None
    at.text_input(key=URL_KEY).input("postgresql://db.example.org:54x/fieldbook").run()
    at.button(key="sync_save").click().run()
    assert "The port in the server URL must be a number" in texts(at)
    assert "Traceback" not in texts(at)


def test_half_typed_url_survives_a_reload(open_page, app_rt):
    configure_server(app_rt)
    at = open_page()
    at.text_input(key=URL_KEY).input("postgresql://alice@new-server:54").run()
    assert "Not saved yet" in texts(at)
    again = open_page()
    assert again.text_input(key=URL_KEY).value == "postgresql://alice@new-server:54"
    assert "Not saved yet" in texts(again)
    assert sync_settings.load(app_rt.store).url == "postgresql://alice@127.0.0.1:5432/fieldbook"


def test_a_server_set_elsewhere_replaces_an_untouched_draft(open_page, app_rt):
    configure_server(app_rt)
    assert open_page().text_input(key=URL_KEY).value == "postgresql://alice@127.0.0.1:5432/fieldbook"
    sync_settings.configure(app_rt.store, "postgresql://carol@other:5432/fieldbook")  # e.g. `fieldbook sync configure`
    at = open_page()
    assert at.text_input(key=URL_KEY).value == "postgresql://carol@other:5432/fieldbook"
    assert at.text_input(key=USER_KEY).value == "carol"


def test_online_switch_and_interval_are_persisted(open_page, app_rt):
    at = open_page()
    assert at.toggle(key="sync_online").disabled  # no server yet
    assert "Save a server address to go online." in texts(at)
    configure_server(app_rt)
    at = open_page()
    assert not at.toggle(key="sync_online").disabled and at.toggle(key="sync_online").value is False
    at.toggle(key="sync_online").set_value(True).run()
    assert not at.exception
    assert sync_settings.load(app_rt.store).online is True
    at.number_input(key="sync_interval").set_value(15).run()
    assert sync_settings.load(app_rt.store).interval_s == 900
    again = open_page()
    assert again.toggle(key="sync_online").value is True
    assert again.number_input(key="sync_interval").value == 15
    again.toggle(key="sync_online").set_value(False).run()
    assert sync_settings.load(app_rt.store).online is False


def test_sync_now_says_why_it_is_disabled(open_page, app_rt):
    at = open_page()
    assert at.button(key="sync_now").disabled
    assert "Save a server address first." in texts(at)
    configure_server(app_rt, online=False)
    at = open_page()
    assert at.button(key="sync_now").disabled
    assert "You are offline: switch on online mode to sync." in texts(at)
    sync_settings.set_online(app_rt.store, True)
    at = open_page()
    assert not at.button(key="sync_now").disabled
    assert "You are offline" not in texts(at)


def test_sync_now_without_a_job_service_says_so(new_session, rt):
    sync_settings.configure(rt.store, "postgresql://alice@127.0.0.1:5432/fieldbook")
    sync_settings.set_online(rt.store, True)
    at = new_session(page="settings")
    assert at.button(key="sync_now").disabled
    assert "Background jobs are not running" in texts(at)
    assert at.button(key="sync_test").disabled


def test_keyring_backend_is_named_and_a_plain_file_is_called_not_secure(open_page):
    at = open_page()
    assert "Passwords are kept in: a file on this computer, not encrypted" in texts(at)  # in words
    assert "PlaintextKeyring" not in texts(at)  # the technical name only in the tooltip
    assert any("PlaintextKeyring" in (c.help or "") for c in at.caption)
    assert "Passwords are stored in a plain file (not secure) — install/enable the system keyring." in texts(at)


def test_the_page_never_asks_the_keyring_on_a_rerun(open_page, app_rt, private_keyring):
    """Asking the keyring may wait on D-Bus or an unlock prompt: the page shows "a password is
    stored" from the flag in the database and the keyring's name from the description worked out
    once per process; reruns never call the keyring."""
    calls: list[str] = []

    class Watched(PlaintextKeyring):
        def get_password(self, service, username):  # type: ignore[override]
            calls.append("get")
            return super().get_password(service, username)

    watched = Watched()
    watched.file_path = str(private_keyring)
    keyring.set_keyring(watched)
    sync_settings.configure(app_rt.store, "postgresql://alice@127.0.0.1:5432/fieldbook", password=SECRET)
    calls.clear()
    at = open_page()
    deadline = time.monotonic() + 10
    while "Passwords are kept in: " not in texts(at):  # the description of this new backend, worked out off the rerun
        assert time.monotonic() < deadline, texts(at)
        time.sleep(0.05)
        at.run()
    for _ in range(3):
        at.run()
    assert at.text_input(key=PASSWORD).placeholder == "A password is stored" and not at.button(key="sync_forget").disabled
    assert calls == []


def test_refusals_and_failures_in_german(open_page, app_rt):
    at = open_page()
    at.radio(key="settings_language").set_value("de").run()
    at.text_input(key=URL_KEY).input("http://db.example.org/fieldbook").run()
    at.button(key="sync_save").click().run()
    assert "Die Serveradresse muss so aussehen: postgresql://BENUTZER@HOST:PORT/DATENBANK." in texts(at)
    assert "must look like" not in texts(at)
    at.text_input(key=URL_KEY).input("postgresql://alice@db.example.org/fb?password=geheim").run()
    at.button(key="sync_save").click().run()
    assert "darf kein Passwort als Parameter enthalten" in texts(at) and "geheim" not in texts(at)

    configure_server(app_rt, online=True)
    state.record_failure(app_rt.store, None, "Cannot reach the server postgresql://alice@127.0.0.1:5432/fieldbook: it is down.", "unreachable")
    at = open_page()
    shown = texts(at)
    assert "Letzter Fehler: Der Server ist nicht erreichbar" in shown and "Cannot reach" not in shown
    [line] = [m for m in at.markdown if "Letzter Fehler" in m.value]
    assert "Cannot reach the server" in (line.help or "")  # the English sentence only as the detail


def test_texts_in_german(open_page, app_rt):
    at = open_page()
    at.radio(key="settings_language").set_value("de").run()
    assert "Abgleich mit einem Server" in texts(at)
    assert "nicht sicher" in texts(at)
    assert at.button(key="sync_now").label == "Jetzt abgleichen"
    configure_server(app_rt, online=False)
    at.run()
    assert header_line(at) == "Offline"


# -- the connection test (a job against a real server) -------------------------------------------


def _finish_check(at: AppTest, rt: runtime.Runtime) -> AppTest:
    job_id = rt.inputs.load("tester")[(SCOPE, "check_job")]
    rt.jobs.wait(job_id, timeout=60)
    return at.run()


def test_connection_test_reports_connected_and_a_wrong_password(open_page, app_rt, password_pg):
    at = open_page()
    at.text_input(key=URL_KEY).input(password_pg.url_without_user).run()
    at.text_input(key=USER_KEY).input(password_pg.user).run()
    at.text_input(key=PASSWORD).input("not-the-password").run()
    at.button(key="sync_test").click().run()
    assert not at.exception
    at = _finish_check(at, app_rt)
    assert "The server refused the user name or password" in texts(at)
    assert "Traceback" not in texts(at)
    job_args = json.dumps([j.args for j in app_rt.jobs.list()])
    assert "not-the-password" not in job_args  # the password never reaches the job ledger

    at.text_input(key=PASSWORD).input(password_pg.password).run()
    at.button(key="sync_save").click().run()
    assert password_for(password_pg.url) == password_pg.password
    at.button(key="sync_test").click().run()  # the field is empty: the test uses the keyring's password
    at = _finish_check(at, app_rt)
    assert "Connected (PostgreSQL" in texts(at)
    assert SECRET not in json.dumps([j.args for j in app_rt.jobs.list()])


def test_connection_test_of_an_unreachable_server_says_so(open_page, app_rt):
    at = open_page()
    at.text_input(key=URL_KEY).input("postgresql://alice@127.0.0.1:9/fieldbook").run()
    at.button(key="sync_test").click().run()
    at = _finish_check(at, app_rt)
    assert "The server cannot be reached" in texts(at)


# -- the header -----------------------------------------------------------------------------------


def test_header_is_empty_without_a_server(open_page):
    at = open_page("home")
    assert not at.exception
    assert [b for b in at.button if b.key == BUTTON] == []


def test_header_texts_for_each_state(open_page, app_rt):
    store = app_rt.store
    configure_server(app_rt, online=False)
    assert header_line(open_page("home")) == "Offline"

    project = new_project(store)
    create_record(store, project, {"plot": 1}, user="tester")
    state.invalidate(store)
    waiting = state.status(store, fresh=True).pending  # the project, its form and the record
    assert waiting >= 3
    assert header_line(open_page("home")) == f"Offline · {waiting} waiting"

    sync_settings.set_online(store, True)
    now = dt.datetime.now(dt.UTC)
    state.save(store, **{state.NEXT_ATTEMPT: (now + dt.timedelta(minutes=4)).isoformat()})
    assert header_line(open_page("home")) == f"{waiting} waiting"

    store.write(lambda con: con.execute("DELETE FROM changes"))  # as after a push
    state.record_success(store, "postgresql://alice@127.0.0.1:5432/fieldbook", now=now - dt.timedelta(minutes=3, seconds=5))
    assert header_line(open_page("home")) == "Synced 3 min ago"

    state.record_failure(store, None, "Cannot reach the server postgresql://alice@127.0.0.1:5432/fieldbook.", "unreachable", now=now)
    state.save(store, **{state.NEXT_ATTEMPT: (now + dt.timedelta(minutes=2, seconds=10)).isoformat()})
    at = open_page("home")
    assert header_line(at) == "Sync failed — retrying in 2 min"

    # the Settings page says why, in plain words and in the user's language
    at = open_page("settings")
    assert "Last error: The server cannot be reached. Cannot reach the server" in texts(at)
    assert "Next attempt: in 2 min" in texts(at)

    store.write(lambda con: con.execute(
        "INSERT INTO conflicts (id, entity, record_id, project_id, local, remote, winner, detected_at) VALUES (?, 'record', ?, ?, '{}', '{}', 'remote', now())",
        [str(uuid.uuid4()), str(uuid.uuid4()), project],
    ))
    store.write(lambda con: con.execute(
        "INSERT INTO conflicts (id, entity, record_id, project_id, local, remote, winner, detected_at) VALUES (?, 'record', ?, ?, '{}', '{}', 'local', now())",
        [str(uuid.uuid4()), str(uuid.uuid4()), project],
    ))
    state.invalidate(store)
    at = open_page("home")
    assert header_line(at) == "2 conflicts · Sync failed — retrying in 2 min"
    at.button(key=BUTTON).click().run()
    assert not at.exception
    assert load_ui_state(store, "tester").page == "conflicts"

    settings_page = open_page("settings")
    assert "Conflicts to review: 2" in texts(settings_page)
    assert not settings_page.button(key="sync_open_conflicts").disabled


def test_header_shows_syncing_while_a_sync_job_runs(open_page, app_rt):
    from jobs.model import JobResult, new_job_id

    configure_server(app_rt, online=True)
    job = JobResult(id=new_job_id(), name="sync.run", args={"reason": "manual"}, status="running")
    app_rt.jobs.ledger.insert(job)
    app_rt.store.write(lambda con: con.execute("UPDATE jobs SET status = 'running' WHERE id = ?", [job.id]))
    at = open_page("home")
    assert header_line(at) == "Syncing…"
    at = open_page("settings")
    assert at.button(key="sync_now").disabled
    assert "A sync is running." in texts(at)
    assert "Syncing now…" in texts(at)


def test_header_click_without_conflicts_opens_settings(open_page, app_rt):
    configure_server(app_rt, online=False)
    at = open_page("home")
    at.button(key=BUTTON).click().run()
    assert load_ui_state(app_rt.store, "tester").page == "settings"
    assert "Sync with a server" in texts(at)


def test_sync_now_runs_a_sync_job_against_a_real_server(open_page, app_rt, pg_url):
    init_server(pg_url)
    configure_server(app_rt, url=pg_url, online=True)
    project = new_project(app_rt.store)
    create_record(app_rt.store, project, {"plot": 7}, user="tester")
    at = open_page()
    at.button(key="sync_now").click().run()
    assert not at.exception
    [job] = app_rt.jobs.list(name="sync.run")
    done = app_rt.jobs.wait(job.id, timeout=60)
    assert done.status == "done", done.error
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and state.status(app_rt.store, fresh=True).pending:
        time.sleep(0.1)
    state.invalidate(app_rt.store)
    at = open_page("home")
    assert header_line(at) == "Synced just now"
    at = open_page()
    assert "Changes waiting to be sent: 0" in texts(at)
    assert "Last sync: just now" in texts(at)


# -- the header's wording (pure) ------------------------------------------------------------------


def _status(**values: object) -> state.SyncStatus:
    base: dict[str, object] = {"pending": 0, "conflicts": 0, "last_sync": None, "cursor": 0, "server": "postgresql://a@h:5432/d", "last_error": None}
    return state.SyncStatus(**{**base, **values})  # type: ignore[arg-type]


def test_header_wording_singular_plural_german_and_when_to_poll():
    from app.sync_header import ago, describe, until

    now = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    assert describe("en", _status(server=None), None, now) is None
    line = describe("en", _status(online=True, pending=1), None, now)
    assert line is not None and line.text == "1 waiting" and line.target == "settings" and not line.fast
    line = describe("de", _status(online=True, pending=12), None, now)
    assert line is not None and line.text == "12 warten"
    line = describe("en", _status(online=True, conflicts=1, last_sync=now - dt.timedelta(hours=2)), None, now)
    assert line is not None and line.text == "1 conflict · Synced 2 h ago" and line.target == "conflicts"
    line = describe("de", _status(online=True, conflicts=2, last_sync=now), None, now)
    assert line is not None and line.text == "2 Konflikte · Abgeglichen gerade eben"
    failing = _status(online=True, failures=3, last_error="x", last_error_code="timeout", next_attempt_at=now + dt.timedelta(seconds=40))
    line = describe("de", failing, None, now)
    assert line is not None and line.text == "Abgleich fehlgeschlagen — neuer Versuch in 40 s" and line.fast  # due soon: poll
    idle = _status(online=True, last_sync=now, next_attempt_at=now + dt.timedelta(minutes=5))
    line = describe("en", idle, None, now)
    assert line is not None and line.text == "Synced just now" and not line.fast  # nothing due soon: no fast polling
    long_overdue = _status(online=True, last_sync=now, next_attempt_at=now - dt.timedelta(hours=1))
    assert not describe("en", long_overdue, None, now).fast  # type: ignore[union-attr]
    assert describe("en", _status(online=False, pending=2), None, now).text == "Offline · 2 waiting"  # type: ignore[union-attr]
    assert ago("en", now - dt.timedelta(days=1, hours=1), now) == "1 day ago"
    assert ago("de", now - dt.timedelta(days=3), now) == "vor 3 Tagen"
    assert ago("en", (now - dt.timedelta(minutes=3)).replace(tzinfo=None), now) == "3 min ago"  # naive = UTC
    assert until("en", now + dt.timedelta(minutes=2, seconds=10), now) == "in 2 min"
    assert until("en", now - dt.timedelta(seconds=5), now) == "now"


def test_every_sync_text_has_english_and_german():
    from app.i18n.sync import TEXTS

    assert TEXTS
    assert all(set(entry) == {"en", "de"} and entry["en"] and entry["de"] for entry in TEXTS.values())


def test_the_status_poll_reruns_the_page_when_a_running_sync_turns_into_a_waiting_retry():
    """A sync drawn as running that fails and waits, queued, for its retry is still active: the poll
    must still rerun the page, or "Sync now" stays disabled for as long as the retry waits (seen
    in CI: the button disabled for 30 s after the server went down)."""
    from app.views.sync_settings import page_is_stale
    from jobs.model import JobResult, new_job_id

    now = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    running = JobResult(id=new_job_id(), name="sync.run", args={}, status="running")
    retry = JobResult(id=new_job_id(), name="sync.run", args={}, status="queued", run_after=now + dt.timedelta(seconds=30))
    due = JobResult(id=new_job_id(), name="sync.run", args={}, status="queued", run_after=now - dt.timedelta(seconds=1))
    assert page_is_stale(True, retry, now)  # drawn running, now waiting: "Sync now" must come back
    assert page_is_stale(True, None, now)  # the job is gone
    assert page_is_stale(False, running, now)  # drawn waiting, now running: disable it
    assert not page_is_stale(True, running, now)
    assert not page_is_stale(True, due, now)  # queued and due counts as running
    assert not page_is_stale(False, retry, now)  # still waiting: nothing to redraw
