"""Push: the local outbox (``changes``) to the server, in order, in batches.

Per batch, ONE server transaction: COPY the batch into a temp table, insert it into ``change_log``
with ``ON CONFLICT (change_id) DO NOTHING``, and apply to the current-state tables only the rows
actually inserted. Only after that COMMIT are the rows removed from the local outbox. A batch sent
again after a lost connection (the server committed, we never heard) therefore changes nothing
twice: its change ids are already in ``change_log``, nothing is inserted, nothing re-applied.

Concurrent edits: a record change whose ``base_hlc`` is not the server's current version of that
record, while the current version came from another device, was made without seeing it. Both
versions go into ``conflicts`` (winner = the later hybrid-clock stamp, which becomes current),
unless they agree on data, status and deleted (nothing to choose between).

Resolutions: a record change whose payload carries ``resolves`` (store/sync/conflicts.py) marks
resolved every open server conflict of that record whose two versions are both among those stamps
(after this batch's own conflicts are recorded, so a version and its resolution may travel together).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import psycopg

from store.core.db import Store

BATCH = 5000
# All pushes take this lock for their transaction: change_log's seq is then committed in order,
# which is what lets a puller trust "nothing below my cursor can still appear".
PUSH_LOCK = 0x46_42_50_53  # "FBPS"


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    change_id: str
    entity: str
    entity_id: str
    op: str
    payload: str  # JSON text
    hlc: str
    device_id: str
    created_at: datetime


@dataclass(frozen=True)
class BatchResult:
    sent: int
    inserted: int  # new in change_log (the rest were there from an earlier, interrupted push)
    conflicts: int


def read_outbox(store: Store, limit: int = BATCH) -> list[OutboxRow]:
    """The oldest ``limit`` outbox rows, in the order they were written."""
    rows = store.read(
        "SELECT seq, change_id, entity, entity_id, op, payload, hlc, device_id, created_at FROM changes ORDER BY seq LIMIT ?", [limit]
    )
    return [OutboxRow(*r) for r in rows]


def forget_pushed(store: Store, rows: Sequence[OutboxRow]) -> None:
    """Remove rows from the outbox — only ever after the server committed them."""
    if rows:
        first, last = rows[0].seq, rows[-1].seq
        store.write(lambda con: con.execute("DELETE FROM changes WHERE seq BETWEEN ? AND ?", [first, last]).fetchall())


_INCOMING = """CREATE TEMP TABLE fb_incoming (
    ord integer, change_id uuid, device_id text, entity text, entity_id text, op text, payload jsonb, hlc text,
    created_at timestamptz) ON COMMIT DROP"""
_NEW = "CREATE TEMP TABLE fb_new (LIKE fb_incoming, seq bigint) ON COMMIT DROP"
_LOG = """WITH ins AS (
    INSERT INTO change_log (change_id, device_id, entity, entity_id, op, payload, hlc, created_at)
    SELECT change_id, device_id, entity, entity_id, op, payload, hlc, created_at FROM fb_incoming ORDER BY ord
    ON CONFLICT (change_id) DO NOTHING
    RETURNING change_id, seq)
INSERT INTO fb_new SELECT i.*, ins.seq FROM fb_incoming i JOIN ins USING (change_id)"""

# The server's current version before each incoming change: the record's row, unless an earlier
# change of this batch (same device) is later. Only a current version from ANOTHER device that the
# change was not based on makes a conflict — and only if the two differ in data, status or deleted
# (two identical resolutions of one conflict made on two devices: the later stamp simply wins).
_RECORD_CONFLICTS = """INSERT INTO conflicts (entity, record_id, winner, loser, winner_device, loser_device)
SELECT 'record', n.entity_id,
       CASE WHEN n.hlc > r.hlc THEN n.payload ELSE r.payload END,
       CASE WHEN n.hlc > r.hlc THEN r.payload ELSE n.payload END,
       CASE WHEN n.hlc > r.hlc THEN n.device_id ELSE r.device_id END,
       CASE WHEN n.hlc > r.hlc THEN r.device_id ELSE n.device_id END
