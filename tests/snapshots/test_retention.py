"""Retention by generations: pure, so checked on made-up histories."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from store.snapshots.retention import Candidate, Policy, keep, to_remove

T0 = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def every(minutes: int, count: int) -> list[Candidate]:
    return [Candidate(f"s{i:05d}", T0 - dt.timedelta(minutes=minutes * i)) for i in range(count)]


def test_generations() -> None:
    history = every(15, 4 * 24 * 60)  # every 15 minutes for 60 days
    kept = keep(history, Policy(hourly=24, daily=14, weekly=8))
    # 24 hours (newest in each), then days 2..14, then weeks up to 8 ISO weeks: overlapping buckets
    assert 24 + 13 <= len(kept) <= 24 + 14 + 8
    assert "s00000" in kept
    oldest = min(c.created_at for c in history if c.id in kept)
    assert T0 - oldest > dt.timedelta(days=45)


def test_nothing_configured_keeps_newest_pinned_and_newest_verified() -> None:
    history = every(60, 10)
    history[7] = Candidate(history[7].id, history[7].created_at, pinned=True)
    history[4] = Candidate(history[4].id, history[4].created_at, verified=True)
    assert keep(history, Policy(0, 0, 0)) == {"s00000", "s00007", "s00004"}
    assert to_remove(history, Policy(0, 0, 0))[0] == "s00009"  # oldest first


candidates = st.lists(
    st.builds(
        Candidate,
        id=st.uuids().map(str),
        created_at=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 1, 1), timezones=st.just(dt.UTC)),
        pinned=st.booleans(),
        verified=st.booleans(),
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(candidates, st.integers(0, 30), st.integers(0, 20), st.integers(0, 10))
def test_never_removes_pinned_or_newest_verified(items: list[Candidate], hourly: int, daily: int, weekly: int) -> None:
    policy = Policy(hourly, daily, weekly)
    removed = set(to_remove(items, policy))
    assert not {c.id for c in items if c.pinned} & removed
    verified = sorted((c for c in items if c.verified), key=lambda c: (c.created_at, c.id))
    if verified:
        assert verified[-1].id not in removed
    if items:
        assert len(removed) < len(items)
    remaining = [c for c in items if c.id not in removed]
    assert to_remove(remaining, policy) == []  # pruning twice removes nothing more
