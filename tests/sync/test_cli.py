"""``fieldbook sync init-server|now|status`` as a process, on a real home folder and server."""

from __future__ import annotations

import json

from tests.conftest import run_cli
from tests.sync.helpers import FORM, server_rows
from tests.sync.pg import free_port


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

    not_set_up = run_cli(home, "sync", "now", "--url", pg_server.url())
    assert not_set_up.returncode == 1 and "fieldbook sync init-server" in not_set_up.stderr


def test_every_sync_command_has_help(tmp_path):
    for args in (("sync", "--help"), ("sync", "init-server", "--help"), ("sync", "now", "--help"), ("sync", "status", "--help")):
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
