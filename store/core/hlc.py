"""Hybrid logical clock: timestamps that order edits across devices whose clocks disagree.

A stamp is ``"<physical ms:013d>-<counter:05d>-<device>"``; comparing two stamps as strings
compares them as clocks (ties broken by device id), which is what sync's "later edit wins" needs.
``tick`` never goes backwards, even when the wall clock does; ``observe`` moves the clock past a
stamp received from another device.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

MAX_COUNTER = 99_999


def parse(stamp: str) -> tuple[int, int, str]:
    physical, counter, device = stamp.split("-", 2)
    return int(physical), int(counter), device


def format_stamp(physical: int, counter: int, device: str) -> str:
    return f"{physical:013d}-{counter:05d}-{device}"


class Clock:
    def __init__(self, device: str, *, wall_ms: Callable[[], int] | None = None) -> None:
        self.device = device
        self._wall_ms = wall_ms or (lambda: int(time.time() * 1000))
        self._physical = 0
        self._counter = 0
        self._lock = threading.Lock()

    def tick(self) -> str:
        """A stamp later than every stamp this clock has made or observed."""
        with self._lock:
            wall = self._wall_ms()
            if wall > self._physical:
                self._physical, self._counter = wall, 0
            elif self._counter < MAX_COUNTER:
                self._counter += 1
            else:  # five digits are full: borrow the next millisecond so stamps keep sorting as strings
                self._physical, self._counter = self._physical + 1, 0
            return format_stamp(self._physical, self._counter, self.device)

    def observe(self, stamp: str) -> None:
        """Move past ``stamp`` (from another device), so the next tick orders after it."""
        physical, counter, _ = parse(stamp)
        with self._lock:
            if (physical, counter) > (self._physical, self._counter):
                self._physical, self._counter = physical, counter
