"""Where the way to the first page spends its time (the way itself: ``app.desktop.launch.begin``).

``mark()`` notes when each step is done; the first finished script run logs them
all once, as seconds since the process started. The marks are wall-clock times, so a benchmark in
another process can put them on one line with its own clock and the browser's. Light on purpose
(the standard library only at import).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

log = logging.getLogger("fieldbook.startup")


_lock = threading.Lock()
_marks: dict[str, float] = {}
_logged = False
FIRST_PAGE_SHOWN = threading.Event()  # background work that would slow the first page waits for this


def _process_start() -> float:
    """When the OS started this process (Linux: from /proc, 10 ms steps), else now."""
    if sys.platform.startswith("linux") and hasattr(time, "CLOCK_BOOTTIME"):
        try:
            with open(f"/proc/{os.getpid()}/stat", encoding="ascii") as fh:
                ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
            age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
            return time.time() - max(0.0, age)
        except (OSError, ValueError, IndexError):
            pass
    return time.time()


PROCESS_START = _process_start()


def mark(name: str) -> None:
    """Note that step ``name`` is done (the first time only: a restart of a step is not a start)."""
    with _lock:
        _marks.setdefault(name, time.time())


def marks() -> dict[str, float]:
    with _lock:
        return dict(_marks)


def first_page_done() -> None:
    """The first script run has finished: log the whole start once, as seconds since process start."""
    global _logged
    mark("first script run done")
    with _lock:
        if _logged:
            return
        _logged = True
        ordered = sorted(_marks.items(), key=lambda item: item[1])
    early = [name for name in HEAVY if name in sys.modules]
    log.info(
        "start-up (process started at %.3f): %s; loaded before the first page, of those kept for later: %s",
        PROCESS_START, ", ".join(f"{name} {at - PROCESS_START:.3f} s" for name, at in ordered), ", ".join(early) or "none",
    )
    FIRST_PAGE_SHOWN.set()
    threading.Thread(target=_warm_up, name="warm-up-later", daemon=True).start()


# Imported by some pages only (tables), kept off the way to the first page; imported once that
# page is shown, so opening those pages later does not wait for them (~0.7 s). Altair (the
# dashboard's chart, ~0.5 s) is left to the dashboard: it would cost every start ~30 MB.
LATER = ("pandas", "pyarrow")
# What the first page does without, each a noticeable part of a start: the tables' libraries; psycopg
# (~0.3 s: Huey's storage would import it, jobs/__init__.py); the keyring's backends (~0.5 s: the
# sync scheduler asks the keyring once the first page is shown); the sync engine and the server
# schema. The start-up log line names any of them loaded before the first page (a test reads it).
HEAVY = (*LATER, "numpy", "altair", "psycopg", "keyring", "store.sync.engine", "store.sync.server_schema")


def _warm_up() -> None:
    import importlib

    for name in LATER:
        try:
            importlib.import_module(name)
        except Exception:  # not installed, or broken: the page that needs it says so
            log.debug("warm-up import of %s failed", name, exc_info=True)
