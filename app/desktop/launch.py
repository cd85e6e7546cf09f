"""The start's first step, before the store's and the jobs' modules are imported: open the
window and start the server, so the window's browser starts and loads Streamlit's front end while
the app opens its store (``app.desktop.lifecycle``). Light on purpose, like ``app.desktop.startup``, whose marks
time it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.desktop.window import Opening
    from store.core import AppConfig

log = logging.getLogger(__name__)

SCRIPT = Path(__file__).parents[1] / "main.py"  # what the server runs


def _theme_file(cfg: AppConfig) -> Path:
    return cfg.paths.data_dir / "window" / "theme"


def remember_theme(cfg: AppConfig, theme: str) -> None:
    """Note the user's theme for the next start, whose server starts before the store is open.
    (Changed meanwhile, it costs that start one more script run: app/shell.py's ``_apply_theme``.)"""
    try:
        path = _theme_file(cfg)
        if not path.exists() or path.read_text(encoding="utf-8") != theme:
            path.write_text(theme, encoding="utf-8")
    except OSError:
        log.warning("could not remember the theme")


def begin(cfg: AppConfig) -> Opening:
    """What a start does before the store's and the jobs' modules are even imported: choose the
    address and open the window (``app.desktop.window.open_window``), then start the server, so the
    window loads Streamlit's front end while the app opens its store and starts its jobs. The
    first script run waits for the store (``app.desktop.runtime.starting``)."""
    from app.desktop import runtime
    from app.desktop.server import EmbeddedServer
    from app.desktop.window import open_window

    opening = open_window(cfg)
    try:
        theme = _theme_file(cfg).read_text(encoding="utf-8").strip()
    except OSError:
        theme = cfg.theme
    runtime.starting()
    opening.server = EmbeddedServer(
        SCRIPT, token=opening.token, port=opening.port, theme=theme, max_upload_mb=cfg.max_upload_mb,
        max_upload_held_mb=cfg.max_upload_held_mb, reserved=opening.reserved)
    opening.server.launch()
    # Streamlit's import first, alone: sharing the interpreter with the store's imports would
    # delay the moment the window can start loading the front end (~1 s in the browser process).
    opening.server.wait_listening()
    return opening
