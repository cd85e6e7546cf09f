"""Fixtures shared by all tests: the real launcher in a subprocess, and headless Chromium.

Nothing here skips: a missing component (Chromium, Playwright) is a failure that names the
install step, because in CI a skipped test would hide exactly what is missing.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.sync.pg import pg_server, pg_url  # noqa: F401  (fixtures: a real PostgreSQL for tests/sync and the sync benchmark)

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",  # a microphone that plays a tone: an audio field can record
    "--use-fake-ui-for-media-stream",  # and its permission is granted, as the user would
]

# Figures collected during the run (layout shift, timings) and printed at the end.
REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT:
        terminalreporter.section("Fieldbook figures")
        for line in REPORT:
            terminalreporter.write_line(line)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a launcher: no stray FIELDBOOK_* from the machine, a private home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDBOOK_")}
    env.pop("LC_ALL", None)
    env.pop("LANGUAGE", None)
    env.update(LANG="en_US.UTF-8", FIELDBOOK_HOME=str(home), FIELDBOOK_WINDOW="none")
    # a password saved by a test goes into a plain keyring file beside the test's home, never into
    # the real user's keyring (FACTS.md §keyring)
    env.update(XDG_DATA_HOME=str(home.parent / f"{home.name}-xdg-data"), PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring")
    env.update(extra)
    return env


def launcher_cmd(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "launcher.py"), *args]


@dataclass
class RunningApp:
    proc: subprocess.Popen[str]
    home: Path
    url: str = ""
    stdout_lines: list[str] = field(default_factory=list)
    _lines: queue.Queue[str | None] = field(default_factory=queue.Queue)
    _pump_thread: threading.Thread | None = None

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.stdout_lines.append(line.rstrip("\n"))
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def wait_ready(self, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"launcher not ready within {timeout} s; {self.dump()}") from None
            if line is None:
                raise AssertionError(f"launcher exited ({self.proc.wait()}) before ready; stderr: {self.stderr()}\n{self.logs()}")
            if line.startswith("Fieldbook ready: "):
                self.url = line.removeprefix("Fieldbook ready: ")
                return self.url

    def stderr(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return "(still running)"
        return self.proc.stderr.read()

    @property
    def base_url(self) -> str:
        return self.url.split("?")[0]

    @property
    def token(self) -> str:
        return self.url.split("t=", 1)[1]

    def logs(self, lines: int = 40) -> str:
        """The end of the app's log and any stack dump (store/core/logs.py): what a failure message needs."""
        parts = []
        for name in ("fieldbook.log", "stacks.log"):
            path = self.home / "logs" / name
            if path.exists():
                tail = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path.name} (last {len(tail)} lines) ---\n" + "\n".join(tail))
        return "\n".join(parts) or "(no log)"

    def dump(self) -> str:
        """Ask a running app for every thread's stack (SIGUSR1), then describe it."""
        if self.proc.poll() is None and hasattr(signal, "SIGUSR1"):
            self.proc.send_signal(signal.SIGUSR1)
            time.sleep(1)
        return f"stderr: {self.stderr()}\n{self.logs()}"

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"launcher did not stop within {timeout} s of signal {sig}; {self.dump()}") from None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def close(self) -> None:
        self.kill()
        if self._pump_thread is not None:
            self._pump_thread.join(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def spawn(cmd: list[str], home: Path, cwd: Path, *, wait: bool = True, **env: str) -> RunningApp:
    """Start ``cmd`` (the launcher or the frozen app) with a clean environment and a private home."""
    proc = subprocess.Popen(cmd, env=clean_env(home, **env), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    app = RunningApp(proc, home)
    app._pump_thread = threading.Thread(target=app._pump, daemon=True)
    app._pump_thread.start()
    if wait:
        app.wait_ready()
    return app


@pytest.fixture
def start_app(tmp_path: Path) -> Iterator[Callable[..., RunningApp]]:
    """Start the real launcher (``FIELDBOOK_WINDOW=none``); every app started is stopped at the end."""
    started: list[RunningApp] = []

    def start(home: Path | None = None, *args: str, wait: bool = True, **env: str) -> RunningApp:
        app = spawn(launcher_cmd(*args), home or tmp_path / "home", tmp_path, wait=False, **env)
        started.append(app)  # before waiting: an app that never gets ready is stopped too
        if wait:
            app.wait_ready()
        return app

    yield start
    for app in started:
        app.close()


def run_cli(home: Path, *args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``launcher.py ARGS`` to completion."""
    return subprocess.run(launcher_cmd(*args), env=clean_env(home, **env), capture_output=True, text=True, timeout=timeout)


def control_info(home: Path) -> dict[str, object]:
    return json.loads((home / "run" / "control.json").read_text())


# -- browser ----------------------------------------------------------------------------------

LAYOUT_SHIFT_JS = """
window.__fbShifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (!e.hadRecentInput) {
      window.__fbShifts.push({value: e.value, t: e.startTime,
        sources: (e.sources || []).map(s => (s.node && s.node.nodeName) + ' ' +
          (s.node && s.node.getAttribute ? (s.node.getAttribute('data-testid') || s.node.className || '') : ''))});
    }
  }
}).observe({type: 'layout-shift', buffered: true});
"""

# What tests/e2e/conftest.py's settle() waits on: the script runs this page asked for, and the
# ones that finished. The DOM cannot tell: Streamlit's front end marks a run "running" only when
# the server says so, so right after a widget change it still shows "notRunning". Read from the
# websocket instead (Streamlit 1.67's protobuf: BackMsg.rerun_script is field 11; ForwardMsg
# new_session is field 4, script_finished field 6 with 2 = FINISHED_EARLY_FOR_RERUN).
RUN_TRACKER_JS = """
(() => {
  const NativeWS = window.WebSocket;
  window.__fbRuns = {asked: 0, covered: 0, done: 0};
  const varint = (b, i) => { let v = 0, m = 1; for (;;) { const x = b[i++]; v += (x & 127) * m; m *= 128; if (x < 128) return [v, i]; } };
  const lifecycle = (b) => {  // [field, value] of a ForwardMsg's new_session / script_finished
    let i = 0;
    while (i < b.length) {
      let tag; [tag, i] = varint(b, i);
      const f = Math.floor(tag / 8), w = tag % 8;
      if (w === 0) { let v; [v, i] = varint(b, i); if (f === 6) return [6, v]; }
      else if (w === 2) { let n; [n, i] = varint(b, i); if (f === 4) return [4, 0]; i += n; }
      else if (w === 5) i += 4; else if (w === 1) i += 8; else return null;
    }
    return null;
  };
  class TrackedWS extends NativeWS {
    constructor(...args) {
      super(...args);
      window.__fbRuns = {asked: 0, covered: 0, done: 0};  // a new connection: what the old one asked is gone
      this.addEventListener('message', (e) => {
        if (!(e.data instanceof ArrayBuffer)) return;
        const found = lifecycle(new Uint8Array(e.data));
        const runs = window.__fbRuns;
        if (found && found[0] === 4) runs.covered = runs.asked;
        if (found && found[0] === 6 && found[1] !== 2) runs.done = Math.max(runs.done, runs.covered);
      });
    }
    send(data) {
      const b = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      if (b && b.length && b[0] === 0x5a) window.__fbRuns.asked += 1;
      return super.send(data);
    }
  }
  window.WebSocket = TrackedWS;
})();
"""


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does this")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def browser_context(playwright_driver: object, tmp_path: Path) -> Iterator[object]:
    ctx = playwright_driver.chromium.launch_persistent_context(  # type: ignore[attr-defined]
        str(tmp_path / "chromium-profile"),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 800},
    )
    ctx.add_init_script(LAYOUT_SHIFT_JS)
    ctx.add_init_script(RUN_TRACKER_JS)
    ctx.set_default_timeout(20_000)
    # Assertions wait for what a user waits for; 5 s (Playwright's default) is too short for a
    # page drawing twenty widgets while a 2-core machine runs a build beside it.
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(browser_context: object) -> Iterator[object]:
    """A page; at the end, the test fails if the app's Content-Security-Policy (app/desktop/edge.py)
    refused anything the page tried to load or run (Chromium says so on the console)."""
    page = browser_context.new_page()  # type: ignore[attr-defined]
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield page
    assert not refused, "the security policy refused: " + "\n".join(refused[:5])
