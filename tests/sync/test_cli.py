"""``fieldbook sync init-server|now|status`` as a process, on a real home folder and server."""

from __future__ import annotations

import json
import time

import psycopg

from tests.conftest import run_cli
from tests.sync.helpers import FORM, server_rows
from tests.sync.keyring_home import keyring_env
from tests.sync.pg import free_port

ROLE, ROLE_PASSWORD = "fb_cli_user", "Only-in-the-keyring-7"


def test_init_server_now_and_status(tmp_path, pg_url):
    home = tmp_path / "home"
    first = run_cli(home, "sync", "init-server", "--url", pg_url)
    assert first.returncode == 0, first.stderr
    assert "ready for Fieldbook" in first.stdout
    again = run_cli(home, "sync", "init-server", "--url", pg_url)
    assert again.returncode == 0 and "already set up" in again.stdout

    before = run_cli(home, "sync", "status")
    assert before.returncode == 0 and "never" in before.stdout

    form = tmp_path / "form.json"
    form.write_text(FORM.dumps())
    assert run_cli(home, "project", "create", "Plots", "--form", str(form)).returncode == 0
    # A password in the URL is used for the connection only (trust auth ignores it here).
    with_password = pg_url.replace("postgres@", "postgres:s3cret-pw@")
    now = run_cli(home, "sync", "now", "--url", with_password, "--json")
    assert now.returncode == 0, now.stderr
    assert json.loads(now.stdout)["pushed"] == 2  # the project and its form
    assert server_rows(pg_url, "SELECT name FROM projects") == [("Plots",)]

    status = run_cli(home, "sync", "status", "--json")
    info = json.loads(status.stdout)
    assert (info["pending"], info["conflicts"], info["server"]) == (0, 0, pg_url)
    assert info["last_sync"] is not None and info["last_error"] is None
    # The next sync needs no URL: it uses the one this device synced with.
    assert run_cli(home, "sync", "now").returncode == 0

    leaked = [str(p) for p in home.rglob("*") if p.is_file() and b"s3cret-pw" in p.read_bytes()]
    assert not leaked, "the password must not be stored anywhere"


def test_errors_are_plain_sentences_with_exit_codes(tmp_path, pg_server):
    home = tmp_path / "home"
    no_url = run_cli(home, "sync", "now")
    assert no_url.returncode == 2 and "No sync server is set" in no_url.stderr
    bad = run_cli(home, "sync", "now", "--url", "http://example.org")
    assert bad.returncode == 2 and "postgresql://" in bad.stderr

    down = run_cli(home, "sync", "now", "--url", f"postgresql://postgres@127.0.0.1:{free_port()}/x")
    assert down.returncode == 1 and "Cannot reach the server" in down.stderr and "Traceback" not in down.stderr
    status = json.loads(run_cli(home, "sync", "status", "--json").stdout)
    assert "Cannot reach the server" in status["last_error"]

    # The first URL became this device's server; another one is refused, not quietly taken over.
    other = run_cli(home, "sync", "now", "--url", pg_server.url())
    assert other.returncode == 2 and "This device syncs with postgresql://postgres@127.0.0.1:" in other.stderr
    assert "change the server first" in other.stderr
    after = json.loads(run_cli(home, "sync", "status", "--json").stdout)
    assert after["failures"] == status["failures"] and after["server"] == status["server"]  # the refusal is no failed sync
    assert run_cli(home, "sync", "configure", "--url", pg_server.url()).returncode == 0
    not_set_up = run_cli(home, "sync", "now", "--url", pg_server.url())
    assert not_set_up.returncode == 1 and "fieldbook sync init-server" in not_set_up.stderr


def test_every_sync_command_has_help(tmp_path):
    commands = ("init-server", "configure", "now", "status", "online", "offline")
    for args in (("sync", "--help"), *(("sync", c, "--help") for c in commands)):
        done = run_cli(tmp_path, *args)
        assert done.returncode == 0 and "usage: fieldbook sync" in done.stdout


def test_sync_through_the_running_app(tmp_path, pg_url, start_app):
    """With the app running, `sync now` and `sync status` go through its control channel."""
    home = tmp_path / "home"
    assert run_cli(home, "sync", "init-server", "--url", pg_url).returncode == 0
    app = start_app(home)
    synced = run_cli(home, "sync", "now", "--url", pg_url)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    shown = run_cli(home, "sync", "status", "--json")
    assert shown.returncode == 0, shown.stderr
    status = json.loads(shown.stdout)
    assert status["pending"] == 0  # the demo project was pushed by the running app
    assert app.proc.poll() is None


