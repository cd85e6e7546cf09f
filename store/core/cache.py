"""A small read cache: ``get_or_compute(key, fn, ttl, tags)``, invalidated by tag after writes.

Expensive reads (a filtered page of 100,000 records, dashboard aggregates) are computed once per
state of the data. Writers call ``invalidate(tag)`` after their commit; every entry carrying that
tag is dropped. A generation per tag closes the race where a read that started before a write
stores its stale result after the invalidation: the entry remembers the generations it was
computed under and is ignored if any moved on meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class _Entry:
    value: Any
    expires: float
    tags: tuple[str, ...]
    generations: tuple[int, ...]


class TagCache:
    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._generations: dict[str, int] = {}
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, fn: Callable[[], T], *, ttl: float = 300.0, tags: Iterable[str] = ()) -> T:
        """The cached value for ``key``, or ``fn()`` (stored under ``tags`` for ``ttl`` seconds)."""
        tags = tuple(tags)
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.expires > now and entry.generations == self._gens(entry.tags):
                self._entries.move_to_end(key)
                self.hits += 1
                return entry.value  # type: ignore[no-any-return]
            self.misses += 1
            generations = self._gens(tags)
        value = fn()
        with self._lock:
            if generations == self._gens(tags):
                self._entries[key] = _Entry(value, now + ttl, tags, generations)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return value

    def invalidate(self, *tags: str) -> None:
        with self._lock:
            for tag in tags:
                self._generations[tag] = self._generations.get(tag, 0) + 1
            stale = [k for k, e in self._entries.items() if set(e.tags) & set(tags)]
            for key in stale:
                del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            for tag in self._generations:
                self._generations[tag] += 1

    def _gens(self, tags: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(self._generations.get(t, 0) for t in tags)
