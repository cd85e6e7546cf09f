"""Periodic jobs: "run ``snapshot.create`` every 15 minutes", kept in the ledger.

Other parts of Fieldbook register what they need at import time::

    from jobs.periodic import Periodic, register
    register(Periodic("snapshots.auto", "snapshot.create", every_s=900, args={"reason": "auto"}))

Each run is an ordinary job tagged ``periodic:<key>``. When the next run is due is worked out from
the newest such job in the ledger, so a restart neither repeats a run that just happened nor
forgets one that is overdue; a run is skipped while the previous one is still queued or running.
Huey's own periodic tasks (crontab, checked once a minute, forgotten at restart) are not used.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jobs.ledger import Ledger
from jobs.model import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    key: str  # unique and stable: it ties the runs in the ledger together
    name: str  # the task to run
    every_s: float
    args: Mapping[str, Any] = field(default_factory=dict)
    priority: int = 0
    run_at_start: bool = False  # never ran before: run now (else first after every_s)

    @property
    def tag(self) -> str:
        return f"periodic:{self.key}"


PERIODICS: dict[str, Periodic] = {}


def register(periodic: Periodic) -> Periodic:
    """Add (or replace) the periodic job ``periodic.key``; it applies from the next app start."""
    if periodic.every_s <= 0:
        raise ValueError("every_s must be positive")
    PERIODICS[periodic.key] = periodic
    return periodic


def unregister(key: str) -> None:
    PERIODICS.pop(key, None)


Enqueue = Callable[[Periodic], str]


class PeriodicScheduler:
    """Called by the keeper every second or so: enqueue each periodic job that is due."""

    def __init__(self, ledger: Ledger, periodics: Mapping[str, Periodic], enqueue: Enqueue) -> None:
        self._ledger = ledger
        self._periodics = dict(periodics)
        self._enqueue = enqueue
        self._due: dict[str, dt.datetime] = {}

    def tick(self, now: dt.datetime | None = None) -> list[str]:
        """Enqueue what is due; the ids of the jobs enqueued."""
        now = now or utcnow()
        started = []
        for key, periodic in self._periodics.items():
            due = self._due.get(key)
            if due is None:
                due = self._first_due(periodic, now)
                self._due[key] = due
            if now < due:
                continue
            self._due[key] = now + dt.timedelta(seconds=periodic.every_s)
            _, active = self._ledger.last_created(periodic.tag)
            if active:
                log.info("periodic job %s skipped: the previous run has not finished", key)
                continue
            try:
                started.append(self._enqueue(periodic))
            except Exception:
                log.exception("periodic job %s could not be enqueued", key)
        return started

    def _first_due(self, periodic: Periodic, now: dt.datetime) -> dt.datetime:
        last, _ = self._ledger.last_created(periodic.tag)
        if last is not None:
            return last + dt.timedelta(seconds=periodic.every_s)
        return now if periodic.run_at_start else now + dt.timedelta(seconds=periodic.every_s)
