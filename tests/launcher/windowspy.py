"""Watching the app's own window: a ``chromium`` on PATH that notes when the app started it and
adds a debugging port, so Playwright can attach to the real --app window (with the app's kept
profile) and read the page's own timings, without changing what the app does."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.conftest import CHROMIUM
from tests.e2e.conftest import IDLE


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def chromium_spy(folder: Path, cdp_port: int) -> Path:
    """A ``chromium`` for PATH: notes its start time, adds a debugging port, runs the real one."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "started"
    script = folder / "chromium"
    log = folder / "chromium.log"  # what the browser says, for a failure message (see attach)
    script.write_text(f'#!/bin/sh\ndate +%s.%N >> "{stamp}"\nexec {CHROMIUM} --remote-debugging-port={cdp_port} "$@" 2>>"{log}"\n')
    script.chmod(0o755)
    return stamp


def window_args(url: str, profile: Path, cdp_port: int) -> list[str]:
    """Chromium with the flags the app opens its window with (app/desktop/window.py), for a page the app does not open."""
    args = [CHROMIUM, f"--app={url}", f"--user-data-dir={profile}", f"--remote-debugging-port={cdp_port}", "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    return args


def attach(pw: Any, cdp_port: int, deadline: float, log: Path | None = None, proc: subprocess.Popen[bytes] | None = None) -> Any:
    """Playwright on the browser listening on ``cdp_port``. Past ``deadline`` it fails saying what is
    known: who listens on the port, whether the browser (``proc``) still runs, the end of its ``log``."""
    while True:
        try:
            return pw.chromium.connect_over_cdp(f"http://127.0.0.1:{cdp_port}", timeout=5000)
        except Exception as exc:
            if time.monotonic() >= deadline:
                raise AssertionError(f"the window's browser never opened its debugging port {cdp_port}: {_why(cdp_port, log, proc, exc)}") from None
            time.sleep(0.05)


def _why(cdp_port: int, log: Path | None, proc: subprocess.Popen[bytes] | None, exc: Exception) -> str:
    listening = subprocess.run(["ss", "-ltnpH", f"sport = :{cdp_port}"], capture_output=True, text=True).stdout.strip()
    said = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log is not None and log.exists() else ""
    running = "" if proc is None else (" the browser runs;" if proc.poll() is None else f" the browser ended with {proc.returncode};")
    return f"last error {str(exc)[:300]!r};{running} listening: {listening or 'nobody'}; the browser said: {said or 'nothing'}"


_READY_JS = """([selector, idle]) => location.protocol === 'http:' && document.querySelector(selector) &&
    document.querySelector(idle) ? performance.timeOrigin + performance.now() : null"""
_TIMINGS_JS = """() => { const n = performance.getEntriesByType('navigation')[0];
    const r = performance.getEntriesByType('resource').filter(e => e.name.startsWith(location.origin));
    return {origin: performance.timeOrigin, request: n.requestStart, dcl: n.domContentLoadedEventEnd, resources: r.length,
            cached: r.filter(e => e.transferSize === 0 && e.decodedBodySize > 0).length,
            fetched: r.filter(e => !(e.transferSize === 0 && e.decodedBodySize > 0)).map(e => e.name.slice(location.origin.length).split('?')[0])}; }"""


def wait_usable(browser: Any, selector: str, deadline: float) -> tuple[float, dict[str, Any]]:
    """Wall-clock time (the page's own clock) when ``selector`` showed with Streamlit idle, and the
    page's navigation and resource timings."""
    while True:
        pages = [p for ctx in browser.contexts for p in ctx.pages]
        remaining = (deadline - time.monotonic()) * 1000
        assert remaining > 0, f"no usable page in the window: {[p.url for p in pages]}"
        if not pages:
            time.sleep(0.02)
            continue
        page = pages[0]
        try:
            at = page.wait_for_function(_READY_JS, arg=[selector, IDLE], polling=10, timeout=remaining).json_value()
            return at / 1000, page.evaluate(_TIMINGS_JS)
        except Exception as exc:  # the opener page navigates to the app: its context goes away
            if "destroyed" not in str(exc) and "navigat" not in str(exc):
                raise


