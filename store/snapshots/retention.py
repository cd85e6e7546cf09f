"""Which snapshots to keep: generations (hourly, daily, weekly), pins and the newest verified one.

Like restic's ``forget --keep-hourly``: walking from the newest snapshot back, the newest one of
each hour is kept until ``hourly`` hours have one, the same for days and ISO weeks. Snapshots a
person pinned, the newest verified one and the newest one of all are always kept. Snapshots pinned
automatically before a restore are kept for the newest ``pre_restore`` of them only: each restore
makes one, and 18 restores of a 30 MB database once left 1.5 GB that nothing would ever remove.
Pure: no files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    hourly: int = 24
    daily: int = 14
    weekly: int = 8
    pre_restore: int = 5  # automatically pinned "pre-restore" snapshots kept (the newest ones)


@dataclass(frozen=True)
class Candidate:
    id: str
    created_at: dt.datetime  # timezone-aware
    pinned: bool = False
    verified: bool = False
    auto_pinned: str = ""  # the reason it was pinned automatically ("pre-restore"), "" if a person pinned it


Bucket = Callable[[dt.datetime], tuple[int, ...]]


def _hour(t: dt.datetime) -> tuple[int, ...]:
    return (t.year, t.month, t.day, t.hour)


def _day(t: dt.datetime) -> tuple[int, ...]:
    return (t.year, t.month, t.day)


def _week(t: dt.datetime) -> tuple[int, ...]:
    year, week, _ = t.isocalendar()
    return (year, week)


def keep(candidates: Iterable[Candidate], policy: Policy) -> set[str]:
    """The ids to keep (every other one may be removed)."""
    newest_first = sorted(candidates, key=lambda c: (c.created_at, c.id), reverse=True)
    kept = {c.id for c in newest_first if c.pinned and c.auto_pinned != "pre-restore"}
    kept.update([c.id for c in newest_first if c.pinned and c.auto_pinned == "pre-restore"][: max(policy.pre_restore, 0)])
    if newest_first:
        kept.add(newest_first[0].id)
    verified = [c for c in newest_first if c.verified]
    if verified:
        kept.add(verified[0].id)
    for count, bucket in ((policy.hourly, _hour), (policy.daily, _day), (policy.weekly, _week)):
        seen: set[tuple[int, ...]] = set()
        for c in newest_first:
            if len(seen) >= count:
                break
            key = bucket(c.created_at.astimezone(dt.UTC))
            if key not in seen:
                seen.add(key)
                kept.add(c.id)
    return kept


def to_remove(candidates: Iterable[Candidate], policy: Policy) -> list[str]:
    """The ids ``keep`` does not keep, oldest first."""
    items = sorted(candidates, key=lambda c: (c.created_at, c.id))
    kept = keep(items, policy)
    return [c.id for c in items if c.id not in kept]
