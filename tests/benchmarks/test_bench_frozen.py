"""Benchmarks of the frozen app (dist/Fieldbook, built on demand): start-up to a usable page in
Chromium and memory, against the same app from source and `streamlit run` of the same widgets in
the same run; the size of the build. Figures are printed under "Fieldbook figures"; nothing is
asserted about speed.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_frozen.py -m bench -s
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, REPORT, ROOT, clean_env
from tests.e2e.conftest import IDLE
from tests.packaging.dist import DIST, dist_size_mb, ensure_dist

pytestmark = [pytest.mark.bench, pytest.mark.slow, pytest.mark.timeout(1800)]

RUNS = 5
PLAIN_INPUTS = ROOT / "tests" / "benchmarks" / "plain_inputs.py"


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants (Linux /proc), in MB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total_kb, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total_kb / 1024


def start_to_usable(driver: Any, tmp: Path, cmd: list[str], env: dict[str, str], marker: str, suffix: str, field: str) -> tuple[float, float, float]:
    """Seconds from process start until ``field`` is on screen and Streamlit is idle, in a fresh
    Chromium (no cache: a new profile, as the app window has); seconds until the address was
    printed; and the RSS of the process tree with the page open."""
    ctx = driver.chromium.launch_persistent_context(str(tmp / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    page = ctx.new_page()
    page.goto("about:blank")  # the browser is up before the clock starts, as a window would be
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if marker in line:
                url = line.split(marker, 1)[1].strip()
                break
        else:
            raise AssertionError(f"{cmd} ended without {marker!r}")
        ready = time.perf_counter() - started
        page.goto(url + suffix)
        page.wait_for_selector(field, timeout=60_000)
        page.wait_for_selector(IDLE, state="attached", timeout=60_000)
        elapsed = time.perf_counter() - started
        page.wait_for_timeout(1000)  # settled: the memory a user's session costs, not a peak
        return elapsed, ready, tree_rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(30)
        proc.stdout.close()  # type: ignore[union-attr]
        ctx.close()


def median_of(runs: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    return statistics.median(t for t, _, _ in runs), statistics.median(r for _, r, _ in runs), statistics.median(m for _, _, m in runs)


def test_frozen_start_to_usable_page_and_memory(playwright_driver, tmp_path):
    """Three ways to start: the frozen app; the same app from source (launcher.py in the venv,
    the same in-process server); plain `streamlit run` of the same widgets (no store, no jobs)."""
    exe = ensure_dist()
    inputs_field = '[data-testid="stMain"] input[aria-label="Observer *"]'
    plain_cmd = [
        sys.executable, "-m", "streamlit", "run", str(PLAIN_INPUTS),
        "--server.headless=true", "--server.address=127.0.0.1", "--server.port=0",
        "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
    ]
    ways = {
        "frozen app": ([str(exe)], "Fieldbook ready: ", "&page=inputs", inputs_field),
        "launcher.py from source": ([sys.executable, str(ROOT / "launcher.py")], "Fieldbook ready: ", "&page=inputs", inputs_field),
        "`streamlit run` of the same widgets": (plain_cmd, "URL: ", "", 'input[aria-label="Observer"]'),
    }
    figures = {}
    for name, (cmd, marker, suffix, field) in ways.items():
        home = tmp_path / f"home-{len(figures)}"
        runs = []
        for i in range(RUNS + 1):  # the first start creates the data folder (migrations, demo data): not timed
            run_dir = tmp_path / f"{len(figures)}-{i}"
            run_dir.mkdir()
            runs.append(start_to_usable(playwright_driver, run_dir, cmd, clean_env(home), marker, suffix, field))
        figures[name] = median_of(runs[1:])
    REPORT.append(
        f"process start → Inputs page usable in Chromium (an existing data folder, a fresh browser profile), median of {RUNS}: "
        + "; ".join(f"{name} {t:.2f} s (address printed after {r:.2f} s)" for name, (t, r, _) in figures.items())
    )
    REPORT.append(
        "memory, RSS of the process tree with the page open: " + "; ".join(f"{name} {m:.0f} MB" for name, (_, _, m) in figures.items())
    )


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
