"""The frozen app where installs go wrong: run from a read-only location, from a path with spaces
and non-ASCII characters, on a desktop without any browser, with its data on a full disk, and
started twice at once. Each works, or says plainly why not — never a traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import RunningApp, clean_env
from tests.e2e.conftest import header, settle
from tests.packaging.conftest import expect_no_errors, run_frozen, visit_every_page
from tests.packaging.dist import DIST
from tests.packaging.mounts import copy_tree, fill, read_only_view, small_disk
from tests.xdisplay import xvfb

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "--- Logging error ---" not in text, text


def type_observer(page, text: str) -> None:
    field = page.get_by_test_id("stMain").get_by_label("Observer *")
    field.fill(text)
    field.press("Enter")
    settle(page)


def test_runs_from_a_read_only_location(start_frozen, frozen, page, tmp_path):
    with read_only_view(DIST, tmp_path / "ro" / "Fieldbook") as folder:
        exe = folder / frozen.name
        with pytest.raises(OSError):  # really read-only, even for root
            (folder / "probe").write_bytes(b"")
        version = run_frozen(exe, tmp_path / "home", "--version")
        assert version.returncode == 0, version.stderr
        app = start_frozen(exe=exe)
        page.goto(app.url)
        expect(header(page)).to_contain_text("Fieldbook")  # whichever page starts
        expect_no_errors(page)
        assert app.stop() == 0
        app.close()


def test_runs_from_a_path_with_spaces_and_non_ascii(start_frozen, frozen, page, tmp_path):
    folder = copy_tree(DIST, tmp_path / "Program Files" / "Fieldbook Ünïcode 日本")
    exe = folder / frozen.name
    home = tmp_path / "Données de terrain ü" / "home 1"
    app = start_frozen(home, exe=exe)
    page.goto(app.url + "&page=inputs")
    expect(header(page)).to_contain_text("Inputs")
    visit_every_page(page)
    page.goto(app.url + "&page=inputs")
    type_observer(page, "Ünïcode path")
    expect_no_errors(page)
    snapshot = run_frozen(exe, home, "snapshot", "create", "--json")
    assert snapshot.returncode == 0, snapshot.stderr
    assert json.loads(snapshot.stdout)["verified"] is True
    assert app.stop() == 0
    doctor = run_frozen(exe, home, "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr


def test_no_browser_installed_says_where_to_open_it(start_frozen, page, tmp_path):
    """A desktop with a display but no pywebview (the Linux build has none), no Chromium and no
    default browser: the app runs, says on stderr and in the log why no window opened, and the
    printed address works in any browser."""
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    with xvfb() as display:
        app = start_frozen(FIELDBOOK_WINDOW="auto", DISPLAY=display, PATH=str(empty_path), BROWSER="")
        page.goto(app.url)
        expect(header(page)).to_contain_text("Fieldbook")  # whichever page starts
        expect_no_errors(page)
        assert app.proc.poll() is None  # still running: the address stays usable
        assert app.stop() == 0
        stderr = app.proc.stderr.read() if app.proc.stderr else ""
    assert "found no way to show its window" in stderr
    no_traceback(stderr)
    log = (app.home / "logs" / "fieldbook.log").read_text()
    assert "window strategy none (pywebview is not installed, no Chromium-family browser and no default browser were found)" in log


def test_data_on_a_full_disk(start_frozen, frozen, page, tmp_path):
    """The disk fills while the app runs: a new value is refused with a banner and stays in the
    window. Below the safe minimum the app does not start and says why, as does doctor, even with
    not a byte left. With space again, everything saved is there."""
    env = {"FIELDBOOK_MIN_FREE_MB": "16"}
    with small_disk(tmp_path / "disk", 64) as disk:
        home = disk / "home"
        app = start_frozen(home, **env)
        page.goto(app.url + "&page=inputs")
        type_observer(page, "saved before the disk filled")

        filler = fill(disk, leave_mb=4)  # below the 16 MB Fieldbook wants for a safe write
        page.wait_for_timeout(1500)  # the store's disk guard reads the free space at most once a second
        type_observer(page, "typed on a full disk")
        expect(page.get_by_test_id("stApp")).to_contain_text("NOT saved")  # the banner in the header
        expect(page.get_by_test_id("stMain").get_by_label("Observer *")).to_have_value("typed on a full disk")
        assert app.stop() == 0
        no_traceback(app.stderr())
        app.close()

        for leave_mb in (4, 0):  # nearly full, then not a byte left
            fill(disk, leave_mb=leave_mb)
            refused = start_frozen(home, wait=False, **env)
            assert refused.proc.wait(60) == 3
            stderr = refused.stderr()
            # which part says it first depends on what still fits: the database's guard, or the lock file
            assert "free some" in stderr.lower() and ("MB are free on the disk" in stderr or "No space left" in stderr), stderr
            no_traceback(stderr)
            doctor = run_frozen(frozen, home, "doctor", **env)
            assert doctor.returncode == 1 and "free some space" in doctor.stdout, doctor.stdout
            no_traceback(doctor.stdout + doctor.stderr)

        # The usual layout: the lock lives on another disk (XDG_RUNTIME_DIR), so the database
        # opens and the job queue's SQLite is the first to fail ("disk I/O error").
        refused = start_frozen(home, wait=False, FIELDBOOK_RUNTIME_DIR=str(tmp_path / "run"), **env)
        assert refused.proc.wait(60) == 3
        stderr = refused.stderr()
        assert "Fieldbook cannot start: only 0 MB are free on the disk" in stderr, stderr
        no_traceback(stderr)

        filler.unlink()  # space again
        app = start_frozen(home, **env)
        page.goto(app.url)
        settle(page)
        expect(page.get_by_test_id("stMain").get_by_label("Observer *")).to_have_value("saved before the disk filled", timeout=20_000)
        expect_no_errors(page)
        assert app.stop() == 0
        app.close()


def test_started_twice_at_once(frozen, tmp_path):
    """Two starts in the same instant on one data folder: one runs, the other hands over to it and
    exits 0 with a sentence, whichever wins the lock."""
    home = tmp_path / "home"
    procs = [
        subprocess.Popen([str(frozen)], env=clean_env(home), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    apps = [RunningApp(p, home) for p in procs]
    try:
        deadline = time.monotonic() + 60
        while sum(p.poll() is None for p in procs) > 1:
            assert time.monotonic() < deadline, "both instances are still running"
            time.sleep(0.1)
        (second,) = [a for a in apps if a.proc.poll() is not None]
        (first,) = [a for a in apps if a.proc.poll() is None]
        errors = second.stderr()
        assert second.proc.returncode == 0, errors
        assert "Fieldbook is already running" in (second.proc.stdout.read() if second.proc.stdout else "")
        no_traceback(errors)
        assert first.proc.stdout is not None and first.proc.stdout.readline().startswith("Fieldbook ready: ")
        first.proc.send_signal(signal.SIGTERM)
        assert first.proc.wait(30) == 0
    finally:
        for app in apps:
            app.close()
    assert not os.path.exists(home / "run" / "control.json")
