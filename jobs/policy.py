"""How often and how soon a failed job is tried again: exponential backoff with jitter.

Jitter spreads retries of jobs that failed together (e.g. all syncs when the network dropped), so
they do not come back in one burst.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3  # first run included; 1 means never retry
    base_delay: float = 2.0  # seconds before the second attempt
    max_delay: float = 300.0
    jitter: float = 0.2  # each delay is scaled by a random factor in [1 - jitter, 1 + jitter]

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return backoff_delay(attempt, self.base_delay, self.max_delay, self.jitter, rng)


def backoff_delay(attempt: int, base: float, cap: float, jitter: float, rng: random.Random | None = None) -> float:
    """``base * 2**(attempt-1)``, capped at ``cap``, times a random factor ``1 ± jitter``."""
    raw = min(cap, base * 2 ** max(0, attempt - 1))
    factor = 1 + (rng or random).uniform(-jitter, jitter)
    return max(0.0, raw * factor)
