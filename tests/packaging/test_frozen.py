"""The frozen app (PyInstaller onedir, `make dist`) as a user and an admin meet it: the same command
line as launcher.py, every page renders in Chromium (a build missing a module still answers the
health check, so only a rendered page proves it), an input survives a restart, snapshots work."""

from __future__ import annotations

import json
import signal

import pytest
from playwright.sync_api import expect

from store import __version__
from tests.e2e.conftest import header, settle
from tests.packaging.conftest import expect_no_errors, run_frozen, visit_every_page
from tests.packaging.dist import DIST

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]  # the first test may build dist (~100 s)


def test_version_and_help(frozen, tmp_path):
    version = run_frozen(frozen, tmp_path / "home", "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"Fieldbook {__version__}"
    helptext = run_frozen(frozen, tmp_path / "home", "--help")
    assert helptext.returncode == 0
    for command in ("run", "doctor", "jobs", "snapshot", "FIELDBOOK_HOME"):
        assert command in helptext.stdout


def test_no_broken_links_in_the_build(frozen):
    broken = [str(p.relative_to(DIST)) for p in DIST.rglob("*") if p.is_symlink() and not p.exists()]
    assert not broken  # a library dropped from the build must not leave its link behind


def test_doctor_is_healthy(frozen, tmp_path):
    result = run_frozen(frozen, tmp_path / "home", "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Fieldbook is healthy." in result.stdout
    assert "] keyring: keyrings.alt" in result.stdout  # the keyring backends' entry points are in the build


def test_xlsforms_are_read_by_pyxform_in_the_build(frozen, tmp_path):
    """pyxform (and its language-subtag files) travel in the build: a project from an .xls and an
    .xlsx XLSForm (pyxform's own examples)."""
    from pathlib import Path

    corpus = Path(__file__).parents[1] / "formdef" / "corpus" / "pyxform"
    for number, name in enumerate(("gps.xls", "yes_or_no_question.xlsx")):
        made = run_frozen(frozen, tmp_path / "home", "project", "create", f"From {number}", "--form", str(corpus / name))
        assert made.returncode == 0, made.stdout + made.stderr
    listed = run_frozen(frozen, tmp_path / "home", "project", "list")
    assert "From 0" in listed.stdout and "From 1" in listed.stdout, listed.stdout + listed.stderr


def test_pages_render_input_persists_and_snapshots_work(start_frozen, frozen, page, tmp_path):
    app = start_frozen()
    page.goto(app.url)
    expect(header(page)).to_contain_text("Fieldbook")  # whichever page starts
    expect_no_errors(page)
    visit_every_page(page)

    page.goto(app.url + "&page=inputs")
    expect(header(page)).to_contain_text("Inputs")
    observer = page.get_by_test_id("stMain").get_by_label("Observer *")
    observer.fill("Frozen Ünïcode 🌲")
    observer.press("Enter")
    settle(page)
    count = page.get_by_test_id("stMain").get_by_label("Count")
    count.fill("1,000")  # read with the language's grouping: Babel's locale data is in the build
    count.press("Enter")
    settle(page)
    expect_no_errors(page)

    assert app.stop(signal.SIGTERM) == 0  # a clean shutdown, in order
    app.close()
    again = start_frozen(app.home)
    page.goto(again.url)  # the app remembers the page the user was on
    expect(header(page)).to_contain_text("Inputs")
    expect(page.get_by_test_id("stMain").get_by_label("Observer *")).to_have_value("Frozen Ünïcode 🌲")
    expect(page.get_by_test_id("stMain").get_by_label("Count")).to_have_value("1000")
    expect_no_errors(page)

    created = run_frozen(frozen, app.home, "snapshot", "create", "--reason", "frozen-test", "--json")  # through the running app
    assert created.returncode == 0, created.stderr
    snap_id = json.loads(created.stdout)["id"]
    listed = run_frozen(frozen, app.home, "snapshot", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert snap_id in [s["id"] for s in json.loads(listed.stdout)]
    assert again.stop(signal.SIGTERM) == 0
