"""How the app is shown: a native webview, a Chromium-family browser in app mode, the default
browser, or nothing (the URL is printed).

``FIELDBOOK_WINDOW`` forces one; ``auto`` takes the first that can work here. Every strategy runs
on the main thread (GUI toolkits need it) through ``Window.run(stop)``, which returns when the
window was closed or ``stop`` was set. The URL with the launch token is handed to browsers through
a 0600 file in the runtime folder, not on their command line, where other local users could read
it.
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.desktop import startup

if TYPE_CHECKING:
    from app.desktop.server import EmbeddedServer
    from store.core import AppConfig

log = logging.getLogger(__name__)

STRATEGIES = ("webview", "app", "browser", "none")
NO_WINDOW_HINT = (
    "Fieldbook found no way to show its window here (no pywebview, Chromium, Chrome, Edge or default browser); "
    "open the address after 'Fieldbook ready:' in a browser on this computer, or install one of them."
)
_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "msedge", "chrome")


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def find_chromium() -> str | None:
    for name in _CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    if sys.platform == "win32":  # pragma: no cover
        for base in (os.environ.get("PROGRAMFILES(X86)", ""), os.environ.get("PROGRAMFILES", "")):
            for rel in (r"Microsoft\Edge\Application\msedge.exe", r"Google\Chrome\Application\chrome.exe"):
                candidate = Path(base) / rel
                if candidate.exists():
                    return str(candidate)
    if sys.platform == "darwin":  # pragma: no cover
        for app in ("Google Chrome", "Microsoft Edge", "Chromium"):
            candidate = Path("/Applications") / f"{app}.app" / "Contents" / "MacOS" / app
            if candidate.exists():
                return str(candidate)
    return None


# Qt's xcb platform plugin aborts the whole process (no exception to catch) when one of these
# is missing, so they are checked before Qt is chosen (Debian package names in parentheses).
_QT_XCB_LIBS = {"xcb-cursor": "libxcb-cursor0", "xkbcommon-x11": "libxkbcommon-x11-0", "xcb-icccm": "libxcb-icccm4"}


def webview_missing() -> str | None:
    """Why pywebview cannot show a window here, or None when it can.

    Windows (WebView2) and macOS (WebKit) need only the package; Linux needs its Qt backend
    (the ``native`` extra) and the X libraries Qt loads at run time.
    """
    try:
        import webview  # noqa: F401
    except Exception:
        return "pywebview is not installed"
    if sys.platform.startswith("linux"):
        try:
            import qtpy  # noqa: F401
        except Exception:
            return "pywebview's Qt backend is not installed (pip install 'fieldbook[native]')"
        import ctypes.util

        missing = [pkg for lib, pkg in _QT_XCB_LIBS.items() if ctypes.util.find_library(lib) is None]
        if missing and not os.environ.get("WAYLAND_DISPLAY"):
            return f"Qt needs the system libraries {', '.join(missing)}"
    return None


def default_browser_available() -> bool:
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def choose_strategy(requested: str) -> tuple[str, str]:
    """The strategy to use and why (for the log)."""
    if requested in STRATEGIES:
        return requested, f"FIELDBOOK_WINDOW={requested}"
    if not has_display():
        return "none", "no display found"
    no_webview = webview_missing()
    if no_webview is None:
        return "webview", "pywebview with a backend is installed"
    if find_chromium():
        return "app", f"{no_webview}; a Chromium-family browser was found"
    if default_browser_available():
        return "browser", f"{no_webview} and no Chromium-family browser; using the default browser"
    return "none", f"{no_webview}, no Chromium-family browser and no default browser were found"


# The window may open before the app's server listens (it starts while the app does): the opener
# asks the server for a small file every 50 ms and goes to the app as soon as one arrives. Without
# JavaScript it forwards at once, as it always did.
_OPENER = """<!doctype html><meta charset="utf-8"><title>Fieldbook</title>
<noscript><meta http-equiv="refresh" content="0;url={url}"></noscript>
<style>html{{background:#fff;color:#888;font:1rem system-ui,sans-serif}}
@media (prefers-color-scheme:dark){{html{{background:#0e1117}}}}</style>
<script>
const target = {target};
function probe() {{
  const img = new Image();
  img.onload = () => location.replace(target);
  img.onerror = () => setTimeout(probe, 50);
  img.src = {probe} + "_=" + Date.now();
}}
probe();
</script>
"""


def _probe_url(url: str) -> str:
    """The opener's probe: the app's icon, with ``url``'s query (the launch token) and room for a
    cache-busting parameter. (``urljoin`` would drop a bare "?".)"""
    from urllib.parse import urljoin, urlsplit

    query = urlsplit(url).query
    return urljoin(url, "/favicon.png") + "?" + (query + "&" if query else "")


def write_opener(runtime_dir: Path, url: str) -> Path:
    """A private HTML file that forwards to ``url`` (which carries the launch token) once the app's
    server answers (its probe carries the token too: the server's edge refuses requests without)."""
    import json
    path = Path(runtime_dir) / "open.html"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # json.dumps gives a JavaScript string literal; "</" is escaped so it cannot end the script.
    target, probe = (json.dumps(u).replace("</", "<\\/") for u in (url, _probe_url(url)))
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(_OPENER.format(url=html.escape(url, quote=True), target=target, probe=probe))
    return path


class Window:
    """Base: nothing to show; ``run`` waits for ``stop``.

    ``profile_dir`` is the window's own folder that outlives a run (its browser's profile and
    cache), so later starts load the app's front end from the cache instead of the server.
    """

    strategy = "none"

    def __init__(self, url: str, runtime_dir: Path, profile_dir: Path | None = None) -> None:
        self.url = url
        self.runtime_dir = Path(runtime_dir)
        self.profile_dir = Path(profile_dir) if profile_dir is not None else None

    def open_early(self) -> None:
        """Start showing the window before the app's server listens, where that can be undone by
        ``close()`` (the app may yet fail to start); by default the window opens in ``run``."""

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(0.2):
            pass

    def show(self) -> None:
        """Bring the window to the front (a second launch asks for this)."""

    def close(self) -> None:
        """Close the window from another thread."""


class BrowserWindow(Window):
    strategy = "browser"

    def run(self, stop: threading.Event) -> None:
        self.show()
        super().run(stop)

    def show(self) -> None:
        if not webbrowser.open(write_opener(self.runtime_dir, self.url).as_uri()):
            log.warning("the default browser could not be started")
            print(NO_WINDOW_HINT, file=sys.stderr, flush=True)


class AppModeWindow(Window):
    """Chromium/Chrome/Edge with ``--app``: a plain window without browser chrome."""

    strategy = "app"

    def __init__(self, url: str, runtime_dir: Path, profile_dir: Path | None = None, binary: str | None = None) -> None:
        super().__init__(url, runtime_dir, profile_dir)
        self.binary = binary or find_chromium()
        self.profile = self._choose_profile()
        self._proc: subprocess.Popen[bytes] | None = None

    def _choose_profile(self) -> Path:
        """The kept profile (its cache makes the next start faster), unless a browser still runs
        with it (a window left over from a crashed run): that browser would take our window over
        and our process would exit at once, looking like a closed window. Then, as without a kept
        profile, one of this run's own that is removed at the end."""
        if self.profile_dir is not None and not _profile_in_use(self.profile_dir):
            try:
                self.profile_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
                return self.profile_dir
            except OSError:
                log.warning("the window profile %s cannot be used; using a temporary one", self.profile_dir)
        return self.runtime_dir / f"window-profile-{os.getpid()}"

    @property
    def _temporary_profile(self) -> bool:
        return self.profile != self.profile_dir

    def _spawn(self) -> subprocess.Popen[bytes]:
        if not self.binary:
            from store.core import FieldbookError

            raise FieldbookError("No Chromium, Chrome or Edge was found to show the window.")
        opener = write_opener(self.runtime_dir, self.url)
        args = [
            self.binary,
            f"--app={opener.as_uri()}",
            f"--user-data-dir={self.profile}",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--allow-file-access-from-files",
            # a window closed by a signal (the app's shutdown) is not a crash to offer restoring
            "--hide-crash-restore-bubble",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to start as root otherwise
        return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def open_early(self) -> None:
        if self._proc is None and self.binary:
            self._proc = self._spawn()

    def run(self, stop: threading.Event) -> None:
        if self._proc is None:
            self._proc = self._spawn()
        while not stop.wait(0.2):
            if self._proc.poll() is not None:
                log.info("app window closed (browser exit code %s)", self._proc.returncode)
                return
        self.close()

    def show(self) -> None:
        self._spawn()  # the running browser owns this profile: it opens a new window and this exits

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)
        if self._temporary_profile:
            shutil.rmtree(self.profile, ignore_errors=True)


class WebviewWindow(Window):
    """pywebview's native window: WebView2 (Windows), WebKit (macOS), Qt WebEngine (Linux).

    If pywebview fails to start (a broken backend), the app falls back to Chromium's --app
    window, then the default browser, instead of quitting.
    """

    strategy = "webview"

    def __init__(self, url: str, runtime_dir: Path, profile_dir: Path | None = None) -> None:
        super().__init__(url, runtime_dir, profile_dir)
        self._window = None
        self._fallback: Window | None = None

    def run(self, stop: threading.Event) -> None:
        if sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0:
            os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # like Chromium, it refuses root otherwise
        try:
            import webview

            self._window = webview.create_window("Fieldbook", self.url, width=1200, height=800, min_size=(640, 480))

            def watch() -> None:
                stop.wait()
                self.close()

            threading.Thread(target=watch, name="window-watch", daemon=True).start()
            # Qt must be asked for by name on Linux: pywebview tries GTK first there.
            webview.start(gui="qt" if sys.platform.startswith("linux") else None, **self._storage())
            self._window = None  # closed: nothing left to destroy
        except Exception:
            if stop.is_set():
                return
            log.exception("pywebview failed; falling back to a browser window")
            self._fallback = (
                AppModeWindow(self.url, self.runtime_dir, self._sibling("chromium")) if find_chromium() else BrowserWindow(self.url, self.runtime_dir)
            )
            self._fallback.run(stop)
            return
        log.info("native window closed")

    def _sibling(self, name: str) -> Path | None:
        return None if self.profile_dir is None else self.profile_dir.parent / name

    def _storage(self) -> dict[str, Any]:
        """pywebview's default is a private session (no disk cache): keep one in the profile folder."""
        if self.profile_dir is None:
            return {}
        try:
            self.profile_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return {}
        return {"private_mode": False, "storage_path": str(self.profile_dir)}

    def show(self) -> None:
        if self._fallback is not None:
            self._fallback.show()
        elif self._window is not None:
            self._window.restore()
            self._window.show()

    def close(self) -> None:
        if self._fallback is not None:
            self._fallback.close()
        else:
            window, self._window = self._window, None  # the watcher and the shutdown both close it
            if window is not None:
                window.destroy()


def _profile_in_use(profile: Path) -> bool:
    """Whether a live Chromium holds ``profile`` (its SingletonLock names host and process)."""
    try:
        target = os.readlink(profile / "SingletonLock")
    except OSError:
        return False  # no lock (or Windows, where the lock is a file the OS frees with the process)
    host, _, pid = target.rpartition("-")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's browser on a shared folder: do not touch it
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def make_window(strategy: str, url: str, runtime_dir: Path, profile_dir: Path | None = None) -> Window:
    """The window for ``strategy``; ``profile_dir`` (kept between runs) holds its browser profile."""
    if strategy == "app":
        return AppModeWindow(url, runtime_dir, None if profile_dir is None else profile_dir / "chromium")
    if strategy == "webview":
        return WebviewWindow(url, runtime_dir, None if profile_dir is None else profile_dir / "webview")
    classes: dict[str, type[Window]] = {"browser": BrowserWindow, "none": Window}
    return classes[strategy](url, runtime_dir)


@dataclass
class Opening:
    """What a start decides before anything heavy: the address (port and launch token) and the
    window, which for the app strategy is already starting when this is returned."""

    url: str
    port: int
    token: str
    strategy: str
    window: Window
    reserved: socket.socket | None  # holds ``port`` for the server (see app.desktop.server.reserve_port)
    server: EmbeddedServer | None = None  # started early by app.desktop.launch.begin


def open_window(cfg: AppConfig) -> Opening:
    """Choose the window and the address, and start opening the window at once: Chromium's start
    (~1 s) then overlaps the app's own (imports, store, jobs, server) instead of following it; its
    opener page goes to the app as soon as the server answers. ``FIELDBOOK_PORT`` other than 0
    is used as given; 0 means this data folder's own port (``reserve_port``)."""
    import secrets

    from app.desktop.server import ADDRESS, check_port_free, reserve_port

    reserved = None
    if cfg.port:
        check_port_free(cfg.port)
        port = cfg.port
    else:
        reserved = reserve_port(cfg.paths.data_dir / "window" / "port")
        port = int(reserved.getsockname()[1])
    token = secrets.token_urlsafe(24)
    url = f"http://{ADDRESS}:{port}/?t={token}"
    strategy, why = choose_strategy(cfg.window)
    log.info("window strategy %s (%s)", strategy, why)
    if strategy == "none" and cfg.window == "auto" and has_display():
        print(NO_WINDOW_HINT, file=sys.stderr, flush=True)  # a desktop without any browser
    window = make_window(strategy, url, cfg.paths.runtime_dir, cfg.paths.data_dir / "window")
    try:
        window.open_early()
    except Exception:
        log.exception("the window could not open early; it opens when the app is ready")
    startup.mark("window opening")
    return Opening(url, port, token, strategy, window, reserved)
