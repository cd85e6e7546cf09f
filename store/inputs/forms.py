"""Persisted form state (saved values, undo/redo stacks, status) and named form snapshots.

The draft values of a form are ordinary inputs (scope ``form:<id>``); this keeps what a restart
needs besides them: the last applied/saved values and the undo history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from store.core import values
from store.core.db import Store

Values = dict[str, Any]


@dataclass(frozen=True)
class FormRecord:
    saved: Values = field(default_factory=dict)
    undo: tuple[Values, ...] = ()
    redo: tuple[Values, ...] = ()
    status: str = "new"  # new | draft | applied | saved
    saved_at: datetime | None = None


@dataclass(frozen=True)
class FormSnapshot:
    id: int
    name: str
    data: Values
    created_at: datetime


def _dump_stack(stack: tuple[Values, ...]) -> str:
    return json.dumps([values.encode(v) for v in stack])


def _load_stack(text: str) -> tuple[Values, ...]:
    return tuple(values.decode(v) for v in json.loads(text))


def load_form(store: Store, user: str, form_id: str) -> FormRecord:
    row = store.read_one(
        "SELECT saved, undo, redo, status, saved_at FROM form_state WHERE user_id = ? AND form_id = ?", [user, form_id]
    )
    if row is None:
        return FormRecord()
    saved, undo, redo, status, saved_at = row
    return FormRecord(values.loads(saved), _load_stack(undo), _load_stack(redo), status, saved_at)


def save_form(store: Store, user: str, form_id: str, record: FormRecord) -> None:
    params = [
        user,
        form_id,
        values.dumps(record.saved),
        _dump_stack(record.undo),
        _dump_stack(record.redo),
        record.status,
        record.saved_at,
    ]
    store.execute(
        """INSERT INTO form_state (user_id, form_id, saved, undo, redo, status, saved_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, now())
           ON CONFLICT (user_id, form_id) DO UPDATE SET saved = excluded.saved, undo = excluded.undo,
             redo = excluded.redo, status = excluded.status, saved_at = excluded.saved_at,
             updated_at = excluded.updated_at""",
        params,
    )


def create_snapshot(store: Store, user: str, form_id: str, name: str, data: Values) -> int:
    def insert(con: Any) -> int:
        return int(
            con.execute(
                "INSERT INTO form_snapshots (user_id, form_id, name, data, created_at) VALUES (?, ?, ?, ?, now()) RETURNING id",
                [user, form_id, name, values.dumps(data)],
            ).fetchall()[0][0]
        )

    return store.write(insert)


def list_snapshots(store: Store, user: str, form_id: str) -> list[FormSnapshot]:
    rows = store.read(
        "SELECT id, name, data, created_at FROM form_snapshots WHERE user_id = ? AND form_id = ? ORDER BY id DESC",
        [user, form_id],
    )
    return [FormSnapshot(i, n, values.loads(d), c) for i, n, d, c in rows]