def test_configure_with_a_password_then_sync_periodically_through_the_running_app(tmp_path, pg_server, start_app):
    """The whole path: an admin sets up the server (libpq's PGPASSWORD); the device is configured
    with a password file while the app runs; switched online, the app syncs by itself; `sync now`,
    `status`, `doctor` and a snapshot work. The password is nowhere in Fieldbook's folders: not in
    the database, the job queue, the logs or the snapshots (only in the keyring)."""
    home = tmp_path / "home"
    env = keyring_env(tmp_path / "xdg-data")
    pg_server.password_role(ROLE, ROLE_PASSWORD)
    database = pg_server.create_database()
    try:
        with psycopg.connect(pg_server.url(database), autocommit=True) as conn:
            conn.execute(f"ALTER DATABASE {database} OWNER TO {ROLE}")
        url = f"postgresql://{ROLE}@127.0.0.1:{pg_server.port}/{database}"
        no_password = run_cli(home, "sync", "init-server", "--url", url, **env)
        assert no_password.returncode == 1 and "asks for a password" in no_password.stderr
        assert run_cli(home, "sync", "init-server", "--url", url, PGPASSWORD=ROLE_PASSWORD, **env).returncode == 0

        app = start_app(home, **env)
        secret = tmp_path / "password.txt"
        secret.write_text(ROLE_PASSWORD + "\n")
        configured = run_cli(home, "sync", "configure", "--url", url, "--password-file", str(secret), **env)
        assert configured.returncode == 0, configured.stderr
        assert "not secure (plaintext file)" in configured.stdout and "offline" in configured.stdout
        secret.unlink()

        info = json.loads(run_cli(home, "sync", "status", "--json", **env).stdout)
        assert (info["online"], info["server"], info["has_password"], info["failures"]) == (False, url, True, 0)
        assert info["keyring"] == {"name": "PlaintextKeyring (keyrings.alt)", "usable": True, "secure": False}
        assert info["pending"] > 0  # the demo project, not sent while offline

        assert run_cli(home, "sync", "online", **env).returncode == 0
        deadline = time.monotonic() + 30
        while not (info := json.loads(run_cli(home, "sync", "status", "--json", **env).stdout))["last_sync"]:
            assert time.monotonic() < deadline, f"the app did not sync by itself: {info}"
            time.sleep(0.5)
        assert info["pending"] == 0 and info["last_error"] is None and info["next_attempt_at"]
        assert server_rows(pg_server.url(database), "SELECT count(*) > 0 FROM records") == [(True,)]

        now = run_cli(home, "sync", "now", **env)
        assert now.returncode == 0, now.stderr
        text = run_cli(home, "sync", "status", **env).stdout
        assert "mode:       online" in text and "not secure (plaintext file)" in text and "password:   stored" in text
        doctor = run_cli(home, "doctor", **env)
        assert f"] sync: online with {url}" in doctor.stdout and "not secure (plaintext file)" in doctor.stdout
        assert run_cli(home, "snapshot", "create", **env).returncode == 0
        assert run_cli(home, "sync", "offline", **env).returncode == 0
        assert "] sync: offline" in run_cli(home, "doctor", **env).stdout
        assert app.stop() == 0
        output = "\n".join(app.stdout_lines) + app.stderr()
    finally:
        pg_server.drop_database(database)

    assert ROLE_PASSWORD not in output
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".duckdb" for p in files) and any("log" in p.parent.name for p in files)
    assert any("snapshot" in str(p) for p in files) and any("jobs" in p.name for p in files)
    leaked = [str(p) for p in files if ROLE_PASSWORD.encode() in p.read_bytes()]
    assert not leaked, "the password must be only in the keyring"


def test_a_password_in_the_url_of_sync_now_goes_to_the_keyring_not_over_the_control_channel(tmp_path, pg_server, keyring_home):
    """With Fieldbook running (here: this process holds the instance lock and serves the real
    ``sync.*`` handlers on a real control channel), ``sync now --url`` with a password stores the
    password in the keyring in the CLI's process and sends the URL without it; the app's sync then
    takes the password from the keyring. A URL of another server is refused before the keyring is
    touched."""
    from store.core.config import load_config
    from store.core.db import Store
    from store.core.instance import ControlServer, InstanceLock
    from store.sync import admin, credentials, init_server
    from tests.conftest import clean_env

    home, env = tmp_path / "home", keyring_env(keyring_home)
    pg_server.password_role(ROLE, ROLE_PASSWORD)
    database = pg_server.create_database()
    cfg = load_config(clean_env(home))
    cfg.paths.ensure()
    lock = InstanceLock(cfg.paths.runtime_dir)
    assert lock.acquire()
    store = Store.open(cfg.paths.database)
    control = ControlServer(cfg.paths.runtime_dir)
    received: list[tuple[str, dict]] = []

    def serve(command):
        def handler(args):
            received.append((command, dict(args)))
            return admin.handle(store, command, args)

        return handler

    for command in admin.COMMANDS:
        control.register(command, serve(command))
    control.start()
    try:
        with psycopg.connect(pg_server.url(database), autocommit=True) as conn:
            conn.execute(f"ALTER DATABASE {database} OWNER TO {ROLE}")
        url = f"postgresql://{ROLE}@127.0.0.1:{pg_server.port}/{database}"
        init_server(url, password=ROLE_PASSWORD)
        with_password = url.replace(f"{ROLE}@", f"{ROLE}:{ROLE_PASSWORD}@")
        done = run_cli(home, "sync", "now", "--url", with_password, "--json", **env)
        assert done.returncode == 0, done.stderr
        assert "stored in the keyring" in done.stderr
        assert received and ROLE_PASSWORD not in json.dumps(received)
        assert ("sync.now", {"url": url}) in received
        assert credentials.password_for(url) == ROLE_PASSWORD
        assert store.read("SELECT value FROM sync_state WHERE key = 'server'") == [(url,)]

        elsewhere = f"postgresql://someone:other-secret@127.0.0.1:{pg_server.port}/postgres"
        refused = run_cli(home, "sync", "now", "--url", elsewhere, **env)
        assert refused.returncode == 2 and "This device syncs with" in refused.stderr
        assert credentials.password_for(elsewhere) is None and "other-secret" not in json.dumps(received)
    finally:
        control.stop()
        store.close()
        lock.release()
        pg_server.drop_database(database)
