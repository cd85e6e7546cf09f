"""Which window `auto` picks, and the reason it logs, for the machines Fieldbook meets: a server
without a display, a desktop with pywebview, with only Chromium, with only a default browser,
and with nothing at all. Absent programs are absent from PATH; an absent pywebview is blocked
from importing (``sys.modules[name] = None`` makes ``import`` fail as if it were not installed)."""

from __future__ import annotations

import sys
import webbrowser
from pathlib import Path

import pytest

from app.desktop.window import choose_strategy


@pytest.fixture
def desktop(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A display, an empty PATH (no browsers) and a fresh webbrowser registry."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # re-read PATH on the next webbrowser.get()
    monkeypatch.setattr(webbrowser, "_browsers", {})
    return bin_dir


def no_webview(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "webview", None)


def add_program(bin_dir: Path, name: str) -> None:
    program = bin_dir / name
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)


def test_forced_strategy_wins(desktop):
    assert choose_strategy("app") == ("app", "FIELDBOOK_WINDOW=app")


def test_no_display_prints_the_address(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert choose_strategy("auto") == ("none", "no display found")


def test_webview_first(desktop):
    # The native extra is installed for the tests, with Qt's libraries (.ci/run installs them).
    assert choose_strategy("auto") == ("webview", "pywebview with a backend is installed")


def test_chromium_without_webview(desktop, monkeypatch):
    no_webview(monkeypatch)
    add_program(desktop, "chromium")
    assert choose_strategy("auto") == ("app", "pywebview is not installed; a Chromium-family browser was found")


def test_default_browser_without_chromium(desktop, monkeypatch):
    no_webview(monkeypatch)
    add_program(desktop, "xdg-open")
    strategy, why = choose_strategy("auto")
    assert strategy == "browser" and "using the default browser" in why


def test_nothing_to_show_a_window(desktop, monkeypatch):
    no_webview(monkeypatch)
    assert choose_strategy("auto") == ("none", "pywebview is not installed, no Chromium-family browser and no default browser were found")
