"""The window strategies under a real X server (Xvfb), each with a screenshot of what the user
sees: pywebview's Qt window (the `native` extra) and Chromium in --app mode. Both show the app,
neither puts the token on a command line, and closing the window quits Fieldbook cleanly."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.core.instance import send_command
from tests.conftest import REPORT, ROOT
from tests.xdisplay import close_window, coloured_pixels, wait_for_app
from tests.xdisplay import xvfb as x_server

pytestmark = pytest.mark.e2e

SCREENSHOTS = ROOT / "build" / "screenshots"  # kept after the run for a look (build/ is ignored by git)


@pytest.fixture
def xvfb() -> Iterator[str]:
    with x_server() as display:
        yield display


def wait_connected(home: Path, timeout: float = 60) -> dict[str, object]:
    """Wait until the window's page has opened its session with the app (the page loaded)."""
    deadline = time.monotonic() + timeout
    while True:
        status = send_command(home / "run", "status")
        if status["browser_connected"]:
            return status
        assert time.monotonic() < deadline, f"the window never connected to the app: {status}"
        time.sleep(0.2)


def children_cmdlines(pid: int) -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_app_window_opens_and_closing_it_quits(start_app, xvfb):
    app = start_app(None, FIELDBOOK_WINDOW="app", DISPLAY=xvfb)
    deadline = time.monotonic() + 20
    browser: dict[int, str] = {}
    while not browser:
        browser = {p: c for p, c in children_cmdlines(app.proc.pid).items() if "--app=" in c}
        assert time.monotonic() < deadline, "no --app browser window was started"
        time.sleep(0.1)
    (pid, cmdline), = browser.items()
    assert app.token not in cmdline  # other local users can read command lines
    opener = app.home / "run" / "open.html"
    assert opener.stat().st_mode & 0o777 == 0o600
    assert app.token in opener.read_text()
    wait_connected(app.home)
    shot = wait_for_app(xvfb, SCREENSHOTS / "window-app.png")
    REPORT.append(f"--app window screenshot: {SCREENSHOTS / 'window-app.png'} ({coloured_pixels(shot)} coloured pixels)")
    os.kill(pid, 15)  # the user closes the window
    assert app.proc.wait(30) == 0
    app.close()
    assert not (app.home / "run" / "control.json").exists()
    assert not list((app.home / "run").glob("window-profile-*"))  # the private browser profile is gone


def test_native_qt_window_opens_and_closing_it_quits(start_app, xvfb):
    """`auto` picks pywebview when its Qt backend is installed (the `native` extra, which .ci/run
    installs with the X libraries Qt needs); the user's close button quits the app in order."""
    app = start_app(None, FIELDBOOK_WINDOW="auto", DISPLAY=xvfb)
    status = wait_connected(app.home)
    log = (app.home / "logs" / "fieldbook.log").read_text()
    assert status["window"] == "webview", (
        "pywebview's Qt window was not chosen; install the native extra (pip install -e '.[native]') "
        f"and Qt's X libraries (.ci/run lists them). Log: {[line for line in log.splitlines() if 'window strategy' in line]}"
    )
    assert "window strategy webview (pywebview with a backend is installed)" in log
    shot = wait_for_app(xvfb, SCREENSHOTS / "window-qt.png")
    REPORT.append(f"Qt window screenshot: {SCREENSHOTS / 'window-qt.png'} ({coloured_pixels(shot)} coloured pixels)")
    assert close_window(xvfb, "Fieldbook") >= 1, "no window named Fieldbook on the screen"
    assert app.proc.wait(30) == 0
    app.close()
    messages = [json.loads(line)["msg"] for line in (app.home / "logs" / "fieldbook.log").read_text().splitlines()]
    assert "native window closed" in messages and messages[-1] == "stopped"  # the whole shutdown ran
    assert not (app.home / "run" / "control.json").exists()
