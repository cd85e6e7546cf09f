"""Benchmarks of the frozen app (dist/Fieldbook, built on demand): start-up to the first usable page
in the app's own window, split into phases, for a first start (new data folder, new window profile:
the first start after an install) and warm starts (the same data folder and window profile again);
against the same app from source and `streamlit run` of the Inputs widgets in the same run; memory;
the size of the build. Figures are printed under "Fieldbook figures"; nothing is asserted about speed.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_frozen.py -m bench -s

The window is the real one: ``FIELDBOOK_WINDOW=app`` under Xvfb, so the app starts Chromium in
``--app`` mode with its kept profile exactly as on a desktop. A ``chromium`` on PATH that notes when
it was started and adds ``--remote-debugging-port`` lets Playwright watch that window (and read the
browser's own timings) without changing what the app does. ``FIELDBOOK_BENCH_EXE=path/to/Fieldbook``
adds another build to the same run (e.g. an older one, for a before/after).
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from app.desktop.window import write_opener
from tests.conftest import REPORT, ROOT, clean_env
from tests.launcher.windowspy import attach, chromium_spy, free_port, wait_usable, window_args
from tests.packaging.dist import DIST, dist_size_mb, ensure_dist
from tests.xdisplay import xvfb

pytestmark = [pytest.mark.bench, pytest.mark.slow, pytest.mark.timeout(1800)]

RUNS = 5
FIRST_STARTS = 2  # each on a new data folder and window profile, followed by WARM_STARTS
WARM_STARTS = 2
PLAIN_INPUTS = ROOT / "tests" / "benchmarks" / "plain_inputs.py"
APP_USABLE = ".st-key-fb_main"  # the page's own container: drawn by the first script run
PLAIN_USABLE = 'input[aria-label="Observer"]'
# The phases of the app's own log line ("start-up (process started at …): imports done 0.41 s, …").
_PHASE = re.compile(r"([a-z][a-z ]+?) (\d+\.\d+) s")


def rss_mb(pid: int) -> float:
    """Resident memory of one process (the app without its window's browser), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0) / 1024


def tree_pss_mb(roots: list[int]) -> float:
    """Memory of processes and all their descendants (the app with its window's browser), in MB:
    the sum of proportional set sizes, so pages the browser's processes share count once."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, ppid = int(stat.parent.name), int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(pid)
    total_kb, todo, seen = 0, list(roots), set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        todo += children.get(pid, [])
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return total_kb / 1024


@dataclass
class Start:
    """One start, in seconds since the process started."""

    usable: float
    printed: float | None = None  # the address on stdout
    window: float | None = None  # the window's browser process started
    request: float | None = None  # the page's first HTTP request to the app
    front_end: float | None = None  # Streamlit's front end loaded and run (DOMContentLoaded)
    resources: int = 0
    cached: int = 0  # of those, from the browser's cache
    app: dict[str, float] = field(default_factory=dict)  # the app's own phases (its log)
    rss: float = 0.0
    tree: float = 0.0  # the process tree with the window's browser (PSS)


def app_phases(log_file: Path) -> tuple[float, dict[str, float]]:
    lines = [line for line in log_file.read_text(encoding="utf-8").splitlines() if "start-up (process started at" in line]
    if not lines:
        return 0.0, {}
    text = lines[-1].split('"msg": "', 1)[1]
    started = float(text.split("at ", 1)[1].split(")", 1)[0])
    return started, {name: float(value) for name, value in _PHASE.findall(text.split("):", 1)[1])}


def start_in_window(pw: Any, cmd: list[str], env: dict[str, str], cwd: Path, *, selector: str, home: Path | None = None,
                    spy: Path | None = None, own_window: Path | None = None, opener: Path | None = None) -> Start:
    """Start ``cmd``; the first usable page in a Chromium window, either the one the app opens
    (``spy`` notes its start) or, for `streamlit run`, one opened on the printed address the way
    Streamlit opens a browser (``own_window``: its kept profile) — or, with ``opener`` (the app's
    waiting page for that address), opened at the same moment as the process, as the app does.

    Each start's browser gets a debugging port of its own: a browser of the previous start that is
    still going away can neither answer for this one nor hold the port it needs."""
    cdp_port = free_port()
    if spy is not None:
        chromium_spy(spy.parent, cdp_port)
    window_log = spy.parent / "chromium.log" if spy is not None else cwd / f"window-{cdp_port}.log"
    window_err = window_log.open("ab")  # the spy's browser writes its own; ours writes here
    if spy is not None and spy.exists():
        spy.unlink()
    log_file = home / "logs" / "fieldbook.log" if home else None
    if log_file is not None and log_file.exists():
        log_file.unlink()
    started = time.time()
    deadline = time.monotonic() + 90
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    window = None
    browser = None
    if own_window is not None and opener is not None:
        args = window_args(opener.as_uri(), own_window, cdp_port) + ["--allow-file-access-from-files"]
        window = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=window_err)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "Fieldbook ready: " in line or "URL: " in line:
                url = line.split(": ", 1)[1].strip()
                break
        else:
            raise AssertionError(f"{cmd} ended without printing its address")
        printed = time.time() - started
        if own_window is not None and window is None:
            window = subprocess.Popen(window_args(url, own_window, cdp_port), env=env, stdout=subprocess.DEVNULL, stderr=window_err)
        browser = attach(pw, cdp_port, deadline, window_log, window)
        usable_at, timings = wait_usable(browser, selector, deadline)
        result = Start(usable=usable_at - started, printed=printed, resources=timings["resources"], cached=timings["cached"])
        result.request = timings["origin"] / 1000 + timings["request"] / 1000 - started
        result.front_end = timings["origin"] / 1000 + timings["dcl"] / 1000 - started
        if spy is not None:
            result.window = float(spy.read_text().split()[0]) - started
        elif window is not None:
            result.window = 0.0 if opener is not None else printed
        if log_file is not None:
            deadline_log = time.monotonic() + 5  # the log line follows the first run by a moment
            while not result.app and time.monotonic() < deadline_log:
                app_started, result.app = app_phases(log_file)
                time.sleep(0.05)
            # the app counts from its own process start (/proc, 10 ms steps): make its phases ours
            result.app = {name: value + app_started - started for name, value in result.app.items()}
        time.sleep(0.5)
        result.rss = rss_mb(proc.pid)
        result.tree = tree_pss_mb([proc.pid] + ([window.pid] if window is not None else []))
        return result
    finally:
        proc.send_signal(signal.SIGTERM)  # closes the app's window too, in order
        try:
            proc.wait(60)
        finally:
            if window is not None:
                window.terminate()
                window.wait(30)
            if browser is not None:
                try:
                    browser.close()
                except Exception:
                    pass  # the window is gone already
            proc.stdout.close()  # type: ignore[union-attr]
            window_err.close()


def median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def phase_line(name: str, kind: str, starts: list[Start]) -> str:
    def fmt(label: str, values: list[float | None]) -> str:
        m = median(values)
        return f"{label} {m:.2f}" if m is not None else f"{label} –"

    parts = [
        fmt("address printed", [s.printed for s in starts]),
        fmt("window started", [s.window for s in starts]),
        fmt("first request", [s.request for s in starts]),
        fmt("front end loaded", [s.front_end for s in starts]),
    ]
    for phase in ("window opening", "server listening", "imports done", "store open", "jobs started", "first script run started", "first script run done"):
        if any(phase in s.app for s in starts):
            parts.append(fmt(phase, [s.app.get(phase) for s in starts]))
    resources = f"{median([s.cached for s in starts]):.0f} of {median([s.resources for s in starts]):.0f} files from the cache"
    usable = statistics.median(s.usable for s in starts)
    return (
        f"  {name}, {kind} (median of {len(starts)}): page usable {usable:.2f} s [" + ", ".join(parts)
        + f"; {resources}; RSS {median([s.rss for s in starts]):.0f} MB; with the window's browser (PSS) {median([s.tree for s in starts]):.0f} MB]"
    )


def test_start_to_usable_page_in_the_window(playwright_driver, tmp_path):
    """The frozen app, the same app from source, and `streamlit run` of the Inputs widgets: each
    started FIRST_STARTS times on new folders, then WARM_STARTS times again on the same ones."""
    ways = {"frozen app": [str(ensure_dist())]}
    if os.environ.get("FIELDBOOK_BENCH_EXE"):
        ways[f"frozen app {os.environ['FIELDBOOK_BENCH_EXE']}"] = [os.environ["FIELDBOOK_BENCH_EXE"]]
    ways["launcher.py from source"] = [sys.executable, str(ROOT / "launcher.py")]
    spy = chromium_spy(tmp_path / "bin", free_port())  # start_in_window gives each start its own port
    lines = []
    with xvfb() as display:
        for n, (name, cmd) in enumerate(ways.items()):
            first, warm = [], []
            for rep in range(FIRST_STARTS):
                home = tmp_path / f"home-{n}-{rep}"
                env = clean_env(home, FIELDBOOK_WINDOW="app", DISPLAY=display, PATH=f"{spy.parent}:{os.environ['PATH']}")
                for i in range(1 + WARM_STARTS):
                    start = start_in_window(playwright_driver, cmd, env, tmp_path, selector=APP_USABLE, home=home, spy=spy)
                    (warm if i else first).append(start)
            lines += [phase_line(name, "first start", first), phase_line(name, "warm start", warm)]
        one_input = tmp_path / "one_input.py"
        one_input.write_text("import streamlit as st\nst.text_input('Observer')\n")
        plain_ways = [
            ("`streamlit run` of the Inputs widgets", PLAIN_INPUTS, False),
            # What any Streamlit page costs here, with nothing of ours: the floor under the app's figure.
            ("`streamlit run` of a one-input app, its window started with it (the app's opener page)", one_input, True),
        ]
        for name, script, early in plain_ways:
            first, warm = [], []
            for rep in range(FIRST_STARTS):
                port, profile = free_port(), tmp_path / f"plain-profile-{script.stem}-{rep}"
                plain_cmd = [
                    sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true", "--server.address=127.0.0.1",
                    f"--server.port={port}", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
                ]
                opener = None
                if early:
                    (tmp_path / f"opener-{rep}").mkdir()
                    opener = write_opener(tmp_path / f"opener-{rep}", f"http://127.0.0.1:{port}/")
                env = clean_env(tmp_path / "plain-home", DISPLAY=display)
                for i in range(1 + WARM_STARTS):
                    start = start_in_window(playwright_driver, plain_cmd, env, tmp_path, selector=PLAIN_USABLE, own_window=profile,
                                            opener=opener)
                    (warm if i else first).append(start)
            lines += [phase_line(name, "first start", first), phase_line(name, "warm start", warm)]
    REPORT.append(
        "process start → first usable page in the app's window (Chromium --app under Xvfb; seconds since process start; "
        "first start = new data folder and window profile, warm = the same again):"
    )
    REPORT.extend(lines)


def test_frozen_cli_start(tmp_path):
    exe = ensure_dist()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([str(exe), "--version"], env=clean_env(tmp_path / "home"), capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    venv = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "launcher.py"), "--version"], env=clean_env(tmp_path / "home"), capture_output=True, check=True)
        venv.append(time.perf_counter() - started)
    REPORT.append(f"`Fieldbook --version`, median of {RUNS}: frozen {statistics.median(times):.2f} s; launcher.py in the venv {statistics.median(venv):.2f} s")


def test_dist_size():
    ensure_dist()
    internal = DIST / "_internal"
    parts = sorted(
        ((dist_size_mb(p) if p.is_dir() else p.stat().st_size / 1_048_576, p.name) for p in internal.iterdir() if not p.is_symlink()),
        reverse=True,
    )[:6]
    REPORT.append(
        f"dist/Fieldbook (onedir): {dist_size_mb():.0f} MB; largest: " + ", ".join(f"{name} {mb:.0f}" for mb, name in parts)
    )
