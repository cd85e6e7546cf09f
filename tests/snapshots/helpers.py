"""Building blocks of the snapshot tests: a data folder with rows in every table and attachments,
and a comparison of two databases table by table."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from store.core.config import AppConfig, load_config
from store.core.db import Store
from store.fielddata.attachments import save_attachment
from store.fielddata.projects import create_project
from store.fielddata.records import create_record
from store.formdef.demo import demo_form
from store.inputs.forms import FormRecord, create_snapshot, save_form
from store.inputs.uistate import UiState, save_ui_state
from store.inputs.widgets import InputStore
from store.snapshots.manifest import row_counts
from tests.conftest import clean_env

USER = "tester"


def config(home: Path, **env: str) -> AppConfig:
    cfg = load_config(clean_env(home, **env))
    cfg.paths.ensure()
    return cfg


def fill(store: Store, cfg: AppConfig, tag: str = "a", attachments: int = 3) -> None:
    """Rows in every table of the schema, and ``attachments`` files (two share their content)."""
    inputs = InputStore(store)
    inputs.persist(USER, "inputs", "observer", f"Ada {tag} 🌳")
    inputs.persist(USER, "inputs", "count", 42)
    inputs.persist(USER, "inputs", "observed_on", dt.date(2024, 5, 17))
    inputs.persist(USER, "inputs", "amount", Decimal("1.10"))
    save_ui_state(store, USER, UiState(page="inputs", prefs={"language": "de"}))
    save_form(store, USER, "inputs", FormRecord(saved={"observer": tag}, undo=({"observer": ""},), status="saved"))
    create_snapshot(store, USER, "inputs", f"version {tag}", {"observer": tag})
    for i in range(attachments):
        content = f"photo {tag} {i % 2}".encode() * 1000  # files 0 and 2 have the same content
        ref = save_attachment(store, cfg.paths.attachments_dir, f"p{i}.jpg", content, "image/jpeg", 10_000_000)
        inputs.persist(USER, "inputs", f"photo{i}", ref)
    store.record_event("info", "test", f"filled {tag}")
    now = dt.datetime.now(dt.UTC)
    store.execute(
        """INSERT INTO jobs (id, name, args, status, max_attempts, created_at, updated_at, created_by, depends_on, tags)
           VALUES (?, 'demo', '{}', 'done', 1, ?, ?, 'test', [], [])""",
        [f"job-{tag}-{now.timestamp()}", now, now],
    )
    project = create_project(store, f"Trees {tag} {now.timestamp()}", demo_form(), user=USER)
    create_record(store, project.id, {"notes": f"tree {tag}"}, user=USER)
    store.execute("INSERT INTO sync_state VALUES (?, 'x', ?)", [f"test-{tag}-{now.timestamp()}", now])  # online mode (store/sync/)
    store.execute(
        "INSERT INTO conflicts (id, entity, record_id, local, remote, winner, detected_at) VALUES (?, 'record', 'r', '{}', '{}', 'local', ?)",
        [f"conflict-{tag}-{now.timestamp()}", now],
    )
    store.execute(  # a pulled change held back (store/sync/quarantine.py)
        """INSERT INTO sync_quarantine (server, seq, change_id, device_id, entity, entity_id, op, payload, hlc, reason_code, reason, held_at)
           VALUES ('postgresql://s/db', ?, 'c', 'd', 'form', 'f', 'upsert', '{}', 'h', 'unknown_type', 'test', ?)""",
        [int(now.timestamp() * 1000), now],
    )
    empty = [t for t, n in store.writer.submit_exclusive(row_counts, writes=False).result().items() if n == 0]
    assert not empty, f"tables without rows: {empty} (extend fill())"


def open_filled(cfg: AppConfig, tag: str = "a") -> Store:
    store = Store.open(cfg.paths.database)
    fill(store, cfg, tag)
    return store


def dump(db: Path) -> dict[str, Any]:
    """Every table's rows (sorted, as JSON text) of the database file ``db``, opened read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in row_counts(con):
            rows = con.execute(f'SELECT * FROM "{table}"').fetchall()
            out[table] = sorted(json.dumps(r, default=str, sort_keys=True) for r in rows)
        return out
    finally:
        con.close()


def dump_store(store: Store) -> dict[str, Any]:
    out = {}
    for table in store.writer.submit_exclusive(row_counts, writes=False).result():
        rows = store.read(f'SELECT * FROM "{table}"')
        out[table] = sorted(json.dumps(r, default=str, sort_keys=True) for r in rows)
    return out


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
