"""The `app` window strategy under a real X server (Xvfb): Chromium in --app mode shows the app,
never sees the token on its command line, and closing it quits Fieldbook cleanly."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.instance import send_command

pytestmark = pytest.mark.e2e


@pytest.fixture
def xvfb() -> Iterator[str]:
    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.fail("Xvfb is missing: apt-get install xvfb (.ci/run does this)")
    display = f":{90 + os.getpid() % 100}"
    proc = subprocess.Popen([binary, display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], stderr=subprocess.DEVNULL)
    socket = Path(f"/tmp/.X11-unix/X{display[1:]}")
    deadline = time.monotonic() + 10
    while not socket.exists():
        assert proc.poll() is None, "Xvfb exited"
        assert time.monotonic() < deadline, "Xvfb did not start"
        time.sleep(0.05)
    yield display
    proc.terminate()
    proc.wait(10)


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
    while not send_command(app.home / "run", "status")["browser_connected"]:
        assert time.monotonic() < deadline + 20, "the window never connected to the app"
        time.sleep(0.2)
    os.kill(pid, 15)  # the user closes the window
    assert app.proc.wait(30) == 0
    app.close()
    assert not (app.home / "run" / "control.json").exists()
    assert not list((app.home / "run").glob("window-profile-*"))  # the private browser profile is gone
