"""What the ledger knows about a job (the seed's ``JobResult``), and small pure helpers on it."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
CANCELLED = "cancelled"

STATUSES = (QUEUED, RUNNING, DONE, FAILED, CANCELLED)
ACTIVE = (QUEUED, RUNNING)
FINISHED = (DONE, FAILED, CANCELLED)


_id_lock = threading.Lock()
_last_id = [0, 0]  # (milliseconds, sequence) of the last id made in this process


def new_job_id() -> str:
    """A UUIDv7 (RFC 9562): unique, and ids made by this process sort by creation time."""
    with _id_lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_id[0]:
            ms, seq = _last_id[0], _last_id[1] + 1
            if seq > 0xFFF:
                ms, seq = ms + 1, 0
        else:
            seq = int.from_bytes(os.urandom(2), "big") & 0x7FF
        _last_id[0], _last_id[1] = ms, seq
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | seq << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class JobResult:
    """One row of the ``jobs`` ledger."""

    id: str
    name: str
    args: dict[str, Any]
    status: str
    priority: int = 0
    progress: float = 0.0
    message: str = ""
    result: Any = None
    error: str | None = None
    attempts: int = 0
    max_attempts: int = 1
    timeout_s: float | None = None
    lease_expires_at: dt.datetime | None = None
    run_after: dt.datetime | None = None
    created_at: dt.datetime = field(default_factory=utcnow)
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    updated_at: dt.datetime = field(default_factory=utcnow)
    created_by: str = "system"
    depends_on: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    cancel_requested: bool = False
    checkpoint: Any = None
    queue_ref: str | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def elapsed(self, now: dt.datetime | None = None) -> float | None:
        """Seconds since this attempt started (to its end once finished)."""
        if self.started_at is None:
            return None
        end = self.finished_at if self.finished and self.finished_at else (now or utcnow())
        return max(0.0, (end - self.started_at).total_seconds())

    def remaining(self, now: dt.datetime | None = None) -> float | None:
        """Estimated seconds left of a running job, from its progress so far."""
        if self.status != RUNNING:
            return None
        return estimate_remaining(self.progress, self.elapsed(now))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (times as ISO 8601)."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, dt.datetime):
                data[key] = value.isoformat()
            elif isinstance(value, tuple):
                data[key] = list(value)
        return data


def estimate_remaining(progress: float, elapsed: float | None, min_progress: float = 0.02) -> float | None:
    """Seconds left if the rest goes as fast as the part done; ``None`` while too early to tell."""
    if elapsed is None or progress < min_progress:
        return None
    if progress >= 1:
        return 0.0
    return elapsed * (1 - progress) / progress


def format_duration(seconds: float | None) -> str:
    """``42 s``, ``3 min 05 s``, ``1 h 02 min``; ``–`` when unknown."""
    if seconds is None:
        return "–"
    total = int(round(seconds))
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
