"""The job system's housekeeping thread: small chores, each on its own interval.

Chores (registered by the service): flush throttled progress, renew the leases of running jobs,
sweep for jobs a lost trigger or an unrecorded end left behind, enqueue due periodic jobs, and
restart a dead Huey worker. Each runs on this one thread, so they never overlap, and a chore that
raises is logged and tried again at its next turn. Idle, a tick touches no database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class _Chore:
    name: str
    every_s: float
    fn: Callable[[], object]
    next_at: float


class Keeper:
    def __init__(self, tick_s: float = 0.25) -> None:
        self.tick_s = tick_s
        self._chores: list[_Chore] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def every(self, name: str, seconds: float, fn: Callable[[], object], *, first_after: float | None = None) -> None:
        delay = seconds if first_after is None else first_after
        self._chores.append(_Chore(name, seconds, fn, time.monotonic() + delay))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="jobs-keeper", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_due(self) -> None:
        now = time.monotonic()
        for chore in self._chores:
            if now < chore.next_at:
                continue
            chore.next_at = now + chore.every_s
            try:
                chore.fn()
            except Exception:
                log.exception("job housekeeping %s failed", chore.name)

    def _run(self) -> None:
        while not self._stop.wait(self.tick_s):
            self.run_due()