FROM (SELECT n.*, max(n.hlc) OVER (PARTITION BY n.entity_id ORDER BY n.ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS batch_prev
      FROM fb_new n WHERE n.entity = 'record') n
JOIN records r ON r.id = n.entity_id
WHERE (n.batch_prev IS NULL OR r.hlc > n.batch_prev)
  AND r.device_id <> n.device_id AND r.hlc <> n.hlc
  AND (n.payload->>'base_hlc') IS DISTINCT FROM r.hlc
  AND NOT (n.payload->'data' IS NOT DISTINCT FROM r.data AND n.payload->>'status' IS NOT DISTINCT FROM r.status
           AND coalesce((n.payload->>'deleted')::boolean, false) = coalesce(r.deleted, false))"""

_RESOLVED = """UPDATE conflicts c SET resolved_at = now(),
       resolution = jsonb_build_object('kind', 'resolved_elsewhere', 'hlc', n.hlc, 'device_id', n.device_id, 'by', n.payload->>'updated_by')
FROM fb_new n
WHERE n.entity = 'record' AND jsonb_typeof(n.payload->'resolves') = 'array'
  AND c.entity = 'record' AND c.record_id = n.entity_id AND c.resolved_at IS NULL
  AND (n.payload->'resolves') ? (c.winner->>'hlc') AND (n.payload->'resolves') ? (c.loser->>'hlc')"""

_RECORDS = """INSERT INTO records (id, project_id, form_version, data, status, version, deleted, created_at, created_by,
                     updated_at, updated_by, hlc, device_id, payload)
SELECT DISTINCT ON (entity_id) entity_id, payload->>'project_id', (payload->>'form_version')::int, payload->'data',
       payload->>'status', (payload->>'version')::int, (payload->>'deleted')::boolean, (payload->>'created_at')::timestamptz,
       payload->>'created_by', (payload->>'updated_at')::timestamptz, payload->>'updated_by', hlc, device_id, payload
FROM fb_new WHERE entity = 'record' ORDER BY entity_id, hlc DESC
ON CONFLICT (id) DO UPDATE SET project_id = excluded.project_id, form_version = excluded.form_version, data = excluded.data,
    status = excluded.status, version = excluded.version, deleted = excluded.deleted, created_at = excluded.created_at,
    created_by = excluded.created_by, updated_at = excluded.updated_at, updated_by = excluded.updated_by, hlc = excluded.hlc,
    device_id = excluded.device_id, payload = excluded.payload, received_at = now()
WHERE excluded.hlc > records.hlc"""

_PROJECTS = """INSERT INTO projects (id, name, description, archived, deleted_at, is_demo, hlc, device_id, payload)
SELECT DISTINCT ON (entity_id) entity_id, payload->>'name', coalesce(payload->>'description', ''),
       coalesce((payload->>'archived')::boolean, false), (payload->>'deleted_at')::timestamptz,
       coalesce((payload->>'is_demo')::boolean, false), hlc, device_id, payload
FROM fb_new WHERE entity = 'project' ORDER BY entity_id, hlc DESC
ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, archived = excluded.archived,
    deleted_at = excluded.deleted_at, is_demo = excluded.is_demo, hlc = excluded.hlc, device_id = excluded.device_id,
    payload = excluded.payload, updated_at = now()
WHERE excluded.hlc > projects.hlc"""

# Form versions are never edited: two devices that both made "version 2" of a project's form keep
# the first that reached the server; the other definition is kept as a conflict.
_FORM_CONFLICTS = """INSERT INTO conflicts (entity, record_id, winner, loser, winner_device, loser_device)
SELECT 'form', n.entity_id,
       jsonb_build_object('project_id', f.project_id, 'version', f.version, 'definition', f.definition, 'source', f.source),
       n.payload, f.device_id, n.device_id
FROM fb_new n JOIN forms f ON f.project_id = n.payload->>'project_id' AND f.version = (n.payload->>'version')::int
WHERE n.entity = 'form' AND f.definition <> n.payload->'definition'"""

_FORMS = """INSERT INTO forms (project_id, version, definition, source, hlc, device_id)
SELECT DISTINCT ON (payload->>'project_id', (payload->>'version')::int) payload->>'project_id', (payload->>'version')::int,
       payload->'definition', coalesce(payload->>'source', 'sync'), hlc, device_id
FROM fb_new WHERE entity = 'form' ORDER BY payload->>'project_id', (payload->>'version')::int, ord
ON CONFLICT (project_id, version) DO NOTHING"""

_DEVICE = """INSERT INTO devices (id) VALUES (%s)
ON CONFLICT (id) DO UPDATE SET last_seen = now()"""


def push_batch(conn: psycopg.Connection, device_id: str, rows: Sequence[OutboxRow]) -> BatchResult:
    """The server half of pushing one batch, in ONE transaction; safe to repeat with the same rows."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [PUSH_LOCK])
        conn.execute(_INCOMING)
        conn.execute(_NEW)
        with conn.cursor().copy("COPY fb_incoming FROM STDIN") as copy:
            for i, r in enumerate(rows):
                copy.write_row((i, r.change_id, r.device_id, r.entity, r.entity_id, r.op, r.payload, r.hlc, r.created_at))
        inserted = conn.execute(_LOG).rowcount
        conflicts = 0
        if inserted:
            conflicts += conn.execute(_RECORD_CONFLICTS).rowcount
            conn.execute(_RESOLVED)
            conn.execute(_RECORDS)
            conn.execute(_PROJECTS)
            conflicts += conn.execute(_FORM_CONFLICTS).rowcount
            conn.execute(_FORMS)
        conn.execute(_DEVICE, [device_id])
    return BatchResult(len(rows), max(inserted, 0), max(conflicts, 0))


@dataclass(frozen=True)
class PushResult:
    pushed: int
    conflicts: int


def push(
    store: Store,
    conn: psycopg.Connection,
    device_id: str,
    *,
    batch: int = BATCH,
    progress: Callable[[str, int], None] | None = None,
    check_cancelled: Callable[[], bool] | None = None,
) -> PushResult:
    """Push the whole outbox (changes written meanwhile included); returns what was sent."""
    pushed = conflicts = 0
    while True:
        if check_cancelled is not None and check_cancelled():
            break
        rows = read_outbox(store, batch)
        if not rows:
            break
        result = push_batch(conn, device_id, rows)
        forget_pushed(store, rows)
        pushed += result.sent
        conflicts += result.conflicts
        if progress is not None:
            progress("push", pushed)
    return PushResult(pushed, conflicts)
