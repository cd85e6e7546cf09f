"""Script-run durations (the seed's budget: 95% of interactions recompute within 50 ms).

Process-wide and in memory: a ring of the last runs, summarised for the diagnostics section and
the benchmarks. No Streamlit here; the shell times each run and records it.
"""

from __future__ import annotations

import collections
import threading
from dataclasses import dataclass

BUDGET_S = 0.050


@dataclass(frozen=True)
class Run:
    seconds: float
    trigger: str
    page: str


@dataclass(frozen=True)
class Summary:
    count: int
    p50_ms: float
    p95_ms: float
    within_budget: float  # share 0..1


class RunMetrics:
    def __init__(self, size: int = 5000) -> None:
        self._runs: collections.deque[Run] = collections.deque(maxlen=size)
        self._lock = threading.Lock()

    def record(self, seconds: float, trigger: str, page: str) -> None:
        with self._lock:
            self._runs.append(Run(seconds, trigger, page))

    def runs(self) -> list[Run]:
        with self._lock:
            return list(self._runs)

    def summary(self, *, interactions_only: bool = True) -> Summary | None:
        runs = [r for r in self.runs() if not interactions_only or r.trigger != "load"]
        if not runs:
            return None
        ordered = sorted(r.seconds for r in runs)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] * 1000

        return Summary(len(ordered), pct(0.5), pct(0.95), sum(s <= BUDGET_S for s in ordered) / len(ordered))


RUNS = RunMetrics()
