"""What makes a second start fast, as a user meets it: the app keeps its address (port) per data
folder, its window keeps its browser profile so Streamlit's front end comes from the cache, the
window opens while the app still starts (its opener page waits for the server), and the app logs
where its start-up time went."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import streamlit

from app.desktop.window import _profile_in_use, write_opener
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT
from tests.launcher.windowspy import attach, chromium_spy, free_port, wait_usable
from tests.xdisplay import xvfb

FAVICON = Path(streamlit.__file__).parent / "static" / "favicon.png"
APP_USABLE = ".st-key-fb_main"  # the page's own container: drawn by the first script run


def port_of(url: str) -> int:
    return int(url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])


def test_the_port_is_kept_per_data_folder_and_replaced_when_taken(start_app, tmp_path):
    home = tmp_path / "home"
    first = start_app(home)
    port = port_of(first.url)
    assert (home / "data" / "window" / "port").read_text() == str(port)
    assert first.stop() == 0
    again = start_app(home)  # the previous run's connections may linger in TIME_WAIT: still free
    assert port_of(again.url) == port
    assert again.stop() == 0
    with socket.socket() as squatter:  # another program took the port meanwhile
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        third = start_app(home)
        assert port_of(third.url) != port
        assert (home / "data" / "window" / "port").read_text() == str(port_of(third.url))
        assert third.stop() == 0


def test_start_up_phases_are_logged(start_app, page, tmp_path):
    app = start_app()
    page.goto(app.url)
    page.get_by_test_id("stSidebar").get_by_role("button").first.wait_for()
    deadline = time.monotonic() + 15
    while True:
        lines = [line for line in (app.home / "logs" / "fieldbook.log").read_text().splitlines() if "start-up (process started at" in line]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(lines) == 1, "one start-up line, after the first page"
    for phase in ("window opening", "imports done", "store open", "jobs started", "server listening", "first script run done"):
        assert f"{phase} " in lines[0]
    assert "loaded before the first page, of those kept for later: none" in lines[0]  # app.desktop.startup.HEAVY
    assert app.stop() == 0


def test_a_running_app_shows_where_it_waits_on_sigusr1(start_app):
    """`kill -USR1 <pid>` writes every thread's stack to logs/stacks.log and the app runs on."""
    app = start_app()
    stacks = app.home / "logs" / "stacks.log"
    # "ready" is the server's: the main thread may still be finishing the start (an import) when
    # the first dump is taken, so ask again until it shows the main thread in the window's loop.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        app.proc.send_signal(signal.SIGUSR1)
        time.sleep(0.5)
        if "window.py" in (stacks.read_text() if stacks.exists() else ""):
            break
    text = stacks.read_text()
    assert "window.py" in text, f"the main thread never waited in the window's loop:\n{text[-3000:]}"
    assert text.count("Thread 0x") > 1 and 'launcher.py", line' in text  # every thread, the main one's way in
    assert app.proc.poll() is None
    assert app.stop() == 0


def test_opener_waits_for_the_server_then_opens_the_app(playwright_driver, tmp_path):
    """The window may open before the server listens: its page waits, then goes to the app."""
    port = free_port()
    opener = write_opener(tmp_path, f"http://127.0.0.1:{port}/?t=secret</script>")
    assert opener.stat().st_mode & 0o777 == 0o600
    ctx = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, "--allow-file-access-from-files"]
    )
    server = None
    try:
        page = ctx.new_page()
        page.goto(opener.as_uri())
        page.wait_for_timeout(600)  # nothing listens yet: the page waits
        assert page.url.startswith("file:")
        site = tmp_path / "site"
        site.mkdir()
        shutil.copy(FAVICON, site / "favicon.png")
        (site / "index.html").write_text("<title>the app</title>")
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        page.wait_for_url(f"http://127.0.0.1:{port}/?t=secret%3C/script%3E", timeout=10_000)
        assert page.title() == "the app"
    finally:
        ctx.close()
        if server is not None:
            server.shutdown()
            server.server_close()


def test_a_profile_held_by_a_running_browser_is_not_taken(tmp_path):
    profile = tmp_path / "chromium"
    profile.mkdir()
    assert not _profile_in_use(profile)
    os.symlink(f"{socket.gethostname()}-{os.getpid()}", profile / "SingletonLock")
    assert _profile_in_use(profile)  # a live browser (here: this process) holds it
    (profile / "SingletonLock").unlink()
    os.symlink(f"{socket.gethostname()}-999999999", profile / "SingletonLock")
    assert not _profile_in_use(profile)  # left behind by a browser that is gone


