"""The launcher as a command: exit codes and plain messages for every way start-up can fail."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from store import __version__
from store.core.migrations import MIGRATIONS
from tests.conftest import ROOT, clean_env, control_info, run_cli


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout


def test_version_and_help(tmp_path):
    result = run_cli(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"Fieldbook {__version__}"
    help_text = run_cli(tmp_path, "--help").stdout
    for word in ("run", "doctor", "FIELDBOOK_HOME", "FIELDBOOK_WINDOW", "FIELDBOOK_PORT"):
        assert word in help_text


def test_console_script_is_installed(tmp_path):
    script = Path(sys.executable).with_name("fieldbook")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, env=clean_env(tmp_path), timeout=60)
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_version_matches_pyproject():
    text = (ROOT / "pyproject.toml").read_text()
    assert f'version = "{__version__}"' in text


def test_malformed_config_exits_2(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text("language = [unclosed\n")
    result = run_cli(tmp_path, "doctor")
    assert result.returncode == 2
    assert "config.toml" in result.stderr and "not valid TOML" in result.stderr
    no_traceback(result)


def test_unknown_setting_value_exits_2(tmp_path):
    result = run_cli(tmp_path, FIELDBOOK_WINDOW="banana")
    assert result.returncode == 2
    assert "'window'" in result.stderr and "banana" in result.stderr
    no_traceback(result)


def test_unknown_setting_name_exits_2(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text('langauge = "de"\n')
    result = run_cli(tmp_path)
    assert result.returncode == 2
    assert "langauge" in result.stderr
    no_traceback(result)


def test_unwritable_data_dir_exits_3(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = run_cli(tmp_path / "home", FIELDBOOK_DATA_DIR=str(blocker / "data"))
    assert result.returncode == 3
    assert "cannot write to its data folder" in result.stderr
    no_traceback(result)


def test_port_in_use_exits_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(tmp_path, FIELDBOOK_PORT=str(port))
    assert result.returncode == 2
    assert f"Port {port} is already in use" in result.stderr
    no_traceback(result)
    assert not (tmp_path / "run" / "control.json").exists()


def test_fixed_free_port_is_used(start_app, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = start_app(tmp_path / "home", FIELDBOOK_PORT=str(port))
    assert app.base_url == f"http://127.0.0.1:{port}/"


def test_database_locked_by_foreign_process_exits_3(tmp_path):
    db = tmp_path / "data" / "fieldbook.duckdb"
    db.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb,sys,time; c=duckdb.connect({str(db)!r}); print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        result = run_cli(tmp_path)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()  # type: ignore[union-attr]
    assert result.returncode == 3
    assert "in use by another program" in result.stderr and str(holder.pid) in result.stderr
    no_traceback(result)


def test_corrupt_database_exits_3_and_keeps_the_file(tmp_path):
    db = tmp_path / "data" / "fieldbook.duckdb"
    db.parent.mkdir(parents=True)
    garbage = os.urandom(64 * 1024)
    db.write_bytes(garbage)
    result = run_cli(tmp_path)
    assert result.returncode == 3
    assert "cannot be opened" in result.stderr and "Nothing was changed" in result.stderr
    no_traceback(result)
    assert db.read_bytes() == garbage
    again = run_cli(tmp_path)  # no crash loop, same clear answer
    assert again.returncode == 3


def test_ready_line_is_the_only_stdout_and_sigterm_is_clean(start_app):
    app = start_app()
    with urllib.request.urlopen(f"{app.base_url}_stcore/health?t={app.token}", timeout=5) as resp:
        assert resp.status == 200
    assert (app.home / "run" / "control.json").stat().st_mode & 0o777 == 0o600
    assert app.stop(signal.SIGTERM) == 0
    app.close()
    assert app.stdout_lines == [f"Fieldbook ready: {app.url}"]
    assert not (app.home / "run" / "control.json").exists()
    assert (app.home / "run" / "fieldbook.lock").read_text() == ""
    wal = app.home / "data" / "fieldbook.duckdb.wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_sigint_is_clean(start_app):
    app = start_app()
    assert app.stop(signal.SIGINT) == 0


def test_stale_lock_after_kill_9_is_taken_over(start_app):
    app = start_app()
    pid = int(control_info(app.home)["pid"])  # type: ignore[arg-type]
    app.kill()
    assert (app.home / "run" / "fieldbook.lock").read_text() == str(pid)  # left behind by the dead process
    again = start_app(app.home)
    assert int(control_info(again.home)["pid"]) == again.proc.pid  # type: ignore[arg-type]


def test_doctor_healthy_fresh_and_running(start_app, tmp_path):
    home = tmp_path / "home"
    fresh = run_cli(home, "doctor")
    assert fresh.returncode == 0, fresh.stdout
    assert "does not exist yet" in fresh.stdout and "Fieldbook is healthy." in fresh.stdout
    app = start_app(home)
    running = run_cli(home, "doctor")
    assert running.returncode == 0, running.stdout
    assert f"in use by the running Fieldbook (PID {app.proc.pid})" in running.stdout
    app.stop()
    stopped = run_cli(home, "doctor")
    assert stopped.returncode == 0, stopped.stdout
    assert f"schema version {MIGRATIONS[-1].version}" in stopped.stdout
    for name in ("folders", "disk space", "database", "keyring"):
        assert f"] {name}:" in stopped.stdout


def test_doctor_reports_corrupt_database(tmp_path):
    db = tmp_path / "data" / "fieldbook.duckdb"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"not a database" * 100)
    result = run_cli(tmp_path, "doctor")
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "cannot be opened" in result.stdout
    no_traceback(result)


def test_doctor_reports_low_disk(tmp_path):
    result = run_cli(tmp_path, "doctor", FIELDBOOK_MIN_FREE_MB="1000000")
    assert result.returncode == 1
    assert "free some space" in result.stdout
