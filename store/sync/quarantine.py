"""Pulled changes this device cannot apply, kept aside instead of stopping every pull.

A form whose definition this Fieldbook cannot load — a field type it does not know, which is what
a newer Fieldbook's new type looks like, or whatever a hostile device pushed — once made every
pull fail at that change, for good: the batch rolled back and the cursor never moved. Now such a
form change is *held* in ``sync_quarantine`` (kept whole, with the reason in plain words), and so
is every record change of that form version (its data is kept, not applied without its form); the
cursor moves on and everything after it is received. Each pull first tries the held changes again
(``retry``): after an update that knows the type they apply and leave the quarantine. The Conflicts
page lists what is held and why.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb

from store.core.db import Store
from store.core.errors import ValidationError
from store.formdef import form_from_json
from store.formdef.model import FIELD_TYPES
from store.sync.change import ServerChange

UNKNOWN_TYPE = "unknown_type"
BAD_FORM = "bad_form"
FORM_HELD = "form_held"


def _types(fields: Any) -> Iterable[str]:
    for f in fields if isinstance(fields, list) else []:
        if isinstance(f, Mapping):
            yield str(f.get("type"))
            yield from _types(f.get("fields"))


def form_problem(definition: Any) -> tuple[str, str] | None:
    """Why a pulled form definition cannot be used here (code, sentence), or None if it can."""
    unknown = sorted({t for t in _types(definition.get("fields") if isinstance(definition, Mapping) else None)} - set(FIELD_TYPES))
    if unknown:
        return UNKNOWN_TYPE, (
            f"This form uses a field type this Fieldbook does not know ({', '.join(unknown)}): update Fieldbook to use "
            "this form. Its records are kept and arrive then."
        )
    try:
        form_from_json(definition)
    except (ValidationError, TypeError, AttributeError) as exc:
        return BAD_FORM, f"This form cannot be used here: {exc} Its records are kept until a usable version arrives."
    return None


def hold(con: duckdb.DuckDBPyConnection, server: str, change: ServerChange, code: str, reason: str) -> None:
    con.execute(
        """INSERT INTO sync_quarantine (server, seq, change_id, device_id, entity, entity_id, op, payload, hlc, created_at,
                                        reason_code, reason, held_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()) ON CONFLICT DO NOTHING""",
        [server, change.seq, change.change_id, change.device_id, change.entity, change.entity_id, change.op,
         json.dumps(change.payload, ensure_ascii=False, default=str), change.hlc, change.created_at, code, reason],
    ).fetchall()


def held_forms(con: duckdb.DuckDBPyConnection, server: str) -> set[tuple[str, int]]:
    """(project, form version) of every form change held for ``server``."""
    rows = con.execute(
        "SELECT payload->>'project_id', CAST(payload->>'version' AS INTEGER) FROM sync_quarantine WHERE server = ? AND entity = 'form'",
        [server],
    ).fetchall()
    return {(str(p), int(v)) for p, v in rows}


def held_changes(store: Store, server: str) -> list[ServerChange]:
    """The held changes of ``server`` in server order, as ``ServerChange`` again."""
    rows = store.read(
        "SELECT seq, change_id, device_id, entity, entity_id, op, payload, hlc, created_at FROM sync_quarantine "
        "WHERE server = ? ORDER BY seq",
        [server],
    )
    return [ServerChange(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8]) for r in rows]


def release(con: duckdb.DuckDBPyConnection, server: str, seqs: Iterable[int]) -> None:
    for seq in seqs:
        con.execute("DELETE FROM sync_quarantine WHERE server = ? AND seq = ?", [server, seq]).fetchall()


def quarantined(store: Store) -> list[dict[str, Any]]:
    """What is held, oldest first: for the Conflicts page and ``fieldbook sync status``."""
    rows = store.read(
        "SELECT server, seq, entity, entity_id, payload->>'project_id', device_id, reason_code, reason, held_at "
        "FROM sync_quarantine ORDER BY held_at, seq"
    )
    keys = ("server", "seq", "entity", "entity_id", "project_id", "device_id", "reason_code", "reason", "held_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]
