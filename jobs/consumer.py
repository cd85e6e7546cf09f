"""Huey's consumer, run in threads inside the app's process.

``Consumer.start()`` installs signal handlers, which only works on the main thread (``signal only
works in main thread``) — and the main thread belongs to the launcher, which handles SIGINT/SIGTERM
and shuts everything down in order. So the handlers are skipped here.

Polling: an idle Huey worker backs off up to ``max_delay`` between looks at the queue; the
defaults (0.1 s growing to 10 s) made the first job after a minute idle wait 3.8 s. With
``initial_delay=0.01, backoff=1.1, max_delay=0.2`` a job is seen within 0.2 s at worst. And since
the producer lives in the same process, a push also wakes the idle workers at once (``wake``), so
a job enqueued after a pause does not wait for the next poll.

``_set_signal_handlers``, ``worker_class`` and ``Worker.sleep`` are Huey internals: huey is pinned
in pyproject.toml and this module has its own tests.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from huey import Huey
from huey.consumer import Consumer, Worker

log = logging.getLogger(__name__)

POLLING: dict[str, float] = {"initial_delay": 0.01, "backoff": 1.1, "max_delay": 0.2}


class _WakeableWorker(Worker):
    """A worker whose back-off sleep ends early when ``wake`` is set."""

    wake: threading.Event
    delay: float
    default_delay: float
    max_delay: float
    backoff: float

    def sleep(self) -> None:
        if self.delay > self.max_delay:
            self.delay = self.max_delay
        if self.wake.wait(self.delay):
            self.wake.clear()
            self.delay = self.default_delay
        else:
            self.delay *= self.backoff


class InProcessConsumer(Consumer):
    """A Huey consumer whose workers and scheduler are threads of this process."""

    def __init__(self, huey: Huey, *, wake: threading.Event | None = None, **options: Any) -> None:
        self.wake = wake or threading.Event()
        self.worker_class = type("Worker", (_WakeableWorker,), {"wake": self.wake})
        super().__init__(huey, **options)

    def _set_signal_handlers(self) -> None:
        pass  # the launcher owns the signals (main thread) and stops us in its shutdown order

    def stop(self, graceful: bool = False) -> None:
        self.stop_flag.set()
        self.wake.set()  # idle workers notice the stop now, not after their back-off
        super().stop(graceful=graceful)

    def is_running(self) -> bool:
        return not self.stop_flag.is_set() and any(t.is_alive() for _, t in self.worker_threads)


def start_consumer(
    huey: Huey,
    *,
    workers: int = 2,
    shutdown_timeout: float = 10.0,
    wake: threading.Event | None = None,
    **options: Any,
) -> InProcessConsumer:
    """Start ``workers`` worker threads and the scheduler thread; returns the running consumer.

    Huey's own periodic tasks are off: periodic jobs go through the ledger (jobs/periodic.py).
    """
    settings: dict[str, Any] = {**POLLING, "scheduler_interval": 1, "periodic": False, "worker_type": "thread"}
    settings.update(options)
    consumer = InProcessConsumer(huey, wake=wake, workers=workers, shutdown_timeout=shutdown_timeout, **settings)
    consumer.start()
    return consumer
