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
import subprocess
import sys
import threading
import webbrowser
from pathlib import Path

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


def write_opener(runtime_dir: Path, url: str) -> Path:
    """A private HTML file that forwards to ``url`` (which carries the launch token)."""
    path = Path(runtime_dir) / "open.html"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    safe = html.escape(url, quote=True)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(
            f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={safe}">'
            f'<title>Fieldbook</title><a href="{safe}">Fieldbook</a>'
        )
    return path


class Window:
    """Base: nothing to show; ``run`` waits for ``stop``."""

    strategy = "none"

    def __init__(self, url: str, runtime_dir: Path) -> None:
        self.url = url
        self.runtime_dir = Path(runtime_dir)

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

    def __init__(self, url: str, runtime_dir: Path, binary: str | None = None) -> None:
        super().__init__(url, runtime_dir)
        self.binary = binary or find_chromium()
        # A profile of this run's own: a browser already running with the same profile would
        # take the window over and our process would exit at once, looking like a closed window.
        self.profile = self.runtime_dir / f"window-profile-{os.getpid()}"
        self._proc: subprocess.Popen[bytes] | None = None

    def _spawn(self) -> subprocess.Popen[bytes]:
        if not self.binary:
            from store.errors import FieldbookError

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
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to start as root otherwise
        return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def run(self, stop: threading.Event) -> None:
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
        shutil.rmtree(self.profile, ignore_errors=True)


class WebviewWindow(Window):
    """pywebview's native window: WebView2 (Windows), WebKit (macOS), Qt WebEngine (Linux).

    If pywebview fails to start (a broken backend), the app falls back to Chromium's --app
    window, then the default browser, instead of quitting.
    """

    strategy = "webview"

    def __init__(self, url: str, runtime_dir: Path) -> None:
        super().__init__(url, runtime_dir)
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
            webview.start(gui="qt" if sys.platform.startswith("linux") else None)
            self._window = None  # closed: nothing left to destroy
        except Exception:
            if stop.is_set():
                return
            log.exception("pywebview failed; falling back to a browser window")
            self._fallback = AppModeWindow(self.url, self.runtime_dir) if find_chromium() else BrowserWindow(self.url, self.runtime_dir)
            self._fallback.run(stop)
            return
        log.info("native window closed")

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


def make_window(strategy: str, url: str, runtime_dir: Path) -> Window:
    classes: dict[str, type[Window]] = {
        "webview": WebviewWindow,
        "app": AppModeWindow,
        "browser": BrowserWindow,
        "none": Window,
    }
    return classes[strategy](url, runtime_dir)