@pytest.mark.e2e
def test_app_window_keeps_its_profile_and_loads_the_front_end_from_the_cache(start_app, playwright_driver, tmp_path):
    """Chromium in --app mode as the app starts it (under Xvfb): the second start finds Streamlit's
    front-end files in the window's kept cache, at the same address."""
    cdp_port = free_port()
    spy = chromium_spy(tmp_path / "bin", cdp_port)
    home = tmp_path / "home"
    counts = []
    with xvfb() as display:
        for _ in range(2):
            app = start_app(home, FIELDBOOK_WINDOW="app", DISPLAY=display, PATH=f"{spy.parent}:{os.environ['PATH']}")
            browser = attach(playwright_driver, cdp_port, time.monotonic() + 60)
            try:
                _, timings = wait_usable(browser, APP_USABLE, time.monotonic() + 60)
                counts.append((timings["resources"], timings["cached"]))
                fetched = timings["fetched"]
            finally:
                assert app.stop(signal.SIGTERM) == 0  # closes the window, in order
                try:
                    browser.close()
                except Exception:
                    pass  # the window is gone already
    (total_1, cached_1), (total_2, cached_2) = counts
    assert cached_1 == 0 and total_1 > 20, counts
    assert cached_2 >= total_2 * 0.8, f"the second start should load the front end from the cache: {counts}; fetched: {fetched}"
    assert (home / "data" / "window" / "chromium").is_dir()  # kept
    assert not list((home / "run").glob("window-profile-*"))  # no temporary profile was needed


def python_lines(code: str) -> list[str]:
    """What a fresh interpreter (the repository's venv) prints for ``code``, line by line."""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()


def test_the_start_imports_nothing_the_first_page_can_do_without():
    """What the app imports to start (the store, the jobs, the sync status, every page) leaves
    app.desktop.startup.HEAVY alone (the running app's own check is in its start-up log line, see
    test_start_up_phases_are_logged); the sync still gets the real psycopg when it needs it."""
    code = (
        "import sys, app.desktop.lifecycle, app.shell\n"
        "from app.desktop.startup import HEAVY\n"
        "print(sorted(m for m in HEAVY if m in sys.modules))\n"
        "import huey.storage, psycopg\n"
        "print(huey.storage.psycopg is None, callable(psycopg.connect))\n"
    )
    assert python_lines(code) == ["[]", "True True"]


def test_first_page_leaves_streamlits_repl_check_out(monkeypatch):
    """Streamlit's first element asks whether it runs in a REPL, walking the whole call stack
    (~70 ms of the first page); the embedded server marks that warning as given. The flag is
    Streamlit's internal: this fails if an upgrade renames it."""
    from streamlit import delta_generator, env_util

    from app.desktop.server import skip_direct_run_warning

    def no_stack_walk() -> bool:
        raise AssertionError("the REPL check ran")

    monkeypatch.setattr(env_util, "is_repl", no_stack_walk)
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    with pytest.raises(AssertionError, match="REPL check"):
        delta_generator._maybe_print_use_warning()
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    skip_direct_run_warning()
    delta_generator._maybe_print_use_warning()


def test_streamlit_takes_the_servers_options():
    """Every option the embedded server sets is one Streamlit 1.67 knows and keeps (an unknown
    or renamed one would be dropped or fail the start); among them: no full garbage collection
    after each script run (50–90 ms of every rerun with the app in memory)."""
    code = (
        "from streamlit import config\n"
        "from streamlit.web import bootstrap\n"
        "from app.desktop.server import streamlit_options\n"
        "options = streamlit_options(8765, 'dark', 25)\n"
        "bootstrap.load_config_options(flag_options=options)\n"
        "print(all(config.get_option(k) == v for k, v in options.items()), config.get_option('runner.postScriptGC'))\n"
    )
    assert python_lines(code)[-1] == "True False"


def test_the_opener_probe_is_a_real_address_with_or_without_a_query():
    from app.desktop.window import _probe_url

    assert _probe_url("http://127.0.0.1:5/") == "http://127.0.0.1:5/favicon.png?"
    assert _probe_url("http://127.0.0.1:5/?t=abc") == "http://127.0.0.1:5/favicon.png?t=abc&"
