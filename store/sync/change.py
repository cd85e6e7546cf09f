"""A change as the server's change log hands it out: what a pull fetches (store/sync/pull.py),
applies (store/sync/apply.py) or holds aside (store/sync/quarantine.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ServerChange:
    seq: int
    change_id: str
    device_id: str
    entity: str
    entity_id: str
    op: str
    payload: dict[str, Any]
    hlc: str
    created_at: datetime | None
