"""Persisted form state and named snapshots: defaults, exact round trips, newest first."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

from store.core.db import Store
from store.core.values import FileRef
from store.inputs.forms import FormRecord, create_snapshot, list_snapshots, load_form, save_form

PHOTO = FileRef("ab" * 32, "site.jpg", 2048, "image/jpeg")


def test_unknown_form_gives_defaults(store: Store) -> None:
    assert load_form(store, "u", "never-seen") == FormRecord()
    assert FormRecord() == FormRecord(saved={}, undo=(), redo=(), status="new", saved_at=None)


def test_save_and_load_round_trip(store: Store, db_path: Path) -> None:
    record = FormRecord(
        saved={"site": "North ☃", "visited": dt.date(2024, 6, 1), "range": (1, 9), "photo": PHOTO},
        undo=(
            {},
            {"site": "N", "visited": dt.date(2024, 5, 31)},
            {"site": "North", "range": (2, 8), "at": dt.time(7, 45, 0, 123456)},
        ),
        redo=({"photo": PHOTO, "tags": ["a", ("b", "c")], "amount": Decimal("12.50")},),
        status="applied",
    )
    save_form(store, "u", "survey", record)
    assert load_form(store, "u", "survey") == record
    store.close()
    again = Store.open(db_path)
    try:
        loaded = load_form(again, "u", "survey")
    finally:
        again.close()
    assert loaded == record
    assert type(loaded.undo) is tuple and type(loaded.redo) is tuple
    assert type(loaded.undo[2]["range"]) is tuple
    assert type(loaded.redo[0]["tags"][1]) is tuple
    assert type(loaded.saved["photo"]) is FileRef


def test_save_overwrites_and_keeps_forms_apart(store: Store) -> None:
    save_form(store, "u", "a", FormRecord(saved={"x": 1}, status="draft"))
    save_form(store, "u", "b", FormRecord(saved={"x": 2}, status="saved"))
    save_form(store, "v", "a", FormRecord(saved={"x": 3}))
    newer = FormRecord(saved={"x": 10}, undo=({"x": 1},), status="applied")
    save_form(store, "u", "a", newer)
    assert load_form(store, "u", "a") == newer
    assert load_form(store, "u", "b") == FormRecord(saved={"x": 2}, status="saved")
    assert load_form(store, "v", "a") == FormRecord(saved={"x": 3})
    assert store.read("SELECT count(*) FROM form_state") == [(3,)]


def test_saved_at_round_trips_as_the_same_moment(store: Store) -> None:
    moment = dt.datetime(2024, 6, 1, 12, 30, 5, 250_000, tzinfo=dt.UTC)
    save_form(store, "u", "f", FormRecord(status="saved", saved_at=moment))
    loaded = load_form(store, "u", "f").saved_at
    assert loaded is not None and loaded.tzinfo is not None
    assert loaded == moment


def test_non_finite_numbers_in_the_undo_history(store: Store) -> None:
    save_form(store, "u", "f", FormRecord(undo=({"x": math.inf, "y": -0.0},), redo=({"z": math.nan},)))
    loaded = load_form(store, "u", "f")
    assert loaded.undo == ({"x": math.inf, "y": -0.0},)
    assert math.copysign(1, loaded.undo[0]["y"]) == -1
    assert math.isnan(loaded.redo[0]["z"])


def test_snapshots_newest_first_with_exact_data(store: Store) -> None:
    datas = [
        {"site": "A", "when": dt.date(2024, 1, 1)},
        {"site": "B", "range": (3, 4), "photo": PHOTO},
        {"site": "C", "nested": {"at": dt.datetime(2024, 1, 2, 3, 4, 5), "list": [(1,), [2]]}},
    ]
    ids = [create_snapshot(store, "u", "survey", f"snap {i}", d) for i, d in enumerate(datas)]
    create_snapshot(store, "u", "other form", "elsewhere", {"x": 1})
    create_snapshot(store, "someone else", "survey", "theirs", {"x": 2})
    assert ids == sorted(ids) and len(set(ids)) == 3
    snaps = list_snapshots(store, "u", "survey")
    assert [s.id for s in snaps] == ids[::-1]
    assert [s.name for s in snaps] == ["snap 2", "snap 1", "snap 0"]
    assert [s.data for s in snaps] == datas[::-1]
    assert type(snaps[1].data["range"]) is tuple
    assert type(snaps[0].data["nested"]["list"][0]) is tuple
    assert all(isinstance(s.created_at, dt.datetime) for s in snaps)
    assert snaps[0].created_at >= snaps[-1].created_at
    assert list_snapshots(store, "u", "no such form") == []
