"""Three devices editing offline and syncing in random orders converge, and nothing is lost.

The model: every version ever saved (record id, stamp, data, deleted). After everyone has synced
twice over, every device and the server hold, for each record, the saved version with the latest
stamp; every saved version reached the server's change log and is in its device's history; the
outboxes are empty. Hypothesis drives random interleavings of edits, deletes, creates and syncs.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.core.db import Store
from store.fielddata.records import Record, create_record, delete_record, save_record, undelete_record
from store.sync import init_server, sync_now
from tests.sync.helpers import USER, local_records, new_project, open_device, outbox, server_records, server_rows
from tests.sync.pg import PgServer

pytestmark = pytest.mark.slow
DEVICES = 3


@dataclass
class World:
    url: str
    stores: list[Store]
    records: list[str] = field(default_factory=list)
    saved: list[tuple[int, Record]] = field(default_factory=list)  # (device, version) of every save

    def remember(self, device: int, record: Record) -> None:
        self.saved.append((device, record))
        if record.id not in self.records:
            self.records.append(record.id)


def make_world(pg: PgServer, folder: Path, database: str) -> World:
    url = pg.url(database)
    init_server(url)
    world = World(url, [open_device(folder, f"d{i}") for i in range(DEVICES)])
    project = new_project(world.stores[0])
    for i in range(3):
        world.remember(0, create_record(world.stores[0], project, {"plot": i}, user=USER))
    for store in world.stores:
        sync_now(store, url)
    world.records.append(project)  # the last entry is the project id (for creates)
    return world


def do(world: World, step: tuple[Any, ...]) -> None:
    kind, device, pick, value = step
    store = world.stores[device]
    if kind == "sync":
        sync_now(store, world.url)
        return
    project = world.records[-1]
    if kind == "create":
        record = create_record(store, project, {"plot": value}, user=USER)
        world.records.insert(-1, record.id)
        world.remember(device, record)
        return
    rid = world.records[pick % (len(world.records) - 1)]
    if not store.read_one("SELECT 1 FROM records WHERE id = ?", [rid]):
        return  # created elsewhere, not pulled here yet
    if kind == "edit":
        world.remember(device, save_record(store, rid, {"plot": value, "by": device}, user=USER, status="draft"))
    elif kind == "delete":
        world.remember(device, delete_record(store, rid, user=USER))
    elif kind == "undelete":
        world.remember(device, undelete_record(store, rid, user=USER))


def settle_and_check(world: World) -> None:
    for device in (0, 1, 2, 0, 1):
        sync_now(world.stores[device], world.url)
    expected = server_records(world.url)
    for store in world.stores:
        assert outbox(store) == 0
        assert local_records(store) == expected
    latest: dict[str, Record] = {}
    for _, record in world.saved:
        if record.id not in latest or record.hlc > latest[record.id].hlc:
            latest[record.id] = record
    assert {rid: (r.data, r.deleted, r.hlc) for rid, r in latest.items()} == {rid: (v[2], v[4], v[5]) for rid, v in expected.items()}
    logged = {(r[0], r[1]) for r in server_rows(world.url, "SELECT entity_id, hlc FROM change_log WHERE entity = 'record'")}
    for device, record in world.saved:  # nothing lost: on the server, and in its device's history
        assert (record.id, record.hlc) in logged
        assert world.stores[device].read_one("SELECT 1 FROM record_versions WHERE record_id = ? AND hlc = ?", [record.id, record.hlc])
    counts = server_rows(world.url, "SELECT count(*), count(DISTINCT change_id) FROM change_log")[0]
    assert counts[0] == counts[1]


def run_world(pg: PgServer, steps: list[tuple[Any, ...]]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="fieldbook-sync-"))
    database = pg.create_database()
    world = make_world(pg, folder, database)
    try:
        for step in steps:
            do(world, step)
        settle_and_check(world)
    finally:
        for store in world.stores:
            store.close()
        shutil.rmtree(folder, ignore_errors=True)
        pg.drop_database(database)


@pytest.mark.parametrize("seed", range(4))
def test_offline_edits_then_syncs_in_random_orders_converge(pg_server, seed):
    rng = random.Random(seed)
    steps: list[tuple[Any, ...]] = []
    for round_ in range(3):
        for _ in range(8):  # everyone edits offline ...
            steps.append((rng.choice(["edit", "edit", "delete", "undelete", "create"]), rng.randrange(DEVICES), rng.randrange(10), round_ * 100 + rng.randrange(100)))
        order = list(range(DEVICES))  # ... then syncs, in a random order
        rng.shuffle(order)
        steps.extend(("sync", d, 0, 0) for d in order)
    run_world(pg_server, steps)


step_strategy = st.tuples(
    st.sampled_from(["edit", "edit", "edit", "delete", "undelete", "create", "sync", "sync"]),
    st.integers(0, DEVICES - 1),
    st.integers(0, 20),
    st.integers(0, 1000),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step_strategy, min_size=1, max_size=30))
def test_random_interleavings_converge_and_lose_nothing(pg_server, steps):
    run_world(pg_server, steps)
