"""The hybrid logical clock, UUIDv7 ids, the device identity and the tagged read cache."""

from __future__ import annotations

import threading
import uuid

from store.core.cache import TagCache
from store.core.db import Store
from store.core.device import device_of
from store.core.hlc import Clock, parse
from store.core.ids import uuid7


def test_uuid7_is_version_7_and_time_ordered() -> None:
    a, b = uuid7(1_000), uuid7(2_000)
    assert uuid.UUID(a).version == 7 and uuid.UUID(a).variant == uuid.RFC_4122
    assert a < b
    many = [uuid7() for _ in range(5000)]
    assert many == sorted(many) and len(set(many)) == 5000  # strictly increasing within a millisecond
    assert uuid7(0) > many[-1]  # a clock set back does not break the order


def test_clock_never_goes_backwards_even_when_the_wall_clock_does() -> None:
    wall = [5_000]
    clock = Clock("dev1", wall_ms=lambda: wall[0])
    first = clock.tick()
    wall[0] = 1_000  # someone set the clock back
    second = clock.tick()
    assert second > first and parse(second)[:2] == (5_000, 1)


def test_observe_moves_past_a_remote_stamp() -> None:
    clock = Clock("a", wall_ms=lambda: 10)
    clock.observe("0000000009999-00007-b")
    assert clock.tick() > "0000000009999-00007-b"


def test_device_id_is_kept_in_the_database(tmp_path) -> None:
    path = tmp_path / "db.duckdb"
    store = Store.open(path)
    first = device_of(store).id
    assert device_of(store) is device_of(store)
    store.close()
    store = Store.open(path)
    try:
        assert device_of(store).id == first
    finally:
        store.close()


def test_cache_hits_until_its_tag_is_invalidated() -> None:
    cache = TagCache()
    calls = []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert cache.get_or_compute("k", compute, tags=["p"]) == 1
    assert cache.get_or_compute("k", compute, tags=["p"]) == 1
    cache.invalidate("other")
    assert cache.get_or_compute("k", compute, tags=["p"]) == 1
    cache.invalidate("p")
    assert cache.get_or_compute("k", compute, tags=["p"]) == 2


def test_a_result_computed_across_an_invalidation_is_not_kept() -> None:
    cache = TagCache()
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(5)
        return "stale"

    result: list[str] = []
    worker = threading.Thread(target=lambda: result.append(cache.get_or_compute("k", slow, tags=["p"])))
    worker.start()
    started.wait(5)
    cache.invalidate("p")  # a write committed while the slow read ran
    release.set()
    worker.join()
    assert result == ["stale"]
    assert cache.get_or_compute("k", lambda: "fresh", tags=["p"]) == "fresh"


def test_cache_is_bounded() -> None:
    cache = TagCache(max_entries=3)
    for i in range(10):
        cache.get_or_compute(i, lambda i=i: i)
    assert len(cache._entries) == 3


def test_a_full_counter_borrows_the_next_millisecond() -> None:
    clock = Clock("d", wall_ms=lambda: 1)
    stamps = [clock.tick() for _ in range(100_005)]  # the wall clock stands still
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert parse(stamps[-1])[0] == 2
